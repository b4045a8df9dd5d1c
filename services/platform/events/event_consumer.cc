#include "services/platform/events/event_consumer.h"

#include <algorithm>
#include <chrono>

#include "absl/random/random.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "dienhinh/events/v1/event.grpc.pb.h"
#include "services/platform/log/json_log.h"
#include "services/platform/status/grpc_status.h"

namespace dienhinh::platform {

using ::dienhinh::events::v1::EventBatch;

namespace {

bool IsTransient(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kAborted:
    case absl::StatusCode::kDeadlineExceeded:
    case absl::StatusCode::kResourceExhausted:
    case absl::StatusCode::kInternal:
    case absl::StatusCode::kUnknown:
      return true;
    default:
      return false;
  }
}

absl::Status StoreCursor(Transaction& tx, const std::string& consumer, int64_t sequence) {
  auto done = tx.Execute(
      "INSERT INTO consumer_cursors (consumer, sequence, updated_at_us) VALUES (?, ?, ?) "
      "ON CONFLICT (consumer) DO UPDATE SET sequence = excluded.sequence, "
      "updated_at_us = excluded.updated_at_us",
      {SqlParam(consumer), SqlParam(sequence), SqlParam(absl::ToUnixMicros(absl::Now()))});
  return done.status();
}

}  // namespace

EventConsumer::EventConsumer(Database* db, Options options, Handler handler)
    : db_(db), options_(std::move(options)), handler_(std::move(handler)) {
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_KEEPALIVE_TIME_MS, 30000);
  args.SetInt(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, 10000);
  args.SetInt(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  args.SetInt(GRPC_ARG_MAX_RECEIVE_MESSAGE_LENGTH, 64 << 20);
  // Reconnect attempts are paced by our own backoff, not gRPC's longer default.
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 2000);
  channel_ = grpc::CreateCustomChannel(
      options_.target,
      options_.credentials ? options_.credentials : grpc::InsecureChannelCredentials(), args);
}

EventConsumer::~EventConsumer() { Stop(); }

void EventConsumer::Start() {
  {
    absl::MutexLock lock(&mutex_);
    stopping_ = false;
  }
  if (!receive_thread_.joinable()) receive_thread_ = std::thread([this] { Receive(); });
  if (!apply_thread_.joinable()) apply_thread_ = std::thread([this] { ApplyReceived(); });
}

void EventConsumer::Stop() {
  {
    absl::MutexLock lock(&mutex_);
    stopping_ = true;
    if (context_ != nullptr) context_->TryCancel();
  }
  if (receive_thread_.joinable()) receive_thread_.join();
  if (apply_thread_.joinable()) apply_thread_.join();
  // What was received and not applied is read again from the stored cursor on a restart;
  // kept here, it would be applied twice.
  absl::MutexLock lock(&mutex_);
  received_.clear();
  applying_ = 0;
}

int64_t EventConsumer::cursor() {
  absl::MutexLock lock(&mutex_);
  return cursor_;
}

bool EventConsumer::connected() {
  absl::MutexLock lock(&mutex_);
  return connected_;
}

int64_t EventConsumer::dead_letters() {
  absl::MutexLock lock(&mutex_);
  return dead_letters_;
}

bool EventConsumer::WaitForCursor(int64_t sequence, absl::Duration timeout) {
  absl::MutexLock lock(&mutex_);
  auto reached = [this, sequence]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_) {
    return cursor_ >= sequence;
  };
  return mutex_.AwaitWithTimeout(absl::Condition(&reached), timeout);
}

void EventConsumer::SetCursor(int64_t sequence) {
  absl::MutexLock lock(&mutex_);
  cursor_ = sequence;
}

bool EventConsumer::Sleep(absl::Duration d) {
  absl::MutexLock lock(&mutex_);
  auto stopping = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_) { return stopping_; };
  return !mutex_.AwaitWithTimeout(absl::Condition(&stopping), d);
}

absl::StatusOr<int64_t> EventConsumer::LoadCursor() {
  auto tx = db_->Begin(TxMode::kRead);
  if (!tx.ok()) return tx.status();
  auto rows = (*tx)->Query("SELECT sequence FROM consumer_cursors WHERE consumer = ?",
                           {SqlParam(options_.name)});
  if (!rows.ok()) return rows.status();
  return rows->empty() ? 0 : (*rows)[0].Int(0);
}

