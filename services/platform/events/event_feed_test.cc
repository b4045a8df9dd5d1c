// The event machinery end to end on a real server at 127.0.0.1:0, on both backends: the
// outbox is transactional, the feed replays and follows (one event per message, or batches), the consumer applies every event
// exactly once across stops, upstream outages and concurrent writers, in batches that fall back
// to one event per transaction when one of their events fails.
#include <atomic>
#include <map>
#include <thread>

#include <gtest/gtest.h>

#include "absl/random/random.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "services/platform/events/event_consumer.h"
#include "services/platform/events/event_feed_service.h"
#include "services/platform/events/event_log.h"
#include "services/platform/events/event_schema.h"
#include "services/platform/server/service_host.h"
#include "services/platform/testing/test_database.h"

namespace dienhinh::platform {
namespace {

using testing::Backend;

// The consumer side's effect: one row per applied event, no key, so that a duplicate
// application shows as a second row rather than an error.
const Migration kAppliedTable = {100, "applied events",
                                 "CREATE TABLE applied (sequence BIGINT NOT NULL, marker TEXT NOT NULL)",
                                 /*postgres_sql=*/""};

absl::Status RecordApplied(Transaction& tx, const Event& event) {
  return tx.Execute("INSERT INTO applied (sequence, marker) VALUES (?, ?)",
                    {SqlParam(event.sequence()), SqlParam(event.request_id())})
      .status();
}

// marker -> times applied
std::map<std::string, int> AppliedCounts(Database& db) {
  std::map<std::string, int> counts;
  auto tx = db.Begin(TxMode::kRead);
  EXPECT_TRUE(tx.ok());
  auto rows = (*tx)->Query("SELECT marker FROM applied");
  EXPECT_TRUE(rows.ok()) << rows.status();
  for (const SqlRow& row : *rows) counts[row.Text(0)]++;
  return counts;
}

// Reads SubscribeBatches from `after` until the event numbered `last` arrives (or 10 s pass).
std::vector<events::v1::EventBatch> ReadBatches(int port, int64_t after, int64_t last) {
  auto channel =
      grpc::CreateChannel(absl::StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials());
  auto stub = events::v1::EventFeed::NewStub(channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  events::v1::SubscribeBatchesRequest request;
  request.set_after_sequence(after);
  auto reader = stub->SubscribeBatches(&context, request);
  std::vector<events::v1::EventBatch> batches;
  events::v1::EventBatch batch;
  while (reader->Read(&batch)) {
    batches.push_back(batch);
    if (batch.events_size() > 0 && batch.events(batch.events_size() - 1).sequence() >= last) {
      break;
    }
  }
  context.TryCancel();
  reader->Finish();
  return batches;
}

class EventFeedTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    auto producer = testing::OpenTestDatabase(GetParam());
    auto consumer = testing::OpenTestDatabase(GetParam());
    if (!producer.ok() || !consumer.ok()) {
      absl::Status s = producer.ok() ? consumer.status() : producer.status();
      if (GetParam() == Backend::kPostgres && !testing::PostgresRequired() &&
          s.code() == absl::StatusCode::kUnavailable) {
        GTEST_SKIP() << s.message();
      }
      FAIL() << s;
    }
    producer_ = std::move(*producer);
    consumer_ = std::move(*consumer);
    std::vector<Migration> producer_schema = EventMigrations();
    ASSERT_TRUE(Migrate(*producer_.db, producer_schema).ok());
    std::vector<Migration> consumer_schema = EventMigrations();
    consumer_schema.push_back(kAppliedTable);
    ASSERT_TRUE(Migrate(*consumer_.db, consumer_schema).ok());
    log_ = std::make_unique<EventLog>(
        producer_.db.get(),
        EventLog::Options{.source = "registry", .site = "test-site",
                          .poll_interval = absl::Milliseconds(100)});
    StartServer("127.0.0.1:0");
  }

  void TearDown() override {
    consumers_.clear();
    StopServer();
    log_.reset();
  }

