// One SQL interface over two drivers: SQLite (the embedded default, a WAL file per service)
// and PostgreSQL (libpq, for deployments that need a server). Services write their SQL once,
// in the subset both dialects share, with '?' placeholders; the PostgreSQL driver rewrites
// them to $1..$n. Where the dialects differ (a migration's DDL, an upsert), code asks
// `dialect()`.
//
// Errors are statuses, never exceptions or crashes: a unique-key violation is ALREADY_EXISTS,
// a serialization failure or deadlock is ABORTED (retry the transaction), a lost connection is
// UNAVAILABLE, bad SQL or a wrong number of parameters is INVALID_ARGUMENT, anything else is
// INTERNAL. Messages name the driver and the SQLSTATE / SQLite code.
//
// Refinements both drivers share, so that store code behaves the same on either:
// - a write in a kRead transaction, and a violated foreign key, NOT NULL or CHECK constraint,
//   are FAILED_PRECONDITION; bad input data (PostgreSQL class 22, text holding a NUL byte) is
//   INVALID_ARGUMENT.
// - a statement that fails ends the transaction (PostgreSQL aborts it anyway): later calls
//   and Commit return the first error's code again, and the transaction rolls back.
// - a Transaction belongs to one thread at a time, and must be destroyed before its Database.
//   Begin blocks while the pool is empty: a thread holding a transaction must not Begin
//   another on the same Database, except a kRead on a SQLite file (readers have their own
//   connections).
// - PostgreSQL infers each parameter's type from the statement (they are sent as text, BYTEA
//   as binary), so a bare `SELECT ?` reads back as text: SqlRow's accessors convert.
#ifndef DIENHINH_SERVICES_PLATFORM_STORAGE_DATABASE_H_
#define DIENHINH_SERVICES_PLATFORM_STORAGE_DATABASE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"

namespace dienhinh::platform {

enum class Dialect { kSqlite, kPostgres };

// A value bound to a '?' placeholder.
class SqlParam {
 public:
  struct Bytes {
    std::string value;
  };
  using Value = std::variant<std::monostate, int64_t, double, std::string, Bytes>;

  SqlParam(std::nullptr_t) {}
  SqlParam(int v) : value_(static_cast<int64_t>(v)) {}
  SqlParam(int64_t v) : value_(v) {}
  SqlParam(bool v) : value_(static_cast<int64_t>(v ? 1 : 0)) {}
  SqlParam(double v) : value_(v) {}
  SqlParam(std::string_view text) : value_(std::string(text)) {}
  SqlParam(const char* text) : value_(std::string(text)) {}
  SqlParam(const std::string& text) : value_(text) {}
  // Binary data (a serialized protobuf, a digest): BLOB in SQLite, BYTEA in PostgreSQL.
  static SqlParam Blob(std::string_view bytes) {
    SqlParam p(nullptr);
    p.value_ = Bytes{std::string(bytes)};
    return p;
  }

  const Value& value() const { return value_; }

 private:
  Value value_;
};

// One row of a result. Reading a column that is out of range or NULL gives 0 / "" and never
// crashes; IsNull tells the two apart.
class SqlRow {
 public:
  using Cell = std::variant<std::monostate, int64_t, double, std::string>;
  explicit SqlRow(std::vector<Cell> cells) : cells_(std::move(cells)) {}

  int size() const { return static_cast<int>(cells_.size()); }
  bool IsNull(int column) const;
  int64_t Int(int column) const;
  double Real(int column) const;
  // Text and bytes are both returned as the raw bytes of the cell.
  std::string Text(int column) const;
  std::string Blob(int column) const { return Text(column); }

 private:
  std::vector<Cell> cells_;
};

// A transaction. Destroying one that was not committed rolls it back.
class Transaction {
 public:
  virtual ~Transaction() = default;

  // Runs a statement that returns rows (SELECT, or INSERT/UPDATE ... RETURNING).
  virtual absl::StatusOr<std::vector<SqlRow>> Query(
      std::string_view sql, absl::Span<const SqlParam> params = {}) = 0;
  // Runs a statement and returns the number of rows it changed.
  virtual absl::StatusOr<int64_t> Execute(std::string_view sql,
                                          absl::Span<const SqlParam> params = {}) = 0;
  // Runs several statements with no parameters (DDL in migrations).
  virtual absl::Status ExecuteScript(std::string_view sql) = 0;
  virtual absl::Status Commit() = 0;
  virtual Dialect dialect() const = 0;
};

enum class TxMode {
  // A consistent snapshot for reading; writes are refused.
  kRead,
  // Serializable: SQLite's single writer (BEGIN IMMEDIATE), PostgreSQL's SERIALIZABLE level.
  // A conflict shows as ABORTED; RunInTransaction retries it.
  kWrite,
};

struct DatabaseOptions {
  // "postgres://..." / "postgresql://..." for PostgreSQL; otherwise a SQLite file path
  // ("sqlite:" prefix optional; ":memory:" for a private in-memory database, tests only).
  std::string url;
  // Connections kept open: readers for SQLite (it has one writer), all for PostgreSQL.
  int pool_size = 4;
  // SQLite only: synchronous=FULL waits for fsync on every commit (nothing accepted is lost
  // on power failure); false gives NORMAL (nothing lost on a process crash).
  bool sqlite_full_sync = true;
};

class Database {
 public:
  virtual ~Database() = default;

  // Opens the database; for SQLite creates the file (and its folder) if missing.
  static absl::StatusOr<std::unique_ptr<Database>> Open(const DatabaseOptions& options);

  // Blocks until a connection is free.
  virtual absl::StatusOr<std::unique_ptr<Transaction>> Begin(TxMode mode) = 0;
  virtual Dialect dialect() const = 0;
  // True when a read transaction waits for nothing but this machine's memory and disk: it has
  // connections of its own (never queues behind the writer) and makes no network round trip.
  // SQLite in WAL mode with its reader connections; not PostgreSQL, not SQLite ":memory:".
  // A service may then run a short read on gRPC's own thread (ServiceRuntime::lookups()).
  virtual bool reads_are_local() const { return false; }
  // True when nothing but this process writes the database, so what it read stays true until
  // it writes itself: SQLite, which deploy/README.md runs as one process per service. Not
  // PostgreSQL, where another replica may write.
  virtual bool sole_writer() const { return false; }

  // Runs `body` in one write transaction and commits it, once (RunInTransaction retries).
  // The default begins a kWrite transaction on the calling thread; SQLite's group commit may
  // run the body on another thread that holds the writer, while the caller waits.
  virtual absl::Status RunWrite(const std::function<absl::Status(Transaction&)>& body);
};

// Runs `body` in a transaction and commits it; when the body or the commit ends ABORTED
// (a serialization conflict), runs it again, a few times, with a short backoff. The body must
// have no effect outside the transaction.
absl::Status RunInTransaction(Database& db, TxMode mode,
                              const std::function<absl::Status(Transaction&)>& body);

// A numbered schema change. `sql` serves both dialects unless `postgres_sql` is given.
struct Migration {
  int version;
  std::string name;
  std::string sql;
  std::string postgres_sql;
};

// Applies, in order and each in its own transaction, the migrations newer than the version
// recorded in the schema_migrations table. Applying the same list twice is a no-op; a list
// whose versions are not strictly increasing is INVALID_ARGUMENT; concurrent starters are
// safe (one applies, the other sees it applied).
absl::Status Migrate(Database& db, absl::Span<const Migration> migrations);

}  // namespace dienhinh::platform

#endif  // DIENHINH_SERVICES_PLATFORM_STORAGE_DATABASE_H_
