// A service's event log: the outbox its business transactions append to, and the live tail
// that its EventFeed streams from.
//
// Append runs inside the business transaction, so an event exists exactly when the change it
// describes committed. Sequence numbers follow commit order as readers see it: on SQLite the
// single writer takes MAX+1; on PostgreSQL a transaction takes a transaction-scoped advisory
// lock before drawing its number, holding it to commit, so no transaction can commit a smaller
// number after a larger one became visible (the trap of plain SEQUENCEs with concurrent
// writers). The lock is taken at the last step of a transaction, so it is held briefly.
//
// A tail thread reads newly committed events once, for all subscribers, into a bounded ring;
// subscribers that fall behind the ring read from the database. Call Notify after committing
// a transaction that appended events: the tail wakes at once instead of at its next poll
// (the poll still catches writes made by other processes on a shared PostgreSQL).
//
// The ring holds each event as the bytes it was stored as (a LoggedEvent), never parsed: the
// feed writes those bytes to every subscriber as they are. Append keeps the bytes it stored,
// and when the tail finds that event committed (same sequence, same id) it puts them in the
// ring instead of reading them back (reading its own evaluations back and parsing them was
// ~20% of evaluation's CPU). What the tail reads from the database is still what decides: an
// append whose transaction rolled back is dropped once the tail has passed its sequence.
#ifndef DIENHINH_SERVICES_PLATFORM_EVENTS_EVENT_LOG_H_
#define DIENHINH_SERVICES_PLATFORM_EVENTS_EVENT_LOG_H_

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "dienhinh/events/v1/event.pb.h"
#include "services/platform/storage/database.h"

namespace dienhinh::platform {

using Event = ::dienhinh::events::v1::Event;

// A committed event as the log stored it. `wire` holds the stored bytes as unknown fields, so
// writing it to a subscriber (alone, or inside an EventBatch) serializes exactly those bytes,
// without protobuf walking every field of the payload and checking its text again: for an
// evaluation's event, ~4 KB of criteria and reasons, that walk was ~10% of evaluation's CPU
// while reporting followed its feed. Its accessors see no fields; read it with Decode.
struct LoggedEvent {
  int64_t sequence = 0;
  Event wire;

  // `bytes` as stored in the outbox (DATA_LOSS when they are not a protobuf message).
  static absl::StatusOr<std::shared_ptr<const LoggedEvent>> FromBytes(int64_t sequence,
                                                                      absl::string_view bytes);
  // The event itself (DATA_LOSS when the bytes are not an Event).
  absl::StatusOr<Event> Decode() const;
};

class EventLog {
 public:
  // Something waiting for new events (a feed stream). Called from the tail thread; must not
  // block.
  class Listener {
   public:
    virtual ~Listener() = default;
    virtual void OnNewEvents() = 0;
  };

  struct Options {
    std::string source;  // "registry", "intake", ...
    std::string site;    // this stack's site id
    absl::Duration poll_interval = absl::Milliseconds(250);
    size_t ring_capacity = 4096;
  };

  EventLog(Database* db, Options options);
  ~EventLog();
  EventLog(const EventLog&) = delete;
  EventLog& operator=(const EventLog&) = delete;

  // In a kWrite transaction: gives the event its id, sequence, source, site and time and
  // stores it. The caller sets the payload, and actor / request_id when it has them.
  absl::StatusOr<std::shared_ptr<const Event>> Append(Transaction& tx, Event event);
  // The same, and sets `*stored` to the bytes the event was stored as: a caller that also keeps
  // a part of the event elsewhere takes that part's bytes from these (EmbeddedMessageBytes in
  // services/platform/wire/wire_bytes.h) rather than serializing it a second time.
  absl::StatusOr<std::shared_ptr<const Event>> Append(Transaction& tx, Event event,
                                                      std::string* stored);
  // After committing a transaction that appended: wakes the tail.
  void Notify();

  // Committed events with sequence > after, in order, at most `limit`: from the ring when it
  // holds them, otherwise from the database.
  absl::StatusOr<std::vector<std::shared_ptr<const LoggedEvent>>> Read(int64_t after, int limit);
  // The highest sequence the tail has seen committed.
  int64_t LastSequence();

  void AddListener(Listener* listener);
  void RemoveListener(Listener* listener);

  const Options& options() const { return options_; }

 private:
  // `own`: take the events this process appended from pending_ rather than reading them back.
  absl::StatusOr<std::vector<std::shared_ptr<const LoggedEvent>>> ReadFromDatabase(
      int64_t after, int limit, bool own);
  void TailLoop();

  Database* db_;
  Options options_;

  absl::Mutex mutex_;
  bool stopping_ ABSL_GUARDED_BY(mutex_) = false;
  bool notified_ ABSL_GUARDED_BY(mutex_) = false;
  // The ring holds every committed event with sequence in (ring_floor_, tail_].
  std::deque<std::shared_ptr<const LoggedEvent>> ring_ ABSL_GUARDED_BY(mutex_);
  int64_t ring_floor_ ABSL_GUARDED_BY(mutex_) = 0;
  int64_t tail_ ABSL_GUARDED_BY(mutex_) = 0;
  bool tail_loaded_ ABSL_GUARDED_BY(mutex_) = false;

  // Appended by this process, by sequence, with their ids, until the tail has passed them
  // (committed or not); at most ring_capacity of them.
  struct Pending {
    std::string id;
    std::shared_ptr<const LoggedEvent> event;
  };
  absl::Mutex pending_mutex_;
  absl::flat_hash_map<int64_t, Pending> pending_ ABSL_GUARDED_BY(pending_mutex_);

  absl::Mutex listeners_mutex_;
  absl::flat_hash_set<Listener*> listeners_ ABSL_GUARDED_BY(listeners_mutex_);

  std::thread tail_thread_;
};

}  // namespace dienhinh::platform

#endif  // DIENHINH_SERVICES_PLATFORM_EVENTS_EVENT_LOG_H_
