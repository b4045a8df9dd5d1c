// The SQLite driver's group commit (sqlite_database.h): logical write transactions share one
// durable COMMIT, yet each one's Commit still means "durable", a failure stays its own, and
// readers see nothing before it is durable — checked with concurrent writers, with scenarios
// staged step by step, and with a writer process killed mid-load.
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "services/platform/storage/database.h"
#include "services/platform/storage/sqlite_database.h"
#include "services/platform/storage/storage_test_util.h"

namespace dienhinh::platform {
namespace {

// Long enough for a thread started just before to be waiting for the writer.
constexpr absl::Duration kSettle = absl::Milliseconds(200);

class SqliteGroupCommitTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char folder[] = "/tmp/dh-group-commit-test-XXXXXX";
    ASSERT_NE(mkdtemp(folder), nullptr);
    folder_ = folder;
    path_ = folder_ + "/group.db";
  }
  void TearDown() override { std::filesystem::remove_all(folder_); }

  std::unique_ptr<Database> Open(const SqliteGroupCommitOptions& group = {}, int readers = 4) {
    DatabaseOptions options{path_, readers};
    absl::StatusOr<std::unique_ptr<Database>> db = OpenSqliteDatabase(path_, options, group);
    EXPECT_TRUE(db.ok()) << db.status();
    return db.ok() ? *std::move(db) : nullptr;
  }

  static absl::Status Script(Database& db, std::string_view sql) {
    return RunInTransaction(db, TxMode::kWrite,
                            [&](Transaction& tx) { return tx.ExecuteScript(sql); });
  }

  static absl::Status Insert(Transaction& tx, int64_t id) {
    return tx.Execute("INSERT INTO rows (id, payload) VALUES (?, ?)", {id, "x"}).status();
  }

  // Opens a database with `schema` into *db and begins transaction A (*a), which holds its
  // writer with row 1 written; *a stays null when any step failed.
  void OpenHoldingTheWriter(std::string_view schema, std::unique_ptr<Database>* db,
                            std::unique_ptr<Transaction>* a) {
    *db = Open();
    if (*db == nullptr) return;
    DH_EXPECT_CODE(Script(**db, schema), absl::StatusCode::kOk);
    absl::StatusOr<std::unique_ptr<Transaction>> begun = (*db)->Begin(TxMode::kWrite);
    DH_EXPECT_CODE(begun, absl::StatusCode::kOk);
    if (!begun.ok()) return;
    absl::Status inserted = Insert(**begun, 1);
    DH_EXPECT_CODE(inserted, absl::StatusCode::kOk);
    if (inserted.ok()) *a = *std::move(begun);
  }

  // The ids a new read transaction sees.
  static std::set<int64_t> Visible(Database& db) {
    std::set<int64_t> ids;
    absl::StatusOr<std::unique_ptr<Transaction>> tx = db.Begin(TxMode::kRead);
    EXPECT_TRUE(tx.ok()) << tx.status();
    if (!tx.ok()) return ids;
    absl::StatusOr<std::vector<SqlRow>> rows = (*tx)->Query("SELECT id FROM rows");
    EXPECT_TRUE(rows.ok()) << rows.status();
    if (!rows.ok()) return ids;
    for (const SqlRow& row : *rows) ids.insert(row.Int(0));
    return ids;
  }

  static constexpr char kSchema[] =
      "CREATE TABLE rows (id BIGINT PRIMARY KEY, payload TEXT NOT NULL)";
  // Notes whose row is checked only at COMMIT.
  static constexpr char kNotes[] =
      "CREATE TABLE notes (id BIGINT PRIMARY KEY, row_id BIGINT "
      "REFERENCES rows (id) DEFERRABLE INITIALLY DEFERRED)";
  // A negative id makes SQLite roll back the whole (outer) transaction.
  static constexpr char kPoison[] =
      "CREATE TRIGGER poison BEFORE INSERT ON rows "
      "WHEN NEW.id < 0 BEGIN SELECT RAISE(ROLLBACK, 'poison'); END";

  std::string folder_;
  std::string path_;
};

