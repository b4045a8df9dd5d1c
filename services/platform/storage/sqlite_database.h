// The SQLite driver behind Database: one writer connection and a pool of reader connections
// whose deferred transactions read a WAL snapshot while the writer works. ":memory:" uses one
// connection for everything.
//
// Group commit. With synchronous=FULL every COMMIT waits for an fsync, so one COMMIT per
// logical transaction caps durable writes at the disk's fsync rate. Instead the writer
// connection keeps one outer transaction (BEGIN IMMEDIATE) open across several logical kWrite
// transactions, each inside a SAVEPOINT:
// - Begin(kWrite) waits for the writer, opens the outer transaction if none is open, and sets
//   the logical transaction's savepoint.
// - Commit releases the savepoint into the outer transaction, hands the writer to the next
//   logical transaction and waits: it returns only once the outer transaction is durably
//   committed, with that COMMIT's result (an error for every member when it fails: none of
//   them was acknowledged).
// - The outer COMMIT (one fsync for the whole group) runs when a logical transaction ends and
//   no other one is waiting for the writer, or when the group holds max_transactions, or once
//   its first member has waited max_delay.
// - A rollback, or a failing statement, undoes its own savepoint only. Where SQLite itself
//   rolls back the whole outer transaction (SQLITE_FULL, IOERR, RAISE(ROLLBACK) ...), the
//   waiting members get ABORTED, which RunInTransaction retries.
// - RunWrite (what RunInTransaction uses for kWrite) queues the body instead of taking the
//   writer itself. The caller that finds the writer free runs the queued bodies of every
//   caller, oldest first, back to back, commits them as above, and lets the writer go once its
//   own is answered; the next caller waiting then does the same. Handing the writer from
//   thread to thread for each logical transaction left it idle while the next holder was
//   woken and scheduled (0.15-0.45 ms a hand-over on the two-core development machine under
//   load, as long as the transaction itself): now it changes hands once per group. A body may
//   therefore run on another caller's thread, while its own caller waits.
// WAL checkpoints run on a thread of their own, beside the writer (wal_checkpointer.h).
// Readers use other connections, so they never see a logical transaction before its group is
// durable. The price: a logical transaction's Commit also waits for the writer's holder at
// that moment to finish, so a write transaction's body must never wait for another writer's
// Commit to return (it already could not wait for another writer to begin). ":memory:" and
// max_transactions = 1 keep one COMMIT per transaction.
#ifndef DIENHINH_SERVICES_PLATFORM_STORAGE_SQLITE_DATABASE_H_
#define DIENHINH_SERVICES_PLATFORM_STORAGE_SQLITE_DATABASE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/platform/storage/database.h"

namespace dienhinh::platform {

struct SqliteGroupCommitOptions {
  // The most logical transactions one durable COMMIT carries; 1 turns group commit off.
  int max_transactions = 64;
  // How long a group's first member may wait while others keep joining; checked each time a
  // logical transaction ends, so the transaction holding the writer then adds its own time.
  absl::Duration max_delay = absl::Milliseconds(5);
};

// Opens (creating it and its folder if missing) the SQLite file at `path`, or a private
// in-memory database for ":memory:". Uses options.pool_size readers and
// options.sqlite_full_sync; options.url is not read.
absl::StatusOr<std::unique_ptr<Database>> OpenSqliteDatabase(
    std::string_view path, const DatabaseOptions& options,
    const SqliteGroupCommitOptions& group_commit = {});

// What the writer has committed since the database was opened.
struct SqliteCommitStats {
  int64_t logical_commits = 0;  // kWrite transactions whose Commit returned OK
  int64_t durable_commits = 0;  // COMMITs that carried them (each one fsync under FULL)
  // WAL checkpoints run beside the writer, and by a COMMIT itself (wal_checkpointer.h).
  int64_t background_checkpoints = 0;
  int64_t inline_checkpoints = 0;
};

// The commit counts of a database OpenSqliteDatabase opened; nullopt for any other.
std::optional<SqliteCommitStats> SqliteCommitStatsOf(Database& db);

}  // namespace dienhinh::platform

#endif  // DIENHINH_SERVICES_PLATFORM_STORAGE_SQLITE_DATABASE_H_
