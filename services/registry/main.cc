// The registry service process: flags and environment -> ServiceRuntime -> serve until
// SIGTERM/SIGINT. See registry_service.h for what it does.
#include <cstdio>

#include "services/registry/registry_service.h"
#include "services/platform/runtime/service_runtime.h"
#include "services/platform/server/flags.h"
#include "services/platform/server/service_host.h"

int main(int argc, char** argv) {
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
