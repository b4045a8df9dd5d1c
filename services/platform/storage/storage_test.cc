// The storage contract, run on both drivers: SQLite on a temporary file, PostgreSQL in a fresh
// schema of the server named by DIENHINH_TEST_POSTGRES_URL (scripts/with-postgres sets it).
// Without that variable the PostgreSQL cases skip, or fail when DIENHINH_REQUIRE_POSTGRES=1.
#include <stdlib.h>

#include <atomic>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <memory>
#include <ostream>
#include <string>
#include <thread>
#include <vector>

#include "absl/random/random.h"
#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "services/platform/storage/database.h"
#include "services/platform/storage/storage_test_util.h"

namespace dienhinh::platform {
namespace {

enum class Backend { kSqlite, kPostgres };

void PrintTo(Backend backend, std::ostream* out) {
  *out << (backend == Backend::kSqlite ? "SQLite" : "PostgreSQL");
}

std::string EnvOrEmpty(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr ? value : "";
}

class StorageTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    if (GetParam() == Backend::kSqlite) {
      char folder[] = "/tmp/dh-storage-test-XXXXXX";
      ASSERT_NE(mkdtemp(folder), nullptr);
      folder_ = folder;
      // A folder that does not exist yet: Open must create it.
      url_ = folder_ + "/data/store.db";
    } else {
      const std::string base = EnvOrEmpty("DIENHINH_TEST_POSTGRES_URL");
      if (base.empty()) {
        if (EnvOrEmpty("DIENHINH_REQUIRE_POSTGRES") == "1") {
          FAIL() << "DIENHINH_REQUIRE_POSTGRES=1 but DIENHINH_TEST_POSTGRES_URL is empty";
        }
        GTEST_SKIP() << "DIENHINH_TEST_POSTGRES_URL is empty: run under scripts/with-postgres";
      }
      absl::StatusOr<std::unique_ptr<Database>> admin = Database::Open({base, 2});
      DH_ASSERT_OK(admin);
      admin_ = *std::move(admin);
      absl::BitGen random;
      schema_ = absl::StrCat("dh_test_", absl::Hex(absl::Uniform<uint64_t>(random)));
      DH_ASSERT_OK(RunInTransaction(*admin_, TxMode::kWrite, [&](Transaction& tx) {
        return tx.ExecuteScript(absl::StrCat("CREATE SCHEMA ", schema_));
      }));
      // Every connection of the test's database works in that schema only.
      url_ = absl::StrCat(base, absl::StrContains(base, "?") ? "&" : "?",
                          "options=-csearch_path%3D", schema_);
    }
    absl::StatusOr<std::unique_ptr<Database>> db = OpenAnother();
    DH_ASSERT_OK(db);
    db_ = *std::move(db);
  }

  void TearDown() override {
    db_.reset();
    if (admin_ != nullptr) {
      absl::Status dropped = RunInTransaction(*admin_, TxMode::kWrite, [&](Transaction& tx) {
        return tx.ExecuteScript(absl::StrCat("DROP SCHEMA ", schema_, " CASCADE"));
      });
      EXPECT_TRUE(dropped.ok()) << dropped;
    }
    if (!folder_.empty()) std::filesystem::remove_all(folder_);
  }

  bool postgres() const { return GetParam() == Backend::kPostgres; }

  absl::StatusOr<std::unique_ptr<Database>> OpenAnother(int pool_size = 4) {
    return Database::Open({url_, pool_size});
  }

  // Runs a script in its own write transaction.
  absl::Status Script(std::string_view sql) {
    return RunInTransaction(*db_, TxMode::kWrite,
                            [&](Transaction& tx) { return tx.ExecuteScript(sql); });
  }

  // Runs a query in its own read transaction.
  absl::StatusOr<std::vector<SqlRow>> Read(std::string_view sql,
                                           std::vector<SqlParam> params = {}) {
    absl::StatusOr<std::unique_ptr<Transaction>> tx = db_->Begin(TxMode::kRead);
    if (!tx.ok()) return tx.status();
    absl::StatusOr<std::vector<SqlRow>> rows = (*tx)->Query(sql, params);
    if (!rows.ok()) return rows.status();
    absl::Status committed = (*tx)->Commit();
    if (!committed.ok()) return committed;
    return rows;
  }

  // The first column of the first row of a query, or -1 when it fails.
  int64_t ReadInt(std::string_view sql) {
    absl::StatusOr<std::vector<SqlRow>> rows = Read(sql);
    if (!rows.ok() || rows->empty()) {
      ADD_FAILURE() << sql << ": " << (rows.ok() ? "no rows" : rows.status().ToString());
      return -1;
    }
    return rows->front().Int(0);
  }

  std::string BlobType() const { return postgres() ? "BYTEA" : "BLOB"; }

  std::string folder_;
  std::string schema_;
  std::string url_;
  std::unique_ptr<Database> admin_;
  std::unique_ptr<Database> db_;
};

TEST_P(StorageTest, ReportsItsDialect) {
  EXPECT_EQ(db_->dialect(), postgres() ? Dialect::kPostgres : Dialect::kSqlite);
}

