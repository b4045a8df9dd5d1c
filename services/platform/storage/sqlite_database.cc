#include "services/platform/storage/sqlite_database.h"

#include <sqlite3.h>

#include <algorithm>
#include <cstring>
#include <deque>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <system_error>
#include <utility>
#include <variant>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "services/platform/storage/sqlite_vfs.h"
#include "services/platform/storage/wal_checkpointer.h"

namespace dienhinh::platform {
namespace {

// Debian's Abseil has its own string_view type; the interface uses std::string_view.
absl::string_view AsAbsl(std::string_view text) { return {text.data(), text.size()}; }

// How long a connection waits for a lock another process holds before giving up (SQLITE_BUSY).
constexpr int kBusyTimeoutMs = 5000;
// Services use a few dozen distinct statements; past this, new ones are prepared per call so
// that SQL built at run time cannot grow the cache without bound.
constexpr size_t kMaxCachedStatements = 256;
constexpr size_t kMaxSqlInMessage = 200;

absl::StatusCode CodeForSqliteError(int extended) {
  switch (extended & 0xff) {
    case SQLITE_CONSTRAINT:
      return extended == SQLITE_CONSTRAINT_UNIQUE || extended == SQLITE_CONSTRAINT_PRIMARYKEY
                 ? absl::StatusCode::kAlreadyExists
                 : absl::StatusCode::kFailedPrecondition;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return absl::StatusCode::kAborted;
    case SQLITE_READONLY:
      return absl::StatusCode::kFailedPrecondition;
    case SQLITE_ERROR:
    case SQLITE_RANGE:
    case SQLITE_MISMATCH:
    case SQLITE_TOOBIG:
      return absl::StatusCode::kInvalidArgument;
    case SQLITE_FULL:
      return absl::StatusCode::kResourceExhausted;
    case SQLITE_CANTOPEN:
      return absl::StatusCode::kUnavailable;
    case SQLITE_INTERRUPT:
      return absl::StatusCode::kCancelled;
    default:
      return absl::StatusCode::kInternal;
  }
}

// Connections run with extended result codes on, so `rc` is already the extended code.
absl::Status SqliteError(sqlite3* db, int rc, std::string_view sql) {
  const char* message = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  return absl::Status(CodeForSqliteError(rc),
                      absl::StrCat("sqlite: ", message, " (code ", rc, ") in: ",
                                   AsAbsl(sql.substr(0, kMaxSqlInMessage))));
}

// A statement borrowed from a connection: a cached one is reset when the lease ends (so it
// holds no snapshot), an uncached one finalized.
class StatementLease {
 public:
  StatementLease(sqlite3_stmt* stmt, bool owned) : stmt_(stmt), owned_(owned) {}
  StatementLease(StatementLease&& other) noexcept
      : stmt_(std::exchange(other.stmt_, nullptr)), owned_(other.owned_) {}
  StatementLease& operator=(StatementLease&&) = delete;
  ~StatementLease() {
    if (stmt_ == nullptr) return;
    if (owned_) {
      sqlite3_finalize(stmt_);
    } else {
      sqlite3_reset(stmt_);
    }
  }
  sqlite3_stmt* get() const { return stmt_; }

 private:
  sqlite3_stmt* stmt_;
  bool owned_;
};

// One sqlite3 handle and its prepared statements. Used by one transaction at a time.
class SqliteConnection {
 public:
  explicit SqliteConnection(sqlite3* db) : db_(db) {}
  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;
  ~SqliteConnection() {
    for (auto& entry : statements_) sqlite3_finalize(entry.second);
    sqlite3_close_v2(db_);
  }

  sqlite3* db() const { return db_; }

  // Prepares exactly one statement; SQL holding more than one is INVALID_ARGUMENT.
  absl::StatusOr<StatementLease> Prepare(std::string_view sql) {
    if (auto it = statements_.find(AsAbsl(sql)); it != statements_.end()) {
      return StatementLease(it->second, /*owned=*/false);
    }
    const bool cache = statements_.size() < kMaxCachedStatements;
    sqlite3_stmt* stmt = nullptr;
    const char* tail = nullptr;
    const int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                      cache ? SQLITE_PREPARE_PERSISTENT : 0, &stmt, &tail);
    if (rc != SQLITE_OK) return SqliteError(db_, rc, sql);
    if (stmt == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat("sqlite: no statement in: ", AsAbsl(sql)));
    }
    if (HoldsAnotherStatement(tail, sql.data() + sql.size())) {
      sqlite3_finalize(stmt);
      return absl::InvalidArgumentError(absl::StrCat(
          "sqlite: more than one statement (ExecuteScript runs several) in: ",
          AsAbsl(sql.substr(0, kMaxSqlInMessage))));
    }
    if (!cache) return StatementLease(stmt, /*owned=*/true);
    statements_.emplace(std::string(sql), stmt);
    return StatementLease(stmt, /*owned=*/false);
  }

