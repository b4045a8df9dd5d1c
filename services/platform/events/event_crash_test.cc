// A consumer process killed with SIGKILL in the middle of a stream, then started again,
// applies every event exactly once: its cursor commits with each event's effect, also when the
// kill lands inside a batch of events applied in one transaction.
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <map>

#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "services/platform/events/event_feed_service.h"
#include "services/platform/events/event_log.h"
#include "services/platform/events/event_schema.h"
#include "services/platform/server/service_host.h"
#include "services/platform/testing/test_database.h"

extern char** environ;

namespace dienhinh::platform {
namespace {

using testing::Backend;

// `max_batch` empty for the consumer's default batching.
pid_t StartProbe(const std::string& target, const std::string& url, const std::string& max_batch) {
  std::vector<std::string> args = {DH_EVENT_CONSUMER_PROBE, target, url, "2000"};
  if (!max_batch.empty()) args.push_back(max_batch);
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  EXPECT_EQ(posix_spawn(&pid, argv[0], nullptr, nullptr, argv.data(), environ), 0);
  return pid;
}

int64_t StoredCursor(Database& db) {
  auto tx = db.Begin(TxMode::kRead);
  if (!tx.ok()) return -1;
  auto rows = (*tx)->Query("SELECT sequence FROM consumer_cursors WHERE consumer = 'probe'");
  if (!rows.ok() || rows->empty()) return 0;
  return (*rows)[0].Int(0);
}

bool WaitForStoredCursor(Database& db, int64_t at_least, absl::Duration timeout) {
  absl::Time end = absl::Now() + timeout;
  while (absl::Now() < end) {
    if (StoredCursor(db) >= at_least) return true;
    absl::SleepFor(absl::Milliseconds(20));
  }
  return false;
}

class EventCrashTest : public ::testing::TestWithParam<Backend> {
 protected:
  void KillThreeTimesThenFinish(const std::string& max_batch);
};

TEST_P(EventCrashTest, KilledConsumerResumesAndAppliesEveryEventExactlyOnce) {
  KillThreeTimesThenFinish("");
}

// Batches of 25 events at 2 ms each: every kill lands inside a batch's open transaction (the
// 50 ms of handler calls before its commit), whose events must then be applied again, once.
TEST_P(EventCrashTest, KilledInsideABatchAppliesNothingTwiceAndLosesNothing) {
  KillThreeTimesThenFinish("25");
}

void EventCrashTest::KillThreeTimesThenFinish(const std::string& max_batch) {
  DH_OPEN_TEST_DATABASE_OR_SKIP(producer, Backend::kSqlite);
  DH_OPEN_TEST_DATABASE_OR_SKIP(consumer, GetParam());
  ASSERT_TRUE(Migrate(*producer.db, EventMigrations()).ok());
  std::vector<Migration> consumer_schema = EventMigrations();
  consumer_schema.push_back(
      {100, "applied", "CREATE TABLE applied (sequence BIGINT NOT NULL, marker TEXT NOT NULL)",
       /*postgres_sql=*/""});
  ASSERT_TRUE(Migrate(*consumer.db, consumer_schema).ok());

  EventLog::Options log_options;
  log_options.source = "intake";
  log_options.site = "test";
  EventLog log(producer.db.get(), log_options);
  constexpr int kEvents = 400;
  for (int i = 0; i < kEvents; ++i) {
    ASSERT_TRUE(RunInTransaction(*producer.db, TxMode::kWrite, [&](Transaction& tx) {
                  Event event;
                  event.set_request_id(absl::StrCat("m", i));
                  return log.Append(tx, event).status();
                }).ok());
  }
  EventFeedService feed(&log, nullptr);
  HostOptions host_options;
  host_options.listen_address = "127.0.0.1:0";
  host_options.drain_timeout = absl::Seconds(1);
  ServiceHost host(host_options);
  host.Register(&feed);
  host.OnDrain([&] { feed.Drain(); });
  ASSERT_TRUE(host.Start().ok());
  std::string target = absl::StrCat("127.0.0.1:", host.port());

  // Kill it three times at different points, then let it finish.
  for (int64_t kill_after : {40, 120, 250}) {
    pid_t pid = StartProbe(target, consumer.url, max_batch);
    ASSERT_TRUE(WaitForStoredCursor(*consumer.db, kill_after, absl::Seconds(20)))
        << "cursor " << StoredCursor(*consumer.db);
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
    EXPECT_LT(StoredCursor(*consumer.db), kEvents) << "the kill should land mid-stream";
  }
  pid_t pid = StartProbe(target, consumer.url, max_batch);
  bool finished = WaitForStoredCursor(*consumer.db, kEvents, absl::Seconds(30));
  kill(pid, SIGKILL);
  waitpid(pid, nullptr, 0);
  ASSERT_TRUE(finished) << "cursor " << StoredCursor(*consumer.db);

  std::map<std::string, int> counts;
  auto tx = consumer.db->Begin(TxMode::kRead);
  ASSERT_TRUE(tx.ok());
  auto rows = (*tx)->Query("SELECT marker FROM applied");
  ASSERT_TRUE(rows.ok());
  for (const SqlRow& row : *rows) counts[row.Text(0)]++;
  EXPECT_EQ(counts.size(), static_cast<size_t>(kEvents));
  for (const auto& [marker, times] : counts) EXPECT_EQ(times, 1) << marker;
  host.Drain();
}

INSTANTIATE_TEST_SUITE_P(Backends, EventCrashTest,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const auto& info) { return testing::BackendName(info.param); });

}  // namespace
}  // namespace dienhinh::platform
