#include "tools/bench/submit_lag.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <memory>
#include <thread>
#include <unordered_map>

#include "absl/synchronization/mutex.h"
#include "dienhinh/events/v1/event.grpc.pb.h"
#include "dienhinh/intake/v1/intake_service.grpc.pb.h"
#include "dienhinh/reporting/v1/reporting_service.grpc.pb.h"
#include "tools/bench/calls.h"
#include "tools/bench/closed_loop.h"
#include "tools/bench/nomination_load.h"

namespace dienhinh::bench {
namespace {

using Clock = std::chrono::steady_clock;
constexpr int64_t kNever = -1;

int64_t MicrosSince(Clock::time_point origin) {
  return std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - origin).count();
}

// Follows evaluation's feed on a thread of its own and notes when each nomination of the
// phase is first evaluated.
class EvaluationFollower {
 public:
  EvaluationFollower(const SubmitLagOptions& options,
                     const std::unordered_map<std::string, size_t>& index, Clock::time_point origin)
      : index_(index), origin_(origin), seen_at_(index.size(), kNever) {
    context_ = NewCallContext(options.token, absl::Hours(1));
    thread_ = std::thread([this, options] { Follow(options); });
  }

  ~EvaluationFollower() { Stop(); }

  void Stop() {
    if (!thread_.joinable()) return;
    context_->TryCancel();
    thread_.join();
  }

  int64_t seen() const {
    absl::MutexLock lock(&mu_);
    return seen_;
  }
  // When nomination i was first evaluated (micros since the origin), or kNever.
  int64_t SeenAt(size_t i) const {
    absl::MutexLock lock(&mu_);
    return seen_at_[i];
  }
  std::string error() const {
    absl::MutexLock lock(&mu_);
    return error_;
  }

 private:
  void Follow(const SubmitLagOptions& options) {
    auto stub = events::v1::EventFeed::NewStub(LoopbackChannel(options.evaluation_target));
    events::v1::SubscribeBatchesRequest request;
    request.set_after_sequence(options.evaluation_after);
    // Batches, as the services' own consumers read: the events of one message arrived together.
    auto reader = stub->SubscribeBatches(context_.get(), request);
    events::v1::EventBatch batch;
    while (reader->Read(&batch)) {
      const int64_t now = MicrosSince(origin_);
      absl::MutexLock lock(&mu_);
      for (const events::v1::Event& event : batch.events()) {
        if (!event.has_evaluation_recorded()) continue;
        auto it = index_.find(event.evaluation_recorded().evaluation().nomination());
        if (it == index_.end()) continue;
        if (seen_at_[it->second] == kNever) {
          seen_at_[it->second] = now;
          ++seen_;
        }
      }
    }
    grpc::Status status = reader->Finish();
    if (!status.ok() && status.error_code() != grpc::StatusCode::CANCELLED) {
      absl::MutexLock lock(&mu_);
      error_ = CodeName(status.error_code()) + ": " + status.error_message();
    }
  }

  const std::unordered_map<std::string, size_t>& index_;
  const Clock::time_point origin_;
  std::unique_ptr<grpc::ClientContext> context_;
  std::thread thread_;
  mutable absl::Mutex mu_;
  std::vector<int64_t> seen_at_ ABSL_GUARDED_BY(mu_);
  int64_t seen_ ABSL_GUARDED_BY(mu_) = 0;
  std::string error_ ABSL_GUARDED_BY(mu_);
};

// Polls the summary of one plan back to back on a thread of its own and keeps each answer
// that counted more than the last: (when it arrived, how many more than at the start).
class SummaryPoller {
 public:
  struct Reading {
    int64_t at_us;
    int64_t counted;
  };

  SummaryPoller(const SubmitLagOptions& options, int64_t baseline, Clock::time_point origin)
      : options_(options), baseline_(baseline), origin_(origin) {
    thread_ = std::thread([this] { Poll(); });
  }
  ~SummaryPoller() { Stop(); }

  void Stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }

  int64_t counted() const {
    absl::MutexLock lock(&mu_);
    return readings_.empty() ? 0 : readings_.back().counted;
  }
  // After Stop.
  std::vector<Reading> readings() const {
    absl::MutexLock lock(&mu_);
    return readings_;
  }
  std::vector<int64_t> poll_micros() const {
    absl::MutexLock lock(&mu_);
    return poll_micros_;
  }
  std::string error() const {
    absl::MutexLock lock(&mu_);
    return error_;
  }