  // Runs a statement with no parameters and no rows (BEGIN, COMMIT, ROLLBACK).
  absl::Status Run(std::string_view sql) {
    absl::StatusOr<StatementLease> stmt = Prepare(sql);
    if (!stmt.ok()) return stmt.status();
    const int rc = sqlite3_step(stmt->get());
    return rc == SQLITE_DONE ? absl::OkStatus() : SqliteError(db_, rc, sql);
  }

 private:
  // Whether text after the first statement holds more than whitespace and comments.
  bool HoldsAnotherStatement(const char* tail, const char* end) {
    while (tail != nullptr && tail < end) {
      sqlite3_stmt* next = nullptr;
      const char* next_tail = nullptr;
      const int rc = sqlite3_prepare_v2(db_, tail, static_cast<int>(end - tail), &next, &next_tail);
      if (rc != SQLITE_OK || next != nullptr) {
        sqlite3_finalize(next);
        return true;
      }
      if (next_tail == tail) break;
      tail = next_tail;
    }
    return false;
  }

  sqlite3* db_;
  absl::flat_hash_map<std::string, sqlite3_stmt*> statements_;
};

absl::Status BindParams(sqlite3* db, sqlite3_stmt* stmt, absl::Span<const SqlParam> params,
                        std::string_view sql) {
  const int expected = sqlite3_bind_parameter_count(stmt);
  if (static_cast<size_t>(expected) != params.size()) {
    return absl::InvalidArgumentError(absl::StrCat("sqlite: the statement has ", expected,
                                                   " placeholders but ", params.size(),
                                                   " parameters were given: ",
                                                   AsAbsl(sql.substr(0, kMaxSqlInMessage))));
  }
  for (int i = 0; i < expected; ++i) {
    const SqlParam::Value& value = params[i].value();
    const int index = i + 1;
    int rc = SQLITE_OK;
    if (std::holds_alternative<std::monostate>(value)) {
      rc = sqlite3_bind_null(stmt, index);
    } else if (const int64_t* n = std::get_if<int64_t>(&value)) {
      rc = sqlite3_bind_int64(stmt, index, *n);
    } else if (const double* d = std::get_if<double>(&value)) {
      rc = sqlite3_bind_double(stmt, index, *d);
    } else if (const std::string* text = std::get_if<std::string>(&value)) {
      if (std::memchr(text->data(), '\0', text->size()) != nullptr) {
        return absl::InvalidArgumentError(absl::StrCat(
            "sqlite: text parameter ", index, " holds a NUL byte; bind bytes with SqlParam::Blob"));
      }
      // SQLITE_STATIC: the parameters outlive every step of this statement.
      rc = sqlite3_bind_text64(stmt, index, text->data(), text->size(), SQLITE_STATIC,
                               SQLITE_UTF8);
    } else {
      const std::string& bytes = std::get<SqlParam::Bytes>(value).value;
      // data() is never null, so an empty value binds a zero-length BLOB, not NULL.
      rc = sqlite3_bind_blob64(stmt, index, bytes.data(), bytes.size(), SQLITE_STATIC);
    }
    if (rc != SQLITE_OK) return SqliteError(db, rc, sql);
  }
  return absl::OkStatus();
}

SqlRow DecodeRow(sqlite3_stmt* stmt, int columns) {
  std::vector<SqlRow::Cell> cells;
  cells.reserve(columns);
  for (int c = 0; c < columns; ++c) {
    switch (sqlite3_column_type(stmt, c)) {
      case SQLITE_INTEGER:
        cells.emplace_back(static_cast<int64_t>(sqlite3_column_int64(stmt, c)));
        break;
      case SQLITE_FLOAT:
        cells.emplace_back(sqlite3_column_double(stmt, c));
        break;
      case SQLITE_TEXT: {
        const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, c));
        cells.emplace_back(std::string(text, sqlite3_column_bytes(stmt, c)));
        break;
      }
      case SQLITE_BLOB: {
        const auto* blob = static_cast<const char*>(sqlite3_column_blob(stmt, c));
        const int size = sqlite3_column_bytes(stmt, c);
        cells.emplace_back(size > 0 ? std::string(blob, size) : std::string());
        break;
      }
      default:
        cells.emplace_back(std::monostate());
    }
  }
  return SqlRow(std::move(cells));
}

