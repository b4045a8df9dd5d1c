// The evaluation service process: flags and environment -> ServiceRuntime -> serve until
// SIGTERM/SIGINT. See evaluation_service.h for what it does.
#include <cstdio>

#include "services/evaluation/evaluation_service.h"
#include "services/platform/runtime/service_runtime.h"
#include "services/platform/server/flags.h"
#include "services/platform/server/service_host.h"

int main(int argc, char** argv) {
  dienhinh::platform::BlockTerminationSignals();
  dienhinh::platform::ParseFlagsWithEnvironment(
      argc, argv, "dienhinh evaluation service; flags may also be given as DIENHINH_<FLAG> variables");
  auto options = dienhinh::platform::RuntimeOptionsFromFlags("evaluation", "127.0.0.1:50053",
                                                             "127.0.0.1:9103");
  options.migrations = dienhinh::evaluation::EvaluationMigrations();
  auto runtime = dienhinh::platform::ServiceRuntime::Create(options);
  if (!runtime.ok()) {
    std::fprintf(stderr, "evaluation: %s\n", runtime.status().ToString().c_str());
    return 1;
  }
  dienhinh::evaluation::EvaluationService service(runtime->get());
  (*runtime)->Register(&service);
  return (*runtime)->Run();
}
