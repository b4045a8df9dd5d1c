// dienhinh.events.v1.EventFeed: Subscribe(after_sequence) replays the log from the cursor and
// then follows new events live, one server stream per subscriber, until the subscriber leaves
// or the server drains (the stream then ends UNAVAILABLE and the subscriber reconnects,
// elsewhere or later, from its own cursor). SubscribeBatches does the same with the events
// that are ready sent together, so a subscriber that is behind costs a write per batch rather
// than per event.
#ifndef DIENHINH_SERVICES_PLATFORM_EVENTS_EVENT_FEED_SERVICE_H_
#define DIENHINH_SERVICES_PLATFORM_EVENTS_EVENT_FEED_SERVICE_H_

#include <functional>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "dienhinh/events/v1/event.grpc.pb.h"
#include "services/platform/events/event_log.h"

namespace dienhinh::platform {

class EventFeedService final : public ::dienhinh::events::v1::EventFeed::CallbackService {
 public:
  // Decides whether a caller may read the feed (the feed carries every change of the service).
  using Authorizer = std::function<absl::Status(grpc::CallbackServerContext*)>;

  EventFeedService(EventLog* log, Authorizer authorizer);
  ~EventFeedService() override;

  grpc::ServerWriteReactor<::dienhinh::events::v1::Event>* Subscribe(
      grpc::CallbackServerContext* context,
      const ::dienhinh::events::v1::SubscribeRequest* request) override;
  grpc::ServerWriteReactor<::dienhinh::events::v1::EventBatch>* SubscribeBatches(
      grpc::CallbackServerContext* context,
      const ::dienhinh::events::v1::SubscribeBatchesRequest* request) override;

  // Ends every open stream with UNAVAILABLE; new subscriptions are refused. For ServiceHost's
  // drain.
  void Drain();

  // The most events, and (past the first) the most serialized bytes, in one EventBatch: well
  // under gRPC's default 4 MiB limit on a received message.
  static constexpr size_t kMaxBatchEvents = 256;
  static constexpr size_t kMaxBatchBytes = 1 << 20;

  class Stream;  // what Drain ends, of either kind
  template <typename Message>
  class StreamOf;

 private:
  // Checks the caller and the cursor, then opens a stream that begins after `after`, or one
  // that ends at once with the refusal.
  template <typename Message>
  grpc::ServerWriteReactor<Message>* Open(grpc::CallbackServerContext* context, int64_t after);
  void Forget(Stream* stream);

  EventLog* log_;
  Authorizer authorizer_;
  absl::Mutex mutex_;
  bool draining_ ABSL_GUARDED_BY(mutex_) = false;
  absl::flat_hash_set<Stream*> streams_ ABSL_GUARDED_BY(mutex_);
};

}  // namespace dienhinh::platform

#endif  // DIENHINH_SERVICES_PLATFORM_EVENTS_EVENT_FEED_SERVICE_H_