  void StartServer(const std::string& address) {
    feed_ = std::make_unique<EventFeedService>(log_.get(), nullptr);
    HostOptions options;
    options.service_name = "test";
    options.listen_address = address;
    options.drain_timeout = absl::Seconds(2);
    host_ = std::make_unique<ServiceHost>(options);
    host_->Register(feed_.get());
    host_->OnDrain([this] { feed_->Drain(); });
    ASSERT_TRUE(host_->Start().ok());
    host_->SetServing(true);
    port_ = host_->port();
  }

  void StopServer() {
    if (host_) host_->Drain();
    host_.reset();
    feed_.reset();
  }

  // Appends `count` events, one transaction each, markers "<prefix><i>".
  void Publish(const std::string& prefix, int count) {
    for (int i = 0; i < count; ++i) {
      absl::Status s = RunInTransaction(*producer_.db, TxMode::kWrite, [&](Transaction& tx) {
        Event event;
        event.set_request_id(absl::StrCat(prefix, i));
        return log_->Append(tx, event).status();
      });
      ASSERT_TRUE(s.ok()) << s;
      log_->Notify();
    }
  }

  EventConsumer::Options ConsumerOptions() {
    EventConsumer::Options options;
    options.name = "registry@test-site";
    options.target = absl::StrCat("127.0.0.1:", port_);
    options.min_backoff = absl::Milliseconds(20);
    options.max_backoff = absl::Milliseconds(200);
    return options;
  }

  EventConsumer& NewConsumer(EventConsumer::Handler handler = RecordApplied) {
    return NewConsumer(ConsumerOptions(), std::move(handler));
  }

  EventConsumer& NewConsumer(const EventConsumer::Options& options, EventConsumer::Handler handler) {
    consumers_.push_back(
        std::make_unique<EventConsumer>(consumer_.db.get(), options, std::move(handler)));
    consumers_.back()->Start();
    return *consumers_.back();
  }