 private:
  void Poll() {
    auto stub = reporting::v1::ReportingService::NewStub(LoopbackChannel(options_.reporting_target));
    reporting::v1::GetSummaryRequest request;
    request.set_plan(options_.summary_plan);
    while (!stop_) {
      const int64_t sent = MicrosSince(origin_);
      auto context = NewCallContext(options_.token, absl::Seconds(10));
      reporting::v1::Summary summary;
      grpc::Status status = stub->GetSummary(context.get(), request, &summary);
      const int64_t answered = MicrosSince(origin_);
      {
        absl::MutexLock lock(&mu_);
        poll_micros_.push_back(answered - sent);
        if (!status.ok()) {
          if (error_.empty()) error_ = CodeName(status.error_code()) + ": " + status.error_message();
        } else {
          const int64_t counted = summary.total().nominations() - baseline_;
          if (readings_.empty() || counted > readings_.back().counted) {
            readings_.push_back({answered, counted});
          }
        }
      }
      std::this_thread::sleep_for(absl::ToChronoMicroseconds(options_.poll_interval));
    }
  }

  const SubmitLagOptions& options_;
  const int64_t baseline_;
  const Clock::time_point origin_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  mutable absl::Mutex mu_;
  std::vector<Reading> readings_ ABSL_GUARDED_BY(mu_);
  std::vector<int64_t> poll_micros_ ABSL_GUARDED_BY(mu_);
  std::string error_ ABSL_GUARDED_BY(mu_);
};

absl::StatusOr<int64_t> SummaryCount(const SubmitLagOptions& options) {
  auto stub = reporting::v1::ReportingService::NewStub(LoopbackChannel(options.reporting_target));
  reporting::v1::GetSummaryRequest request;
  request.set_plan(options.summary_plan);
  auto context = NewCallContext(options.token, absl::Seconds(10));
  reporting::v1::Summary summary;
  grpc::Status status = stub->GetSummary(context.get(), request, &summary);
  if (!status.ok()) {
    return absl::UnavailableError("GetSummary " + options.summary_plan + ": " + status.error_message());
  }
  return static_cast<int64_t>(summary.total().nominations());
}

// One open-loop submission while it is in flight. Only its two times outlive it: the call's
// context (which holds gRPC's per-call arena) and messages are freed once it is answered, so
// the load tool reuses that memory instead of growing by a call's worth per submission (that
// growth, paid in page faults on the two cores the services share, was ~40 % of the sending
// thread's CPU).
struct InFlight {
  std::unique_ptr<grpc::ClientContext> context;
  intake::v1::SubmitNominationRequest request;
  intake::v1::Nomination response;
};

// When each submission was sent and acknowledged.
struct Submission {
  std::unique_ptr<InFlight> call;
  int64_t sent_us = kNever;
  int64_t acked_us = kNever;
};

}  // namespace

