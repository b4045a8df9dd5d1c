#include "services/platform/storage/postgres_database.h"

#include <libpq-fe.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstring>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/mutex.h"
#include "services/platform/storage/postgres_sql.h"

namespace dienhinh::platform {
namespace {

// Debian's Abseil has its own string_view type; the interface uses std::string_view.
absl::string_view AsAbsl(std::string_view text) { return {text.data(), text.size()}; }

// Type oids from PostgreSQL's catalog (pg_type), stable across releases.
constexpr Oid kBoolOid = 16;
constexpr Oid kByteaOid = 17;
constexpr Oid kInt8Oid = 20;
constexpr Oid kInt2Oid = 21;
constexpr Oid kInt4Oid = 23;
constexpr Oid kFloat4Oid = 700;
constexpr Oid kFloat8Oid = 701;

// Services use a few dozen distinct statements; past this, new ones run unprepared so that
// SQL built at run time cannot grow the server's memory without bound.
constexpr size_t kMaxCachedStatements = 256;
constexpr size_t kMaxSqlInMessage = 200;

struct ResultDeleter {
  void operator()(PGresult* result) const { PQclear(result); }
};
using Result = std::unique_ptr<PGresult, ResultDeleter>;

// NOTICEs ("relation already exists, skipping") would otherwise go to stderr.
void IgnoreNotice(void*, const char*) {}

absl::string_view Trimmed(const char* message) {
  return absl::StripTrailingAsciiWhitespace(message != nullptr ? message : "");
}

enum class ColumnKind { kInt, kBool, kReal, kBytes, kText };

ColumnKind KindOf(Oid type) {
  switch (type) {
    case kInt8Oid:
    case kInt4Oid:
    case kInt2Oid:
      return ColumnKind::kInt;
    case kBoolOid:
      return ColumnKind::kBool;
    case kFloat4Oid:
    case kFloat8Oid:
      return ColumnKind::kReal;
    case kByteaOid:
      return ColumnKind::kBytes;
    default:
      return ColumnKind::kText;
  }
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// bytea arrives as text: "\x" and two hex digits a byte (the server's default output), or
// the older escape format, which libpq decodes.
std::string DecodeBytea(const char* value, int length) {
  std::string out;
  if (length >= 2 && value[0] == '\\' && value[1] == 'x') {
    out.resize((length - 2) / 2);
    for (size_t i = 0; i < out.size(); ++i) {
      const int high = HexValue(value[2 + 2 * i]);
      const int low = HexValue(value[3 + 2 * i]);
      out[i] = static_cast<char>((high < 0 || low < 0) ? 0 : (high << 4 | low));
    }
    return out;
  }
  size_t size = 0;
  unsigned char* raw = PQunescapeBytea(reinterpret_cast<const unsigned char*>(value), &size);
  if (raw != nullptr) {
    out.assign(reinterpret_cast<const char*>(raw), size);
    PQfreemem(raw);
  }
  return out;
}

SqlRow::Cell DecodeCell(ColumnKind kind, const char* value, int length) {
  const absl::string_view text(value, length);
  switch (kind) {
    case ColumnKind::kInt: {
      int64_t n = 0;
      if (absl::SimpleAtoi(text, &n)) return n;
      break;
    }
    case ColumnKind::kBool:
      return static_cast<int64_t>(length > 0 && value[0] == 't' ? 1 : 0);
    case ColumnKind::kReal: {
      double d = 0;
      if (absl::SimpleAtod(text, &d)) return d;
      break;
    }
    case ColumnKind::kBytes:
      return DecodeBytea(value, length);
    case ColumnKind::kText:
      break;
  }
  return std::string(text);
}

// The connection parameters, in libpq's keyword/value form: our defaults first, then the URL
// (expanded by libpq), whose own parameters override them.
struct ConnectionParams {
  std::vector<std::string> keywords;
  std::vector<std::string> values;
};

// One libpq connection, its prepared statements, and scratch space reused by every statement
// so that binding allocates nothing once warm. Used by one transaction at a time.
class PgConnection {
 public:
  struct Prepared {
    std::string name;
    int placeholders;
  };

  explicit PgConnection(const ConnectionParams* params) : params_(params) {}
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;
  ~PgConnection() { Close(); }

  PGconn* get() const { return conn_; }
  bool usable() const { return conn_ != nullptr && !broken_ && PQstatus(conn_) == CONNECTION_OK; }

  // Connects, or replaces a connection that was lost. UNAVAILABLE when the server cannot be
  // reached within connect_timeout.
  absl::Status EnsureConnected() {
    if (usable()) return absl::OkStatus();
    Close();
    std::vector<const char*> keywords;
    std::vector<const char*> values;
    for (size_t i = 0; i < params_->keywords.size(); ++i) {
      keywords.push_back(params_->keywords[i].c_str());
      values.push_back(params_->values[i].c_str());
    }
    keywords.push_back(nullptr);
    values.push_back(nullptr);
    conn_ = PQconnectdbParams(keywords.data(), values.data(), /*expand_dbname=*/1);
    if (conn_ == nullptr) return absl::UnavailableError("postgres: cannot allocate a connection");
    if (PQstatus(conn_) != CONNECTION_OK) {
      absl::Status error = absl::UnavailableError(
          absl::StrCat("postgres: cannot connect: ", Trimmed(PQerrorMessage(conn_))));
      Close();
      return error;
    }
    PQsetNoticeProcessor(conn_, IgnoreNotice, nullptr);
    return absl::OkStatus();
  }

  void MarkBroken() { broken_ = true; }

  // The status for a failed command. A lost session makes the connection broken, so that the
  // pool replaces it.
  absl::Status ErrorFrom(const PGresult* result, std::string_view sql) {
    const char* state = result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
    const std::string_view sqlstate = state != nullptr ? state : "";
    const bool lost = PQstatus(conn_) != CONNECTION_OK || SqlStateEndsSession(sqlstate);
    if (lost) broken_ = true;
    const absl::StatusCode code = lost ? absl::StatusCode::kUnavailable
                                       : StatusCodeForSqlState(sqlstate);
    const char* message =
        result != nullptr ? PQresultErrorMessage(result) : PQerrorMessage(conn_);
    return absl::Status(code, absl::StrCat("postgres: ", Trimmed(message), " (SQLSTATE ",
                                           sqlstate.empty() ? "none" : AsAbsl(sqlstate), ") in: ",
                                           AsAbsl(sql.substr(0, kMaxSqlInMessage))));
  }

  // Runs a command with no parameters (BEGIN, COMMIT, ROLLBACK, a script).
  absl::Status Command(const char* sql) {
    Result result(PQexec(conn_, sql));
    const ExecStatusType status = PQresultStatus(result.get());
    if (result != nullptr &&
        (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK || status == PGRES_EMPTY_QUERY)) {
      return absl::OkStatus();
    }
    return ErrorFrom(result.get(), sql);
  }

  // Runs one statement with '?' placeholders, preparing it on first use.
  absl::StatusOr<Result> Run(std::string_view sql, absl::Span<const SqlParam> params) {
    const int count = static_cast<int>(params.size());
    bool any_bytes = false;
    for (const SqlParam& param : params) {
      any_bytes |= std::holds_alternative<SqlParam::Bytes>(param.value());
    }
    // BYTEA parameters are declared as such (they travel in binary), which makes the
    // parameter types part of the prepared statement: they join the cache key.
    std::string_view key = sql;
    if (any_bytes) {
      key_.assign(sql);
      key_.push_back('\0');
      for (const SqlParam& param : params) {
        key_.push_back(std::holds_alternative<SqlParam::Bytes>(param.value()) ? 'b' : '.');
      }
      key = key_;
    }
    types_.assign(count, 0);  // 0: the server infers the type from the statement
    for (int i = 0; i < count; ++i) {
      if (std::holds_alternative<SqlParam::Bytes>(params[i].value())) types_[i] = kByteaOid;
    }

    const Prepared* prepared = nullptr;
    std::string unprepared_sql;
    if (auto it = statements_.find(AsAbsl(key)); it != statements_.end()) {
      prepared = &it->second;
      if (prepared->placeholders != count) return CountMismatch(prepared->placeholders, count, sql);
    } else {
      PostgresStatement rewritten = RewritePlaceholders(sql);
      if (rewritten.placeholders != count) {
        return CountMismatch(rewritten.placeholders, count, sql);
      }
      if (statements_.size() < kMaxCachedStatements) {
        std::string name = absl::StrCat("dh", next_statement_++);
        Result result(PQprepare(conn_, name.c_str(), rewritten.sql.c_str(), count, types_.data()));
        if (PQresultStatus(result.get()) != PGRES_COMMAND_OK) return ErrorFrom(result.get(), sql);
        prepared = &statements_.emplace(std::string(key), Prepared{std::move(name), count})
                        .first->second;
      } else {
        unprepared_sql = std::move(rewritten.sql);
      }
    }

    if (absl::Status bound = Bind(params); !bound.ok()) return bound;
    Result result(prepared != nullptr
                      ? PQexecPrepared(conn_, prepared->name.c_str(), count, values_.data(),
                                       lengths_.data(), formats_.data(), /*resultFormat=*/0)
                      : PQexecParams(conn_, unprepared_sql.c_str(), count, types_.data(),
                                     values_.data(), lengths_.data(), formats_.data(),
                                     /*resultFormat=*/0));
    const ExecStatusType status = PQresultStatus(result.get());
    if (result != nullptr && status == PGRES_EMPTY_QUERY) {
      return absl::InvalidArgumentError("postgres: no statement in the SQL");
    }
    if (result == nullptr || (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK)) {
      absl::Status error = ErrorFrom(result.get(), sql);
      if (prepared != nullptr && IsStalePreparedStatement(result.get())) {
        // The schema changed under the prepared statement (a migration by another process
        // added a column to a SELECT *), or the session lost its statements. Forget it and
        // let RunInTransaction retry, which prepares it afresh.
        statements_.erase(AsAbsl(key));
        return absl::AbortedError(error.message());
      }
      return error;
    }
    return result;
  }

  std::vector<SqlRow> Decode(const PGresult* result) {
    const int rows = PQntuples(result);
    const int columns = PQnfields(result);
    kinds_.resize(columns);
    for (int c = 0; c < columns; ++c) kinds_[c] = KindOf(PQftype(result, c));
    std::vector<SqlRow> out;
    out.reserve(rows);
    for (int r = 0; r < rows; ++r) {
      std::vector<SqlRow::Cell> cells;
      cells.reserve(columns);
      for (int c = 0; c < columns; ++c) {
        if (PQgetisnull(result, r, c)) {
          cells.emplace_back(std::monostate());
        } else {
          cells.push_back(DecodeCell(kinds_[c], PQgetvalue(result, r, c), PQgetlength(result, r, c)));
        }
      }
      out.emplace_back(std::move(cells));
    }
    return out;
  }

 private:
  void Close() {
    if (conn_ != nullptr) PQfinish(conn_);
    conn_ = nullptr;
    broken_ = false;
    statements_.clear();  // prepared statements die with their session
  }

  static bool IsStalePreparedStatement(const PGresult* result) {
    const char* state = PQresultErrorField(result, PG_DIAG_SQLSTATE);
    if (state == nullptr) return false;
    if (std::strcmp(state, "26000") == 0) return true;  // invalid_sql_statement_name
    const char* message = PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY);
    return std::strcmp(state, "0A000") == 0 && message != nullptr &&
           std::strstr(message, "cached plan must not change result type") != nullptr;
  }

  static absl::Status CountMismatch(int placeholders, int count, std::string_view sql) {
    return absl::InvalidArgumentError(absl::StrCat(
        "postgres: the statement has ", placeholders, " placeholders but ", count,
        " parameters were given: ", AsAbsl(sql.substr(0, kMaxSqlInMessage))));
  }

  // Text parameters point into the caller's SqlParams; numbers are written into numbers_.
  absl::Status Bind(absl::Span<const SqlParam> params) {
    const size_t count = params.size();
    values_.assign(count, nullptr);
    lengths_.assign(count, 0);
    formats_.assign(count, 0);
    if (numbers_.size() < count) numbers_.resize(count);
    for (size_t i = 0; i < count; ++i) {
      const SqlParam::Value& value = params[i].value();
      char* number = numbers_[i].data();
      char* number_end = number + numbers_[i].size() - 1;
      if (const int64_t* n = std::get_if<int64_t>(&value)) {
        *std::to_chars(number, number_end, *n).ptr = '\0';
        values_[i] = number;
      } else if (const double* d = std::get_if<double>(&value)) {
        if (std::isnan(*d)) {
          values_[i] = "NaN";
        } else if (std::isinf(*d)) {
          values_[i] = *d > 0 ? "Infinity" : "-Infinity";
        } else {
          // The shortest text that reads back as the same double.
          *std::to_chars(number, number_end, *d).ptr = '\0';
          values_[i] = number;
        }
      } else if (const std::string* text = std::get_if<std::string>(&value)) {
        if (std::memchr(text->data(), '\0', text->size()) != nullptr) {
          return absl::InvalidArgumentError(absl::StrCat(
              "postgres: text parameter ", i + 1,
              " holds a NUL byte; bind bytes with SqlParam::Blob"));
        }
        values_[i] = text->c_str();
      } else if (const auto* bytes = std::get_if<SqlParam::Bytes>(&value)) {
        values_[i] = bytes->value.data();
        lengths_[i] = static_cast<int>(bytes->value.size());
        formats_[i] = 1;  // binary: the bytes as they are
      }
    }
    return absl::OkStatus();
  }

  const ConnectionParams* params_;
  PGconn* conn_ = nullptr;
  bool broken_ = false;
  absl::flat_hash_map<std::string, Prepared> statements_;
  int64_t next_statement_ = 0;
  std::string key_;
  std::vector<Oid> types_;
  std::vector<const char*> values_;
  std::vector<int> lengths_;
  std::vector<int> formats_;
  std::vector<std::array<char, 32>> numbers_;
  std::vector<ColumnKind> kinds_;
};

class PgDatabase;

class PgTransaction final : public Transaction {
 public:
  PgTransaction(PgDatabase* owner, PgConnection* conn) : owner_(owner), conn_(conn) {}
  ~PgTransaction() override { End(); }