  testing::TestDatabase producer_, consumer_;
  std::unique_ptr<EventLog> log_;
  std::unique_ptr<EventFeedService> feed_;
  std::unique_ptr<ServiceHost> host_;
  int port_ = 0;
  std::vector<std::unique_ptr<EventConsumer>> consumers_;
};

TEST_P(EventFeedTest, OutboxIsPartOfTheTransaction) {
  {
    auto tx = producer_.db->Begin(TxMode::kWrite);
    ASSERT_TRUE(tx.ok());
    Event event;
    event.set_request_id("rolled-back");
    ASSERT_TRUE(log_->Append(**tx, event).ok());
    // Destroyed without commit: rolled back, event and all.
  }
  Publish("kept-", 3);
  auto events = log_->Read(0, 100);
  ASSERT_TRUE(events.ok()) << events.status();
  ASSERT_EQ(events->size(), 3u);
  for (size_t i = 0; i < events->size(); ++i) {
    auto e = (*events)[i]->Decode();
    ASSERT_TRUE(e.ok()) << e.status();
    EXPECT_EQ(e->request_id(), absl::StrCat("kept-", i));
    EXPECT_EQ(e->source(), "registry");
    EXPECT_EQ(e->site(), "test-site");
    EXPECT_EQ(e->id().size(), 26u);
    EXPECT_GT(e->time().seconds(), 0);
    EXPECT_EQ(e->sequence(), (*events)[i]->sequence);
    if (i > 0) {
      EXPECT_GT((*events)[i]->sequence, (*events)[i - 1]->sequence);
    }
  }
}

// The tail takes an event this log appended from memory only when the committed row is that
// event (same sequence, same id): here the rolled-back append's number is taken by another
// writer of the same database (another replica, on PostgreSQL; another EventLog here), and the
// tail must give that writer's event, read from the database.
TEST_P(EventFeedTest, ARolledBackAppendIsNeverServedEvenWhenItsNumberIsReused) {
  // The tail must be following the log (its ring started) before the append, or it would read
  // the event from the database at start and never meet the appended one.
  Publish("first-", 1);
  absl::Time deadline = absl::Now() + absl::Seconds(10);
  while (log_->LastSequence() < 1 && absl::Now() < deadline) absl::SleepFor(absl::Milliseconds(5));
  ASSERT_EQ(log_->LastSequence(), 1);
  {
    auto tx = producer_.db->Begin(TxMode::kWrite);
    ASSERT_TRUE(tx.ok());
    Event event;
    event.set_request_id("rolled-back");
    ASSERT_TRUE(log_->Append(**tx, event).ok());
  }
  EventLog other(producer_.db.get(), {.source = "registry", .site = "test-site"});
  absl::Status s = RunInTransaction(*producer_.db, TxMode::kWrite, [&](Transaction& tx) {
    Event event;
    event.set_request_id("from-the-other-writer");
    return other.Append(tx, event).status();
  });
  ASSERT_TRUE(s.ok()) << s;
  log_->Notify();
  while (log_->LastSequence() < 2 && absl::Now() < deadline) absl::SleepFor(absl::Milliseconds(5));
  auto events = log_->Read(1, 100);  // after the first: from the ring, as the tail filled it
  ASSERT_TRUE(events.ok()) << events.status();
  ASSERT_EQ(events->size(), 1u);
  auto event = (*events)[0]->Decode();
  ASSERT_TRUE(event.ok()) << event.status();
  EXPECT_EQ(event->request_id(), "from-the-other-writer");
}

// The tail reads back the bytes of only the events this log did not append: its own come from
// memory, another writer's from the database, in one order.
TEST_P(EventFeedTest, TheTailServesItsOwnAndAnotherWritersEventsInOrder) {
  Publish("first-", 1);
  absl::Time deadline = absl::Now() + absl::Seconds(10);
  while (log_->LastSequence() < 1 && absl::Now() < deadline) absl::SleepFor(absl::Milliseconds(5));
  EventLog other(producer_.db.get(), {.source = "registry", .site = "test-site"});
  for (const auto& append : {std::pair{log_.get(), "own-a"}, std::pair{&other, "other-b"},
                              std::pair{log_.get(), "own-c"}, std::pair{&other, "other-d"}}) {
    absl::Status s = RunInTransaction(*producer_.db, TxMode::kWrite, [&](Transaction& tx) {
      Event event;
      event.set_request_id(append.second);
      return append.first->Append(tx, event).status();
    });
    ASSERT_TRUE(s.ok()) << s;
  }
  log_->Notify();
  while (log_->LastSequence() < 5 && absl::Now() < deadline) absl::SleepFor(absl::Milliseconds(5));
  auto events = log_->Read(1, 100);
  ASSERT_TRUE(events.ok()) << events.status();
  std::vector<std::string> markers;
  for (const auto& event : *events) markers.push_back(event->Decode().value_or(Event()).request_id());
  EXPECT_EQ(markers, (std::vector<std::string>{"own-a", "other-b", "own-c", "other-d"}));
}

// An import appends an event per row in one transaction; the log keeps only the first
// ring_capacity of them in memory, and the tail reads the rest back: every one is served.
TEST_P(EventFeedTest, AnEventPerRowOfOneLargeTransactionIsServedWhole) {
  StopServer();
  log_ = std::make_unique<EventLog>(
      producer_.db.get(),
      EventLog::Options{.source = "registry", .site = "test-site",
                        .poll_interval = absl::Milliseconds(100), .ring_capacity = 8});
  StartServer("127.0.0.1:0");
  Publish("first-", 1);
  absl::Time deadline = absl::Now() + absl::Seconds(10);
  while (log_->LastSequence() < 1 && absl::Now() < deadline) absl::SleepFor(absl::Milliseconds(5));
  absl::Status s = RunInTransaction(*producer_.db, TxMode::kWrite, [&](Transaction& tx) {
    for (int i = 0; i < 50; ++i) {
      Event event;
      event.set_request_id(absl::StrCat("row-", i));
      if (auto appended = log_->Append(tx, event); !appended.ok()) return appended.status();
    }
    return absl::OkStatus();
  });
  ASSERT_TRUE(s.ok()) << s;
  log_->Notify();
  std::vector<std::string> markers;
  for (const auto& batch : ReadBatches(port_, 1, 51)) {
    for (const Event& event : batch.events()) markers.push_back(event.request_id());
  }
  ASSERT_EQ(markers.size(), 50u);
  for (int i = 0; i < 50; ++i) EXPECT_EQ(markers[i], absl::StrCat("row-", i));
}

TEST_P(EventFeedTest, ReplaysFromTheCursorThenFollowsLive) {
  Publish("before-", 40);
  EventConsumer& consumer = NewConsumer();
  ASSERT_TRUE(consumer.WaitForCursor(40, absl::Seconds(10))) << consumer.cursor();
  Publish("after-", 40);
  ASSERT_TRUE(consumer.WaitForCursor(80, absl::Seconds(10))) << consumer.cursor();
  auto counts = AppliedCounts(*consumer_.db);
  EXPECT_EQ(counts.size(), 80u);
  for (const auto& [marker, times] : counts) EXPECT_EQ(times, 1) << marker;
}

TEST_P(EventFeedTest, AfterCommitIsCalledOncePerCommitWhichIsPerEventWithoutBatches) {
  Publish("e", 25);
  std::atomic<int> calls{0};
  EventConsumer::Options options = ConsumerOptions();
  options.max_batch = 1;
  options.after_commit = [&calls] { ++calls; };
  EventConsumer consumer(consumer_.db.get(), options, RecordApplied);
  consumer.Start();
  ASSERT_TRUE(consumer.WaitForCursor(25, absl::Seconds(10))) << consumer.cursor();
  consumer.Stop();
  EXPECT_EQ(calls.load(), 25);
}

TEST_P(EventFeedTest, ConsumerStoppedMidStreamResumesExactlyOnce) {
  Publish("e", 300);
  // A slow handler, so the stop lands in the middle of the stream.
  auto slow = [](Transaction& tx, const Event& event) {
    absl::SleepFor(absl::Microseconds(300));
    return RecordApplied(tx, event);
  };
  EventConsumer::Options small_batches = ConsumerOptions();
  small_batches.max_batch = 10;
  EventConsumer& first = NewConsumer(small_batches, slow);
  ASSERT_TRUE(first.WaitForCursor(50, absl::Seconds(10)));
  first.Stop();
  int64_t stopped_at = first.cursor();
  EXPECT_LT(stopped_at, 300) << "the stop should land mid-stream";
  EventConsumer& second = NewConsumer();
  ASSERT_TRUE(second.WaitForCursor(300, absl::Seconds(10))) << second.cursor();
  auto counts = AppliedCounts(*consumer_.db);
  EXPECT_EQ(counts.size(), 300u);
  for (const auto& [marker, times] : counts) EXPECT_EQ(times, 1) << marker;
}

TEST_P(EventFeedTest, ConsumerRetriesWhileUpstreamIsDownAndCatchesUp) {
  Publish("a", 10);
  EventConsumer& consumer = NewConsumer();
  ASSERT_TRUE(consumer.WaitForCursor(10, absl::Seconds(10)));
  int port = port_;
  StopServer();
  Publish("b", 10);  // written while the feed is down
  absl::SleepFor(absl::Milliseconds(300));  // the consumer is retrying meanwhile
  EXPECT_EQ(consumer.cursor(), 10);
  StartServer(absl::StrCat("127.0.0.1:", port));
  ASSERT_TRUE(consumer.WaitForCursor(20, absl::Seconds(10))) << consumer.cursor();
  EXPECT_EQ(AppliedCounts(*consumer_.db).size(), 20u);
}

TEST_P(EventFeedTest, AnEventThatCanNeverApplyIsParkedAndTheFeedGoesOn) {
  Publish("ok", 5);
  auto picky = [](Transaction& tx, const Event& event) -> absl::Status {
    if (event.request_id() == "ok2") return absl::InvalidArgumentError("unknown payload");
    return RecordApplied(tx, event);
  };
  EventConsumer& consumer = NewConsumer(picky);
  ASSERT_TRUE(consumer.WaitForCursor(5, absl::Seconds(10)));
  EXPECT_EQ(AppliedCounts(*consumer_.db).count("ok2"), 0u);
  EXPECT_EQ(AppliedCounts(*consumer_.db).size(), 4u);
  auto tx = consumer_.db->Begin(TxMode::kRead);
  ASSERT_TRUE(tx.ok());
  auto parked = (*tx)->Query("SELECT sequence, error FROM consumer_dead_letters");
  ASSERT_TRUE(parked.ok());
  ASSERT_EQ(parked->size(), 1u);
  EXPECT_EQ((*parked)[0].Int(0), 3);
}

// Events that arrive together are applied in one transaction; when the 7th of 20 can never
// apply, the batch holding it is rolled back, its events up to that one are applied again one
// per transaction (the 7th is parked as a dead letter, exactly as a lone event would be), and
// the rest goes on in a batch. Nothing is applied twice, nothing is lost.
TEST_P(EventFeedTest, ABatchWithAnEventThatCanNeverApplyParksItAndAppliesTheRestOnce) {
  Publish("e", 20);
  absl::Mutex mutex;
  std::map<std::string, int> handled;  // marker -> handler calls
  std::atomic<int> commits{0};
  EventConsumer::Options options = ConsumerOptions();
  options.max_batch = 50;
  options.max_batch_time = absl::Seconds(30);
  options.after_commit = [&commits] { ++commits; };
  auto handler = [&](Transaction& tx, const Event& event) -> absl::Status {
    {
      absl::MutexLock lock(&mutex);
      ++handled[event.request_id()];
    }
    // The first event is applied while the other 19 arrive: they then make one batch.
    if (event.request_id() == "e0") absl::SleepFor(absl::Milliseconds(500));
    if (event.request_id() == "e6") return absl::InvalidArgumentError("unknown payload");
    return RecordApplied(tx, event);
  };
  EventConsumer& consumer = NewConsumer(options, handler);
  bool caught_up = consumer.WaitForCursor(20, absl::Seconds(20));
  consumer.Stop();  // the handler refers to this test's locals
  ASSERT_TRUE(caught_up) << consumer.cursor();

  auto counts = AppliedCounts(*consumer_.db);
  EXPECT_EQ(counts.size(), 19u);
  EXPECT_EQ(counts.count("e6"), 0u);
  for (const auto& [marker, times] : counts) EXPECT_EQ(times, 1) << marker;
  auto tx = consumer_.db->Begin(TxMode::kRead);
  ASSERT_TRUE(tx.ok());
  auto parked = (*tx)->Query("SELECT sequence FROM consumer_dead_letters");
  ASSERT_TRUE(parked.ok());
  ASSERT_EQ(parked->size(), 1u);
  EXPECT_EQ((*parked)[0].Int(0), 7);
  EXPECT_EQ(consumer.dead_letters(), 1);
  // Batches were committed (fewer commits than events), and the 7th was tried in its batch and
  // again alone.
  EXPECT_LT(commits.load(), 19);
  absl::MutexLock lock(&mutex);
  EXPECT_GE(handled["e6"], 2);
  EXPECT_EQ(handled["e19"], 1) << "the events after the parked one went on in a batch, once";
}

// A failure that passes (UNAVAILABLE once) inside a batch: the batch is applied again, event by
// event, and everything lands once, nothing parked.
TEST_P(EventFeedTest, ABatchWithATransientFailureAppliesEveryEventOnce) {
  Publish("e", 20);
  std::atomic<bool> failed_once{false};
  EventConsumer::Options options = ConsumerOptions();
  options.max_batch_time = absl::Seconds(30);
  auto handler = [&](Transaction& tx, const Event& event) -> absl::Status {
    if (event.request_id() == "e0") absl::SleepFor(absl::Milliseconds(300));
    if (event.request_id() == "e6" && !failed_once.exchange(true)) {
      return absl::UnavailableError("try again");
    }
    return RecordApplied(tx, event);
  };
  EventConsumer& consumer = NewConsumer(options, handler);
  bool caught_up = consumer.WaitForCursor(20, absl::Seconds(20));
  consumer.Stop();  // the handler refers to this test's locals
  ASSERT_TRUE(caught_up) << consumer.cursor();
  auto counts = AppliedCounts(*consumer_.db);
  EXPECT_EQ(counts.size(), 20u);
  for (const auto& [marker, times] : counts) EXPECT_EQ(times, 1) << marker;
  EXPECT_EQ(consumer.dead_letters(), 0);
}

// Writers whose transactions commit out of the order in which they appended: a consumer
// following live must still see every event (sequence order must be commit order).
TEST_P(EventFeedTest, ConcurrentWritersNeverMakeTheConsumerSkipALateCommit) {
  EventConsumer& consumer = NewConsumer();
  constexpr int kWriters = 6, kPerWriter = 40;
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      absl::BitGen bits;
      for (int i = 0; i < kPerWriter; ++i) {
        absl::Status s = RunInTransaction(*producer_.db, TxMode::kWrite, [&](Transaction& tx) {
          Event event;
          event.set_request_id(absl::StrCat("w", w, "-", i));
          auto appended = log_->Append(tx, event);
          if (!appended.ok()) return appended.status();
          // Hold the transaction open after taking a sequence number.
          absl::SleepFor(absl::Microseconds(absl::Uniform(bits, 0, 2000)));
          return absl::OkStatus();
        });
        EXPECT_TRUE(s.ok()) << s;
        log_->Notify();
      }
    });
  }
  for (auto& t : writers) t.join();
  auto all = log_->Read(0, 100000);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), static_cast<size_t>(kWriters * kPerWriter));
  ASSERT_TRUE(consumer.WaitForCursor(all->back()->sequence, absl::Seconds(20)));
  auto counts = AppliedCounts(*consumer_.db);
  EXPECT_EQ(counts.size(), static_cast<size_t>(kWriters * kPerWriter));
  for (const auto& [marker, times] : counts) EXPECT_EQ(times, 1) << marker;
}

