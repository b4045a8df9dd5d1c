#include "services/platform/events/event_log.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "google/protobuf/util/time_util.h"
#include "services/platform/ids/ulid.h"
#include "services/platform/log/json_log.h"

namespace dienhinh::platform {
namespace {

// Arbitrary but fixed: the advisory lock that orders outbox sequence numbers (PostgreSQL).
constexpr int64_t kOutboxLockKey = 0x6468'6f75'7462'6f78;  // "dhoutbox"

}  // namespace

absl::StatusOr<std::shared_ptr<const LoggedEvent>> LoggedEvent::FromBytes(
    int64_t sequence, absl::string_view bytes) {
  auto logged = std::make_shared<LoggedEvent>();
  logged->sequence = sequence;
  // Only the top level is split into fields; the payload stays one run of bytes.
  auto* fields = logged->wire.GetReflection()->MutableUnknownFields(&logged->wire);
  if (!fields->ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return absl::DataLossError(absl::StrCat("outbox event ", sequence, " does not parse"));
  }
  return logged;
}

absl::StatusOr<Event> LoggedEvent::Decode() const {
  Event event;
  if (!event.ParseFromString(wire.SerializeAsString())) {
    return absl::DataLossError(absl::StrCat("outbox event ", sequence, " does not parse"));
  }
  return event;
}

EventLog::EventLog(Database* db, Options options) : db_(db), options_(std::move(options)) {
  tail_thread_ = std::thread([this] { TailLoop(); });
}

EventLog::~EventLog() {
  {
    absl::MutexLock lock(&mutex_);
    stopping_ = true;
  }
  tail_thread_.join();
}

absl::StatusOr<std::shared_ptr<const Event>> EventLog::Append(Transaction& tx, Event event) {
  std::string stored;
  return Append(tx, std::move(event), &stored);
}

absl::StatusOr<std::shared_ptr<const Event>> EventLog::Append(Transaction& tx, Event event,
                                                              std::string* stored) {
  int64_t sequence = 0;
  if (tx.dialect() == Dialect::kPostgres) {
    auto locked = tx.Query("SELECT pg_advisory_xact_lock(?)", {SqlParam(kOutboxLockKey)});
    if (!locked.ok()) return locked.status();
    auto next = tx.Query("SELECT nextval('outbox_sequence')");
    if (!next.ok()) return next.status();
    if (next->empty()) return absl::InternalError("nextval('outbox_sequence') returned no row");
    sequence = (*next)[0].Int(0);
  } else {
    auto next = tx.Query("SELECT COALESCE(MAX(sequence), 0) + 1 FROM outbox");
    if (!next.ok()) return next.status();
    if (next->empty()) return absl::InternalError("outbox MAX(sequence) returned no row");
    sequence = (*next)[0].Int(0);
  }
  absl::Time now = absl::Now();
  event.set_id(NewUlid(now));
  event.set_sequence(sequence);
  event.set_source(options_.source);
  event.set_site(options_.site);
  *event.mutable_time() = google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(
      absl::ToUnixMicros(now));
  std::string& bytes = *stored;
  if (!event.SerializeToString(&bytes)) return absl::InternalError("cannot serialize event");
  auto inserted = tx.Execute(
      "INSERT INTO outbox (sequence, event_id, created_at_us, event) VALUES (?, ?, ?, ?)",
      {SqlParam(sequence), SqlParam(event.id()), SqlParam(absl::ToUnixMicros(now)),
       SqlParam::Blob(bytes)});
  if (!inserted.ok()) return inserted.status();
  {
    absl::MutexLock lock(&pending_mutex_);
    // A large transaction (an import appends an event per row) keeps only its first events
    // here: the rest would all wait in memory for the commit. The tail reads those back.
    if (pending_.size() < options_.ring_capacity || pending_.contains(sequence)) {
      auto logged = LoggedEvent::FromBytes(sequence, bytes);
      if (!logged.ok()) return logged.status();
      // A rolled-back append's number may be reused.
      pending_.insert_or_assign(sequence, Pending{event.id(), *std::move(logged)});
    }
  }
  return std::make_shared<const Event>(std::move(event));
}

void EventLog::Notify() {
  absl::MutexLock lock(&mutex_);
  notified_ = true;
}

int64_t EventLog::LastSequence() {
  absl::MutexLock lock(&mutex_);
  return tail_;
}

absl::StatusOr<std::vector<std::shared_ptr<const LoggedEvent>>> EventLog::Read(int64_t after,
                                                                               int limit) {
  {
    absl::MutexLock lock(&mutex_);
    if (tail_loaded_ && after >= ring_floor_) {
      std::vector<std::shared_ptr<const LoggedEvent>> out;
      auto it = std::upper_bound(
          ring_.begin(), ring_.end(), after,
          [](int64_t a, const std::shared_ptr<const LoggedEvent>& e) { return a < e->sequence; });
      for (; it != ring_.end() && static_cast<int>(out.size()) < limit; ++it) out.push_back(*it);
      return out;
    }
  }
  return ReadFromDatabase(after, limit, /*own=*/false);
}

absl::StatusOr<std::vector<std::shared_ptr<const LoggedEvent>>> EventLog::ReadFromDatabase(
    int64_t after, int limit, bool own) {
  auto tx = db_->Begin(TxMode::kRead);
  if (!tx.ok()) return tx.status();
  std::vector<std::shared_ptr<const LoggedEvent>> out;
  if (!own) {
    auto rows = (*tx)->Query(
        "SELECT sequence, event FROM outbox WHERE sequence > ? ORDER BY sequence LIMIT ?",
        {SqlParam(after), SqlParam(limit)});
    if (!rows.ok()) return rows.status();
    out.reserve(rows->size());
    for (const SqlRow& row : *rows) {
      auto event = LoggedEvent::FromBytes(row.Int(0), row.Blob(1));
      if (!event.ok()) return event.status();
      out.push_back(*std::move(event));
    }
    return out;
  }
  // The tail: which events committed, by number and id; then the stored bytes of only those
  // this process did not append (or whose number a rolled-back append of its had), read in
  // the same transaction. Reading every event's bytes back (an evaluation's are kilobytes, on
  // overflow pages) was most of the tail's cost.
  auto committed = (*tx)->Query(
      "SELECT sequence, event_id FROM outbox WHERE sequence > ? ORDER BY sequence LIMIT ?",
      {SqlParam(after), SqlParam(limit)});
  if (!committed.ok()) return committed.status();
  out.resize(committed->size());
  size_t first_missing = out.size();
  {
    absl::MutexLock lock(&pending_mutex_);
    for (size_t i = 0; i < out.size(); ++i) {
      const SqlRow& row = (*committed)[i];
      auto it = pending_.find(row.Int(0));
      if (it != pending_.end() && it->second.id == row.Text(1)) {
        out[i] = it->second.event;
      } else if (first_missing == out.size()) {
        first_missing = i;
      }
    }
  }
  if (first_missing < out.size()) {
    auto rows = (*tx)->Query(
        "SELECT sequence, event FROM outbox WHERE sequence >= ? AND sequence <= ? "
        "ORDER BY sequence",
        {SqlParam((*committed)[first_missing].Int(0)), SqlParam(committed->back().Int(0))});
    if (!rows.ok()) return rows.status();
    size_t i = first_missing;
    for (const SqlRow& row : *rows) {
      while (i < out.size() && (*committed)[i].Int(0) < row.Int(0)) ++i;
      if (i == out.size() || out[i] != nullptr) continue;
      auto event = LoggedEvent::FromBytes(row.Int(0), row.Blob(1));
      if (!event.ok()) return event.status();
      out[i] = *std::move(event);
    }
    for (const auto& event : out) {
      if (event == nullptr) return absl::InternalError("an outbox row vanished while read");
    }
  }
  if (!out.empty()) {
    // Whatever this process appended up to here has committed (and is in `out`) or rolled back.
    const int64_t last = out.back()->sequence;
    absl::MutexLock lock(&pending_mutex_);
    absl::erase_if(pending_, [last](const auto& entry) { return entry.first <= last; });
  }
  return out;
}

void EventLog::AddListener(Listener* listener) {
  absl::MutexLock lock(&listeners_mutex_);
  listeners_.insert(listener);
}

void EventLog::RemoveListener(Listener* listener) {
  absl::MutexLock lock(&listeners_mutex_);
  listeners_.erase(listener);
}

void EventLog::TailLoop() {
  bool reported_error = false;
  while (true) {
    int64_t after;
    bool loaded;
    {
      absl::MutexLock lock(&mutex_);
      auto wake = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_) { return stopping_ || notified_; };
      mutex_.AwaitWithTimeout(absl::Condition(&wake), options_.poll_interval);
      if (stopping_) return;
      notified_ = false;
      after = tail_;
      loaded = tail_loaded_;
    }
    if (!loaded) {
      // Start the ring at the current end of the log: older events are read from the database.
      auto tx = db_->Begin(TxMode::kRead);
      absl::StatusOr<std::vector<SqlRow>> rows =
          tx.ok() ? (*tx)->Query("SELECT COALESCE(MAX(sequence), 0) FROM outbox") : tx.status();
      if (!rows.ok() || rows->empty()) {
        if (!reported_error) LogError("event log tail cannot read the outbox",
                                      {{"error", rows.status().ToString()}});
        reported_error = true;
        continue;
      }
      {
        absl::MutexLock lock(&mutex_);
        tail_ = ring_floor_ = (*rows)[0].Int(0);
        tail_loaded_ = true;
      }
      // A subscriber that read the database before the ring existed may be waiting for an
      // event that committed meanwhile and is now below the ring's floor: wake everyone.
      absl::MutexLock lock(&listeners_mutex_);
      for (Listener* listener : listeners_) listener->OnNewEvents();
      continue;
    }
    bool grew = false;
    while (true) {
      auto batch = ReadFromDatabase(after, 512, /*own=*/true);
      if (!batch.ok()) {
        if (!reported_error) LogError("event log tail cannot read the outbox",
                                      {{"error", batch.status().ToString()}});
        reported_error = true;
        break;
      }
      reported_error = false;
      if (batch->empty()) break;
      after = batch->back()->sequence;
      grew = true;
      absl::MutexLock lock(&mutex_);
      for (auto& e : *batch) ring_.push_back(std::move(e));
      tail_ = after;
      while (ring_.size() > options_.ring_capacity) {
        ring_floor_ = ring_.front()->sequence;
        ring_.pop_front();
      }
      if (batch->size() < 512) break;
    }
    if (grew) {
      absl::MutexLock lock(&listeners_mutex_);
      for (Listener* listener : listeners_) listener->OnNewEvents();
    }
  }
}

}  // namespace dienhinh::platform
