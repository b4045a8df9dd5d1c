// SQLite's file layer (sqlite_vfs.h). The WAL-gathering VFS: a commit's frames reach the file in
// one write and are there for other connections the moment COMMIT returns; a transaction's own
// reads of frames it spilled find them; a rolled-back spill, a log restarted by another
// connection's checkpoint and a reopen leave a sound database; the driver's writer uses it
// under FULL only. The default VFS: a sub-journal past its in-memory size spills to a file in
// writes longer than the unix VFS takes, and the savepoint still commits. A writer SIGKILLed
// mid-load is in sqlite_group_commit_test.cc, whose writer runs on the gathering VFS.
#include "services/platform/storage/sqlite_vfs.h"

#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "services/platform/storage/database.h"
#include "services/platform/storage/sqlite_database.h"
#include "services/platform/storage/storage_test_util.h"
#include "services/platform/testing/test_database.h"

namespace dienhinh::platform {
namespace {

using testing_util::InsertPagesSql;

class SqliteVfsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    folder_ = testing::MakeTempDir();
    path_ = folder_ + "/gathered.db";
    ASSERT_TRUE(ConfigureSqlite());
    ASSERT_NE(WalGatheringVfsName(), nullptr);
    writer_ = OpenRaw(WalGatheringVfsName());
    ASSERT_NE(writer_, nullptr);
    Exec(writer_, "PRAGMA journal_mode=WAL");
    Exec(writer_, "PRAGMA synchronous=FULL");
    Exec(writer_, "CREATE TABLE pages (id INTEGER PRIMARY KEY, payload BLOB NOT NULL)");
  }
  void TearDown() override {
    sqlite3_close_v2(writer_);
    std::filesystem::remove_all(folder_);
  }

  // A connection through `vfs` (nullptr: the default, the splitting VFS), or nullptr with a test
  // failure.
  sqlite3* OpenRaw(const char* vfs) {
    sqlite3* db = nullptr;
    const int rc = sqlite3_open_v2(path_.c_str(), &db,
                                   SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, vfs);
    EXPECT_EQ(rc, SQLITE_OK) << (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
    if (rc != SQLITE_OK) {
      sqlite3_close_v2(db);
      return nullptr;
    }
    return db;
  }
  static void Exec(sqlite3* db, const std::string& sql) {
    char* message = nullptr;
    EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message), SQLITE_OK)
        << (message ? message : "") << " in: " << sql;
    sqlite3_free(message);
  }
  // The first column of the first row of `sql` as text ("" on error, with a test failure).
  static std::string Text(sqlite3* db, const std::string& sql) {
    sqlite3_stmt* stmt = nullptr;
    std::string out;
    EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr), SQLITE_OK)
        << sqlite3_errmsg(db);
    if (stmt != nullptr && sqlite3_step(stmt) == SQLITE_ROW) {
      const unsigned char* text = sqlite3_column_text(stmt, 0);
      if (text != nullptr) out = reinterpret_cast<const char*>(text);
    } else {
      ADD_FAILURE() << "no row for " << sql << ": " << sqlite3_errmsg(db);
    }
    sqlite3_finalize(stmt);
    return out;
  }
  // What a fresh connection on the default VFS sees: the row count and the integrity check.
  void ExpectSeenByAnotherConnection(int rows) {
    sqlite3* other = OpenRaw(nullptr);
    ASSERT_NE(other, nullptr);
    EXPECT_EQ(Text(other, "SELECT count(*) FROM pages"), std::to_string(rows));
    EXPECT_EQ(Text(other, "PRAGMA integrity_check"), "ok");
    sqlite3_close_v2(other);
  }

  std::string folder_;
  std::string path_;
  sqlite3* writer_ = nullptr;
};

TEST_F(SqliteVfsTest, ACommitsFramesReachTheFileInOneWriteAndAreVisibleAtOnce) {
  const SqliteVfsStats before = SqliteVfsStatsNow();
  Exec(writer_, InsertPagesSql(20));
  const SqliteVfsStats after = SqliteVfsStatsNow();
  const int64_t requested = after.wal_writes_requested - before.wal_writes_requested;
  const int64_t issued = after.wal_writes_issued - before.wal_writes_issued;
  // Twenty rows of a page each, plus the table's interior pages: a header and a page per frame.
  EXPECT_GE(requested, 40);
  // The log's own header is written once when the log starts; the frames then go in one write.
  EXPECT_LE(issued, 2) << "of " << requested << " requested";
  ExpectSeenByAnotherConnection(20);
}

TEST_F(SqliteVfsTest, ATransactionReadsBackThePagesItSpilledToTheLog) {
  // A cache of ten pages makes a 300-page transaction write frames to the log before COMMIT;
  // reading the rows back inside it reads those frames from the file.
  Exec(writer_, "PRAGMA cache_size=10");
  Exec(writer_, "BEGIN IMMEDIATE");
  Exec(writer_, InsertPagesSql(300));
  EXPECT_EQ(Text(writer_, "SELECT count(*) FROM pages"), "300");
  EXPECT_EQ(Text(writer_, "SELECT sum(length(payload)) FROM pages"), "1200000");
  Exec(writer_, "COMMIT");
  ExpectSeenByAnotherConnection(300);
}

