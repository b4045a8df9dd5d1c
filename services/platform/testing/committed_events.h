// What an event log serves once its tail has seen every event committed to the outbox. The tail
// learns of a commit when notified (the services notify after each commit; a store under test
// alone does not) or at its next poll, and until then serves what it has seen: a test that reads
// right after a commit would flake under load without this wait.
#ifndef DIENHINH_SERVICES_PLATFORM_TESTING_COMMITTED_EVENTS_H_
#define DIENHINH_SERVICES_PLATFORM_TESTING_COMMITTED_EVENTS_H_

#include <vector>

#include "absl/time/time.h"
#include "services/platform/events/event_log.h"
#include "services/platform/storage/database.h"

namespace dienhinh::platform::testing {

// Every committed event of `log` (whose outbox is in `db`), in order; what the log serves after
// `timeout` if its tail has not caught up by then. A failed read is a test failure.
std::vector<Event> CommittedEvents(Database& db, EventLog& log,
                                   absl::Duration timeout = absl::Seconds(5));

}  // namespace dienhinh::platform::testing

#endif  // DIENHINH_SERVICES_PLATFORM_TESTING_COMMITTED_EVENTS_H_
