#include "services/platform/events/event_feed_service.h"

#include <deque>
#include <memory>

#include "absl/strings/str_cat.h"
#include "services/platform/status/grpc_status.h"

namespace dienhinh::platform {

using ::dienhinh::events::v1::SubscribeRequest;

// One subscriber's stream. Writes one event at a time; refills from the log when its queue
// runs dry; the log's tail calls OnNewEvents when there is more.
class EventFeedService::Stream final : public grpc::ServerWriteReactor<Event>,
                                       public EventLog::Listener {
 public:
  Stream(EventFeedService* service, int64_t after) : service_(service), cursor_(after) {}

  void Begin() {
    service_->log_->AddListener(this);
    Pump();
  }

  void OnNewEvents() override { Pump(); }

  void End(const grpc::Status& status) {
    {
      absl::MutexLock lock(&mutex_);
      if (finished_) return;
      finished_ = true;
    }
    Finish(status);
  }

  void OnWriteDone(bool ok) override {
    if (!ok) {
      End(grpc::Status(grpc::StatusCode::CANCELLED, "subscriber went away"));
      return;
    }
    {
      absl::MutexLock lock(&mutex_);
      cursor_ = queue_.front()->sequence();
      queue_.pop_front();
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
  // Writes the next event if none is being written; refills the queue from the log when it
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
      auto batch = service_->log_->Read(after, 256);
      mutex_.Lock();
      refilling_ = false;
      if (finished_) return;
      if (!batch.ok()) {
        finished_ = true;
        mutex_.Unlock();
        Finish(ToGrpcStatus(batch.status()));
        mutex_.Lock();
        return;
      }
      for (auto& e : *batch) queue_.push_back(std::move(e));
    }
    writing_ = true;
    const Event* next = queue_.front().get();
    mutex_.Unlock();
    StartWrite(next);
    mutex_.Lock();
  }

  EventFeedService* service_;
  absl::Mutex mutex_;
  // Shared with the log's ring and every other subscriber: an event is never copied.
  std::deque<std::shared_ptr<const Event>> queue_ ABSL_GUARDED_BY(mutex_);
  int64_t cursor_ ABSL_GUARDED_BY(mutex_);
  bool writing_ ABSL_GUARDED_BY(mutex_) = false;
  bool refilling_ ABSL_GUARDED_BY(mutex_) = false;
  bool wake_ ABSL_GUARDED_BY(mutex_) = false;
  bool finished_ ABSL_GUARDED_BY(mutex_) = false;
};

EventFeedService::EventFeedService(EventLog* log, Authorizer authorizer)
    : log_(log), authorizer_(std::move(authorizer)) {}

EventFeedService::~EventFeedService() = default;

grpc::ServerWriteReactor<Event>* EventFeedService::Subscribe(grpc::CallbackServerContext* context,
                                                             const SubscribeRequest* request) {
  absl::Status allowed = authorizer_ ? authorizer_(context) : absl::OkStatus();
  if (allowed.ok() && request->after_sequence() < 0) {
    allowed = absl::InvalidArgumentError("after_sequence must be 0 or more");
  }
  bool draining;
  {
    absl::MutexLock lock(&mutex_);
    draining = draining_;
  }
  if (allowed.ok() && draining) allowed = absl::UnavailableError("server is draining");
  auto* stream = new Stream(this, request->after_sequence());
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