// A subscriber that connects while the log is still starting (before its tail has loaded) must
// get the first event at once, not when a second one arrives.
TEST_P(EventFeedTest, AnEventCommittedWhileTheLogStartsReachesAWaitingSubscriber) {
  StopServer();
  EventLog::Options slow;
  slow.source = "registry";
  slow.site = "test-site";
  slow.poll_interval = absl::Seconds(30);  // only Notify wakes the tail in this test
  log_ = std::make_unique<EventLog>(producer_.db.get(), slow);
  StartServer("127.0.0.1:0");
  EventConsumer& consumer = NewConsumer();
  absl::Time until = absl::Now() + absl::Seconds(5);
  while (!consumer.connected() && absl::Now() < until) absl::SleepFor(absl::Milliseconds(5));
  absl::SleepFor(absl::Milliseconds(50));
  Publish("first", 1);
  EXPECT_TRUE(consumer.WaitForCursor(1, absl::Seconds(3))) << consumer.cursor();
}

TEST_P(EventFeedTest, NegativeCursorIsInvalidArgumentForBothMethods) {
  auto channel = grpc::CreateChannel(absl::StrCat("127.0.0.1:", port_),
                                     grpc::InsecureChannelCredentials());
  auto stub = events::v1::EventFeed::NewStub(channel);
  {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    events::v1::SubscribeRequest request;
    request.set_after_sequence(-5);
    auto reader = stub->Subscribe(&context, request);
    Event event;
    EXPECT_FALSE(reader->Read(&event));
    EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::INVALID_ARGUMENT) << "Subscribe";
  }
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  events::v1::SubscribeBatchesRequest request;
  request.set_after_sequence(-1);
  auto reader = stub->SubscribeBatches(&context, request);
  events::v1::EventBatch batch;
  EXPECT_FALSE(reader->Read(&batch));
  EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::INVALID_ARGUMENT)
      << "SubscribeBatches";
}

