// The reporting service as its tests run it: one upstream stack per site (real feeds on
// 127.0.0.1:0), and the reporting service itself on a real server at 127.0.0.1:0 with its
// platform runtime, following those feeds by their --upstream_feeds entries, its clock in the
// test's hand, and tokens signed by its data directory's key.
#ifndef DIENHINH_SERVICES_REPORTING_TESTING_REPORTING_HARNESS_H_
#define DIENHINH_SERVICES_REPORTING_TESTING_REPORTING_HARNESS_H_

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "dienhinh/reporting/v1/reporting_service.grpc.pb.h"
#include "services/platform/auth/caller.h"
#include "services/platform/runtime/service_runtime.h"
#include "services/platform/testing/test_database.h"
#include "services/reporting/reporting_service.h"
#include "services/reporting/testing/upstream_stack.h"

namespace dienhinh::reporting::testing {

class ReportingHarness {
 public:
  ReportingHarness() = default;
  ~ReportingHarness();

  // Starts one upstream stack per site and the reporting service over `database`. With
  // `feed_names_with_site`, the consumers are named `registry@<site>` and so on (a city stack).
  absl::Status Start(platform::testing::TestDatabase database, std::vector<std::string> sites,
                     bool feed_names_with_site = false);
  // Starts the reporting service over `database`, following another harness's upstream (a
  // second reporting service over the same feeds).
  absl::Status StartFollowing(platform::testing::TestDatabase database, ReportingHarness& other);
  // Starts the reporting service over `database` following the given --upstream_feeds entries
  // (real services), with the data directory it shares with them (the same token key).
  absl::Status StartWithFeeds(platform::testing::TestDatabase database, std::string data_dir,
                              std::vector<std::string> feed_entries);
  // Starts the reporting service (again) on the same database and data directory.
  absl::Status StartReporting();
  // Stops it (drain, consumers stop); the upstream stays up.
  void StopReporting();

  UpstreamStack& upstream(size_t i = 0) { return *upstreams_[i]; }
  size_t upstream_count() const { return upstreams_.size(); }
  // Publishes on upstream(i), failing the test on error.
  void Publish(platform::Event event, size_t i = 0);
  // Publishes the test world's districts and units on upstream(i).
  void PublishRegistry(size_t i = 0);

  // Waits until the reporting service's cursors reach every upstream's last sequence (read from
  // its database, where the cursors commit with their effects).
  bool WaitForFeeds(absl::Duration timeout);
  // The committed cursor of one consumer; 0 before its first event.
  int64_t Cursor(const std::string& consumer);

  void SetNow(absl::Time t) { now_us_ = absl::ToUnixMicros(t); }
  std::string Token(platform::Role role, const std::string& subject, const std::string& unit = "");
  std::unique_ptr<grpc::ClientContext> Context(const std::string& token);
  v1::ReportingService::Stub& stub() { return *stub_; }
  platform::ServiceRuntime& runtime() { return *runtime_; }
  const std::string& database_url() const { return database_.url; }

 private:
  platform::testing::TestDatabase database_;
  std::string data_dir_;
  std::vector<std::unique_ptr<UpstreamStack>> owned_upstreams_;
  std::vector<UpstreamStack*> upstreams_;
  std::vector<std::string> feed_entries_;
  std::atomic<int64_t> now_us_{0};
  std::unique_ptr<platform::ServiceRuntime> runtime_;
  std::unique_ptr<ReportingService> service_;
  std::unique_ptr<v1::ReportingService::Stub> stub_;
  // A connection of the test's own, to read the cursors.
  std::unique_ptr<platform::Database> observer_;
};

}  // namespace dienhinh::reporting::testing

#endif  // DIENHINH_SERVICES_REPORTING_TESTING_REPORTING_HARNESS_H_
