// What only the SQLite driver promises: its pragmas, the folder it creates, the in-memory
// mode, and readers that never wait for the writer.
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <string>

#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "services/platform/storage/database.h"
#include "services/platform/storage/storage_test_util.h"

namespace dienhinh::platform {
namespace {

class SqliteDatabaseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char folder[] = "/tmp/dh-sqlite-test-XXXXXX";
    ASSERT_NE(mkdtemp(folder), nullptr);
    folder_ = folder;
  }
  void TearDown() override { std::filesystem::remove_all(folder_); }

  static int64_t Pragma(Database& db, const char* sql) {
    absl::StatusOr<std::unique_ptr<Transaction>> tx = db.Begin(TxMode::kWrite);
    if (!tx.ok()) return -1;
    absl::StatusOr<std::vector<SqlRow>> rows = (*tx)->Query(sql);
    return rows.ok() && !rows->empty() ? rows->front().Int(0) : -1;
  }

  std::string folder_;
};

TEST_F(SqliteDatabaseTest, OpenCreatesTheFolderAndTheFileInWalMode) {
  const std::string path = folder_ + "/a/b/registry.db";
  absl::StatusOr<std::unique_ptr<Database>> db = Database::Open({"sqlite:" + path});
  DH_ASSERT_OK(db);
  EXPECT_TRUE(std::filesystem::exists(path));
  EXPECT_EQ((*db)->dialect(), Dialect::kSqlite);
  absl::StatusOr<std::unique_ptr<Transaction>> tx = (*db)->Begin(TxMode::kWrite);
  DH_ASSERT_OK(tx);
  absl::StatusOr<std::vector<SqlRow>> mode = (*tx)->Query("PRAGMA journal_mode");
  DH_ASSERT_OK(mode);
  EXPECT_EQ(mode->front().Text(0), "wal");
}

TEST_F(SqliteDatabaseTest, UrlFormsNameTheSameFile) {
  const std::string path = folder_ + "/same.db";
  {
    absl::StatusOr<std::unique_ptr<Database>> db = Database::Open({"sqlite://" + path});
    DH_ASSERT_OK(db);
    DH_ASSERT_OK(RunInTransaction(**db, TxMode::kWrite, [](Transaction& tx) {
      return tx.ExecuteScript("CREATE TABLE t (x BIGINT); INSERT INTO t VALUES (7)");
    }));
  }
  absl::StatusOr<std::unique_ptr<Database>> db = Database::Open({path});
  DH_ASSERT_OK(db);
  absl::StatusOr<std::unique_ptr<Transaction>> tx = (*db)->Begin(TxMode::kRead);
  DH_ASSERT_OK(tx);
  absl::StatusOr<std::vector<SqlRow>> rows = (*tx)->Query("SELECT x FROM t");
  DH_ASSERT_OK(rows);
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ(rows->front().Int(0), 7);
}

TEST_F(SqliteDatabaseTest, SynchronousFollowsTheOptionAndForeignKeysAreOn) {
  DatabaseOptions full{folder_ + "/full.db"};
  absl::StatusOr<std::unique_ptr<Database>> durable = Database::Open(full);
  DH_ASSERT_OK(durable);
  EXPECT_EQ(Pragma(**durable, "PRAGMA synchronous"), 2);  // FULL
  EXPECT_EQ(Pragma(**durable, "PRAGMA foreign_keys"), 1);

  DatabaseOptions normal{folder_ + "/normal.db"};
  normal.sqlite_full_sync = false;
  absl::StatusOr<std::unique_ptr<Database>> fast = Database::Open(normal);
  DH_ASSERT_OK(fast);
  EXPECT_EQ(Pragma(**fast, "PRAGMA synchronous"), 1);  // NORMAL
}

TEST_F(SqliteDatabaseTest, AnUnusablePathIsAnError) {
  // A file where the folder should be.
  const std::string blocker = folder_ + "/file";
  ASSERT_TRUE(RunInTransaction(**Database::Open({blocker}), TxMode::kWrite,
                               [](Transaction&) { return absl::OkStatus(); })
                  .ok());
  absl::StatusOr<std::unique_ptr<Database>> db = Database::Open({blocker + "/inside/x.db"});
  EXPECT_FALSE(db.ok());
  DH_EXPECT_CODE(Database::Open({""}), absl::StatusCode::kInvalidArgument);
  DH_EXPECT_CODE(Database::Open({"sqlite:"}), absl::StatusCode::kInvalidArgument);
}

