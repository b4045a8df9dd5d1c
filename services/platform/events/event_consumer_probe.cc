// A consumer process for the crash test (event_crash_test.cc): follows a feed and records each
// event in the `applied` table, slowly, until it is killed.
//   event_consumer_probe TARGET DATABASE_URL DELAY_MICROS [MAX_BATCH]
// With MAX_BATCH, batches hold that many events (what has arrived, up to it) whatever time they
// take, so a kill lands inside a batch's transaction; without, the consumer's defaults.
#include <cstdio>
#include <cstdlib>

#include "absl/time/clock.h"
#include "services/platform/events/event_consumer.h"

int main(int argc, char** argv) {
  using namespace dienhinh::platform;
  if (argc != 4 && argc != 5) {
    std::fprintf(stderr, "usage: %s TARGET DATABASE_URL DELAY_MICROS [MAX_BATCH]\n", argv[0]);
    return 2;
  }
  DatabaseOptions db_options;
  db_options.url = argv[2];
  auto db = Database::Open(db_options);
  if (!db.ok()) {
    std::fprintf(stderr, "%s\n", db.status().ToString().c_str());
    return 1;
  }
  int delay = std::atoi(argv[3]);
  EventConsumer::Options options;
  options.name = "probe";
  options.target = argv[1];
  if (argc == 5) {
    options.max_batch = std::atoi(argv[4]);
    options.max_batch_time = absl::Hours(1);
  }
  EventConsumer consumer(db->get(), options, [delay](Transaction& tx, const Event& event) {
    absl::SleepFor(absl::Microseconds(delay));
    return tx.Execute("INSERT INTO applied (sequence, marker) VALUES (?, ?)",
                      {SqlParam(event.sequence()), SqlParam(event.request_id())})
        .status();
  });
  consumer.Start();
  while (true) absl::SleepFor(absl::Seconds(1));
}
