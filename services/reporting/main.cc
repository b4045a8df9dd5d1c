// The reporting service process: flags and environment -> ServiceRuntime -> serve until
// SIGTERM/SIGINT. See reporting_service.h for what it does.
#include <cstdio>

#include "services/reporting/reporting_service.h"
#include "services/platform/runtime/service_runtime.h"
#include "services/platform/server/flags.h"
#include "services/platform/server/service_host.h"

int main(int argc, char** argv) {
  dienhinh::platform::BlockTerminationSignals();
  dienhinh::platform::ParseFlagsWithEnvironment(
      argc, argv, "dienhinh reporting service; flags may also be given as DIENHINH_<FLAG> variables");
  auto options = dienhinh::platform::RuntimeOptionsFromFlags("reporting", "127.0.0.1:50054",
                                                             "127.0.0.1:9104");
  options.migrations = dienhinh::reporting::ReportingMigrations();
  auto runtime = dienhinh::platform::ServiceRuntime::Create(options);
  if (!runtime.ok()) {
    std::fprintf(stderr, "reporting: %s\n", runtime.status().ToString().c_str());
    return 1;
  }
  dienhinh::reporting::ReportingService service(runtime->get());
  (*runtime)->Register(&service);
  return (*runtime)->Run();
}
