// For service tests: another service's side of the wire, small and real — its own database,
// EventLog and EventFeed on a ServiceHost at 127.0.0.1:0 — so that evaluation's consumers follow
// a genuine feed (replay, live tail, reconnects) while the peer itself is not built yet.
#ifndef DIENHINH_SERVICES_EVALUATION_TESTING_UPSTREAM_FEED_H_
#define DIENHINH_SERVICES_EVALUATION_TESTING_UPSTREAM_FEED_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "services/platform/events/event_feed_service.h"
#include "services/platform/events/event_log.h"
#include "services/platform/server/service_host.h"
#include "services/platform/storage/database.h"

namespace dienhinh::evaluation::testing {

class UpstreamFeed {
 public:
  // `source` is the service it stands for ("intake", "registry"). `services` are served beside
  // the feed (a fake RegistryService); they must outlive this.
  static absl::StatusOr<std::unique_ptr<UpstreamFeed>> Start(const std::string& source,
                                                             std::vector<grpc::Service*> services = {});
  ~UpstreamFeed();

  // Appends one event (its payload set by the caller) in its own transaction and wakes the feed.
  absl::StatusOr<platform::Event> Publish(platform::Event event);
  std::string address() const { return host_->address(); }

 private:
  UpstreamFeed() = default;
  std::string dir_;
  std::unique_ptr<platform::Database> db_;
  std::unique_ptr<platform::EventLog> log_;
  std::unique_ptr<platform::EventFeedService> feed_;
  std::unique_ptr<platform::ServiceHost> host_;
};

}  // namespace dienhinh::evaluation::testing

#endif  // DIENHINH_SERVICES_EVALUATION_TESTING_UPSTREAM_FEED_H_