  absl::StatusOr<std::vector<SqlRow>> Query(std::string_view sql,
                                            absl::Span<const SqlParam> params) override {
    if (absl::Status usable = Usable(); !usable.ok()) return usable;
    absl::StatusOr<Result> result = conn_->Run(sql, params);
    if (!result.ok()) return Fail(result.status());
    return conn_->Decode(result->get());
  }

  absl::StatusOr<int64_t> Execute(std::string_view sql,
                                  absl::Span<const SqlParam> params) override {
    if (absl::Status usable = Usable(); !usable.ok()) return usable;
    absl::StatusOr<Result> result = conn_->Run(sql, params);
    if (!result.ok()) return Fail(result.status());
    int64_t changed = 0;  // PQcmdTuples is "" for statements that count nothing (DDL)
    if (!absl::SimpleAtoi(PQcmdTuples(result->get()), &changed)) changed = 0;
    return changed;
  }

  absl::Status ExecuteScript(std::string_view sql) override {
    if (absl::Status usable = Usable(); !usable.ok()) return usable;
    // The simple query protocol runs several statements in one round trip.
    if (absl::Status ran = conn_->Command(std::string(sql).c_str()); !ran.ok()) return Fail(ran);
    return absl::OkStatus();
  }

  absl::Status Commit() override {
    absl::Status status = Usable();
    if (status.ok()) {
      Result result(PQexec(conn_->get(), "COMMIT"));
      if (PQresultStatus(result.get()) != PGRES_COMMAND_OK) {
        status = conn_->ErrorFrom(result.get(), "COMMIT");
      } else if (std::strcmp(PQcmdStatus(result.get()), "COMMIT") != 0) {
        // The server answers ROLLBACK when the transaction had failed.
        status = absl::InternalError("postgres: the server rolled the transaction back");
      }
    }
    End();
    return status;
  }