TEST_F(SqliteVfsTest, ARolledBackSpillLeavesTheLogSound) {
  Exec(writer_, "PRAGMA cache_size=10");
  Exec(writer_, InsertPagesSql(5));
  Exec(writer_, "BEGIN IMMEDIATE");
  Exec(writer_, InsertPagesSql(300));
  Exec(writer_, "ROLLBACK");
  // The next commit writes its frames where the rolled-back ones began.
  Exec(writer_, InsertPagesSql(7));
  EXPECT_EQ(Text(writer_, "SELECT count(*) FROM pages"), "12");
  ExpectSeenByAnotherConnection(12);
}

TEST_F(SqliteVfsTest, TheLogRestartedByAnotherConnectionsCheckpointKeepsEveryCommit) {
  Exec(writer_, InsertPagesSql(30));
  sqlite3* checkpointer = OpenRaw(nullptr);
  ASSERT_NE(checkpointer, nullptr);
  // A connection learns that the database is in WAL mode from its first read.
  EXPECT_EQ(Text(checkpointer, "SELECT count(*) FROM pages"), "30");
  int frames = -1, copied = -1;
  ASSERT_EQ(sqlite3_wal_checkpoint_v2(checkpointer, nullptr, SQLITE_CHECKPOINT_TRUNCATE, &frames,
                                      &copied),
            SQLITE_OK)
      << sqlite3_errmsg(checkpointer);
  EXPECT_EQ(std::filesystem::file_size(path_ + "-wal"), 0u);
  sqlite3_close_v2(checkpointer);
  // The writer starts the log over from its header.
  Exec(writer_, InsertPagesSql(4));
  Exec(writer_, InsertPagesSql(6));
  ExpectSeenByAnotherConnection(40);
  // Closed and reopened on the default VFS: the log is recovered from the file alone.
  sqlite3_close_v2(writer_);
  writer_ = nullptr;
  ExpectSeenByAnotherConnection(40);
}

TEST_F(SqliteVfsTest, TheDefaultVfsIsTheSplittingWrapper) {
  sqlite3_vfs* vfs = sqlite3_vfs_find(nullptr);
  ASSERT_NE(vfs, nullptr);
  EXPECT_STREQ(vfs->zName, "dienhinh");
}

// A savepoint whose sub-journal (the originals of the pages it changes) passes its 4 MiB in
// memory spills to a file: SQLite writes the 4 MiB in one call, which the unix VFS alone cuts
// short ("database or disk is full"); split, it commits.
TEST_F(SqliteVfsTest, ASavepointChangingMoreThanItsSubJournalHoldsInMemoryCommits) {
  Exec(writer_, InsertPagesSql(2000));  // ~8 MiB of rows, committed
  const SqliteVfsStats before = SqliteVfsStatsNow();
  Exec(writer_, "BEGIN IMMEDIATE");
  Exec(writer_, "SAVEPOINT one_write");
  Exec(writer_, "UPDATE pages SET payload = randomblob(4000)");
  Exec(writer_, "RELEASE one_write");
  Exec(writer_, "COMMIT");
  EXPECT_GT(SqliteVfsStatsNow().long_writes_split, before.long_writes_split);
  ExpectSeenByAnotherConnection(2000);
}

// The driver (sqlite_database.cc) opens its writer on this VFS under FULL, never under NORMAL,
// where commits do not sync the log and gathered frames would be published unwritten.
TEST_F(SqliteVfsTest, TheDriversWriterGathersUnderFullOnly) {
  for (const bool full_sync : {true, false}) {
    SCOPED_TRACE(full_sync ? "FULL" : "NORMAL");
    const std::string path = absl::StrCat(folder_, "/driver-", full_sync, ".db");
    DatabaseOptions options{path, 2};
    options.sqlite_full_sync = full_sync;
    absl::StatusOr<std::unique_ptr<Database>> db = OpenSqliteDatabase(path, options);
    ASSERT_TRUE(db.ok()) << db.status();
    const SqliteVfsStats before = SqliteVfsStatsNow();
    DH_ASSERT_OK(RunInTransaction(**db, TxMode::kWrite, [](Transaction& tx) {
      return tx.ExecuteScript("CREATE TABLE t (id BIGINT PRIMARY KEY); INSERT INTO t VALUES (1)");
    }));
    const SqliteVfsStats after = SqliteVfsStatsNow();
    if (full_sync) {
      EXPECT_GT(after.wal_writes_requested, before.wal_writes_requested);
    } else {
      EXPECT_EQ(after.wal_writes_requested, before.wal_writes_requested);
    }
  }
}

}  // namespace
}  // namespace dienhinh::platform
