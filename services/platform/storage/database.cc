#include "services/platform/storage/database.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>

#include "absl/random/random.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "services/platform/storage/postgres_database.h"
#include "services/platform/storage/sqlite_database.h"

namespace dienhinh::platform {
namespace {

constexpr int kMaxAttempts = 10;
constexpr absl::Duration kFirstBackoff = absl::Milliseconds(1);
constexpr absl::Duration kMaxBackoff = absl::Milliseconds(100);

// The key (with the schema's hash as the second half) that serializes the creation of
// schema_migrations between processes starting at once against one PostgreSQL schema.
constexpr int64_t kMigrationLockKey = 0x64686d67;  // "dhmg"

constexpr char kCreateMigrationsTable[] =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    "version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)";

// Sleeps before attempt `attempt` (1, 2, ...): exponential, capped, and jittered so that the
// transactions that just collided do not collide again in step.
void Backoff(int attempt) {
  thread_local absl::InsecureBitGen random;
  const absl::Duration ceiling = std::min(kMaxBackoff, kFirstBackoff * (1 << std::min(attempt, 16)));
  const double fraction = absl::Uniform(random, 0.25, 1.0);
  absl::SleepFor(ceiling * fraction);
}

absl::Status Annotated(const absl::Status& status, const Migration& migration) {
  return absl::Status(status.code(), absl::StrCat("migration ", migration.version, " (",
                                                  migration.name, "): ", status.message()));
}

// One attempt: begin, run the body, commit.
absl::Status RunOnce(Database& db, TxMode mode,
                     const std::function<absl::Status(Transaction&)>& body) {
  absl::StatusOr<std::unique_ptr<Transaction>> tx = db.Begin(mode);
  if (!tx.ok()) return tx.status();
  absl::Status status = body(**tx);
  if (status.ok()) status = (*tx)->Commit();
  return status;
}

}  // namespace

absl::StatusOr<std::unique_ptr<Database>> Database::Open(const DatabaseOptions& options) {
  absl::string_view url = options.url;
  if (absl::StartsWith(url, "postgres://") || absl::StartsWith(url, "postgresql://")) {
    return OpenPostgresDatabase(options);
  }
  // "sqlite:PATH", "sqlite://PATH" (so "sqlite:///abs/path" is absolute) or a bare PATH.
  if (absl::ConsumePrefix(&url, "sqlite:")) absl::ConsumePrefix(&url, "//");
  if (url.empty()) return absl::InvalidArgumentError("database URL names no file");
  return OpenSqliteDatabase(std::string_view(url.data(), url.size()), options);
}

bool SqlRow::IsNull(int column) const {
  return column < 0 || column >= size() || std::holds_alternative<std::monostate>(cells_[column]);
}

int64_t SqlRow::Int(int column) const {
  if (column < 0 || column >= size()) return 0;
  const Cell& cell = cells_[column];
  if (const int64_t* n = std::get_if<int64_t>(&cell)) return *n;
  if (const double* d = std::get_if<double>(&cell)) {
    // Converting a double outside int64's range is undefined: clamp it.
    if (std::isnan(*d)) return 0;
    if (*d >= 9223372036854775807.0) return std::numeric_limits<int64_t>::max();
    if (*d <= -9223372036854775808.0) return std::numeric_limits<int64_t>::min();
    return static_cast<int64_t>(*d);
  }
  if (const std::string* text = std::get_if<std::string>(&cell)) {
    int64_t n = 0;
    return absl::SimpleAtoi(*text, &n) ? n : 0;
  }
  return 0;
}

double SqlRow::Real(int column) const {
  if (column < 0 || column >= size()) return 0;
  const Cell& cell = cells_[column];
  if (const double* d = std::get_if<double>(&cell)) return *d;
  if (const int64_t* n = std::get_if<int64_t>(&cell)) return static_cast<double>(*n);
  if (const std::string* text = std::get_if<std::string>(&cell)) {
    double d = 0;
    return absl::SimpleAtod(*text, &d) ? d : 0;
  }
  return 0;
}

std::string SqlRow::Text(int column) const {
  if (column < 0 || column >= size()) return "";
  const Cell& cell = cells_[column];
  if (const std::string* text = std::get_if<std::string>(&cell)) return *text;
  if (const int64_t* n = std::get_if<int64_t>(&cell)) return absl::StrCat(*n);
  if (const double* d = std::get_if<double>(&cell)) {
    char buffer[32];
    return std::string(buffer, std::to_chars(buffer, buffer + sizeof(buffer), *d).ptr);
  }
  return "";
}

absl::Status Database::RunWrite(const std::function<absl::Status(Transaction&)>& body) {
  return RunOnce(*this, TxMode::kWrite, body);
}

absl::Status RunInTransaction(Database& db, TxMode mode,
                              const std::function<absl::Status(Transaction&)>& body) {
  absl::Status status;
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    if (attempt > 0) Backoff(attempt);
    status = mode == TxMode::kWrite ? db.RunWrite(body) : RunOnce(db, mode, body);
    if (!absl::IsAborted(status)) return status;
  }
  return absl::AbortedError(
      absl::StrCat("gave up after ", kMaxAttempts, " attempts: ", status.message()));
}

