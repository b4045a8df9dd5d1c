// The evaluation service process: flags and environment -> plans -> ServiceRuntime -> serve
// until SIGTERM/SIGINT. See evaluation_service.h for what it does.
//
// A plan file that does not parse or validate stops the service here, with the file and line.
#include <cstdio>
#include <string>

#include "absl/flags/flag.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "services/evaluation/evaluation_service.h"
#include "services/evaluation/registry_facts.h"
#include "services/platform/log/json_log.h"
#include "services/platform/plan/criteria_parameters.h"
#include "services/platform/runtime/service_runtime.h"
#include "services/platform/server/flags.h"
#include "services/platform/server/service_host.h"

ABSL_FLAG(std::string, plans_dir, "plans", "folder of the plan files (*.textproto)");
ABSL_FLAG(std::string, registry_address, "127.0.0.1:50051", "the registry service, host:port");
ABSL_FLAG(std::string, intake_address, "127.0.0.1:50052", "the intake service, host:port");
ABSL_FLAG(absl::Duration, registry_deadline, absl::Seconds(5), "how long one call to the registry may take");

int main(int argc, char** argv) {
  // Debian builds Abseil without NDEBUG, which leaves the mutex deadlock detector on: it walks
  // a lock graph on every Lock (a share of the CPU under load, BENCHMARKS.md). Lock order is
  // kept by review and the tests, not at run time.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  dienhinh::platform::BlockTerminationSignals();
  dienhinh::platform::ParseFlagsWithEnvironment(
      argc, argv, "dienhinh evaluation service; flags may also be given as DIENHINH_<FLAG> variables");
  auto options = dienhinh::platform::RuntimeOptionsFromFlags("evaluation", "127.0.0.1:50053",
                                                             "127.0.0.1:9103");
  options.migrations = dienhinh::evaluation::EvaluationMigrations();

  const std::string plans_dir = absl::GetFlag(FLAGS_plans_dir);
  auto plans = dienhinh::platform::LoadCheckedPlanDirectory(plans_dir);
  if (!plans.ok() && plans.status().code() == absl::StatusCode::kNotFound) {
    // No plan folder: the service runs (health, feeds, reads), and nominations wait in the queue
    // until a plan is there, as intake does without plans.
    dienhinh::platform::LogWarning("no plan files; nothing can be evaluated until there are",
                                   {{"plans_dir", plans_dir}, {"error", std::string(plans.status().message())}});
    plans = dienhinh::platform::PlanCatalog::FromPlans({});
  } else if (!plans.ok()) {
    std::fprintf(stderr, "evaluation: %s\n", std::string(plans.status().message()).c_str());
    return 1;
  }
  auto runtime = dienhinh::platform::ServiceRuntime::Create(options);
  if (!runtime.ok()) {
    std::fprintf(stderr, "evaluation: %s\n", runtime.status().ToString().c_str());
    return 1;
  }
  dienhinh::platform::ServiceRuntime& rt = **runtime;
  dienhinh::evaluation::RegistryClientOptions registry_options;
  registry_options.target = absl::GetFlag(FLAGS_registry_address);
  registry_options.deadline = absl::GetFlag(FLAGS_registry_deadline);
  registry_options.channel = rt.NewChannel(registry_options.target);
  const std::string token = rt.ServiceToken();
  registry_options.bearer_token = [token] { return token; };
  auto registry = dienhinh::evaluation::NewRegistryClient(registry_options);

  dienhinh::evaluation::EvaluationService service(&rt, &*plans, registry.get());
  rt.Register(&service);
  service.AddConsumers(absl::GetFlag(FLAGS_intake_address), absl::GetFlag(FLAGS_registry_address));
  if (absl::Status started = rt.Start(); !started.ok()) {
    std::fprintf(stderr, "evaluation: %s\n", started.ToString().c_str());
    return 1;
  }
  service.StartWorker();
  dienhinh::platform::LogInfo("evaluation started",
                              {{"plans", static_cast<int64_t>(plans->plans().size())},
                               {"registry", registry_options.target},
                               {"intake", absl::GetFlag(FLAGS_intake_address)}});
  std::string signal = dienhinh::platform::WaitForTerminationSignal();
  dienhinh::platform::LogInfo("stopping", {{"signal", signal}});
  // The worker appends to the event log, which the runtime's Stop closes: stop it first.
  service.StopWorker();
  rt.Stop();
  return 0;
}
