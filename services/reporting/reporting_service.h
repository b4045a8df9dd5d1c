// dienhinh.reporting.v1.ReportingService over gRPC. Methods not built yet answer UNIMPLEMENTED
// (the generated base class does that).
#ifndef DIENHINH_SERVICES_REPORTING_REPORTING_SERVICE_H_
#define DIENHINH_SERVICES_REPORTING_REPORTING_SERVICE_H_

#include <vector>

#include "dienhinh/reporting/v1/reporting_service.grpc.pb.h"
#include "services/platform/runtime/service_runtime.h"

namespace dienhinh::reporting {

// The service's schema migrations, numbered from 100.
std::vector<platform::Migration> ReportingMigrations();

class ReportingService final : public v1::ReportingService::CallbackService {
 public:
  explicit ReportingService(platform::ServiceRuntime* runtime) : runtime_(runtime) {}

 private:
  platform::ServiceRuntime* runtime_;
};

}  // namespace dienhinh::reporting

#endif