class SqliteDatabase;

// The savepoint each logical write transaction runs in, inside the group's outer transaction.
constexpr char kSavepoint[] = "SAVEPOINT dh_logical";
constexpr char kReleaseSavepoint[] = "RELEASE dh_logical";
constexpr char kRollbackToSavepoint[] = "ROLLBACK TO dh_logical";

// A write handed to RunWrite: run by whichever caller holds the writer, its result known once
// the group it joined commits (or at once, when it failed alone). Guarded by the database's
// mutex.
struct QueuedWrite {
  const std::function<absl::Status(Transaction&)>* body = nullptr;
  bool done = false;
  absl::Status result;
};

// The logical write transactions that one outer transaction carries to one durable COMMIT.
// Guarded by the database's mutex.
struct CommitGroup {
  int members = 0;  // logical transactions released into it, waiting for its COMMIT
  absl::Time first_joined;  // when the first member began to wait
  bool done = false;
  absl::Status result;
  // The members that came through RunWrite (the others wait on `done` in JoinGroupAndWait).
  std::vector<QueuedWrite*> queued;

  // Ends the group with `status`, telling every member.
  void Finish(const absl::Status& status) {
    done = true;
    result = status;
    for (QueuedWrite* write : queued) {
      write->done = true;
      write->result = status;
    }
  }
};

class SqliteTransaction final : public Transaction {
 public:
  // `group` is null for a transaction that runs its own BEGIN ... COMMIT (kRead, ":memory:",
  // group commit off). `queued`: run by RunWrite's writer holder, which keeps the writer when
  // it ends and joins it to the group itself.
  SqliteTransaction(SqliteDatabase* owner, SqliteConnection* conn, TxMode mode,
                    std::shared_ptr<CommitGroup> group, bool queued = false)
      : owner_(owner), conn_(conn), mode_(mode), group_(std::move(group)), queued_(queued) {}
  ~SqliteTransaction() override { End(); }

  absl::StatusOr<std::vector<SqlRow>> Query(std::string_view sql,
                                            absl::Span<const SqlParam> params) override {
    std::vector<SqlRow> rows;
    absl::Status status = Run(sql, params, &rows, nullptr);
    if (!status.ok()) return status;
    return rows;
  }

  absl::StatusOr<int64_t> Execute(std::string_view sql,
                                  absl::Span<const SqlParam> params) override {
    int64_t changed = 0;
    absl::Status status = Run(sql, params, nullptr, &changed);
    if (!status.ok()) return status;
    return changed;
  }

  absl::Status ExecuteScript(std::string_view sql) override {
    if (absl::Status usable = Usable(); !usable.ok()) return usable;
    sqlite3* db = conn_->db();
    const char* next = sql.data();
    const char* end = sql.data() + sql.size();
    while (next < end) {
      sqlite3_stmt* raw = nullptr;
      const char* tail = nullptr;
      const int rc = sqlite3_prepare_v2(db, next, static_cast<int>(end - next), &raw, &tail);
      if (rc != SQLITE_OK) return Fail(SqliteError(db, rc, std::string_view(next, end - next)));
      if (raw == nullptr) break;  // only whitespace and comments remain
      StatementLease stmt(raw, /*owned=*/true);
      const std::string_view text(next, tail - next);
      next = tail;
      if (absl::Status writable = CheckWritable(stmt.get(), text); !writable.ok()) {
        return Fail(writable);
      }
      int step;
      while ((step = sqlite3_step(stmt.get())) == SQLITE_ROW) {
      }
      if (step != SQLITE_DONE) return Fail(SqliteError(db, step, text));
    }
    return absl::OkStatus();
  }

  absl::Status Commit() override;

  Dialect dialect() const override { return Dialect::kSqlite; }