TEST_P(EventFeedTest, SubscribeBatchesSendsABacklogInFewMessagesInOrder) {
  Publish("e", 600);
  std::vector<events::v1::EventBatch> batches = ReadBatches(port_, 0, 600);
  int64_t expected = 1;
  for (const auto& batch : batches) {
    ASSERT_GT(batch.events_size(), 0) << "a batch is never empty";
    EXPECT_LE(static_cast<size_t>(batch.events_size()), EventFeedService::kMaxBatchEvents);
    for (const Event& event : batch.events()) EXPECT_EQ(event.sequence(), expected++);
  }
  EXPECT_EQ(expected, 601) << "every event, once, in order";
  // 600 events behind: three batches of up to 256, not 600 messages.
  EXPECT_LE(batches.size(), 5u);
}

TEST_P(EventFeedTest, SubscribeBatchesFollowsLiveAfterTheBacklog) {
  Publish("before-", 3);
  std::thread later([this] {
    absl::SleepFor(absl::Milliseconds(200));
    Publish("after-", 2);
  });
  std::vector<events::v1::EventBatch> batches = ReadBatches(port_, 1, 5);
  later.join();
  std::vector<std::string> markers;
  for (const auto& batch : batches) {
    for (const Event& event : batch.events()) markers.push_back(event.request_id());
  }
  EXPECT_EQ(markers, (std::vector<std::string>{"before-1", "before-2", "after-0", "after-1"}));
}

