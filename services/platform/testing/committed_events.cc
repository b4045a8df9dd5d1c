#include "services/platform/testing/committed_events.h"

#include <gtest/gtest.h>

#include "absl/time/clock.h"

namespace dienhinh::platform::testing {

std::vector<Event> CommittedEvents(Database& db, EventLog& log, absl::Duration timeout) {
  int64_t committed = 0;
  absl::Status counted = RunInTransaction(db, TxMode::kRead, [&](Transaction& tx) {
    auto rows = tx.Query("SELECT COUNT(*) FROM outbox");
    if (!rows.ok()) return rows.status();
    committed = (*rows)[0].Int(0);
    return absl::OkStatus();
  });
  EXPECT_TRUE(counted.ok()) << counted;
  log.Notify();
  const absl::Time deadline = absl::Now() + timeout;
  while (true) {
    auto events = log.Read(0, 1000000);
    EXPECT_TRUE(events.ok()) << events.status();
    if (!events.ok()) return {};
    if (static_cast<int64_t>(events->size()) >= committed || absl::Now() > deadline) {
      std::vector<Event> out;
      out.reserve(events->size());
      for (const auto& e : *events) {
        auto decoded = e->Decode();
        EXPECT_TRUE(decoded.ok()) << decoded.status();
        if (decoded.ok()) out.push_back(*std::move(decoded));
      }
      return out;
    }
    absl::SleepFor(absl::Milliseconds(5));
  }
}

}  // namespace dienhinh::platform::testing
