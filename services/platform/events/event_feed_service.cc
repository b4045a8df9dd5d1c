#include "services/platform/events/event_feed_service.h"

#include <deque>
#include <memory>

#include "absl/strings/str_cat.h"
#include "services/platform/status/grpc_status.h"

namespace dienhinh::platform {

using ::dienhinh::events::v1::EventBatch;
using ::dienhinh::events::v1::SubscribeBatchesRequest;
using ::dienhinh::events::v1::SubscribeRequest;

// What Drain needs of a stream of either kind.
class EventFeedService::Stream : public EventLog::Listener {
 public:
  // Finishes the stream with `status`, once (later calls do nothing).
  virtual void End(const grpc::Status& status) = 0;
};

// One subscriber's stream of Message (Event or EventBatch). Writes one message at a time;
// refills from the log when its queue runs dry; the log's tail calls OnNewEvents when there is
// more.
template <typename Message>
class EventFeedService::StreamOf final : public EventFeedService::Stream,
                                         public grpc::ServerWriteReactor<Message> {
 public:
  StreamOf(EventFeedService* service, int64_t after) : service_(service), cursor_(after) {}
  ~StreamOf() override { ReleaseBatch(); }

  void Begin() {
    service_->log_->AddListener(this);
    Pump();
  }

  void OnNewEvents() override { Pump(); }

  void End(const grpc::Status& status) override {
    {
      absl::MutexLock lock(&mutex_);
      if (finished_) return;
      finished_ = true;
    }
    this->Finish(status);
  }

  void OnWriteDone(bool ok) override {
    if (!ok) {
      End(grpc::Status(grpc::StatusCode::CANCELLED, "subscriber went away"));
      return;
    }
    {
      absl::MutexLock lock(&mutex_);
      ReleaseBatch();
      cursor_ = queue_[in_flight_ - 1]->sequence;
      queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(in_flight_));
      in_flight_ = 0;
      writing_ = false;
    }
    Pump();
  }

  void OnCancel() override { End(grpc::Status(grpc::StatusCode::CANCELLED, "cancelled")); }

  void OnDone() override {
    service_->log_->RemoveListener(this);
    service_->Forget(this);
    delete this;
  }

 private:
  // Writes the next message if none is being written; refills the queue from the log when it
  // is empty. `wake_` remembers a call that arrived while we were busy, so an event that
  // commits during a refill is not missed.
  void Pump() {
    absl::MutexLock lock(&mutex_);
    wake_ = true;
    if (writing_ || finished_ || refilling_) return;
    while (queue_.empty()) {
      if (!wake_) return;  // caught up: the log's tail will call again
      wake_ = false;
      refilling_ = true;
      int64_t after = cursor_;
      mutex_.Unlock();
      auto batch = service_->log_->Read(after, static_cast<int>(kMaxBatchEvents));
      mutex_.Lock();
      refilling_ = false;
      if (finished_) return;
      if (!batch.ok()) {
        finished_ = true;
        mutex_.Unlock();
        this->Finish(ToGrpcStatus(batch.status()));
        mutex_.Lock();
        return;
      }
      for (auto& e : *batch) queue_.push_back(std::move(e));
    }
    writing_ = true;
    const Message* next = TakeNext();
    mutex_.Unlock();
    this->StartWrite(next);
    mutex_.Lock();
  }