TEST_P(EventFeedTest, ABatchStaysUnderItsByteLimitButAlwaysCarriesOneEvent) {
  // Events of 300 KiB: at most three fit in a batch's 1 MiB; one of 1.5 MiB goes alone.
  for (int i = 0; i < 7; ++i) {
    absl::Status s = RunInTransaction(*producer_.db, TxMode::kWrite, [&](Transaction& tx) {
      Event event;
      event.set_request_id(std::string(i == 3 ? 1536 * 1024 : 300 * 1024, 'a' + i));
      return log_->Append(tx, event).status();
    });
    ASSERT_TRUE(s.ok()) << s;
  }
  log_->Notify();
  std::vector<events::v1::EventBatch> batches = ReadBatches(port_, 0, 7);
  int64_t expected = 1;
  for (const auto& batch : batches) {
    ASSERT_GT(batch.events_size(), 0);
    if (batch.events_size() > 1) {
      EXPECT_LE(batch.ByteSizeLong(), EventFeedService::kMaxBatchBytes + 64);
    }
    for (const Event& event : batch.events()) EXPECT_EQ(event.sequence(), expected++);
  }
  EXPECT_EQ(expected, 8);
  EXPECT_GE(batches.size(), 3u);  // [1 2 3] [4] [5 6 7]
}

