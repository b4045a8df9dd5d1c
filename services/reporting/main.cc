// The reporting service process: flags and environment -> ServiceRuntime -> consumers of the
// upstream feeds -> serve until SIGTERM/SIGINT. See reporting_service.h for what it does.
#include <cstdio>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "services/platform/log/json_log.h"
#include "services/platform/plan/plan_file.h"
#include "services/platform/runtime/service_runtime.h"
#include "services/platform/server/flags.h"
#include "services/platform/server/service_host.h"
#include "services/reporting/read_model.h"
#include "services/reporting/reporting_service.h"
#include "services/reporting/summary_counts.h"
#include "services/reporting/upstream_feeds.h"

ABSL_FLAG(std::string, plans_dir, "plans", "folder of the plan files (*.textproto)");
ABSL_FLAG(std::vector<std::string>, upstream_feeds, dienhinh::reporting::DefaultUpstreamFeedEntries(),
          "the event feeds to follow, comma separated source=host:port entries; the key is the "
          "consumer's name and starts with registry, intake or evaluation, optionally @site "
          "(e.g. registry@ninh-kieu=10.0.0.5:50051)");

int main(int argc, char** argv) {
  // Debian builds Abseil without NDEBUG, which leaves the mutex deadlock detector on: it walks
  // a lock graph on every Lock (a share of the CPU under load, BENCHMARKS.md). Lock order is
  // kept by review and the tests, not at run time.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  dienhinh::platform::BlockTerminationSignals();
  dienhinh::platform::ParseFlagsWithEnvironment(
      argc, argv, "dienhinh reporting service; flags may also be given as DIENHINH_<FLAG> variables");
  auto options = dienhinh::platform::RuntimeOptionsFromFlags("reporting", "127.0.0.1:50054",
                                                             "127.0.0.1:9104");
  options.migrations = dienhinh::reporting::ReportingMigrations();

  auto feeds = dienhinh::reporting::ParseUpstreamFeeds(absl::GetFlag(FLAGS_upstream_feeds));
  if (!feeds.ok()) {
    std::fprintf(stderr, "reporting: %s\n", feeds.status().ToString().c_str());
    return 1;
  }

  dienhinh::reporting::ReportingOptions reporting;
  reporting.clock = dienhinh::platform::BusinessClockFromFlags();
  const std::string plans_dir = absl::GetFlag(FLAGS_plans_dir);
  auto plans = dienhinh::platform::PlanCatalog::LoadDirectory(plans_dir);
  if (plans.ok()) {
    reporting.plans = *std::move(plans);
  } else if (plans.status().code() == absl::StatusCode::kNotFound) {
    // No plan yet: the read models still follow the feeds; every report names no plan.
    dienhinh::platform::LogWarning("no plan files; reports will name no plan",
                                   {{"plans_dir", plans_dir},
                                    {"error", std::string(plans.status().message())}});
  } else {
    std::fprintf(stderr, "reporting: %s\n", plans.status().ToString().c_str());
    return 1;
  }

  auto runtime = dienhinh::platform::ServiceRuntime::Create(options);
  if (!runtime.ok()) {
    std::fprintf(stderr, "reporting: %s\n", runtime.status().ToString().c_str());
    return 1;
  }
  auto recounted = dienhinh::reporting::RecountSummaryIfStale((*runtime)->db());
  if (!recounted.ok()) {
    std::fprintf(stderr, "reporting: %s\n", recounted.status().ToString().c_str());
    return 1;
  }
  if (*recounted) {
    dienhinh::platform::LogWarning(
        "summary counts recounted: events were applied by a release that does not keep them");
  }
  dienhinh::reporting::ReportingService service(runtime->get(), std::move(reporting));
  (*runtime)->Register(&service);
  dienhinh::reporting::FollowUpstreamFeeds(**runtime, *feeds);
  std::vector<std::string> names;
  for (const auto& feed : *feeds) names.push_back(feed.name + "=" + feed.target);
  dienhinh::platform::LogInfo("following upstream feeds", {{"feeds", absl::StrJoin(names, ",")}});
  return (*runtime)->Run();
}
