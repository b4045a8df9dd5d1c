// dienhinh.intake.v1.IntakeService over gRPC. Methods not built yet answer UNIMPLEMENTED
// (the generated base class does that).
#ifndef DIENHINH_SERVICES_INTAKE_INTAKE_SERVICE_H_
#define DIENHINH_SERVICES_INTAKE_INTAKE_SERVICE_H_

#include <vector>

#include "dienhinh/intake/v1/intake_service.grpc.pb.h"
#include "services/platform/runtime/service_runtime.h"

namespace dienhinh::intake {

// The service's schema migrations, numbered from 100.
std::vector<platform::Migration> IntakeMigrations();

class IntakeService final : public v1::IntakeService::CallbackService {
 public:
  explicit IntakeService(platform::ServiceRuntime* runtime) : runtime_(runtime) {}

 private:
  platform::ServiceRuntime* runtime_;
};

}  // namespace dienhinh::intake

#endif