TEST_F(SqliteDatabaseTest, MemoryDatabaseServesReadsAndWritesOnOneConnection) {
  absl::StatusOr<std::unique_ptr<Database>> db = Database::Open({":memory:"});
  DH_ASSERT_OK(db);
  // Its reads queue behind the writer: not to be run on gRPC's threads.
  EXPECT_FALSE((*db)->reads_are_local());
  const std::vector<Migration> migrations = {{1, "t", "CREATE TABLE t (x BIGINT)", ""}};
  DH_ASSERT_OK(Migrate(**db, migrations));
  DH_ASSERT_OK(RunInTransaction(**db, TxMode::kWrite, [](Transaction& tx) {
    return tx.Execute("INSERT INTO t VALUES (?)", {3}).status();
  }));
  absl::StatusOr<std::unique_ptr<Transaction>> tx = (*db)->Begin(TxMode::kRead);
  DH_ASSERT_OK(tx);
  absl::StatusOr<std::vector<SqlRow>> rows = (*tx)->Query("SELECT x FROM t");
  DH_ASSERT_OK(rows);
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ(rows->front().Int(0), 3);
  // The read transaction refuses writes on the shared connection too.
  DH_EXPECT_CODE((*tx)->Execute("INSERT INTO t VALUES (4)"), absl::StatusCode::kFailedPrecondition);
}

// A write that changes many existing pages commits: here the delete of ~12 MiB of rows, in a
// savepoint of the group commit whose sub-journal (the originals of the pages it changes) must
// spill to a temporary file past its 4 MiB in memory. Without the split of long writes
// (sqlite_vfs.h), SQLite 3.40 failed every such savepoint with SQLITE_FULL ("database or disk
// is full"): the registry could not delete an import's staging rows, nor update the units of a
// national persons file.
TEST_F(SqliteDatabaseTest, AWriteChangingManyExistingPagesCommits) {
  absl::StatusOr<std::unique_ptr<Database>> db = Database::Open({folder_ + "/big.db"});
  DH_ASSERT_OK(db);
  DH_ASSERT_OK(RunInTransaction(**db, TxMode::kWrite, [](Transaction& tx) {
    if (absl::Status s = tx.ExecuteScript("CREATE TABLE t (k BIGINT, body TEXT)"); !s.ok()) {
      return s;
    }
    const std::string body(400, 'x');
    for (int i = 0; i < 30000; ++i) {
      if (auto s = tx.Execute("INSERT INTO t VALUES (?, ?)", {i, body}); !s.ok()) return s.status();
    }
    return absl::OkStatus();
  }));
  DH_ASSERT_OK(RunInTransaction(**db, TxMode::kWrite, [](Transaction& tx) {
    return tx.Execute("DELETE FROM t WHERE k >= 0").status();
  }));
  absl::StatusOr<std::unique_ptr<Transaction>> tx = (*db)->Begin(TxMode::kRead);
  DH_ASSERT_OK(tx);
  absl::StatusOr<std::vector<SqlRow>> rows = (*tx)->Query("SELECT COUNT(*) FROM t");
  DH_ASSERT_OK(rows);
  EXPECT_EQ(rows->front().Int(0), 0);
}

TEST_F(SqliteDatabaseTest, ReadersDoNotWaitForAnOpenWriter) {
  absl::StatusOr<std::unique_ptr<Database>> db = Database::Open({folder_ + "/r.db", 2});
  DH_ASSERT_OK(db);
  EXPECT_TRUE((*db)->reads_are_local());
  DH_ASSERT_OK(RunInTransaction(**db, TxMode::kWrite, [](Transaction& tx) {
    return tx.ExecuteScript("CREATE TABLE t (x BIGINT); INSERT INTO t VALUES (1)");
  }));
  absl::StatusOr<std::unique_ptr<Transaction>> writer = (*db)->Begin(TxMode::kWrite);
  DH_ASSERT_OK(writer);
  DH_ASSERT_OK((*writer)->Execute("INSERT INTO t VALUES (2)"));
  // Both readers at once, while the writer holds its lock, on this very thread.
  absl::StatusOr<std::unique_ptr<Transaction>> first = (*db)->Begin(TxMode::kRead);
  absl::StatusOr<std::unique_ptr<Transaction>> second = (*db)->Begin(TxMode::kRead);
  DH_ASSERT_OK(first);
  DH_ASSERT_OK(second);
  for (auto* reader : {&first, &second}) {
    absl::StatusOr<std::vector<SqlRow>> rows = (**reader)->Query("SELECT COUNT(*) FROM t");
    DH_ASSERT_OK(rows);
    EXPECT_EQ(rows->front().Int(0), 1);
  }
  DH_ASSERT_OK((*writer)->Commit());
}

}  // namespace
}  // namespace dienhinh::platform