TEST_P(StorageTest, RoundTripsEveryValueType) {
  DH_ASSERT_OK(Script(absl::StrCat(
      "CREATE TABLE vals (id BIGINT PRIMARY KEY, i BIGINT, r DOUBLE PRECISION, t TEXT, b ",
      BlobType(), ")")));
  std::string every_byte;
  for (int c = 0; c < 256; ++c) every_byte.push_back(static_cast<char>(c));
  const std::string vietnamese =
      "Trường THPT Châu Văn Liêm, Cần Thơ: gương điển hình tiên tiến — Đào, ắ, ỹ";
  const double infinity = std::numeric_limits<double>::infinity();
  const int64_t lowest = std::numeric_limits<int64_t>::min();
  const int64_t highest = std::numeric_limits<int64_t>::max();

  DH_ASSERT_OK(RunInTransaction(*db_, TxMode::kWrite, [&](Transaction& tx) -> absl::Status {
    const char* insert = "INSERT INTO vals (id, i, r, t, b) VALUES (?, ?, ?, ?, ?)";
    std::vector<std::vector<SqlParam>> rows = {
        {1, lowest, -1e300, vietnamese, SqlParam::Blob(every_byte)},
        {2, highest, 0.1, "", SqlParam::Blob("")},
        {3, true, 3.141592653589793, "it's \"quoted\" ? and \\ backslash",
         SqlParam::Blob(std::string("\0\0", 2))},
        {4, nullptr, nullptr, nullptr, nullptr},
        {5, -7, -infinity, std::string_view("view"), SqlParam::Blob("\xff\xfe")},
    };
    for (const auto& row : rows) {
      absl::StatusOr<int64_t> inserted = tx.Execute(insert, row);
      if (!inserted.ok()) return inserted.status();
      if (*inserted != 1) return absl::InternalError("insert changed no row");
    }
    return absl::OkStatus();
  }));

  absl::StatusOr<std::vector<SqlRow>> rows = Read("SELECT id, i, r, t, b FROM vals ORDER BY id");
  DH_ASSERT_OK(rows);
  ASSERT_EQ(rows->size(), 5u);
  const std::vector<SqlRow>& r = *rows;
  EXPECT_EQ(r[0].Int(1), lowest);
  EXPECT_EQ(r[0].Real(2), -1e300);
  EXPECT_EQ(r[0].Text(3), vietnamese);
  EXPECT_EQ(r[0].Blob(4), every_byte);

  EXPECT_EQ(r[1].Int(1), highest);
  EXPECT_EQ(r[1].Real(2), 0.1);
  // Empty text and empty bytes are values, not NULL.
  EXPECT_FALSE(r[1].IsNull(3));
  EXPECT_EQ(r[1].Text(3), "");
  EXPECT_FALSE(r[1].IsNull(4));
  EXPECT_EQ(r[1].Blob(4), "");

  EXPECT_EQ(r[2].Int(1), 1);  // bool true
  EXPECT_EQ(r[2].Real(2), 3.141592653589793);
  EXPECT_EQ(r[2].Text(3), "it's \"quoted\" ? and \\ backslash");
  EXPECT_EQ(r[2].Blob(4), std::string("\0\0", 2));

  for (int column = 1; column <= 4; ++column) {
    EXPECT_TRUE(r[3].IsNull(column)) << column;
    EXPECT_EQ(r[3].Int(column), 0);
    EXPECT_EQ(r[3].Text(column), "");
  }
  EXPECT_FALSE(r[3].IsNull(0));

  EXPECT_EQ(r[4].Int(1), -7);
  EXPECT_EQ(r[4].Real(2), -infinity);
  EXPECT_EQ(r[4].Text(3), "view");
  EXPECT_EQ(r[4].Blob(4), "\xff\xfe");

  // Parameters compare as stored: text with diacritics, bytes with NUL.
  absl::StatusOr<std::vector<SqlRow>> by_text =
      Read("SELECT id FROM vals WHERE t = ?", {vietnamese});
  DH_ASSERT_OK(by_text);
  ASSERT_EQ(by_text->size(), 1u);
  EXPECT_EQ(by_text->front().Int(0), 1);
  absl::StatusOr<std::vector<SqlRow>> by_bytes =
      Read("SELECT id FROM vals WHERE b = ?", {SqlParam::Blob(std::string("\0\0", 2))});
  DH_ASSERT_OK(by_bytes);
  ASSERT_EQ(by_bytes->size(), 1u);
  EXPECT_EQ(by_bytes->front().Int(0), 3);
}

TEST_P(StorageTest, EchoedParametersReadBackThroughTheAccessors) {
  // PostgreSQL types a bare parameter as text; the accessors convert it back.
  absl::StatusOr<std::vector<SqlRow>> rows =
      Read("SELECT ?, ?, ?, ?", {int64_t{42}, 0.25, "chữ", SqlParam::Blob(std::string("a\0b", 3))});
  DH_ASSERT_OK(rows);
  ASSERT_EQ(rows->size(), 1u);
  const SqlRow& row = rows->front();
  EXPECT_EQ(row.Int(0), 42);
  EXPECT_EQ(row.Text(0), "42");
  EXPECT_EQ(row.Real(1), 0.25);
  EXPECT_EQ(row.Text(2), "chữ");
  EXPECT_EQ(row.Blob(3), std::string("a\0b", 3));
}