 private:
  absl::Status Usable() const {
    if (conn_ == nullptr) {
      return absl::FailedPreconditionError("sqlite: the transaction has already ended");
    }
    if (!failed_.ok()) {
      return absl::Status(failed_.code(),
                          absl::StrCat("an earlier statement failed: ", failed_.message()));
    }
    return absl::OkStatus();
  }

  absl::Status Fail(absl::Status status) {
    if (failed_.ok()) failed_ = status;
    return status;
  }

  absl::Status CheckWritable(sqlite3_stmt* stmt, std::string_view sql) const {
    if (mode_ == TxMode::kRead && !sqlite3_stmt_readonly(stmt)) {
      return absl::FailedPreconditionError(absl::StrCat(
          "sqlite: a read transaction refuses writes: ", AsAbsl(sql.substr(0, kMaxSqlInMessage))));
    }
    return absl::OkStatus();
  }

  absl::Status Run(std::string_view sql, absl::Span<const SqlParam> params,
                   std::vector<SqlRow>* rows, int64_t* changed) {
    if (absl::Status usable = Usable(); !usable.ok()) return usable;
    sqlite3* db = conn_->db();
    absl::StatusOr<StatementLease> stmt = conn_->Prepare(sql);
    if (!stmt.ok()) return Fail(stmt.status());
    if (absl::Status writable = CheckWritable(stmt->get(), sql); !writable.ok()) {
      return Fail(writable);
    }
    if (absl::Status bound = BindParams(db, stmt->get(), params, sql); !bound.ok()) {
      return Fail(bound);
    }
    const int64_t total_before = sqlite3_total_changes64(db);
    // The column count is read after the first step: step re-prepares the statement when
    // another connection changed the schema, and the count may change with it.
    int columns = -1;
    int rc;
    while ((rc = sqlite3_step(stmt->get())) == SQLITE_ROW) {
      if (rows == nullptr) continue;
      if (columns < 0) columns = sqlite3_column_count(stmt->get());
      rows->push_back(DecodeRow(stmt->get(), columns));
    }
    if (rc != SQLITE_DONE) return Fail(SqliteError(db, rc, sql));
    if (changed != nullptr) {
      // sqlite3_changes64 keeps the count of the last INSERT/UPDATE/DELETE, so DDL and
      // SELECT would report a stale number: trust it only when this statement changed rows.
      *changed = sqlite3_total_changes64(db) != total_before ? sqlite3_changes64(db) : 0;
    }
    return absl::OkStatus();
  }

  // Rolls back what is still open (for a logical transaction: its savepoint only) and hands
  // the connection back.
  void End();

  SqliteDatabase* owner_;
  SqliteConnection* conn_;
  const TxMode mode_;
  std::shared_ptr<CommitGroup> group_;
  const bool queued_;
  absl::Status failed_;
};

class SqliteDatabase final : public Database {
 public:
  static absl::StatusOr<std::unique_ptr<Database>> Open(std::string_view path,
                                                        const DatabaseOptions& options,
                                                        const SqliteGroupCommitOptions& group);

  absl::StatusOr<std::unique_ptr<Transaction>> Begin(TxMode mode) override {
    if (mode == TxMode::kWrite && grouped_) return BeginLogicalWrite();
    const bool use_writer = mode == TxMode::kWrite || readers_.empty();
    SqliteConnection* conn = use_writer ? AcquireWriter() : AcquireReader();
    // IMMEDIATE takes the write lock now, so a conflict with another process shows here
    // (after busy_timeout) and never halfway through the body. A deferred BEGIN reads one
    // WAL snapshot from its first read on.
    absl::Status begun = conn->Run(mode == TxMode::kWrite ? "BEGIN IMMEDIATE" : "BEGIN");
    if (!begun.ok()) {
      Release(conn);
      return begun;
    }
    return std::make_unique<SqliteTransaction>(this, conn, mode, nullptr);
  }

  Dialect dialect() const override { return Dialect::kSqlite; }
  bool reads_are_local() const override { return !readers_.empty(); }
  bool sole_writer() const override { return true; }

  // Hands back a connection whose transaction ran its own BEGIN ... COMMIT.
  void Release(SqliteConnection* conn) {
    absl::MutexLock lock(&mu_);
    if (conn == writer_.get()) {
      writer_busy_ = false;
    } else {
      idle_readers_.push_back(conn);
    }
  }

  void CountOwnCommit() {
    absl::MutexLock lock(&mu_);
    ++stats_.logical_commits;
    ++stats_.durable_commits;
  }