  Dialect dialect() const override { return Dialect::kPostgres; }

 private:
  absl::Status Usable() const {
    if (conn_ == nullptr) {
      return absl::FailedPreconditionError("postgres: the transaction has already ended");
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

  // Rolls back what is still open and hands the connection back.
  void End();

  PgDatabase* owner_;
  PgConnection* conn_;
  absl::Status failed_;
};

class PgDatabase final : public Database {
 public:
  PgDatabase(ConnectionParams params, int pool_size) : params_(std::move(params)) {
    for (int i = 0; i < pool_size; ++i) {
      connections_.push_back(std::make_unique<PgConnection>(&params_));
    }
    absl::MutexLock lock(&mu_);
    // A stack: the connection used last (warm, its statements prepared) is taken first.
    for (auto it = connections_.rbegin(); it != connections_.rend(); ++it) {
      idle_.push_back(it->get());
    }
  }

  // Connects the first connection, so that a wrong URL or a server that is down shows now.
  absl::Status Connect() {
    PgConnection* conn = Acquire();
    absl::Status status = conn->EnsureConnected();
    Release(conn);
    return status;
  }

  absl::StatusOr<std::unique_ptr<Transaction>> Begin(TxMode mode) override {
    const char* begin = mode == TxMode::kWrite
                            ? "BEGIN ISOLATION LEVEL SERIALIZABLE"
                            : "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";
    PgConnection* conn = Acquire();
    const bool was_connected = conn->usable();
    absl::Status status = conn->EnsureConnected();
    if (status.ok()) status = conn->Command(begin);
    if (!status.ok() && was_connected && !conn->usable()) {
      // The server dropped this idle connection (a restart) since its last use. Nothing has
      // run yet, so a fresh connection may try once more.
      status = conn->EnsureConnected();
      if (status.ok()) status = conn->Command(begin);
    }
    if (status.ok()) return std::make_unique<PgTransaction>(this, conn);
    Release(conn);
    return status;
  }

  Dialect dialect() const override { return Dialect::kPostgres; }

  void Release(PgConnection* conn) {
    // A connection still inside a transaction (a ROLLBACK that failed) is not reused.
    if (conn->get() != nullptr && PQtransactionStatus(conn->get()) != PQTRANS_IDLE) {
      conn->MarkBroken();
    }
    absl::MutexLock lock(&mu_);
    idle_.push_back(conn);
  }

 private:
  PgConnection* Acquire() {
    auto idle = [this]() { return !idle_.empty(); };
    absl::MutexLock lock(&mu_, absl::Condition(&idle));
    PgConnection* conn = idle_.back();
    idle_.pop_back();
    return conn;
  }

  const ConnectionParams params_;
  std::vector<std::unique_ptr<PgConnection>> connections_;
  absl::Mutex mu_;
  std::vector<PgConnection*> idle_ ABSL_GUARDED_BY(mu_);
};

void PgTransaction::End() {
  if (conn_ == nullptr) return;
  if (conn_->usable() && PQtransactionStatus(conn_->get()) != PQTRANS_IDLE) {
    if (!conn_->Command("ROLLBACK").ok()) conn_->MarkBroken();
  }
  owner_->Release(conn_);
  conn_ = nullptr;
}

}  // namespace

absl::StatusOr<std::unique_ptr<Database>> OpenPostgresDatabase(const DatabaseOptions& options) {
  char* error = nullptr;
  PQconninfoOption* parsed = PQconninfoParse(options.url.c_str(), &error);
  if (parsed == nullptr) {
    absl::Status status = absl::InvalidArgumentError(
        absl::StrCat("postgres: bad database URL: ", Trimmed(error != nullptr ? error : "")));
    PQfreemem(error);
    return status;
  }
  PQconninfoFree(parsed);
  ConnectionParams params;
  params.keywords = {"connect_timeout",     "keepalives",       "keepalives_idle",
                     "keepalives_interval", "keepalives_count", "client_encoding",
                     "dbname"};
  params.values = {"10", "1", "30", "10", "3", "UTF8", options.url};
  auto db = std::make_unique<PgDatabase>(std::move(params), std::max(1, options.pool_size));
  if (absl::Status connected = db->Connect(); !connected.ok()) return connected;
  return std::unique_ptr<Database>(std::move(db));
}

}  // namespace dienhinh::platform
