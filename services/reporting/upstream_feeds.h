// The feeds the reporting service follows, as configuration (--upstream_feeds): a list of
// `source=host:port` entries, where the key is the consumer's name (its cursor's key) and says
// which service's feed it is: `registry`, `intake`, `evaluation`, optionally with a site after
// an `@` when a city stack follows each district's stack (`registry@ninh-kieu=10.0.0.5:50051`).
#ifndef DIENHINH_SERVICES_REPORTING_UPSTREAM_FEEDS_H_
#define DIENHINH_SERVICES_REPORTING_UPSTREAM_FEEDS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace dienhinh::reporting {

struct UpstreamFeed {
  std::string name;    // the entry's key, e.g. "intake@ninh-kieu": the consumer cursor's name
  std::string source;  // "registry", "intake" or "evaluation"
  std::string target;  // host:port
};

// The three feeds of one stack on this machine (registry 50051, intake 50052, evaluation 50053).
std::vector<std::string> DefaultUpstreamFeedEntries();

// INVALID_ARGUMENT (field `upstream_feeds`) for an entry that is not `key=host:port`, a key
// whose source is not one of the three, or a key given twice.
absl::StatusOr<std::vector<UpstreamFeed>> ParseUpstreamFeeds(const std::vector<std::string>& entries);

}  // namespace dienhinh::reporting

#endif  // DIENHINH_SERVICES_REPORTING_UPSTREAM_FEEDS_H_