  // Called by the writer's holder once its logical transaction is released into the outer
  // transaction: joins the group, hands the writer on (or commits the group when nobody
  // waits) and returns the group's COMMIT result once it is known.
  absl::Status JoinGroupAndWait(const std::shared_ptr<CommitGroup>& group) {
    {
      absl::MutexLock lock(&mu_);
      if (group->members++ == 0) group->first_joined = absl::Now();
    }
    HandBackWriter();
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(&group->done));
    return group->result;
  }

  // Called by the writer's holder when SQLite rolled the outer transaction back under it:
  // the group's members lost their work and learn it now; the next Begin opens a new one.
  void AbandonGroup(const std::shared_ptr<CommitGroup>& group, const absl::Status& why) {
    absl::MutexLock lock(&mu_);
    if (group_ == group) group_ = nullptr;
    group->Finish(why);
  }

  // Called by the writer's holder when its logical transaction has ended, either way. Commits
  // the outer transaction when no other logical transaction waits for the writer (or the
  // group is full or old enough), then lets the writer go.
  void HandBackWriter() {
    std::shared_ptr<CommitGroup> group;
    {
      absl::MutexLock lock(&mu_);
      group = group_;
      if (group == nullptr || !GroupIsDue(*group, /*nobody_waits=*/writers_waiting_ == 0)) {
        writer_busy_ = false;
        return;
      }
      group_ = nullptr;
    }
    CommitGroupNow(*group);
    absl::MutexLock lock(&mu_);
    writer_busy_ = false;
  }

  // Queues `body`; the caller that finds the writer free runs the queue (RunQueuedWrites),
  // so the writer changes hands once per group, not once per transaction (the header says
  // why).
  absl::Status RunWrite(const std::function<absl::Status(Transaction&)>& body) override {
    if (!grouped_) return Database::RunWrite(body);
    QueuedWrite write;
    write.body = &body;
    {
      absl::MutexLock lock(&mu_);
      queue_.push_back(&write);
      auto answered_or_free = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
        return write.done || !writer_busy_;
      };
      mu_.Await(absl::Condition(&answered_or_free));
      if (write.done) return write.result;
      writer_busy_ = true;
    }
    RunQueuedWrites(write);
    absl::MutexLock lock(&mu_);
    return write.result;
  }

  SqliteCommitStats stats() {
    SqliteCommitStats stats;
    {
      absl::MutexLock lock(&mu_);
      stats = stats_;
    }
    if (checkpointer_ != nullptr) {
      const WalCheckpointStats checkpoints = checkpointer_->stats();
      stats.background_checkpoints = checkpoints.background;
      stats.inline_checkpoints = checkpoints.inline_;
    }
    return stats;
  }

 private:
  absl::StatusOr<std::unique_ptr<Transaction>> BeginLogicalWrite() {
    SqliteConnection* conn = AcquireWriter();
    absl::StatusOr<std::shared_ptr<CommitGroup>> group = OpenGroup();
    absl::Status status = group.status();
    if (status.ok()) status = conn->Run(kSavepoint);
    if (!status.ok()) {
      HandBackWriter();
      return status;
    }
    return std::make_unique<SqliteTransaction>(this, conn, TxMode::kWrite, *std::move(group));
  }

  // Whether the open group should commit now rather than take more members: nobody waits to
  // join it, it is full, or its first member has waited long enough.
  bool GroupIsDue(const CommitGroup& group, bool nobody_waits) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return nobody_waits || group.members >= max_group_ ||
           (group.members > 0 && absl::Now() - group.first_joined >= max_group_delay_);
  }

  // Commits (or, with no member left, rolls back) the outer transaction of `group`, which
  // the caller has taken out of group_ while holding the writer, and tells its members.
  void CommitGroupNow(CommitGroup& group) {
    // Still the writer's holder: nobody else touches the connection meanwhile.
    absl::Status result;
    if (group.members == 0) {
      writer_->Run("ROLLBACK").IgnoreError();  // every transaction of it rolled back
    } else {
      result = writer_->Run("COMMIT");
      if (!result.ok()) {
        if (!sqlite3_get_autocommit(writer_->db())) writer_->Run("ROLLBACK").IgnoreError();
        result = absl::Status(result.code(),
                              absl::StrCat("the group commit of ", group.members,
                                           " transactions failed: ", result.message()));
      }
    }
    absl::MutexLock lock(&mu_);
    if (result.ok() && group.members > 0) {
      stats_.logical_commits += group.members;
      ++stats_.durable_commits;
    }
    group.Finish(result);
  }

  // The writer's holder, from RunWrite: runs the queued writes in order, each in the open
  // group, committing a group when nothing more is queued, or it is full or old enough;
  // stops once `own` is answered and lets the writer go to the next caller.
  void RunQueuedWrites(QueuedWrite& own) {
    while (true) {
      QueuedWrite* next = nullptr;
      {
        absl::MutexLock lock(&mu_);
        if (own.done || queue_.empty()) break;
        next = queue_.front();
        queue_.pop_front();
      }
      RunQueuedWrite(*next);
      std::shared_ptr<CommitGroup> group;
      {
        absl::MutexLock lock(&mu_);
        if (group_ != nullptr && GroupIsDue(*group_, /*nobody_waits=*/queue_.empty())) {
          group = std::move(group_);
          group_ = nullptr;
        }
      }
      if (group != nullptr) CommitGroupNow(*group);
    }
    absl::MutexLock lock(&mu_);
    writer_busy_ = false;
  }

  // One queued write, as a savepoint in the open outer transaction (begun if none is). A
  // write that fails is answered at once; one that succeeds joins the group.
  void RunQueuedWrite(QueuedWrite& write) {
    absl::StatusOr<std::shared_ptr<CommitGroup>> group = OpenGroup();
    absl::Status status = group.status();
    if (status.ok()) status = writer_->Run(kSavepoint);
    if (status.ok()) {
      SqliteTransaction tx(this, writer_.get(), TxMode::kWrite, *group, /*queued=*/true);
      status = (*write.body)(tx);
      if (status.ok()) status = tx.Commit();
    }  // a transaction not committed rolls back to its savepoint here
    absl::MutexLock lock(&mu_);
    if (!status.ok()) {
      write.done = true;
      write.result = status;
      return;
    }
    if ((*group)->members++ == 0) (*group)->first_joined = absl::Now();
    (*group)->queued.push_back(&write);
  }

  // The group of the open outer transaction, begun when none is open. The caller holds the
  // writer.
  absl::StatusOr<std::shared_ptr<CommitGroup>> OpenGroup() {
    {
      absl::MutexLock lock(&mu_);
      if (group_ != nullptr) return group_;
    }
    SqliteConnection* conn = writer_.get();
    // A ROLLBACK that failed earlier may have left a transaction open: start clean.
    if (!sqlite3_get_autocommit(conn->db())) conn->Run("ROLLBACK").IgnoreError();
    // IMMEDIATE takes the write lock now, so a conflict with another process shows here
    // (after busy_timeout) and never halfway through a body.
    if (absl::Status begun = conn->Run("BEGIN IMMEDIATE"); !begun.ok()) return begun;
    auto group = std::make_shared<CommitGroup>();
    absl::MutexLock lock(&mu_);
    group_ = group;
    return group;
  }

  SqliteConnection* AcquireWriter() {
    auto writer_free = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return !writer_busy_; };
    absl::MutexLock lock(&mu_);
    // Counted while waiting: a committing transaction leaves the group open for the waiters.
    ++writers_waiting_;
    mu_.Await(absl::Condition(&writer_free));
    --writers_waiting_;
    writer_busy_ = true;
    return writer_.get();
  }

  SqliteConnection* AcquireReader() {
    auto reader_idle = [this]() { return !idle_readers_.empty(); };
    absl::MutexLock lock(&mu_, absl::Condition(&reader_idle));
    SqliteConnection* conn = idle_readers_.back();
    idle_readers_.pop_back();
    return conn;
  }

  // Declared before the readers so that they close first and the writer, last, checkpoints.
  std::unique_ptr<SqliteConnection> writer_;
  std::vector<std::unique_ptr<SqliteConnection>> readers_;
  // Declared after the connections so that it stops (and gives the writer back its own
  // checkpoints) before any of them closes; null in memory.
  std::unique_ptr<WalCheckpointer> checkpointer_;
  // Whether kWrite transactions share outer transactions (see the header).
  bool grouped_ = false;
  int max_group_ = 1;
  absl::Duration max_group_delay_;
  absl::Mutex mu_;
  bool writer_busy_ ABSL_GUARDED_BY(mu_) = false;
  int writers_waiting_ ABSL_GUARDED_BY(mu_) = 0;
  // The group of the open outer transaction; null when none is open.
  std::shared_ptr<CommitGroup> group_ ABSL_GUARDED_BY(mu_);
  // Writes handed to RunWrite that no writer's holder has run yet, oldest first.
  std::deque<QueuedWrite*> queue_ ABSL_GUARDED_BY(mu_);
  SqliteCommitStats stats_ ABSL_GUARDED_BY(mu_);
  std::vector<SqliteConnection*> idle_readers_ ABSL_GUARDED_BY(mu_);
};

