// The read models the reporting service keeps from the other services' feeds (registry: units,
// districts, persons; intake: submitted, updated and withdrawn nominations; evaluation: latest
// verdicts and council decisions), and the summary's counts kept from them (summary_counts.h).
// Each upstream event is applied in the transaction the platform's consumer gives, so the read
// model, the counts and the feed's cursor commit together: a crash or restart at any point
// neither loses an event nor applies one twice.
//
// Every row carries the site of the event that wrote it, and is keyed by (site, name): a city
// stack that follows many districts' feeds keeps their data apart.
#ifndef DIENHINH_SERVICES_REPORTING_READ_MODEL_H_
#define DIENHINH_SERVICES_REPORTING_READ_MODEL_H_

#include <vector>

#include "absl/status/status.h"
#include "services/platform/events/event_log.h"
#include "services/platform/runtime/service_runtime.h"
#include "services/platform/storage/database.h"
#include "services/reporting/upstream_feeds.h"

namespace dienhinh::reporting {

// Applies one event. Payloads the reports do not use are ignored (OK). A payload that can never
// apply (a resource without a valid name) is INVALID_ARGUMENT, which the consumer parks; storage
// failures come back as they are, for the consumer to retry.
absl::Status ApplyUpstreamEvent(platform::Transaction& tx, const platform::Event& event);

// Adds one consumer per feed to the runtime (started by its Start), applying with
// ApplyUpstreamEvent.
void FollowUpstreamFeeds(platform::ServiceRuntime& runtime, const std::vector<UpstreamFeed>& feeds);

}  // namespace dienhinh::reporting

#endif  // DIENHINH_SERVICES_REPORTING_READ_MODEL_H_