bool EventConsumer::Apply(const Event& event) {
  absl::Duration backoff = options_.min_backoff;
  while (true) {
    absl::Status handled;
    absl::Status committed = RunInTransaction(*db_, TxMode::kWrite, [&](Transaction& tx) {
      handled = handler_(tx, event);
      if (!handled.ok()) return handled;
      return StoreCursor(tx, options_.name, event.sequence());
    });
    if (committed.ok()) {
      if (options_.after_commit) options_.after_commit();
      break;
    }
    if (!handled.ok() && !IsTransient(handled.code())) {
      // The event can never apply: park it, move on, say so.
      std::string bytes = event.SerializeAsString();
      absl::Status parked = RunInTransaction(*db_, TxMode::kWrite, [&](Transaction& tx) {
        auto inserted = tx.Execute(
            "INSERT INTO consumer_dead_letters (consumer, sequence, event, error, created_at_us) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (consumer, sequence) DO NOTHING",
            {SqlParam(options_.name), SqlParam(event.sequence()), SqlParam::Blob(bytes),
             SqlParam(handled.ToString()), SqlParam(absl::ToUnixMicros(absl::Now()))});
        if (!inserted.ok()) return inserted.status();
        return StoreCursor(tx, options_.name, event.sequence());
      });
      if (parked.ok()) {
        {
          absl::MutexLock lock(&mutex_);
          ++dead_letters_;
        }
        LogError("event parked as a dead letter",
                 {{"consumer", options_.name}, {"sequence", event.sequence()},
                  {"event_id", event.id()}, {"error", handled.ToString()}});
        break;
      }
      committed = parked;
    }
    LogWarning("event not applied yet; retrying",
               {{"consumer", options_.name}, {"sequence", event.sequence()},
                {"error", committed.ToString()}});
    if (!Sleep(backoff)) return false;
    backoff = std::min(backoff * 2, options_.max_backoff);
  }
  SetCursor(event.sequence());
  return true;
}

bool EventConsumer::ApplyBatch(const std::vector<Event>& batch) {
  size_t next = 0;
  while (next < batch.size()) {
    if (next > 0) {
      absl::MutexLock lock(&mutex_);
      if (stopping_) return false;
    }
    // One event alone takes the one-event path: nothing to gain, and its errors are handled
    // there anyway.
    if (batch.size() - next == 1) return Apply(batch[next]);
    size_t end = next;  // after the body: one past the last event applied, or the failing one
    absl::Status committed = RunInTransaction(*db_, TxMode::kWrite, [&](Transaction& tx) {
      end = next;
      absl::Time close_at = absl::Now() + options_.max_batch_time;
      while (end < batch.size()) {
        if (absl::Status handled = handler_(tx, batch[end]); !handled.ok()) return handled;
        ++end;
        if (absl::Now() >= close_at) break;
      }
      return StoreCursor(tx, options_.name, batch[end - 1].sequence());
    });
    if (committed.ok()) {
      if (options_.after_commit) options_.after_commit();
      SetCursor(batch[end - 1].sequence());
      next = end;
      continue;
    }
    // Rolled back, nothing of it applied. When a handler failed, `end` is that event; when the
    // cursor or the commit failed, it is one past the transaction's last event. Either way the
    // events up to it are applied again one per transaction, so the failing one is retried or
    // parked on its own exactly as a lone event would be; then batching resumes.
    size_t through = std::min(end + 1, batch.size());
    LogWarning("event batch not applied; applying its events one per transaction",
               {{"consumer", options_.name}, {"first_sequence", batch[next].sequence()},
                {"last_sequence", batch[through - 1].sequence()},
                {"error", committed.ToString()}});
    for (; next < through; ++next) {
      if (!Apply(batch[next])) return false;
    }
  }
  return true;
}

void EventConsumer::ApplyReceived() {
  const size_t max_batch = static_cast<size_t>(std::max(1, options_.max_batch));
  while (true) {
    std::vector<Event> batch;
    {
      absl::MutexLock lock(&mutex_);
      auto ready = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_) {
        return stopping_ || !received_.empty();
      };
      mutex_.Await(absl::Condition(&ready));
      if (stopping_) return;
      size_t n = std::min(received_.size(), max_batch);
      batch.reserve(n);
      for (size_t i = 0; i < n; ++i) {
        batch.push_back(std::move(received_.front()));
        received_.pop_front();
      }
      applying_ = n;
    }
    bool applied = ApplyBatch(batch);
    absl::MutexLock lock(&mutex_);
    applying_ = 0;
    if (!applied) return;
  }
}