absl::Status SqliteTransaction::Commit() {
  if (absl::Status usable = Usable(); !usable.ok()) {
    End();
    return usable;
  }
  if (group_ == nullptr) {
    absl::Status committed = conn_->Run("COMMIT");
    if (committed.ok() && mode_ == TxMode::kWrite) owner_->CountOwnCommit();
    End();  // after a failed COMMIT the transaction may still be open: roll it back
    return committed;
  }
  // A deferred foreign key would only be checked by the outer COMMIT and fail the whole
  // group: refuse this transaction alone, as its own COMMIT would have.
  int deferred = 0;
  int unused = 0;
  if (sqlite3_db_status(conn_->db(), SQLITE_DBSTATUS_DEFERRED_FKS, &deferred, &unused, 0) ==
          SQLITE_OK &&
      deferred > 0) {
    absl::Status refused = Fail(absl::FailedPreconditionError(
        "sqlite: FOREIGN KEY constraint failed (deferred, at commit)"));
    End();
    return refused;
  }
  if (absl::Status released = conn_->Run(kReleaseSavepoint); !released.ok()) {
    Fail(released).IgnoreError();
    End();
    return released;
  }
  conn_ = nullptr;
  const std::shared_ptr<CommitGroup> group = std::move(group_);
  if (queued_) return absl::OkStatus();  // RunQueuedWrite joins it to the group
  return owner_->JoinGroupAndWait(group);
}