TEST_P(StorageTest, OutOfRangeColumnsReadAsNullAndDoNotCrash) {
  absl::StatusOr<std::vector<SqlRow>> rows = Read("SELECT 7, 'x'");
  DH_ASSERT_OK(rows);
  ASSERT_EQ(rows->size(), 1u);
  const SqlRow& row = rows->front();
  EXPECT_EQ(row.size(), 2);
  for (int column : {-1, 2, 1000, std::numeric_limits<int>::max(), std::numeric_limits<int>::min()}) {
    EXPECT_TRUE(row.IsNull(column));
    EXPECT_EQ(row.Int(column), 0);
    EXPECT_EQ(row.Real(column), 0.0);
    EXPECT_EQ(row.Text(column), "");
    EXPECT_EQ(row.Blob(column), "");
  }
  EXPECT_EQ(row.Int(1), 0);  // "x" is no number
}

TEST_P(StorageTest, DestroyingAnUncommittedTransactionRollsItBack) {
  DH_ASSERT_OK(Script("CREATE TABLE units (code TEXT PRIMARY KEY)"));
  {
    absl::StatusOr<std::unique_ptr<Transaction>> tx = db_->Begin(TxMode::kWrite);
    DH_ASSERT_OK(tx);
    DH_ASSERT_OK((*tx)->Execute("INSERT INTO units (code) VALUES (?)", {"c1"}));
    absl::StatusOr<std::vector<SqlRow>> inside = (*tx)->Query("SELECT COUNT(*) FROM units");
    DH_ASSERT_OK(inside);
    EXPECT_EQ(inside->front().Int(0), 1);
  }
  EXPECT_EQ(ReadInt("SELECT COUNT(*) FROM units"), 0);
  // The connection went back to the pool clean: the next transaction works.
  DH_ASSERT_OK(RunInTransaction(*db_, TxMode::kWrite, [](Transaction& tx) {
    return tx.Execute("INSERT INTO units (code) VALUES (?)", {"c2"}).status();
  }));
  EXPECT_EQ(ReadInt("SELECT COUNT(*) FROM units"), 1);
}

TEST_P(StorageTest, CommittedWritesAreVisibleAndUncommittedOnesAreNot) {
  DH_ASSERT_OK(Script("CREATE TABLE units (code TEXT PRIMARY KEY)"));
  absl::StatusOr<std::unique_ptr<Transaction>> tx = db_->Begin(TxMode::kWrite);
  DH_ASSERT_OK(tx);
  DH_ASSERT_OK((*tx)->Execute("INSERT INTO units (code) VALUES (?)", {"c1"}));
  // A reader on another connection does not see the open transaction's row...
  EXPECT_EQ(ReadInt("SELECT COUNT(*) FROM units"), 0);
  DH_ASSERT_OK((*tx)->Commit());
  // ...and sees it once committed, from another handle on the same store too.
  EXPECT_EQ(ReadInt("SELECT COUNT(*) FROM units"), 1);
  absl::StatusOr<std::unique_ptr<Database>> other = OpenAnother(1);
  DH_ASSERT_OK(other);
  absl::StatusOr<std::unique_ptr<Transaction>> read = (*other)->Begin(TxMode::kRead);
  DH_ASSERT_OK(read);
  absl::StatusOr<std::vector<SqlRow>> rows = (*read)->Query("SELECT code FROM units");
  DH_ASSERT_OK(rows);
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ(rows->front().Text(0), "c1");
}

TEST_P(StorageTest, UseAfterCommitIsRefused) {
  absl::StatusOr<std::unique_ptr<Transaction>> tx = db_->Begin(TxMode::kWrite);
  DH_ASSERT_OK(tx);
  DH_ASSERT_OK((*tx)->Commit());
  DH_EXPECT_CODE((*tx)->Query("SELECT 1"), absl::StatusCode::kFailedPrecondition);
  DH_EXPECT_CODE((*tx)->Execute("SELECT 1"), absl::StatusCode::kFailedPrecondition);
  DH_EXPECT_CODE((*tx)->ExecuteScript("SELECT 1"), absl::StatusCode::kFailedPrecondition);
  DH_EXPECT_CODE((*tx)->Commit(), absl::StatusCode::kFailedPrecondition);
}