absl::Status Migrate(Database& db, absl::Span<const Migration> migrations) {
  int previous = 0;
  for (const Migration& migration : migrations) {
    if (migration.version <= previous) {
      return absl::InvalidArgumentError(absl::StrCat(
          "migration versions must be positive and strictly increasing: ", migration.version,
          " (", migration.name, ") follows ", previous));
    }
    previous = migration.version;
  }
  const bool postgres = db.dialect() == Dialect::kPostgres;

  absl::Status created = RunInTransaction(db, TxMode::kWrite, [&](Transaction& tx) {
    if (postgres) {
      // Two starters creating the table at once would collide in PostgreSQL's catalog;
      // CREATE ... IF NOT EXISTS reads the catalog afresh, so it sees the table the other
      // one made once the lock is ours.
      absl::StatusOr<std::vector<SqlRow>> locked =
          tx.Query("SELECT pg_advisory_xact_lock(?, hashtext(COALESCE(current_schema(), '')))",
                   {SqlParam(kMigrationLockKey)});
      if (!locked.ok()) return locked.status();
    }
    return tx.ExecuteScript(kCreateMigrationsTable);
  });
  if (!created.ok()) return created;

  int64_t applied = 0;
  {
    absl::StatusOr<std::unique_ptr<Transaction>> tx = db.Begin(TxMode::kRead);
    if (!tx.ok()) return tx.status();
    absl::StatusOr<std::vector<SqlRow>> rows =
        (*tx)->Query("SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
    if (!rows.ok()) return rows.status();
    if (!rows->empty()) applied = rows->front().Int(0);
  }

  for (const Migration& migration : migrations) {
    if (migration.version <= applied) continue;
    const std::string& sql =
        postgres && !migration.postgres_sql.empty() ? migration.postgres_sql : migration.sql;
    absl::Status status = RunInTransaction(db, TxMode::kWrite, [&](Transaction& tx) {
      if (postgres) {
        // Concurrent starters take turns. This must be the transaction's first statement:
        // LOCK TABLE takes no snapshot, so the snapshot begins after the lock is granted and
        // the check below sees what the previous holder committed. (A SELECT of
        // pg_advisory_xact_lock here would fix the snapshot before waiting for the lock.)
        absl::Status locked =
            tx.ExecuteScript("LOCK TABLE schema_migrations IN SHARE ROW EXCLUSIVE MODE");
        if (!locked.ok()) return locked;
      }
      // SQLite needs no lock: BEGIN IMMEDIATE already excludes every other writer.
      absl::StatusOr<std::vector<SqlRow>> done = tx.Query(
          "SELECT version FROM schema_migrations WHERE version = ?", {SqlParam(migration.version)});
      if (!done.ok()) return done.status();
      if (!done->empty()) return absl::OkStatus();  // a concurrent starter applied it
      if (absl::Status ran = tx.ExecuteScript(sql); !ran.ok()) return ran;
      const std::string now =
          absl::FormatTime("%Y-%m-%dT%H:%M:%E6SZ", absl::Now(), absl::UTCTimeZone());
      absl::StatusOr<int64_t> recorded = tx.Execute(
          "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
          {SqlParam(migration.version), SqlParam(migration.name), SqlParam(now)});
      return recorded.status();
    });
    if (!status.ok()) return Annotated(status, migration);
  }
  return absl::OkStatus();
}

}  // namespace dienhinh::platform
