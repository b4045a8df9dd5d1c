// The intake service process: flags and environment -> ServiceRuntime -> serve until
// SIGTERM/SIGINT. See intake_service.h for what it does.
#include <cstdio>
#include <string>

#include "absl/flags/flag.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "services/intake/intake_service.h"
#include "services/platform/log/json_log.h"
#include "services/platform/plan/plan_file.h"
#include "services/platform/runtime/service_runtime.h"
#include "services/platform/server/flags.h"
#include "services/platform/server/service_host.h"

ABSL_FLAG(std::string, plans_dir, "plans", "folder of the plan files (*.textproto)");
ABSL_FLAG(std::string, registry_address, "127.0.0.1:50051", "the registry service, host:port");
ABSL_FLAG(absl::Duration, registry_deadline, absl::Seconds(2),
          "how long one call to the registry may take");

int main(int argc, char** argv) {
  // Debian builds Abseil without NDEBUG, which leaves the mutex deadlock detector on: it walks
  // a lock graph on every Lock (a share of the CPU under load, BENCHMARKS.md). Lock order is
  // kept by review and the tests, not at run time.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  dienhinh::platform::BlockTerminationSignals();
  dienhinh::platform::SetLogService("intake");
  dienhinh::platform::ParseFlagsWithEnvironment(
      argc, argv, "dienhinh intake service; flags may also be given as DIENHINH_<FLAG> variables");
  auto options = dienhinh::platform::RuntimeOptionsFromFlags("intake", "127.0.0.1:50052",
                                                             "127.0.0.1:9102");
  options.migrations = dienhinh::intake::IntakeMigrations();

  dienhinh::intake::IntakeOptions intake;
  const std::string plans_dir = absl::GetFlag(FLAGS_plans_dir);
  auto plans = dienhinh::platform::PlanCatalog::LoadDirectory(plans_dir);
  if (plans.ok()) {
    intake.plans = *std::move(plans);
    for (const auto* plan : intake.plans.plans()) {
      dienhinh::platform::LogInfo("plan loaded", {{"plan", plan->name()}, {"plans_dir", plans_dir}});
    }
  } else if (plans.status().code() == absl::StatusCode::kNotFound) {
    // No plan yet: the service runs, and every nomination is refused for naming no plan.
    dienhinh::platform::LogWarning("no plan files; nominations will name no plan",
                                   {{"plans_dir", plans_dir},
                                    {"error", std::string(plans.status().message())}});
  } else {
    std::fprintf(stderr, "intake: %s\n", plans.status().ToString().c_str());
    return 1;
  }
  intake.registry_address = absl::GetFlag(FLAGS_registry_address);
  intake.registry_deadline = absl::GetFlag(FLAGS_registry_deadline);
  intake.clock = dienhinh::platform::BusinessClockFromFlags();

  auto runtime = dienhinh::platform::ServiceRuntime::Create(options);
  if (!runtime.ok()) {
    std::fprintf(stderr, "intake: %s\n", runtime.status().ToString().c_str());
    return 1;
  }
  dienhinh::intake::IntakeService service(runtime->get(), std::move(intake));
  (*runtime)->Register(&service);
  return (*runtime)->Run();
}