  // The next message, from the front of the queue; sets in_flight_ to the events it carries
  // (they stay queued, and alive, until the write is done).
  const Message* TakeNext() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);

  // A batch points at the queued events instead of holding copies of them (copying, then
  // freeing, each event was a tenth of the registry's CPU during an import). It only reads
  // them, as a Subscribe write does; they are handed back before the batch is cleared or
  // destroyed, or it would delete what the queue owns.
  void ReleaseBatch() ABSL_NO_THREAD_SAFETY_ANALYSIS {
    auto& events = *batch_.mutable_events();
    while (!events.empty()) events.UnsafeArenaReleaseLast();
  }

  EventFeedService* service_;
  absl::Mutex mutex_;
  // Shared with the log's ring and every other subscriber: an event is never copied, and is
  // written as the bytes it was stored as (LoggedEvent).
  std::deque<std::shared_ptr<const LoggedEvent>> queue_ ABSL_GUARDED_BY(mutex_);
  size_t in_flight_ ABSL_GUARDED_BY(mutex_) = 0;
  EventBatch batch_ ABSL_GUARDED_BY(mutex_);  // SubscribeBatches only: see ReleaseBatch
  int64_t cursor_ ABSL_GUARDED_BY(mutex_);
  bool writing_ ABSL_GUARDED_BY(mutex_) = false;
  bool refilling_ ABSL_GUARDED_BY(mutex_) = false;
  bool wake_ ABSL_GUARDED_BY(mutex_) = false;
  bool finished_ ABSL_GUARDED_BY(mutex_) = false;
};

template <>
const Event* EventFeedService::StreamOf<Event>::TakeNext() {
  in_flight_ = 1;
  return &queue_.front()->wire;
}

template <>
const EventBatch* EventFeedService::StreamOf<EventBatch>::TakeNext() {
  ReleaseBatch();
  size_t bytes = 0;
  size_t n = 0;
  for (; n < queue_.size() && n < kMaxBatchEvents; ++n) {
    const Event& event = queue_[n]->wire;
    bytes += event.ByteSizeLong();
    if (n > 0 && bytes > kMaxBatchBytes) break;
    batch_.mutable_events()->UnsafeArenaAddAllocated(const_cast<Event*>(&event));
  }
  in_flight_ = n;
  return &batch_;
}

EventFeedService::EventFeedService(EventLog* log, Authorizer authorizer)
    : log_(log), authorizer_(std::move(authorizer)) {}

EventFeedService::~EventFeedService() = default;

template <typename Message>
grpc::ServerWriteReactor<Message>* EventFeedService::Open(grpc::CallbackServerContext* context,
                                                          int64_t after) {
  absl::Status allowed = authorizer_ ? authorizer_(context) : absl::OkStatus();
  if (allowed.ok() && after < 0) {
    allowed = absl::InvalidArgumentError("after_sequence must be 0 or more");
  }
  bool draining;
  {
    absl::MutexLock lock(&mutex_);
    draining = draining_;
  }
  if (allowed.ok() && draining) allowed = absl::UnavailableError("server is draining");
  auto* stream = new StreamOf<Message>(this, after);
  {
    absl::MutexLock lock(&mutex_);
    streams_.insert(stream);
  }
  if (allowed.ok()) {
    stream->Begin();
  } else {
    stream->End(ToGrpcStatus(allowed));
  }
  return stream;
}

grpc::ServerWriteReactor<Event>* EventFeedService::Subscribe(grpc::CallbackServerContext* context,
                                                             const SubscribeRequest* request) {
  return Open<Event>(context, request->after_sequence());
}

grpc::ServerWriteReactor<EventBatch>* EventFeedService::SubscribeBatches(
    grpc::CallbackServerContext* context, const SubscribeBatchesRequest* request) {
  return Open<EventBatch>(context, request->after_sequence());
}

void EventFeedService::Forget(Stream* stream) {
  absl::MutexLock lock(&mutex_);
  streams_.erase(stream);
}

void EventFeedService::Drain() {
  std::vector<Stream*> open;
  {
    absl::MutexLock lock(&mutex_);
    draining_ = true;
    open.assign(streams_.begin(), streams_.end());
  }
  // A stream may finish on its own meanwhile; End is idempotent, and OnDone (which deletes it)
  // waits for mutex_ in Forget, so hold it while ending.
  absl::MutexLock lock(&mutex_);
  for (Stream* stream : open) {
    if (streams_.contains(stream)) {
      stream->End(grpc::Status(grpc::StatusCode::UNAVAILABLE, "server is draining"));
    }
  }
}

}  // namespace dienhinh::platform
