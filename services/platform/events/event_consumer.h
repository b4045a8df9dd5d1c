// Follows another service's EventFeed (SubscribeBatches; Subscribe when the upstream is on a
// release without it) and applies each event exactly once: the handler's effect and the
// consumer's cursor commit in one transaction, so a crash or restart at any point neither
// loses an event nor applies one twice. Reconnects with exponential backoff
// (jittered) when the upstream is down, and resumes from the stored cursor.
//
// Events are applied in batches: one thread reads the stream into a bounded queue, another
// applies what has already arrived (up to max_batch events, or what max_batch_time allows) in
// one transaction that stores the cursor once, so catching up costs one commit (one fsync) per
// batch rather than per event. A batch that fails is rolled back and its events are applied
// again one per transaction, so the failing event is found and handled as described below.
//
// A handler error whose code says "try again" (UNAVAILABLE, ABORTED, DEADLINE_EXCEEDED,
// RESOURCE_EXHAUSTED, INTERNAL, UNKNOWN) is retried with backoff, holding the feed; any other
// error means the event can never apply, and it is parked in consumer_dead_letters (with the
// cursor, in one transaction) and logged, so one bad event cannot stop a service forever.
#ifndef DIENHINH_SERVICES_PLATFORM_EVENTS_EVENT_CONSUMER_H_
#define DIENHINH_SERVICES_PLATFORM_EVENTS_EVENT_CONSUMER_H_

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "dienhinh/events/v1/event.pb.h"
#include "services/platform/events/event_log.h"
#include "services/platform/storage/database.h"

namespace dienhinh::platform {

class EventConsumer {
 public:
  using Handler = std::function<absl::Status(Transaction& tx, const Event& event)>;

  struct Options {
    // The cursor's key in consumer_cursors: one per upstream feed, e.g. "intake@can-tho".
    std::string name;
    std::string target;  // upstream address, host:port
    std::shared_ptr<grpc::ChannelCredentials> credentials;  // insecure when null
    // A bearer token for each (re)connection; empty for none.
    std::function<std::string()> bearer_token;
    absl::Duration min_backoff = absl::Milliseconds(50);
    absl::Duration max_backoff = absl::Seconds(5);
    // Each subscription is renewed after this long, so no call is without a deadline.
    absl::Duration stream_deadline = absl::Hours(1);
    // Called after each transaction of applied events commits (once per batch, not after a
    // parked event): e.g. to wake a worker that reads what the handler queued, instead of
    // leaving it to its next poll.
    std::function<void()> after_commit;
    // The most events applied in one transaction; 1 applies each in its own.
    int max_batch = 500;
    // A batch's transaction takes no more events once it has been open this long, so the
    // single SQLite writer is not held for long while a backlog is applied.
    absl::Duration max_batch_time = absl::Milliseconds(50);
  };

  EventConsumer(Database* db, Options options, Handler handler);
  ~EventConsumer();  // Stop()
  EventConsumer(const EventConsumer&) = delete;
  EventConsumer& operator=(const EventConsumer&) = delete;

  void Start();
  // Ends the stream and waits for the threads; a batch being applied either commits or not
  // (events received but not committed are read again from the cursor on the next start).
  void Stop();

  // The sequence of the last event applied (or parked), as committed.
  int64_t cursor();
  // Waits until cursor() >= sequence; false on timeout.
  bool WaitForCursor(int64_t sequence, absl::Duration timeout);
  // True while a subscription is open.
  bool connected();
  // Events parked as dead letters since this process started.
  int64_t dead_letters();
  const std::string& name() const { return options_.name; }
  const std::string& target() const { return options_.target; }

 private:
  // The receiving thread: (re)subscribes from the stored cursor and queues what it reads.
  void Receive();
  // Queues the events of `batch` past `after` (moving them out, and advancing `after`) once
  // fewer than `capacity` wait; false when stopping.
  bool Enqueue(::dienhinh::events::v1::EventBatch& batch, int64_t& after, size_t capacity);
  // The applying thread: takes what has been received and applies it in batches.
  void ApplyReceived();
  absl::StatusOr<int64_t> LoadCursor();
  // Applies `batch` (in sequence order) in as few transactions as max_batch_time allows;
  // false when stopping.
  bool ApplyBatch(const std::vector<Event>& batch);
  // Applies one event in its own transaction, retrying transient failures and parking one
  // that can never apply; false when stopping.
  bool Apply(const Event& event);
  void SetCursor(int64_t sequence);
  // Sleeps up to `d`, returning early (false) when stopping.
  bool Sleep(absl::Duration d);

  Database* db_;
  Options options_;
  Handler handler_;
  std::shared_ptr<grpc::Channel> channel_;

  absl::Mutex mutex_;
  bool stopping_ ABSL_GUARDED_BY(mutex_) = false;
  bool connected_ ABSL_GUARDED_BY(mutex_) = false;
  int64_t cursor_ ABSL_GUARDED_BY(mutex_) = -1;
  int64_t dead_letters_ ABSL_GUARDED_BY(mutex_) = 0;
  grpc::ClientContext* context_ ABSL_GUARDED_BY(mutex_) = nullptr;
  // Read from the stream, not yet applied; `applying_` counts those taken off it by the
  // applying thread and not yet committed (or given up on a stop).
  std::deque<Event> received_ ABSL_GUARDED_BY(mutex_);
  size_t applying_ ABSL_GUARDED_BY(mutex_) = 0;
  std::thread receive_thread_;
  std::thread apply_thread_;
};

}  // namespace dienhinh::platform

#endif  // DIENHINH_SERVICES_PLATFORM_EVENTS_EVENT_CONSUMER_H_
