#include "tools/bench/closed_loop.h"

#include <sys/resource.h>

#include <chrono>
#include <thread>

#include "absl/synchronization/mutex.h"

namespace dienhinh::bench {
namespace {

using Clock = std::chrono::steady_clock;

double ProcessCpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) { return t.tv_sec + t.tv_usec / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

// How deep operations may start each other on one thread's stack before the next start moves
// to a thread of its own. gRPC normally calls back on its own threads, but a call that fails
// at once may call back inline, and a slot that keeps failing must not grow the stack.
constexpr int kMaxInlineDepth = 8;
thread_local int inline_depth = 0;

class ClosedLoop {
 public:
  ClosedLoop(const ClosedLoopOptions& options, const Operation& operation)
      : options_(options), operation_(operation), latencies_(options.in_flight) {}

  ClosedLoopResult Run() {
    const double cpu_before = ProcessCpuSeconds();
    start_ = Clock::now();
    deadline_ = start_ + absl::ToChronoNanoseconds(options_.duration);
    for (int slot = 0; slot < options_.in_flight; ++slot) Start(slot);
    {
      absl::MutexLock lock(&mu_);
      auto all_done = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
        return finished_ == options_.in_flight;
      };
      mu_.Await(absl::Condition(&all_done));
    }
    ClosedLoopResult result;
    result.seconds = std::chrono::duration<double>(last_end_ - start_).count();
    result.cpu_seconds = ProcessCpuSeconds() - cpu_before;
    std::vector<int64_t> all;
    for (auto& slot : latencies_) all.insert(all.end(), slot.begin(), slot.end());
    result.ok = static_cast<int64_t>(all.size());
    result.latency = Summarize(all);
    absl::MutexLock lock(&mu_);
    result.errors = errors_;
    result.errors_by_code = errors_by_code_;
    result.first_error = first_error_;
    return result;
  }

 private:
  void Start(int slot) {
    if (inline_depth >= kMaxInlineDepth) {
      std::thread([this, slot] { Start(slot); }).detach();
      return;
    }
    ++inline_depth;
    const Clock::time_point begin = Clock::now();
    const bool started = operation_(slot, [this, slot, begin](const grpc::Status& status) {
      Ended(slot, begin, status);
    });
    --inline_depth;
    if (!started) Finish(Clock::now());
  }

  void Ended(int slot, Clock::time_point begin, const grpc::Status& status) {
    const Clock::time_point end = Clock::now();
    if (status.ok()) {
      latencies_[slot].push_back(
          std::chrono::duration_cast<std::chrono::microseconds>(end - begin).count());
    } else {
      absl::MutexLock lock(&mu_);
      ++errors_;
      ++errors_by_code_[CodeName(status.error_code())];
      if (first_error_.empty()) {
        first_error_ = CodeName(status.error_code()) + ": " + status.error_message();
      }
    }
    const bool go_on = end < deadline_ && (status.ok() || !options_.stop_slot_on_error);
    if (go_on) {
      Start(slot);
    } else {
      Finish(end);
    }
  }

  void Finish(Clock::time_point end) {
    absl::MutexLock lock(&mu_);
    if (end > last_end_) last_end_ = end;
    ++finished_;
  }

  const ClosedLoopOptions options_;
  const Operation& operation_;
  Clock::time_point start_;
  Clock::time_point deadline_;
  // One vector per slot, written only by that slot's (sequential) operations.
  std::vector<std::vector<int64_t>> latencies_;
  absl::Mutex mu_;
  int finished_ ABSL_GUARDED_BY(mu_) = 0;
  Clock::time_point last_end_ ABSL_GUARDED_BY(mu_);
  int64_t errors_ ABSL_GUARDED_BY(mu_) = 0;
  std::map<std::string, int64_t> errors_by_code_ ABSL_GUARDED_BY(mu_);
  std::string first_error_ ABSL_GUARDED_BY(mu_);
};

}  // namespace

std::string CodeName(grpc::StatusCode code) {
  static const char* const kNames[] = {
      "OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND",
      "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION",
      "ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS",
      "UNAUTHENTICATED"};
  const int i = static_cast<int>(code);
  return i >= 0 && i <= 16 ? kNames[i] : "UNKNOWN";
}

JsonObject ClosedLoopResult::ToJson() const {
  JsonObject errors_json;
  for (const auto& [code, count] : errors_by_code) errors_json.Add(code, count);
  JsonObject o;
  o.Add("ok", ok)
      .Add("errors", errors)
      .Add("seconds", seconds)
      .Add("cpu_s", cpu_seconds)
      .Add("rate", rate())
      .Add("latency", latency)
      .Add("errors_by_code", errors_json)
      .Add("first_error", first_error);
  return o;
}

ClosedLoopResult RunClosedLoop(const ClosedLoopOptions& options, const Operation& operation) {
  return ClosedLoop(options, operation).Run();
}

}  // namespace dienhinh::bench
