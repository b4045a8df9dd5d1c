// The registry service process: flags and environment -> ServiceRuntime -> serve until
// SIGTERM/SIGINT. See registry_service.h for what it does.
#include <cstdio>

#include "absl/synchronization/mutex.h"
#include "services/registry/registry_service.h"
#include "services/platform/runtime/service_runtime.h"
#include "services/platform/server/flags.h"
#include "services/platform/server/service_host.h"

int main(int argc, char** argv) {
  // Debian builds Abseil without NDEBUG, which leaves the mutex deadlock detector on: it walks
  // a lock graph on every Lock (a share of the CPU under load, BENCHMARKS.md). Lock order is
  // kept by review and the tests, not at run time.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  dienhinh::platform::BlockTerminationSignals();
  dienhinh::platform::ParseFlagsWithEnvironment(
      argc, argv, "dienhinh registry service; flags may also be given as DIENHINH_<FLAG> variables");
  auto options = dienhinh::platform::RuntimeOptionsFromFlags("registry", "127.0.0.1:50051",
                                                             "127.0.0.1:9101");
  options.migrations = dienhinh::registry::RegistryMigrations();
  auto runtime = dienhinh::platform::ServiceRuntime::Create(options);
  if (!runtime.ok()) {
    std::fprintf(stderr, "registry: %s\n", runtime.status().ToString().c_str());
    return 1;
  }
  dienhinh::registry::RegistryService service(runtime->get());
  (*runtime)->Register(&service);
  return (*runtime)->Run();
}