JsonObject RunSubmitLag(const SubmitLagOptions& options,
                        const std::vector<intake::v1::CreateNominationRequest>& all_requests) {
  JsonObject out;
  const size_t wanted = static_cast<size_t>(
      std::ceil(options.rate * absl::ToDoubleSeconds(options.duration)));
  std::vector<intake::v1::CreateNominationRequest> requests(
      all_requests.begin(), all_requests.begin() + std::min(wanted, all_requests.size()));
  out.Add("requested", static_cast<int64_t>(requests.size()));

  ClosedLoopResult draft_result;
  std::vector<Draft> drafts =
      CreateDrafts(options.intake_target, options.token, options.draft_in_flight, requests,
                   &draft_result);
  out.Add("drafts", draft_result.ToJson());
  std::unordered_map<std::string, size_t> index;
  for (size_t i = 0; i < drafts.size(); ++i) index[drafts[i].name] = i;

  absl::StatusOr<int64_t> baseline = SummaryCount(options);
  if (!baseline.ok()) {
    out.Add("error", baseline.status().message());
    return out;
  }

  const Clock::time_point origin = Clock::now();
  EvaluationFollower follower(options, index, origin);
  SummaryPoller poller(options, *baseline, origin);
  // Let the feed subscription and the first poll settle before the clock starts counting.
  std::this_thread::sleep_for(std::chrono::milliseconds(200));

  auto stub = intake::v1::IntakeService::NewStub(LoopbackChannel(options.intake_target));
  std::vector<Submission> submissions(drafts.size());
  absl::Mutex mu;
  int outstanding = 0;
  int64_t errors = 0;
  std::string first_error;
  // Answered calls, freed by the sending thread (not in gRPC's callback, which runs before
  // gRPC is done with the call).
  std::vector<std::unique_ptr<InFlight>> answered;
  const Clock::time_point start = Clock::now();
  const double interval_us = 1e6 / options.rate;
  for (size_t i = 0; i < drafts.size(); ++i) {
    std::this_thread::sleep_until(
        start + std::chrono::microseconds(static_cast<int64_t>(interval_us * static_cast<double>(i))));
    std::vector<std::unique_ptr<InFlight>> to_free;
    {
      absl::MutexLock lock(&mu);
      auto room = [&]() { return outstanding < options.max_outstanding; };
      mu.Await(absl::Condition(&room));
      ++outstanding;
      to_free.swap(answered);
    }
    to_free.clear();
    Submission& s = submissions[i];
    s.call = std::make_unique<InFlight>();
    InFlight& call = *s.call;
    call.request.set_name(drafts[i].name);
    call.request.set_etag(drafts[i].etag);
    call.request.set_request_id(SubmitRequestId(drafts[i].request_id));
    call.context = NewCallContext(options.token);
    s.sent_us = MicrosSince(origin);
    stub->async()->SubmitNomination(
        call.context.get(), &call.request, &call.response, [&, i, origin](const grpc::Status& status) {
          const int64_t now = MicrosSince(origin);
          absl::MutexLock lock(&mu);
          if (status.ok()) {
            submissions[i].acked_us = now;
          } else {
            ++errors;
            if (first_error.empty()) {
              first_error = CodeName(status.error_code()) + ": " + status.error_message();
            }
          }
          answered.push_back(std::move(submissions[i].call));
          --outstanding;
        });
  }
  {
    absl::MutexLock lock(&mu);
    auto drained = [&]() { return outstanding == 0; };
    mu.Await(absl::Condition(&drained));
    answered.clear();
  }

  // Acknowledged ones, in acknowledgement order.
  std::vector<size_t> acked;
  for (size_t i = 0; i < submissions.size(); ++i) {
    if (submissions[i].acked_us != kNever) acked.push_back(i);
  }
  std::sort(acked.begin(), acked.end(), [&](size_t a, size_t b) {
    return submissions[a].acked_us < submissions[b].acked_us;
  });
  const int64_t last_ack_us = acked.empty() ? MicrosSince(origin) : submissions[acked.back()].acked_us;

  // Wait for both followers to see every acknowledged submission.
  const auto settle_deadline = Clock::now() + absl::ToChronoNanoseconds(options.settle_timeout);
  const auto n = static_cast<int64_t>(acked.size());
  while (Clock::now() < settle_deadline && (follower.seen() < n || poller.counted() < n)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  const int64_t settled_us = MicrosSince(origin);
  poller.Stop();
  follower.Stop();

  std::vector<int64_t> submit_us, evaluation_us, summary_us;
  int64_t evaluation_missing = 0, summary_missing = 0;
  const std::vector<SummaryPoller::Reading> readings = poller.readings();
  std::vector<int64_t> poll_us = poller.poll_micros();
  for (size_t k = 0; k < acked.size(); ++k) {
    const Submission& s = submissions[acked[k]];
    submit_us.push_back(s.acked_us - s.sent_us);
    const int64_t evaluated = follower.SeenAt(acked[k]);
    if (evaluated == kNever) {
      ++evaluation_missing;
    } else {
      evaluation_us.push_back(evaluated - s.sent_us);
    }
    // The first reading that counts the k+1 first acknowledged submissions.
    auto it = std::lower_bound(readings.begin(), readings.end(), static_cast<int64_t>(k + 1),
                               [](const SummaryPoller::Reading& r, int64_t c) { return r.counted < c; });
    if (it == readings.end()) {
      ++summary_missing;
    } else {
      summary_us.push_back(std::max<int64_t>(0, it->at_us - s.sent_us));
    }
  }
  const double sending_seconds =
      submissions.size() > 1
          ? static_cast<double>(submissions.back().sent_us - submissions.front().sent_us) / 1e6
          : 0;
  out.Add("target_rate", options.rate)
      .Add("sent", static_cast<int64_t>(submissions.size()))
      .Add("acknowledged", n)
      .Add("errors", errors)
      .Add("first_error", first_error)
      .Add("sent_rate", sending_seconds > 0 ? static_cast<double>(submissions.size() - 1) / sending_seconds : 0)
      .Add("submit_latency", Summarize(submit_us))
      .Add("evaluation_lag", Summarize(evaluation_us))
      .Add("evaluation_missing", evaluation_missing)
      .Add("evaluation_feed_error", follower.error())
      .Add("summary_lag", Summarize(summary_us))
      .Add("summary_missing", summary_missing)
      .Add("summary_poll", Summarize(poll_us))
      .Add("summary_error", poller.error())
      .Add("settle_seconds", static_cast<double>(settled_us - last_ack_us) / 1e6);
  return out;
}

}  // namespace dienhinh::bench
