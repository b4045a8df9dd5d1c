// One site's upstream for the reporting service's tests: the registry, intake and evaluation
// feeds, each a real EventLog (on its own SQLite file) served by a real EventFeedService on
// 127.0.0.1:0, as the platform serves them in the real services. A test appends the payload
// events those services would write; the reporting service follows them over gRPC.
#ifndef DIENHINH_SERVICES_REPORTING_TESTING_UPSTREAM_STACK_H_
#define DIENHINH_SERVICES_REPORTING_TESTING_UPSTREAM_STACK_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "services/platform/events/event_feed_service.h"
#include "services/platform/events/event_log.h"
#include "services/platform/server/service_host.h"
#include "services/platform/testing/test_database.h"

namespace dienhinh::reporting::testing {

class UpstreamStack {
 public:
  // `site` is written on every event, as the real stacks' --site.
  explicit UpstreamStack(std::string site);
  ~UpstreamStack();

  absl::Status Start();
  void Stop();

  // Appends `event` to the log of the service whose payload it carries (registry 10-29, intake
  // 30-39, evaluation 40-49), in its own transaction, and wakes the feed.
  absl::StatusOr<platform::Event> Publish(platform::Event event);

  // `registry=127.0.0.1:port` ... or, with_site, `registry@<site>=...`, for --upstream_feeds.
  std::vector<std::string> FeedEntries(bool with_site) const;
  // The last sequence written by `source`.
  int64_t LastSequence(const std::string& source) const;
  const std::string& site() const { return site_; }

 private:
  struct Feed {
    std::string source;
    platform::testing::TestDatabase db;
    std::unique_ptr<platform::EventLog> log;
    std::unique_ptr<platform::EventFeedService> service;
    std::unique_ptr<platform::ServiceHost> host;
    int64_t last_sequence = 0;
  };
  Feed* FeedOf(const platform::Event& event);

  std::string site_;
  std::vector<std::unique_ptr<Feed>> feeds_;
};

}  // namespace dienhinh::reporting::testing

#endif  // DIENHINH_SERVICES_REPORTING_TESTING_UPSTREAM_STACK_H_