void SqliteTransaction::End() {
  if (conn_ == nullptr) return;
  if (group_ == nullptr) {
    if (!sqlite3_get_autocommit(conn_->db())) {
      // A failed ROLLBACK leaves nothing better to do: SQLite rolls back when the
      // connection's next BEGIN fails or the connection closes.
      conn_->Run("ROLLBACK").IgnoreError();
    }
    owner_->Release(conn_);
    conn_ = nullptr;
    return;
  }
  if (sqlite3_get_autocommit(conn_->db())) {
    // A failing statement made SQLite roll back the whole outer transaction (it may on
    // SQLITE_FULL, IOERR, BUSY, NOMEM; RAISE(ROLLBACK) does): the work of the group's waiting
    // members is gone too. Nothing of it was acknowledged; they may retry.
    owner_->AbandonGroup(
        group_, absl::AbortedError(absl::StrCat(
                    "sqlite: another transaction's failure rolled back the shared commit: ",
                    failed_.message())));
  } else if (!conn_->Run(kRollbackToSavepoint).ok() || !conn_->Run(kReleaseSavepoint).ok()) {
    conn_->Run("ROLLBACK").IgnoreError();
    owner_->AbandonGroup(group_, absl::AbortedError(
                                     "sqlite: a savepoint could not be rolled back, so the "
                                     "shared commit was rolled back"));
  }
  conn_ = nullptr;
  group_.reset();
  if (!queued_) owner_->HandBackWriter();
}

