// What evaluation does with its upstream feeds, as EventConsumer handlers: each runs in the
// transaction that also stores the consumer's cursor, so every event takes effect exactly once.
// Neither calls the registry: they record what changed and queue the nominations to evaluate,
// and the EvaluationWorker does the rest.
#ifndef DIENHINH_SERVICES_EVALUATION_EVENT_HANDLERS_H_
#define DIENHINH_SERVICES_EVALUATION_EVENT_HANDLERS_H_

#include "absl/status/status.h"
#include "services/platform/events/event_log.h"
#include "services/platform/storage/database.h"

namespace dienhinh::evaluation {

// Intake's feed: a submitted or updated nomination is stored and queued; a withdrawn one leaves
// the queue, and the leaders whose L4 waited on it (a collective's) are queued.
absl::Status ApplyIntakeEvent(platform::Transaction& tx, const platform::Event& event);

// The registry's feed: a changed or deleted unit, person or yearly record queues every
// nomination whose latest evaluation read it (including records it looked for and did not find).
absl::Status ApplyRegistryEvent(platform::Transaction& tx, const platform::Event& event);

}  // namespace dienhinh::evaluation

#endif  // DIENHINH_SERVICES_EVALUATION_EVENT_HANDLERS_H_
