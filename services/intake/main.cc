// The intake service process: flags and environment -> ServiceRuntime -> serve until
// SIGTERM/SIGINT. See intake_service.h for what it does.
#include <cstdio>

#include "services/intake/intake_service.h"
#include "services/platform/runtime/service_runtime.h"
#include "services/platform/server/flags.h"
#include "services/platform/server/service_host.h"

int main(int argc, char** argv) {
  dienhinh::platform::BlockTerminationSignals();
  dienhinh::platform::ParseFlagsWithEnvironment(
      argc, argv, "dienhinh intake service; flags may also be given as DIENHINH_<FLAG> variables");
  auto options = dienhinh::platform::RuntimeOptionsFromFlags("intake", "127.0.0.1:50052",
                                                             "127.0.0.1:9102");
  options.migrations = dienhinh::intake::IntakeMigrations();
  auto runtime = dienhinh::platform::ServiceRuntime::Create(options);
  if (!runtime.ok()) {
    std::fprintf(stderr, "intake: %s\n", runtime.status().ToString().c_str());
    return 1;
  }
  dienhinh::intake::IntakeService service(runtime->get());
  (*runtime)->Register(&service);
  return (*runtime)->Run();
}
