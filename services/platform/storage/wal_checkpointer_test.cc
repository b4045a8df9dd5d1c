// The WAL checkpointer (wal_checkpointer.h): commits that grow the log are checkpointed by its
// thread, not by the COMMIT; past the inline bound the COMMIT checkpoints and the log restarts;
// and through the driver, nothing committed is lost across a reopen.
#include "services/platform/storage/wal_checkpointer.h"

#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "services/platform/storage/database.h"
#include "services/platform/storage/sqlite_database.h"
#include "services/platform/storage/storage_test_util.h"
#include "services/platform/testing/test_database.h"

namespace dienhinh::platform {
namespace {

using testing_util::InsertPagesSql;

class WalCheckpointerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    folder_ = testing::MakeTempDir();
    path_ = folder_ + "/wal.db";
    ASSERT_EQ(sqlite3_open(path_.c_str(), &writer_), SQLITE_OK);
    Exec("PRAGMA journal_mode=WAL");
    Exec("CREATE TABLE pages (id INTEGER PRIMARY KEY, payload BLOB NOT NULL)");
  }
  void TearDown() override {
    checkpointer_.reset();
    sqlite3_close_v2(writer_);
    std::filesystem::remove_all(folder_);
  }

  void Exec(const std::string& sql) {
    char* message = nullptr;
    ASSERT_EQ(sqlite3_exec(writer_, sql.c_str(), nullptr, nullptr, &message), SQLITE_OK) << message;
  }
  void InsertPages(int pages) {
    Exec(InsertPagesSql(pages));
  }
  // Frames in the WAL now, as a PASSIVE checkpoint of nothing new reports them (-1 on error).
  int WalFrames() {
    int frames = -1, copied = -1;
    sqlite3_wal_checkpoint_v2(writer_, nullptr, SQLITE_CHECKPOINT_PASSIVE, &frames, &copied);
    return frames;
  }
  int64_t DatabaseFileBytes() { return static_cast<int64_t>(std::filesystem::file_size(path_)); }

  void Start(int background_pages, int inline_pages) {
    absl::StatusOr<std::unique_ptr<WalCheckpointer>> started =
        WalCheckpointer::Start(path_, writer_, /*full_sync=*/true, {background_pages, inline_pages});
    ASSERT_TRUE(started.ok()) << started.status();
    checkpointer_ = *std::move(started);
  }
  // Waits up to 10 s for the thread to have run `n` checkpoints.
  bool AwaitBackground(int64_t n) {
    const absl::Time deadline = absl::Now() + absl::Seconds(10);
    while (checkpointer_->stats().background < n) {
      if (absl::Now() > deadline) return false;
      absl::SleepFor(absl::Milliseconds(5));
    }
    return true;
  }

  std::string folder_, path_;
  sqlite3* writer_ = nullptr;
  std::unique_ptr<WalCheckpointer> checkpointer_;
};

TEST_F(WalCheckpointerTest, ItsThreadCopiesTheLogIntoTheDatabaseFileAfterTheCommit) {
  Start(/*background_pages=*/20, /*inline_pages=*/100000);
  const int64_t before = DatabaseFileBytes();
  InsertPages(60);  // below SQLite's own autocheckpoint (1,000 pages): only the thread copies
  ASSERT_TRUE(AwaitBackground(1));
  EXPECT_GE(DatabaseFileBytes(), before + 60 * 4000);
  EXPECT_EQ(checkpointer_->stats().inline_, 0);
}

TEST_F(WalCheckpointerTest, ItWakesOncePerThresholdOfNewPagesNotAfterEveryCommit) {
  Start(/*background_pages=*/40, /*inline_pages=*/100000);
  // ~6-7 frames a commit (5 rows and the table's pages above them): ~400 frames, ~10 wakes;
  // a wake after every commit past 40 frames would be ~50.
  for (int i = 0; i < 60; ++i) InsertPages(5);
  const WalCheckpointStats stats = checkpointer_->stats();
  EXPECT_GE(stats.requested, 5);
  EXPECT_LE(stats.requested, 15) << "one wake per 40 new frames, not one per commit past 40";
}

TEST_F(WalCheckpointerTest, ACommitUnderTheThresholdWakesNothing) {
  Start(/*background_pages=*/200, /*inline_pages=*/100000);
  InsertPages(20);
  absl::SleepFor(absl::Milliseconds(200));
  EXPECT_EQ(checkpointer_->stats().background, 0);
  EXPECT_GE(WalFrames(), 20);
}

TEST_F(WalCheckpointerTest, PastTheInlineBoundTheCommitCheckpointsAndTheLogRestarts) {
  Start(/*background_pages=*/100000, /*inline_pages=*/50);
  InsertPages(80);
  EXPECT_EQ(checkpointer_->stats().inline_, 1);
  // Every frame copied before the next write: it starts the log over instead of appending.
  InsertPages(1);
  EXPECT_LT(WalFrames(), 10);
}

TEST_F(WalCheckpointerTest, StoppedItGivesTheWriterAutocheckpointsBack) {
  Start(/*background_pages=*/1000, /*inline_pages=*/100000);
  checkpointer_.reset();
  const int64_t before = DatabaseFileBytes();
  InsertPages(1100);  // past the threshold, with no thread: the COMMIT checkpoints
  EXPECT_GE(DatabaseFileBytes(), before + 1100 * 4000);
}

// Through the driver: writes well past the threshold are checkpointed beside the writer, and
// every committed row is there after a reopen.
TEST(SqliteCheckpointsTest, TheDriverCheckpointsBesideItsWriterAndLosesNothing) {
  const std::string folder = testing::MakeTempDir();
  const std::string path = folder + "/driver.db";
  {
    absl::StatusOr<std::unique_ptr<Database>> db = OpenSqliteDatabase(path, {path, 2});
    ASSERT_TRUE(db.ok()) << db.status();
    DH_ASSERT_OK(RunInTransaction(**db, TxMode::kWrite, [](Transaction& tx) {
      return tx.ExecuteScript("CREATE TABLE pages (id INTEGER PRIMARY KEY, payload BLOB NOT NULL)");
    }));
    for (int i = 0; i < 30; ++i) {  // 30 commits of 100 pages: 3,000 pages
      DH_ASSERT_OK(RunInTransaction(**db, TxMode::kWrite, [](Transaction& tx) {
        return tx.ExecuteScript(InsertPagesSql(100));
      }));
    }
    const absl::Time deadline = absl::Now() + absl::Seconds(10);
    while (SqliteCommitStatsOf(**db)->background_checkpoints < 1 && absl::Now() < deadline) {
      absl::SleepFor(absl::Milliseconds(5));
    }
    EXPECT_GE(SqliteCommitStatsOf(**db)->background_checkpoints, 1);
    EXPECT_EQ(SqliteCommitStatsOf(**db)->inline_checkpoints, 0);
  }
  absl::StatusOr<std::unique_ptr<Database>> reopened = OpenSqliteDatabase(path, {path, 2});
  ASSERT_TRUE(reopened.ok()) << reopened.status();
  int64_t rows = -1;
  DH_ASSERT_OK(RunInTransaction(**reopened, TxMode::kRead, [&](Transaction& tx) -> absl::Status {
    auto counted = tx.Query("SELECT COUNT(*) FROM pages", {});
    if (!counted.ok()) return counted.status();
    rows = (*counted)[0].Int(0);
    return absl::OkStatus();
  }));
  EXPECT_EQ(rows, 3000);
  reopened->reset();
  std::filesystem::remove_all(folder);
}

}  // namespace
}  // namespace dienhinh::platform