absl::StatusOr<std::unique_ptr<SqliteConnection>> OpenConnection(const std::string& path,
                                                                 bool writer, bool memory,
                                                                 bool full_sync) {
  sqlite3* db = nullptr;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
  if (writer) flags |= SQLITE_OPEN_CREATE;
  // The writer under FULL gathers each commit's WAL frames into one write() (a frame is two
  // otherwise); readers never write the log, and NORMAL commits do not sync it, which the
  // gathering needs (sqlite_vfs.h).
  const char* vfs = writer && full_sync && !memory ? WalGatheringVfsName() : nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &db, flags, vfs);
  auto conn = std::make_unique<SqliteConnection>(db);  // closes the handle on every path
  if (rc != SQLITE_OK) {
    absl::Status error = SqliteError(db, rc, absl::StrCat("open ", path));
    return absl::UnavailableError(error.message());
  }
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, kBusyTimeoutMs);
  std::string pragmas = absl::StrCat("PRAGMA foreign_keys=ON; PRAGMA synchronous=",
                                     full_sync ? "FULL" : "NORMAL", ";");
  if (!writer) pragmas += " PRAGMA query_only=ON;";
  char* message = nullptr;
  if (sqlite3_exec(db, pragmas.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
    absl::Status error = absl::InternalError(absl::StrCat("sqlite: ", message, " in: ", pragmas));
    sqlite3_free(message);
    return error;
  }
  if (writer && !memory) {
    // journal_mode answers with the mode it ended in; a file system without shared memory
    // support stays in "delete", where readers and the writer would block each other.
    absl::StatusOr<StatementLease> stmt = conn->Prepare("PRAGMA journal_mode=WAL");
    if (!stmt.ok()) return stmt.status();
    const int step = sqlite3_step(stmt->get());
    const unsigned char* mode =
        step == SQLITE_ROW ? sqlite3_column_text(stmt->get(), 0) : nullptr;
    if (mode == nullptr || std::strcmp(reinterpret_cast<const char*>(mode), "wal") != 0) {
      return absl::FailedPreconditionError(
          absl::StrCat("sqlite: cannot switch ", path, " to WAL mode"));
    }
  }
  return conn;
}

absl::StatusOr<std::unique_ptr<Database>> SqliteDatabase::Open(
    std::string_view path, const DatabaseOptions& options, const SqliteGroupCommitOptions& group) {
  if (path.empty()) return absl::InvalidArgumentError("sqlite: empty database path");
  const std::string file(path);
  const bool memory = file == ":memory:";
  if (!memory) {
    const std::filesystem::path folder = std::filesystem::path(file).parent_path();
    std::error_code error;
    if (!folder.empty()) std::filesystem::create_directories(folder, error);
    if (error) {
      return absl::UnavailableError(
          absl::StrCat("sqlite: cannot create folder ", folder.string(), ": ", error.message()));
    }
  }
  // Before SQLite initializes: the sub-journal in memory, long writes split, the WAL gathered
  // (sqlite_vfs.h).
  ConfigureSqlite();
  auto db = std::unique_ptr<SqliteDatabase>(new SqliteDatabase());
  absl::StatusOr<std::unique_ptr<SqliteConnection>> writer =
      OpenConnection(file, /*writer=*/true, memory, options.sqlite_full_sync);
  if (!writer.ok()) return writer.status();
  db->writer_ = *std::move(writer);
  if (!memory) {
    absl::StatusOr<std::unique_ptr<WalCheckpointer>> checkpointer = WalCheckpointer::Start(
        file, db->writer_->db(), options.sqlite_full_sync, WalCheckpointOptions{});
    if (!checkpointer.ok()) return checkpointer.status();
    db->checkpointer_ = *std::move(checkpointer);
  }
  // In memory, reads share the writer connection, so an open outer transaction would show
  // them uncommitted work (and nothing is durable there anyway).
  db->grouped_ = !memory && group.max_transactions > 1;
  db->max_group_ = std::max(1, group.max_transactions);
  db->max_group_delay_ = group.max_delay;
  // A private in-memory database is visible to one connection only: it has no readers.
  const int readers = memory ? 0 : std::max(1, options.pool_size);
  for (int i = 0; i < readers; ++i) {
    absl::StatusOr<std::unique_ptr<SqliteConnection>> reader =
        OpenConnection(file, /*writer=*/false, memory, options.sqlite_full_sync);
    if (!reader.ok()) return reader.status();
    db->readers_.push_back(*std::move(reader));
  }
  {
    absl::MutexLock lock(&db->mu_);
    for (const auto& reader : db->readers_) db->idle_readers_.push_back(reader.get());
  }
  return std::unique_ptr<Database>(std::move(db));
}

}  // namespace

absl::StatusOr<std::unique_ptr<Database>> OpenSqliteDatabase(
    std::string_view path, const DatabaseOptions& options,
    const SqliteGroupCommitOptions& group_commit) {
  return SqliteDatabase::Open(path, options, group_commit);
}

std::optional<SqliteCommitStats> SqliteCommitStatsOf(Database& db) {
  auto* sqlite = dynamic_cast<SqliteDatabase*>(&db);
  if (sqlite == nullptr) return std::nullopt;
  return sqlite->stats();
}

}  // namespace dienhinh::platform