TEST_P(StorageTest, UniqueViolationIsAlreadyExistsAndEndsTheTransaction) {
  DH_ASSERT_OK(Script("CREATE TABLE units (code TEXT PRIMARY KEY, name TEXT UNIQUE)"));
  DH_ASSERT_OK(RunInTransaction(*db_, TxMode::kWrite, [](Transaction& tx) {
    return tx.Execute("INSERT INTO units (code, name) VALUES (?, ?)", {"c1", "Trường A"}).status();
  }));
  absl::StatusOr<std::unique_ptr<Transaction>> tx = db_->Begin(TxMode::kWrite);
  DH_ASSERT_OK(tx);
  DH_ASSERT_OK((*tx)->Execute("INSERT INTO units (code, name) VALUES (?, ?)", {"c2", "Trường B"}));
  absl::StatusOr<int64_t> duplicate =
      (*tx)->Execute("INSERT INTO units (code, name) VALUES (?, ?)", {"c1", "Trường C"});
  DH_EXPECT_CODE(duplicate, absl::StatusCode::kAlreadyExists);
  // The same on both drivers: the transaction is over, and Commit says why.
  DH_EXPECT_CODE((*tx)->Query("SELECT 1"), absl::StatusCode::kAlreadyExists);
  DH_EXPECT_CODE((*tx)->Commit(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(ReadInt("SELECT COUNT(*) FROM units"), 1);

  // A second unique index is ALREADY_EXISTS too.
  absl::Status by_name = RunInTransaction(*db_, TxMode::kWrite, [](Transaction& tx) {
    return tx.Execute("INSERT INTO units (code, name) VALUES (?, ?)", {"c3", "Trường A"}).status();
  });
  DH_EXPECT_CODE(by_name, absl::StatusCode::kAlreadyExists);
}

TEST_P(StorageTest, ForeignKeyViolationIsFailedPrecondition) {
  DH_ASSERT_OK(Script(
      "CREATE TABLE units (code TEXT PRIMARY KEY);"
      "CREATE TABLE people (id TEXT PRIMARY KEY, unit TEXT NOT NULL REFERENCES units (code))"));
  absl::Status orphan = RunInTransaction(*db_, TxMode::kWrite, [](Transaction& tx) {
    return tx.Execute("INSERT INTO people (id, unit) VALUES (?, ?)", {"p1", "nowhere"}).status();
  });
  DH_EXPECT_CODE(orphan, absl::StatusCode::kFailedPrecondition);
  absl::Status no_unit = RunInTransaction(*db_, TxMode::kWrite, [](Transaction& tx) {
    return tx.Execute("INSERT INTO people (id, unit) VALUES (?, ?)", {"p1", nullptr}).status();
  });
  DH_EXPECT_CODE(no_unit, absl::StatusCode::kFailedPrecondition);
}

TEST_P(StorageTest, BadSqlIsInvalidArgument) {
  DH_ASSERT_OK(Script("CREATE TABLE units (code TEXT PRIMARY KEY)"));
  auto code_of = [&](const std::function<absl::Status(Transaction&)>& body) {
    absl::StatusOr<std::unique_ptr<Transaction>> tx = db_->Begin(TxMode::kWrite);
    if (!tx.ok()) return tx.status().code();
    return body(**tx).code();
  };
  const absl::StatusCode kInvalid = absl::StatusCode::kInvalidArgument;
  EXPECT_EQ(code_of([](Transaction& tx) { return tx.Query("SELEC 1").status(); }), kInvalid);
  EXPECT_EQ(code_of([](Transaction& tx) { return tx.Query("SELECT * FROM nowhere").status(); }),
            kInvalid);
  EXPECT_EQ(code_of([](Transaction& tx) { return tx.Query("SELECT no_column FROM units").status(); }),
            kInvalid);
  EXPECT_EQ(code_of([](Transaction& tx) { return tx.Execute("SELECT 1; SELECT 2").status(); }),
            kInvalid);
  EXPECT_EQ(code_of([](Transaction& tx) { return tx.Query("").status(); }), kInvalid);
  EXPECT_EQ(code_of([](Transaction& tx) {
              return tx.ExecuteScript("INSERT INTO units VALUES ('a'); NOT SQL AT ALL");
            }),
            kInvalid);
  // The script's first statement did not survive its failure.
  EXPECT_EQ(ReadInt("SELECT COUNT(*) FROM units"), 0);
  // A text parameter cannot carry a NUL byte (PostgreSQL's text cannot hold one).
  EXPECT_EQ(code_of([](Transaction& tx) {
              return tx.Execute("INSERT INTO units VALUES (?)", {std::string("a\0b", 3)}).status();
            }),
            kInvalid);
}

TEST_P(StorageTest, WrongParameterCountIsInvalidArgument) {
  const std::string sql = "SELECT ? + 1";
  absl::StatusOr<std::unique_ptr<Transaction>> tx = db_->Begin(TxMode::kRead);
  DH_ASSERT_OK(tx);
  absl::StatusOr<std::vector<SqlRow>> right = (*tx)->Query(sql, {41});
  DH_ASSERT_OK(right);
  EXPECT_EQ(right->front().Int(0), 42);
  // Too many and too few, on a statement both drivers have already prepared and cached.
  DH_EXPECT_CODE((*tx)->Query(sql, {1, 2}), absl::StatusCode::kInvalidArgument);
  tx = db_->Begin(TxMode::kRead);
  DH_ASSERT_OK(tx);
  DH_EXPECT_CODE((*tx)->Query(sql, {}), absl::StatusCode::kInvalidArgument);
  tx = db_->Begin(TxMode::kRead);
  DH_ASSERT_OK(tx);
  DH_EXPECT_CODE((*tx)->Query("SELECT 1", {1}), absl::StatusCode::kInvalidArgument);
  // The connection is still fine for the next transaction.
  EXPECT_EQ(ReadInt("SELECT 5"), 5);
}

TEST_P(StorageTest, QuestionMarksInLiteralsAndCommentsAreNotPlaceholders) {
  absl::StatusOr<std::vector<SqlRow>> rows =
      Read("SELECT '?''?', \"a?\".x, ? /* ? */ FROM (SELECT 1 AS x) AS \"a?\" -- ?\n", {"chữ"});
  DH_ASSERT_OK(rows);
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ(rows->front().Text(0), "?'?");
  EXPECT_EQ(rows->front().Int(1), 1);
  EXPECT_EQ(rows->front().Text(2), "chữ");
}

TEST_P(StorageTest, ExecuteCountsChangedRows) {
  DH_ASSERT_OK(Script("CREATE TABLE units (code TEXT PRIMARY KEY, year BIGINT)"));
  absl::StatusOr<std::unique_ptr<Transaction>> tx = db_->Begin(TxMode::kWrite);
  DH_ASSERT_OK(tx);
  for (const char* code : {"a", "b", "c"}) {
    absl::StatusOr<int64_t> inserted =
        (*tx)->Execute("INSERT INTO units (code, year) VALUES (?, ?)", {code, 2019});
    DH_ASSERT_OK(inserted);
    EXPECT_EQ(*inserted, 1);
  }
  absl::StatusOr<int64_t> updated = (*tx)->Execute("UPDATE units SET year = ?", {2020});
  DH_ASSERT_OK(updated);
  EXPECT_EQ(*updated, 3);
  // Statements that change no row report 0, not the previous statement's count.
  absl::StatusOr<int64_t> created = (*tx)->Execute("CREATE TABLE other (x BIGINT)");
  DH_ASSERT_OK(created);
  EXPECT_EQ(*created, 0);
  absl::StatusOr<int64_t> none = (*tx)->Execute("DELETE FROM units WHERE year = ?", {1999});
  DH_ASSERT_OK(none);
  EXPECT_EQ(*none, 0);
  absl::StatusOr<int64_t> deleted = (*tx)->Execute("DELETE FROM units WHERE code <> ?", {"a"});
  DH_ASSERT_OK(deleted);
  EXPECT_EQ(*deleted, 2);
  absl::StatusOr<std::vector<SqlRow>> returned = (*tx)->Query(
      "INSERT INTO units (code, year) VALUES (?, ?) RETURNING code, year", {"d", 2021});
  DH_ASSERT_OK(returned);
  ASSERT_EQ(returned->size(), 1u);
  EXPECT_EQ(returned->front().Text(0), "d");
  EXPECT_EQ(returned->front().Int(1), 2021);
  DH_ASSERT_OK((*tx)->Commit());
  EXPECT_EQ(ReadInt("SELECT COUNT(*) FROM units"), 2);
}

TEST_P(StorageTest, StatementsPastTheCacheLimitStillRun) {
  // Each driver caches a few hundred prepared statements per connection; SQL built at run
  // time beyond that runs unprepared.
  DH_ASSERT_OK(RunInTransaction(*db_, TxMode::kWrite, [](Transaction& tx) -> absl::Status {
    for (int i = 0; i < 300; ++i) {
      absl::StatusOr<std::vector<SqlRow>> rows = tx.Query(absl::StrCat("SELECT ? + ", i), {1});
      if (!rows.ok()) return rows.status();
      if (rows->front().Int(0) != i + 1) return absl::InternalError("wrong sum");
    }
    return absl::OkStatus();
  }));
  // Cached and uncached statements both keep working in later transactions.
  EXPECT_EQ(ReadInt("SELECT 1 + 0"), 1);
  EXPECT_EQ(ReadInt("SELECT 1 + 299"), 300);
}

TEST_P(StorageTest, CachedStatementsSurviveSchemaChanges) {
  // One connection, so the second SELECT meets the statement prepared for the first.
  absl::StatusOr<std::unique_ptr<Database>> db = OpenAnother(1);
  DH_ASSERT_OK(db);
  auto select_all = [&]() -> absl::StatusOr<std::vector<SqlRow>> {
    std::vector<SqlRow> rows;
    absl::Status status = RunInTransaction(**db, TxMode::kWrite, [&](Transaction& tx) {
      absl::StatusOr<std::vector<SqlRow>> result = tx.Query("SELECT * FROM units");
      if (result.ok()) rows = *std::move(result);
      return result.status();
    });
    if (!status.ok()) return status;
    return rows;
  };
  DH_ASSERT_OK(RunInTransaction(**db, TxMode::kWrite, [](Transaction& tx) {
    return tx.ExecuteScript("CREATE TABLE units (code TEXT); INSERT INTO units VALUES ('a')");
  }));
  absl::StatusOr<std::vector<SqlRow>> before = select_all();
  DH_ASSERT_OK(before);
  EXPECT_EQ(before->front().size(), 1);
  // A later migration adds a column, as another process may do during a rolling upgrade.
  DH_ASSERT_OK(Script("ALTER TABLE units ADD COLUMN name TEXT"));
  absl::StatusOr<std::vector<SqlRow>> after = select_all();
  DH_ASSERT_OK(after);
  EXPECT_EQ(after->front().size(), 2);
}

TEST_P(StorageTest, ReadTransactionRefusesWrites) {
  DH_ASSERT_OK(Script("CREATE TABLE units (code TEXT PRIMARY KEY)"));
  {
    absl::StatusOr<std::unique_ptr<Transaction>> tx = db_->Begin(TxMode::kRead);
    DH_ASSERT_OK(tx);
    DH_EXPECT_CODE((*tx)->Execute("INSERT INTO units (code) VALUES (?)", {"c1"}),
                   absl::StatusCode::kFailedPrecondition);
    DH_EXPECT_CODE((*tx)->Commit(), absl::StatusCode::kFailedPrecondition);
  }
  {
    absl::StatusOr<std::unique_ptr<Transaction>> tx = db_->Begin(TxMode::kRead);
    DH_ASSERT_OK(tx);
    DH_EXPECT_CODE((*tx)->ExecuteScript("INSERT INTO units (code) VALUES ('c2')"),
                   absl::StatusCode::kFailedPrecondition);
  }
  {
    absl::StatusOr<std::unique_ptr<Transaction>> tx = db_->Begin(TxMode::kRead);
    DH_ASSERT_OK(tx);
    DH_EXPECT_CODE((*tx)->ExecuteScript("DROP TABLE units"), absl::StatusCode::kFailedPrecondition);
  }
  EXPECT_EQ(ReadInt("SELECT COUNT(*) FROM units"), 0);
}

TEST_P(StorageTest, ReadTransactionSeesOneSnapshot) {
  DH_ASSERT_OK(Script("CREATE TABLE counter (id BIGINT PRIMARY KEY, value BIGINT);"
                      "INSERT INTO counter VALUES (1, 0)"));
  absl::StatusOr<std::unique_ptr<Transaction>> reader = db_->Begin(TxMode::kRead);
  DH_ASSERT_OK(reader);
  absl::StatusOr<std::vector<SqlRow>> before = (*reader)->Query("SELECT value FROM counter");
  DH_ASSERT_OK(before);
  EXPECT_EQ(before->front().Int(0), 0);
  // A writer commits while the reader is open, without waiting for it.
  DH_ASSERT_OK(RunInTransaction(*db_, TxMode::kWrite, [](Transaction& tx) {
    return tx.Execute("UPDATE counter SET value = value + 1").status();
  }));
  absl::StatusOr<std::vector<SqlRow>> after = (*reader)->Query("SELECT value FROM counter");
  DH_ASSERT_OK(after);
  EXPECT_EQ(after->front().Int(0), 0);
  DH_ASSERT_OK((*reader)->Commit());
  EXPECT_EQ(ReadInt("SELECT value FROM counter"), 1);
}

TEST_P(StorageTest, ConflictingWritersAbortOnPostgresAndTakeTurnsOnSqlite) {
  DH_ASSERT_OK(Script("CREATE TABLE counter (id BIGINT PRIMARY KEY, value BIGINT);"
                      "INSERT INTO counter VALUES (1, 0)"));
  const char* read = "SELECT value FROM counter WHERE id = 1";
  const char* write = "UPDATE counter SET value = ? WHERE id = 1";
  absl::StatusOr<std::unique_ptr<Transaction>> first = db_->Begin(TxMode::kWrite);
  DH_ASSERT_OK(first);
  absl::StatusOr<std::vector<SqlRow>> first_read = (*first)->Query(read);
  DH_ASSERT_OK(first_read);

  if (postgres()) {
    // Both read 0 and both write 1: serializable must refuse the second.
    absl::StatusOr<std::unique_ptr<Transaction>> second = db_->Begin(TxMode::kWrite);
    DH_ASSERT_OK(second);
    absl::StatusOr<std::vector<SqlRow>> second_read = (*second)->Query(read);
    DH_ASSERT_OK(second_read);
    DH_ASSERT_OK((*first)->Execute(write, {first_read->front().Int(0) + 1}));
    DH_ASSERT_OK((*first)->Commit());
    absl::Status lost = (*second)->Execute(write, {second_read->front().Int(0) + 1}).status();
    if (lost.ok()) lost = (*second)->Commit();
    DH_EXPECT_CODE(lost, absl::StatusCode::kAborted);
  } else {
    // SQLite has one writer: the second waits for the first and then reads its result.
    absl::Notification second_began;
    int64_t second_saw = -1;
    std::thread second_writer([&] {
      absl::StatusOr<std::unique_ptr<Transaction>> second = db_->Begin(TxMode::kWrite);
      second_began.Notify();
      if (!second.ok()) return;
      absl::StatusOr<std::vector<SqlRow>> rows = (*second)->Query(read);
      if (rows.ok() && !rows->empty()) second_saw = rows->front().Int(0);
      if (rows.ok()) (void)(*second)->Execute(write, {second_saw + 1});
      (void)(*second)->Commit();
    });
    EXPECT_FALSE(second_began.WaitForNotificationWithTimeout(absl::Milliseconds(200)));
    DH_ASSERT_OK((*first)->Execute(write, {first_read->front().Int(0) + 1}));
    DH_ASSERT_OK((*first)->Commit());
    second_writer.join();
    EXPECT_EQ(second_saw, 1);
  }
  EXPECT_EQ(ReadInt(read), postgres() ? 1 : 2);
}

TEST_P(StorageTest, RunInTransactionRetriesConflictsUntilEveryIncrementLands) {
  constexpr int kThreads = 8;
  DH_ASSERT_OK(Script("CREATE TABLE counter (id BIGINT PRIMARY KEY, value BIGINT);"
                      "INSERT INTO counter VALUES (1, 0)"));
  absl::StatusOr<std::unique_ptr<Database>> db = OpenAnother(kThreads);
  DH_ASSERT_OK(db);
  std::atomic<int> attempts{0};
  // On PostgreSQL every thread's first attempt reads the counter before any writes it, so
  // the conflict is certain. SQLite's writers take turns, so there a barrier would deadlock.
  absl::Mutex mu;
  int arrived = 0;
  std::vector<absl::Status> results(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      bool first_attempt = true;
      results[t] = RunInTransaction(**db, TxMode::kWrite, [&](Transaction& tx) -> absl::Status {
        attempts.fetch_add(1);
        absl::StatusOr<std::vector<SqlRow>> rows =
            tx.Query("SELECT value FROM counter WHERE id = ?", {1});
        if (!rows.ok()) return rows.status();
        if (postgres() && first_attempt) {
          first_attempt = false;
          absl::MutexLock lock(&mu);
          ++arrived;
          auto all_arrived = [&] { return arrived == kThreads; };
          mu.AwaitWithTimeout(absl::Condition(&all_arrived), absl::Seconds(10));
        }
        return tx.Execute("UPDATE counter SET value = ? WHERE id = ?",
                          {rows->front().Int(0) + 1, 1})
            .status();
      });
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (const absl::Status& result : results) EXPECT_TRUE(result.ok()) << result;
  EXPECT_EQ(ReadInt("SELECT value FROM counter"), kThreads);
  if (postgres()) {
    EXPECT_GT(attempts.load(), kThreads) << "no conflict was retried";
  } else {
    EXPECT_EQ(attempts.load(), kThreads);
  }
}

TEST_P(StorageTest, RunInTransactionRetriesOnlyAborted) {
  int calls = 0;
  absl::Status invalid = RunInTransaction(*db_, TxMode::kWrite, [&](Transaction&) {
    ++calls;
    return absl::InvalidArgumentError("bad input");
  });
  DH_EXPECT_CODE(invalid, absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(calls, 1);

  calls = 0;
  absl::Status aborted = RunInTransaction(*db_, TxMode::kRead, [&](Transaction&) {
    ++calls;
    return absl::AbortedError("conflict");
  });
  DH_EXPECT_CODE(aborted, absl::StatusCode::kAborted);
  EXPECT_EQ(calls, 10);

  calls = 0;
  absl::Status recovered = RunInTransaction(*db_, TxMode::kRead, [&](Transaction&) {
    return ++calls < 3 ? absl::AbortedError("conflict") : absl::OkStatus();
  });
  EXPECT_TRUE(recovered.ok()) << recovered;
  EXPECT_EQ(calls, 3);
}

const std::vector<Migration>& FirstSchema() {
  static const auto* const kMigrations = new std::vector<Migration>{
      {1, "units", "CREATE TABLE units (code TEXT PRIMARY KEY, name TEXT NOT NULL)", ""},
      {2, "the department",
       "INSERT INTO units (code, name) VALUES ('so-gddt', 'Sở Giáo dục và Đào tạo')", ""},
  };
  return *kMigrations;
}

TEST_P(StorageTest, MigrateAppliesEachVersionOnce) {
  DH_ASSERT_OK(Migrate(*db_, FirstSchema()));
  DH_ASSERT_OK(Migrate(*db_, FirstSchema()));  // a no-op: the row is not inserted twice
  EXPECT_EQ(ReadInt("SELECT COUNT(*) FROM units"), 1);
  EXPECT_EQ(ReadInt("SELECT COUNT(*) FROM schema_migrations"), 2);

  std::vector<Migration> next = FirstSchema();
  next.push_back({5, "districts", "CREATE TABLE districts (code TEXT PRIMARY KEY)", ""});
  DH_ASSERT_OK(Migrate(*db_, next));
  DH_ASSERT_OK(Migrate(*db_, next));
  absl::StatusOr<std::vector<SqlRow>> recorded =
      Read("SELECT version, name, applied_at FROM schema_migrations ORDER BY version");
  DH_ASSERT_OK(recorded);
  ASSERT_EQ(recorded->size(), 3u);
  EXPECT_EQ((*recorded)[0].Int(0), 1);
  EXPECT_EQ((*recorded)[1].Text(1), "the department");
  EXPECT_EQ((*recorded)[2].Int(0), 5);
  EXPECT_TRUE(absl::EndsWith((*recorded)[2].Text(2), "Z")) << (*recorded)[2].Text(2);
  EXPECT_EQ(ReadInt("SELECT COUNT(*) FROM districts"), 0);
  EXPECT_EQ(ReadInt("SELECT COUNT(*) FROM units"), 1);

  // A binary that knows fewer migrations than the store has applied runs on it unchanged.
  DH_ASSERT_OK(Migrate(*db_, FirstSchema()));
  EXPECT_EQ(ReadInt("SELECT COUNT(*) FROM schema_migrations"), 3);
}

TEST_P(StorageTest, MigrateRefusesVersionsThatDoNotStrictlyIncrease) {
  const std::vector<std::vector<Migration>> bad_lists = {
      {{2, "b", "CREATE TABLE b (x BIGINT)", ""}, {1, "a", "CREATE TABLE a (x BIGINT)", ""}},
      {{1, "a", "CREATE TABLE a (x BIGINT)", ""}, {1, "b", "CREATE TABLE b (x BIGINT)", ""}},
      {{0, "a", "CREATE TABLE a (x BIGINT)", ""}},
  };
  for (const std::vector<Migration>& list : bad_lists) {
    DH_EXPECT_CODE(Migrate(*db_, list), absl::StatusCode::kInvalidArgument);
  }
  // Nothing was applied, not even the valid first entry.
  DH_EXPECT_CODE(Read("SELECT COUNT(*) FROM a"), absl::StatusCode::kInvalidArgument);
  DH_EXPECT_CODE(Read("SELECT COUNT(*) FROM b"), absl::StatusCode::kInvalidArgument);
}

TEST_P(StorageTest, FailedMigrationLeavesNoTraceAndCanBeFixed) {
  std::vector<Migration> broken = {
      {1, "a", "CREATE TABLE a (x BIGINT)", ""},
      {2, "b", "CREATE TABLE b (x BIGINT); INSERT INTO nowhere VALUES (1)", ""},
  };
  absl::Status failed = Migrate(*db_, broken);
  DH_EXPECT_CODE(failed, absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(failed.message(), "migration 2 (b)")) << failed;
  EXPECT_EQ(ReadInt("SELECT COUNT(*) FROM a"), 0);
  DH_EXPECT_CODE(Read("SELECT COUNT(*) FROM b"), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ReadInt("SELECT MAX(version) FROM schema_migrations"), 1);

  broken[1].sql = "CREATE TABLE b (x BIGINT)";
  DH_ASSERT_OK(Migrate(*db_, broken));
  EXPECT_EQ(ReadInt("SELECT COUNT(*) FROM b"), 0);
  EXPECT_EQ(ReadInt("SELECT MAX(version) FROM schema_migrations"), 2);
}

TEST_P(StorageTest, MigrateRunsThePostgresVariantOnPostgres) {
  const std::vector<Migration> migrations = {
      {1, "dialect", "CREATE TABLE which (dialect TEXT); INSERT INTO which VALUES ('shared')",
       "CREATE TABLE which (dialect TEXT); INSERT INTO which VALUES ('postgres')"},
  };
  DH_ASSERT_OK(Migrate(*db_, migrations));
  absl::StatusOr<std::vector<SqlRow>> rows = Read("SELECT dialect FROM which");
  DH_ASSERT_OK(rows);
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ(rows->front().Text(0), postgres() ? "postgres" : "shared");
}

TEST_P(StorageTest, ConcurrentStartersApplyEachMigrationOnce) {
  const std::vector<Migration> migrations = {
      {1, "log", "CREATE TABLE log (x BIGINT)", ""},
      {2, "two", "INSERT INTO log VALUES (2)", ""},
      {3, "three", "INSERT INTO log VALUES (3)", ""},
  };
  constexpr int kStarters = 3;
  std::vector<std::unique_ptr<Database>> dbs;
  for (int i = 0; i < kStarters; ++i) {
    absl::StatusOr<std::unique_ptr<Database>> db = OpenAnother(2);
    DH_ASSERT_OK(db);
    dbs.push_back(*std::move(db));
  }
  absl::Notification go;
  std::vector<absl::Status> results(kStarters);
  std::vector<std::thread> starters;
  for (int i = 0; i < kStarters; ++i) {
    starters.emplace_back([&, i] {
      go.WaitForNotification();
      results[i] = Migrate(*dbs[i], migrations);
    });
  }
  go.Notify();
  for (std::thread& starter : starters) starter.join();
  for (const absl::Status& result : results) EXPECT_TRUE(result.ok()) << result;
  EXPECT_EQ(ReadInt("SELECT COUNT(*) FROM log"), 2);
  EXPECT_EQ(ReadInt("SELECT COUNT(*) FROM schema_migrations"), 3);
}

TEST_P(StorageTest, LostConnectionIsUnavailableAndIsReplaced) {
  if (!postgres()) GTEST_SKIP() << "SQLite has no server connection to lose";
  absl::StatusOr<std::unique_ptr<Database>> db = OpenAnother(1);
  DH_ASSERT_OK(db);
  auto backend_of = [](Transaction& tx) -> int64_t {
    absl::StatusOr<std::vector<SqlRow>> rows = tx.Query("SELECT pg_backend_pid()");
    return rows.ok() && !rows->empty() ? rows->front().Int(0) : -1;
  };
  // The server ends the session, as a restart or an administrator would.
  auto terminate = [&](int64_t pid) {
    DH_ASSERT_OK(RunInTransaction(*admin_, TxMode::kWrite, [&](Transaction& tx) {
      return tx.Query("SELECT pg_terminate_backend(?)", {pid}).status();
    }));
    for (int i = 0; i < 500; ++i) {
      absl::StatusOr<std::vector<SqlRow>> alive = [&]() -> absl::StatusOr<std::vector<SqlRow>> {
        absl::StatusOr<std::unique_ptr<Transaction>> tx = admin_->Begin(TxMode::kRead);
        if (!tx.ok()) return tx.status();
        return (*tx)->Query("SELECT 1 FROM pg_stat_activity WHERE pid = ?", {pid});
      }();
      if (alive.ok() && alive->empty()) return;
      absl::SleepFor(absl::Milliseconds(10));
    }
    ADD_FAILURE() << "backend " << pid << " did not end";
  };

  absl::StatusOr<std::unique_ptr<Transaction>> tx = (*db)->Begin(TxMode::kWrite);
  DH_ASSERT_OK(tx);
  const int64_t first_pid = backend_of(**tx);
  ASSERT_GT(first_pid, 0);
  terminate(first_pid);
  DH_EXPECT_CODE((*tx)->Query("SELECT 1"), absl::StatusCode::kUnavailable);
  DH_EXPECT_CODE((*tx)->Commit(), absl::StatusCode::kUnavailable);
  tx->reset();

  // The pool's only connection was replaced, not handed out broken.
  tx = (*db)->Begin(TxMode::kWrite);
  DH_ASSERT_OK(tx);
  const int64_t second_pid = backend_of(**tx);
  EXPECT_GT(second_pid, 0);
  EXPECT_NE(second_pid, first_pid);
  DH_ASSERT_OK((*tx)->Commit());

  // An idle pooled connection that the server dropped is replaced at the next Begin.
  terminate(second_pid);
  tx = (*db)->Begin(TxMode::kRead);
  DH_ASSERT_OK(tx);
  const int64_t third_pid = backend_of(**tx);
  EXPECT_GT(third_pid, 0);
  EXPECT_NE(third_pid, second_pid);
}

INSTANTIATE_TEST_SUITE_P(Backends, StorageTest,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const ::testing::TestParamInfo<Backend>& info) {
                           return info.param == Backend::kSqlite ? "Sqlite" : "Postgres";
                         });

}  // namespace
}  // namespace dienhinh::platform