bool EventConsumer::Enqueue(EventBatch& batch, int64_t& after, size_t capacity) {
  // Read ahead by up to two applied batches (and one feed message past them): the next batch
  // gathers while one is applied, and a slow applier holds the stream back (gRPC's flow
  // control) rather than memory growing.
  absl::MutexLock lock(&mutex_);
  auto room = [this, capacity]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_) {
    return stopping_ || received_.size() < capacity;
  };
  mutex_.Await(absl::Condition(&room));
  if (stopping_) return false;
  for (Event& event : *batch.mutable_events()) {
    if (event.sequence() <= after) continue;  // already applied (a replay after reconnect)
    after = event.sequence();
    received_.push_back(std::move(event));
  }
  return true;
}

void EventConsumer::Receive() {
  auto stub = ::dienhinh::events::v1::EventFeed::NewStub(channel_);
  absl::BitGen jitter;
  absl::Duration backoff = options_.min_backoff;
  bool batches_served = true;
  while (true) {
    {
      // Resume from the stored cursor once everything received earlier has been applied
      // (or given up): the stored cursor is then the truth.
      absl::MutexLock lock(&mutex_);
      auto drained = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_) {
        return stopping_ || (received_.empty() && applying_ == 0);
      };
      mutex_.Await(absl::Condition(&drained));
      if (stopping_) return;
    }
    auto stored = LoadCursor();
    if (!stored.ok()) {
      LogWarning("cannot read consumer cursor", {{"consumer", options_.name},
                                                 {"error", stored.status().ToString()}});
      if (!Sleep(backoff)) return;
      backoff = std::min(backoff * 2, options_.max_backoff);
      continue;
    }
    int64_t after = *stored;
    SetCursor(after);

    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() +
                         absl::ToChronoMilliseconds(options_.stream_deadline));
    if (options_.bearer_token) {
      std::string token = options_.bearer_token();
      if (!token.empty()) context.AddMetadata("authorization", "Bearer " + token);
    }
    {
      absl::MutexLock lock(&mutex_);
      if (stopping_) return;
      context_ = &context;
    }
    const size_t capacity = 2 * static_cast<size_t>(std::max(1, options_.max_batch));
    {
      absl::MutexLock lock(&mutex_);
      connected_ = true;
    }
    // Batches from a feed that serves them; single events, read into a batch of one, from one
    // that does not.
    std::unique_ptr<grpc::ClientReader<EventBatch>> batches;
    std::unique_ptr<grpc::ClientReader<Event>> singles;
    if (batches_served) {
      ::dienhinh::events::v1::SubscribeBatchesRequest request;
      request.set_after_sequence(after);
      batches = stub->SubscribeBatches(&context, request);
    } else {
      ::dienhinh::events::v1::SubscribeRequest request;
      request.set_after_sequence(after);
      singles = stub->Subscribe(&context, request);
    }
    EventBatch batch;
    auto read = [&]() {
      if (batches) return batches->Read(&batch);
      batch.Clear();
      return singles->Read(batch.add_events());
    };
    bool stopped = false;
    bool received = false;
    while (read()) {
      if (!received) {
        received = true;
        backoff = options_.min_backoff;
      }
      if (!Enqueue(batch, after, capacity)) {
        stopped = true;
        break;
      }
    }
    if (stopped) context.TryCancel();
    grpc::Status status = batches ? batches->Finish() : singles->Finish();
    {
      absl::MutexLock lock(&mutex_);
      connected_ = false;
      context_ = nullptr;
      if (stopping_) return;
    }
    if (batches && !received && status.error_code() == grpc::StatusCode::UNIMPLEMENTED) {
      // An upstream on an older release: follow its Subscribe instead, at once.
      LogInfo("event feed serves no batches; subscribing to single events",
              {{"consumer", options_.name}, {"target", options_.target}});
      batches_served = false;
      continue;
    }
    // The next subscription asks for batches again: an upstream that went away may come back
    // upgraded.
    batches_served = true;
    if (status.error_code() != grpc::StatusCode::DEADLINE_EXCEEDED) {
      LogWarning("event feed closed; reconnecting",
                 {{"consumer", options_.name}, {"target", options_.target},
                  {"code", static_cast<int64_t>(status.error_code())},
                  {"error", status.error_message()},
                  {"backoff_ms", absl::ToInt64Milliseconds(backoff)}});
      double factor = absl::Uniform(jitter, 0.5, 1.0);
      if (!Sleep(backoff * factor)) return;
      backoff = std::min(backoff * 2, options_.max_backoff);
    }
  }
}

}  // namespace dienhinh::platform