// A feed on an older release: it serves Subscribe only (SubscribeBatches is UNIMPLEMENTED).
class SubscribeOnlyFeed final : public events::v1::EventFeed::CallbackService {
 public:
  explicit SubscribeOnlyFeed(EventFeedService* feed) : feed_(feed) {}
  grpc::ServerWriteReactor<Event>* Subscribe(grpc::CallbackServerContext* context,
                                             const events::v1::SubscribeRequest* request) override {
    return feed_->Subscribe(context, request);
  }

 private:
  EventFeedService* feed_;
};

TEST_P(EventFeedTest, AConsumerFollowsAFeedWithoutBatchesThroughSubscribe) {
  Publish("old-", 30);
  SubscribeOnlyFeed old_feed(feed_.get());
  HostOptions options;
  options.service_name = "old";
  options.listen_address = "127.0.0.1:0";
  options.drain_timeout = absl::Seconds(2);
  ServiceHost old_host(options);
  old_host.Register(&old_feed);
  old_host.OnDrain([this] { feed_->Drain(); });
  ASSERT_TRUE(old_host.Start().ok());
  old_host.SetServing(true);

  EventConsumer::Options consumer_options = ConsumerOptions();
  consumer_options.target = absl::StrCat("127.0.0.1:", old_host.port());
  EventConsumer& consumer = NewConsumer(consumer_options, RecordApplied);
  ASSERT_TRUE(consumer.WaitForCursor(30, absl::Seconds(10))) << consumer.cursor();
  Publish("live-", 5);
  ASSERT_TRUE(consumer.WaitForCursor(35, absl::Seconds(10))) << consumer.cursor();
  consumer.Stop();
  auto counts = AppliedCounts(*consumer_.db);
  EXPECT_EQ(counts.size(), 35u);
  for (const auto& [marker, times] : counts) EXPECT_EQ(times, 1) << marker;
  old_host.Drain();
}

INSTANTIATE_TEST_SUITE_P(Backends, EventFeedTest,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const auto& info) { return testing::BackendName(info.param); });

}  // namespace
}  // namespace dienhinh::platform
