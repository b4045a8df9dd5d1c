#include "services/registry/import_staging.h"

#include <algorithm>
#include <limits>

#include "absl/random/random.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace dienhinh::registry {
namespace {

using platform::SqlParam;
using platform::Transaction;
using platform::TxMode;

// A session older than this belongs to an import that can no longer be running.
constexpr absl::Duration kAbandonedAfter = absl::Hours(24);
// Rows per INSERT statement: fewer round trips through the driver; the SQL is fixed, so the
// driver's statement cache keeps it prepared.
constexpr size_t kRowsPerInsert = 50;
// A buffer of large rows is written before it reaches kBatchRows.
constexpr size_t kMaxPendingBytes = 4 << 20;

std::string InsertSql(size_t rows) {
  std::string sql = "INSERT INTO import_staging (session, line, name, item) VALUES ";
  for (size_t i = 0; i < rows; ++i) absl::StrAppend(&sql, i == 0 ? "" : ", ", "(?, ?, ?, ?)");
  return sql;
}

}  // namespace

absl::StatusOr<std::unique_ptr<ImportStaging>> ImportStaging::Open(platform::Database* db) {
  thread_local absl::BitGen random;
  int64_t now_us = absl::ToUnixMicros(absl::Now());
  int64_t cutoff_us = now_us - absl::ToInt64Microseconds(kAbandonedAfter);
  int64_t session = 0;
  absl::Status status = platform::RunInTransaction(*db, TxMode::kWrite, [&](Transaction& tx) {
    auto stale = tx.Execute(
        "DELETE FROM import_staging WHERE session IN "
        "(SELECT id FROM import_sessions WHERE started_at_us < ?)",
        {SqlParam(cutoff_us)});
    if (!stale.ok()) return stale.status();
    auto sessions =
        tx.Execute("DELETE FROM import_sessions WHERE started_at_us < ?", {SqlParam(cutoff_us)});
    if (!sessions.ok()) return sessions.status();
    // A random id, checked unused in this transaction (a clash would mix two files' rows).
    for (int attempt = 0; attempt < 8; ++attempt) {
      session = absl::Uniform<int64_t>(random, 1, std::numeric_limits<int64_t>::max());
      auto taken = tx.Query("SELECT 1 FROM import_sessions WHERE id = ?", {SqlParam(session)});
      if (!taken.ok()) return taken.status();
      if (taken->empty()) {
        return tx
            .Execute("INSERT INTO import_sessions (id, started_at_us) VALUES (?, ?)",
                     {SqlParam(session), SqlParam(now_us)})
            .status();
      }
    }
    return absl::InternalError("no free import staging session id");
  });
  if (!status.ok()) return status;
  return std::unique_ptr<ImportStaging>(new ImportStaging(db, session));
}

absl::Status ImportStaging::Add(ImportItem item) {
  PendingRow row{item.line, std::move(item.name), item.values->SerializeAsString()};
  pending_bytes_ += row.name.size() + row.values.size();
  pending_.push_back(std::move(row));
  ++rows_;
  if (pending_.size() >= kBatchRows || pending_bytes_ >= kMaxPendingBytes) return Flush();
  return absl::OkStatus();
}

absl::Status ImportStaging::Flush() {
  if (pending_.empty()) return absl::OkStatus();
  static const std::string* const kInsertMany = new std::string(InsertSql(kRowsPerInsert));
  static const std::string* const kInsertOne = new std::string(InsertSql(1));
  absl::Status status = platform::RunInTransaction(*db_, TxMode::kWrite, [&](Transaction& tx) {
    std::vector<SqlParam> params;
    params.reserve(kRowsPerInsert * 4);
    size_t i = 0;
    while (i < pending_.size()) {
      size_t n = pending_.size() - i >= kRowsPerInsert ? kRowsPerInsert : 1;
      params.clear();
      for (size_t k = i; k < i + n; ++k) {
        params.push_back(SqlParam(session_));
        params.push_back(SqlParam(pending_[k].line));
        params.push_back(SqlParam(pending_[k].name));
        params.push_back(SqlParam::Blob(pending_[k].values));
      }
      auto inserted = tx.Execute(n == 1 ? *kInsertOne : *kInsertMany, params);
      if (!inserted.ok()) return inserted.status();
      i += n;
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  pending_.clear();
  pending_bytes_ = 0;
  return absl::OkStatus();
}

absl::StatusOr<std::string> ImportStaging::NameAt(int64_t line) {
  auto it = std::lower_bound(pending_.begin(), pending_.end(), line,
                             [](const PendingRow& row, int64_t l) { return row.line < l; });
  if (it != pending_.end() && it->line == line) return it->name;
  auto tx = db_->Begin(TxMode::kRead);
  if (!tx.ok()) return tx.status();
  auto rows = (*tx)->Query("SELECT name FROM import_staging WHERE session = ? AND line = ?",
                           {SqlParam(session_), SqlParam(line)});
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return absl::InternalError(absl::StrCat("no staged import row at line ", line));
  return (*rows)[0].Text(0);
}

absl::Status ImportStaging::ForEach(Transaction& tx, const google::protobuf::Message& prototype,
                                    const std::function<absl::Status(const ImportItem&)>& row) {
  if (!pending_.empty()) return absl::FailedPreconditionError("staged rows not flushed");
  int64_t after = 0;
  while (true) {
    if (cancelled_ && cancelled_()) {
      return absl::CancelledError(
          "the import was cancelled (the client went away, or the service is shutting down); "
          "nothing was imported");
    }
    auto rows = tx.Query(
        "SELECT line, name, item FROM import_staging WHERE session = ? AND line > ? "
        "ORDER BY line LIMIT ?",
        {SqlParam(session_), SqlParam(after), SqlParam(static_cast<int64_t>(kBatchRows))});
    if (!rows.ok()) return rows.status();
    for (const platform::SqlRow& r : *rows) {
      ImportItem item{r.Int(0), r.Text(1), std::unique_ptr<google::protobuf::Message>(prototype.New())};
      if (!item.values->ParseFromString(r.Blob(2))) {
        return absl::DataLossError(absl::StrCat("staged import row ", item.line, " does not parse"));
      }
      if (absl::Status s = row(item); !s.ok()) return s;
      after = item.line;
    }
    if (rows->size() < kBatchRows) return absl::OkStatus();
  }
}

absl::Status ImportStaging::Drop() {
  pending_.clear();
  pending_bytes_ = 0;
  return platform::RunInTransaction(*db_, TxMode::kWrite, [&](Transaction& tx) {
    auto rows = tx.Execute("DELETE FROM import_staging WHERE session = ?", {SqlParam(session_)});
    if (!rows.ok()) return rows.status();
    return tx.Execute("DELETE FROM import_sessions WHERE id = ?", {SqlParam(session_)}).status();
  });
}

}  // namespace dienhinh::registry