TEST_F(SqliteGroupCommitTest, ManyThreadsCommittingAtOnceAllFindTheirRowsWithFewerCommits) {
  constexpr int kThreads = 16;
  constexpr int kPerThread = 150;
  std::unique_ptr<Database> db = Open();
  ASSERT_NE(db, nullptr);
  DH_ASSERT_OK(Script(*db, kSchema));
  const SqliteCommitStats before = *SqliteCommitStatsOf(*db);
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        const int64_t id = t * 1000 + i;
        absl::Status status = RunInTransaction(*db, TxMode::kWrite, [&](Transaction& tx) {
          return Insert(tx, id);
        });
        if (!status.ok()) {
          ADD_FAILURE() << status;
          failures.fetch_add(1);
          continue;
        }
        // Acknowledged means visible to a new reader.
        absl::StatusOr<std::unique_ptr<Transaction>> read = db->Begin(TxMode::kRead);
        if (!read.ok()) continue;
        absl::StatusOr<std::vector<SqlRow>> rows =
            (*read)->Query("SELECT COUNT(*) FROM rows WHERE id = ?", {id});
        if (!rows.ok() || rows->front().Int(0) != 1) {
          ADD_FAILURE() << "row " << id << " not visible after its Commit returned";
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  std::set<int64_t> visible = Visible(*db);
  EXPECT_EQ(visible.size(), static_cast<size_t>(kThreads * kPerThread));
  const SqliteCommitStats after = *SqliteCommitStatsOf(*db);
  EXPECT_EQ(after.logical_commits - before.logical_commits, kThreads * kPerThread);
  EXPECT_LT(after.durable_commits - before.durable_commits, kThreads * kPerThread)
      << "no two transactions shared a COMMIT";
}

TEST_F(SqliteGroupCommitTest, GroupCommitOffCommitsEveryTransactionAlone) {
  SqliteGroupCommitOptions off;
  off.max_transactions = 1;
  std::unique_ptr<Database> db = Open(off);
  ASSERT_NE(db, nullptr);
  DH_ASSERT_OK(Script(*db, kSchema));
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 20; ++i) {
        EXPECT_TRUE(RunInTransaction(*db, TxMode::kWrite, [&](Transaction& tx) {
                      return Insert(tx, t * 100 + i);
                    }).ok());
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  const SqliteCommitStats stats = *SqliteCommitStatsOf(*db);
  EXPECT_EQ(stats.durable_commits, stats.logical_commits);
  EXPECT_EQ(Visible(*db).size(), 80u);
}

// Staged: A commits while B waits for the writer, so A's Commit waits in the group that B
// then joins. Until B ends, A's row is released into the outer transaction but not durable.
TEST_F(SqliteGroupCommitTest, AReaderNeverSeesARowBeforeItsWritersCommitReturned) {
  std::unique_ptr<Database> db;
  std::unique_ptr<Transaction> a;
  OpenHoldingTheWriter(kSchema, &db, &a);
  ASSERT_NE(a, nullptr);
  absl::Notification b_wrote;
  absl::Notification b_may_commit;
  absl::Status b_result;
  std::set<int64_t> b_saw;
  std::thread b([&] {
    absl::StatusOr<std::unique_ptr<Transaction>> tx = db->Begin(TxMode::kWrite);
    if (!tx.ok()) {
      b_result = tx.status();
      b_wrote.Notify();
      return;
    }
    b_result = Insert(**tx, 2);
    // The writer connection sees A's released work: B is in A's group.
    absl::StatusOr<std::vector<SqlRow>> rows = (*tx)->Query("SELECT id FROM rows");
    if (rows.ok()) {
      for (const SqlRow& row : *rows) b_saw.insert(row.Int(0));
    }
    b_wrote.Notify();
    b_may_commit.WaitForNotification();
    if (b_result.ok()) b_result = (*tx)->Commit();
  });
  absl::SleepFor(kSettle);  // B waits for the writer now

  std::atomic<bool> a_returned{false};
  absl::Status a_result;
  std::thread a_commit([&] {
    a_result = a->Commit();
    a_returned.store(true);
  });
  b_wrote.WaitForNotification();
  DH_ASSERT_OK(b_result);
  EXPECT_EQ(b_saw, (std::set<int64_t>{1, 2}));
  absl::SleepFor(absl::Milliseconds(50));
  // A's Commit is waiting for the group; its row is not durable, and no reader sees it.
  EXPECT_FALSE(a_returned.load()) << "A committed alone although B was waiting";
  if (!a_returned.load()) {
    EXPECT_TRUE(Visible(*db).empty());
  }

  b_may_commit.Notify();
  b.join();
  a_commit.join();
  DH_EXPECT_CODE(a_result, absl::StatusCode::kOk);
  DH_EXPECT_CODE(b_result, absl::StatusCode::kOk);
  EXPECT_EQ(Visible(*db), (std::set<int64_t>{1, 2}));
  EXPECT_EQ(SqliteCommitStatsOf(*db)->durable_commits, 2);  // the schema's, then A's and B's
}

// Staged as above; B fails in the group A waits in, and only B's work is undone.
TEST_F(SqliteGroupCommitTest, AFailingTransactionDoesNotAffectTheOthersOfItsGroup) {
  std::unique_ptr<Database> db = Open();
  ASSERT_NE(db, nullptr);
  DH_ASSERT_OK(Script(*db, kSchema));
  DH_ASSERT_OK(RunInTransaction(*db, TxMode::kWrite, [](Transaction& tx) { return Insert(tx, 0); }));

  absl::StatusOr<std::unique_ptr<Transaction>> a = db->Begin(TxMode::kWrite);
  DH_ASSERT_OK(a);
  DH_ASSERT_OK(Insert(**a, 1));
  absl::Status duplicate;
  absl::Status b_commit;
  absl::Status c_result;
  std::thread b([&] {
    absl::StatusOr<std::unique_ptr<Transaction>> tx = db->Begin(TxMode::kWrite);
    if (!tx.ok()) return;
    (void)Insert(**tx, 2);
    duplicate = Insert(**tx, 0);  // a unique violation ends B
    b_commit = (*tx)->Commit();
  });
  std::thread c([&] {
    absl::SleepFor(kSettle / 2);
    // C rolls back by walking away.
    absl::StatusOr<std::unique_ptr<Transaction>> tx = db->Begin(TxMode::kWrite);
    if (!tx.ok()) return;
    c_result = Insert(**tx, 3);
  });
  absl::SleepFor(kSettle);
  DH_ASSERT_OK((*a)->Commit());
  b.join();
  c.join();
  DH_EXPECT_CODE(duplicate, absl::StatusCode::kAlreadyExists);
  DH_EXPECT_CODE(b_commit, absl::StatusCode::kAlreadyExists);
  DH_EXPECT_CODE(c_result, absl::StatusCode::kOk);
  EXPECT_EQ(Visible(*db), (std::set<int64_t>{0, 1}));

  // The same with many threads: every fifth transaction fails after writing its row.
  constexpr int kThreads = 8;
  constexpr int kPerThread = 60;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        const int64_t id = 100 + t * 1000 + i;
        const bool fails = i % 5 == 0;
        absl::Status status = RunInTransaction(*db, TxMode::kWrite, [&](Transaction& tx) {
          absl::Status inserted = Insert(tx, id);
          if (!inserted.ok() || !fails) return inserted;
          return Insert(tx, id);  // the same key again
        });
        EXPECT_EQ(status.code(),
                  fails ? absl::StatusCode::kAlreadyExists : absl::StatusCode::kOk)
            << status;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  const std::set<int64_t> visible = Visible(*db);
  for (int t = 0; t < kThreads; ++t) {
    for (int i = 0; i < kPerThread; ++i) {
      const int64_t id = 100 + t * 1000 + i;
      EXPECT_EQ(visible.count(id), i % 5 == 0 ? 0u : 1u) << id;
    }
  }
}

// SQLite undoes the whole outer transaction on RAISE(ROLLBACK): the waiting members lost
// their work with it, are told ABORTED (nothing acknowledged), and a retry succeeds.
TEST_F(SqliteGroupCommitTest, AFailureThatRollsBackTheSharedCommitAbortsItsGroup) {
  std::unique_ptr<Database> db;
  std::unique_ptr<Transaction> a;
  OpenHoldingTheWriter(absl::StrCat(kSchema, ";", kPoison), &db, &a);
  ASSERT_NE(a, nullptr);
  absl::Status poisoned;
  std::thread b([&] {
    absl::StatusOr<std::unique_ptr<Transaction>> tx = db->Begin(TxMode::kWrite);
    if (!tx.ok()) return;
    poisoned = Insert(**tx, -1);
    // Statements after the failure must not run on their own outside any transaction.
    DH_EXPECT_CODE(Insert(**tx, 2), poisoned.code());
  });
  absl::SleepFor(kSettle);
  const absl::Status a_result = a->Commit();
  b.join();
  EXPECT_FALSE(poisoned.ok());
  DH_EXPECT_CODE(a_result, absl::StatusCode::kAborted);
  EXPECT_TRUE(Visible(*db).empty());
  // The writer is usable again, and RunInTransaction retries such an ABORTED.
  DH_ASSERT_OK(RunInTransaction(*db, TxMode::kWrite, [](Transaction& tx) { return Insert(tx, 1); }));
  EXPECT_EQ(Visible(*db), (std::set<int64_t>{1}));
}

// A deferred foreign key is checked only by COMMIT, which the group shares: the driver refuses
// the offending transaction alone at its Commit.
TEST_F(SqliteGroupCommitTest, AnUnresolvedDeferredForeignKeyFailsOnlyItsTransaction) {
  std::unique_ptr<Database> db;
  std::unique_ptr<Transaction> a;
  OpenHoldingTheWriter(absl::StrCat(kSchema, ";", kNotes), &db, &a);
  ASSERT_NE(a, nullptr);
  absl::Status orphan_commit;
  std::thread b([&] {
    absl::StatusOr<std::unique_ptr<Transaction>> tx = db->Begin(TxMode::kWrite);
    if (!tx.ok()) return;
    DH_EXPECT_CODE((*tx)->Execute("INSERT INTO notes VALUES (1, 99)"), absl::StatusCode::kOk);
    orphan_commit = (*tx)->Commit();
  });
  absl::SleepFor(kSettle);
  DH_ASSERT_OK(a->Commit());
  b.join();
  DH_EXPECT_CODE(orphan_commit, absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Visible(*db), (std::set<int64_t>{1}));
}

// RunWrite's queue: writes handed over while A holds the writer run together once A has
// committed, by one of their callers, in one durable COMMIT; each still gets its own answer.
TEST_F(SqliteGroupCommitTest, WritesQueuedBehindTheWriterShareOneCommitAndFailAlone) {
  std::unique_ptr<Database> db;
  std::unique_ptr<Transaction> a;
  OpenHoldingTheWriter(absl::StrCat(kSchema, ";", kNotes), &db, &a);
  ASSERT_NE(a, nullptr);
  absl::Status results[4];
  std::vector<std::thread> writers;
  writers.emplace_back([&] {
    results[0] = RunInTransaction(*db, TxMode::kWrite, [](Transaction& tx) { return Insert(tx, 2); });
  });
  writers.emplace_back([&] {
    results[1] = RunInTransaction(*db, TxMode::kWrite, [](Transaction& tx) { return Insert(tx, 3); });
  });
  writers.emplace_back([&] {  // a unique violation, once A's row is committed
    results[2] = RunInTransaction(*db, TxMode::kWrite, [](Transaction& tx) {
      absl::Status inserted = Insert(tx, 4);
      return inserted.ok() ? Insert(tx, 1) : inserted;
    });
  });
  writers.emplace_back([&] {  // refused at its commit: the note's row never exists
    results[3] = RunInTransaction(*db, TxMode::kWrite, [](Transaction& tx) {
      return tx.Execute("INSERT INTO notes VALUES (1, 99)").status();
    });
  });
  absl::SleepFor(kSettle);
  const SqliteCommitStats before = *SqliteCommitStatsOf(*db);
  DH_ASSERT_OK(a->Commit());
  for (std::thread& writer : writers) writer.join();
  DH_EXPECT_CODE(results[0], absl::StatusCode::kOk);
  DH_EXPECT_CODE(results[1], absl::StatusCode::kOk);
  DH_EXPECT_CODE(results[2], absl::StatusCode::kAlreadyExists);
  DH_EXPECT_CODE(results[3], absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Visible(*db), (std::set<int64_t>{1, 2, 3}));
  const SqliteCommitStats after = *SqliteCommitStatsOf(*db);
  EXPECT_EQ(after.logical_commits - before.logical_commits, 3);  // A, then 2 and 3 together
  EXPECT_EQ(after.durable_commits - before.durable_commits, 2);
}

// A queued write whose failure rolls back the shared commit: the writes run before it in the
// same group are told ABORTED and RunInTransaction runs them again; the one queued after it
// goes on in a new group.
TEST_F(SqliteGroupCommitTest, AQueuedWriteThatRollsBackTheSharedCommitCostsTheOthersARetry) {
  std::unique_ptr<Database> db;
  std::unique_ptr<Transaction> a;
  OpenHoldingTheWriter(absl::StrCat(kSchema, ";", kPoison), &db, &a);
  ASSERT_NE(a, nullptr);
  std::atomic<int> attempts_of_2{0};
  absl::Status results[3];
  std::vector<std::thread> writers;
  const int64_t ids[3] = {2, -1, 4};
  for (int i = 0; i < 3; ++i) {
    writers.emplace_back([&, i] {
      results[i] = RunInTransaction(*db, TxMode::kWrite, [&](Transaction& tx) {
        if (ids[i] == 2) ++attempts_of_2;
        return Insert(tx, ids[i]);
      });
    });
    absl::SleepFor(kSettle / 4);  // queued in this order
  }
  absl::SleepFor(kSettle);
  DH_ASSERT_OK(a->Commit());
  for (std::thread& writer : writers) writer.join();
  DH_EXPECT_CODE(results[0], absl::StatusCode::kOk);
  EXPECT_FALSE(results[1].ok());
  DH_EXPECT_CODE(results[2], absl::StatusCode::kOk);
  EXPECT_EQ(attempts_of_2.load(), 2);
  EXPECT_EQ(Visible(*db), (std::set<int64_t>{1, 2, 4}));
}

// Reads every 8-byte id the pipe holds until it is closed or `want` were read or the time
// is up.
void ReadIds(int fd, std::vector<int64_t>* ids, size_t want, absl::Time deadline) {
  int64_t id;
  size_t have = 0;
  char* buffer = reinterpret_cast<char*>(&id);
  while (ids->size() < want && absl::Now() < deadline) {
    const ssize_t n = read(fd, buffer + have, sizeof(id) - have);
    if (n <= 0) return;
    have += static_cast<size_t>(n);
    if (have == sizeof(id)) {
      ids->push_back(id);
      have = 0;
    }
  }
}

// A child process commits from many threads and writes each acknowledged id to a pipe; it is
// SIGKILLed in the middle. Every id it acknowledged must be in the file afterwards.
TEST_F(SqliteGroupCommitTest, EveryAcknowledgedCommitSurvivesASigkill) {
  {
    std::unique_ptr<Database> db = Open();
    ASSERT_NE(db, nullptr);
    DH_ASSERT_OK(Script(*db, kSchema));
  }
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  // Fork before this process starts any thread; the child opens its own database.
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    close(fds[0]);
    DatabaseOptions options{path_, 2};
    absl::StatusOr<std::unique_ptr<Database>> db = OpenSqliteDatabase(path_, options);
    if (!db.ok()) _exit(2);
    std::vector<std::thread> threads;
    for (int t = 0; t < 12; ++t) {
      threads.emplace_back([&, t] {
        for (int64_t i = 0;; ++i) {
          const int64_t id = t * 10'000'000 + i;
          absl::Status status = RunInTransaction(**db, TxMode::kWrite, [&](Transaction& tx) {
            return tx.Execute("INSERT INTO rows (id, payload) VALUES (?, ?)",
                              {id, std::string(200, 'p')})
                .status();
          });
          if (!status.ok()) _exit(3);
          // Up to PIPE_BUF bytes, a write is atomic: ids from threads never interleave.
          if (write(fds[1], &id, sizeof(id)) != sizeof(id)) _exit(4);
        }
      });
    }
    for (std::thread& thread : threads) thread.join();
    _exit(0);
  }
  close(fds[1]);
  std::vector<int64_t> acknowledged;
  ReadIds(fds[0], &acknowledged, 1500, absl::Now() + absl::Seconds(20));
  ASSERT_EQ(kill(child, SIGKILL), 0);
  // What was written before the kill was acknowledged too: drain the pipe (the kill closed
  // its write end, so the read ends at the last id).
  ReadIds(fds[0], &acknowledged, SIZE_MAX, absl::InfiniteFuture());
  close(fds[0]);
  int wstatus = 0;
  ASSERT_EQ(waitpid(child, &wstatus, 0), child);
  ASSERT_TRUE(WIFSIGNALED(wstatus)) << "the child ended by itself, status " << wstatus;
  ASSERT_GE(acknowledged.size(), 100u) << "too little load before the kill";

  std::unique_ptr<Database> db = Open();
  ASSERT_NE(db, nullptr);
  const std::set<int64_t> stored = Visible(*db);
  size_t missing = 0;
  for (int64_t id : acknowledged) {
    if (stored.count(id) == 0) ++missing;
  }
  EXPECT_EQ(missing, 0u) << "of " << acknowledged.size() << " acknowledged";
  EXPECT_GE(stored.size(), acknowledged.size());
}

}  // namespace
}  // namespace dienhinh::platform
