// dienhinh.registry.v1.RegistryService over gRPC. Methods not built yet answer UNIMPLEMENTED
// (the generated base class does that).
#ifndef DIENHINH_SERVICES_REGISTRY_REGISTRY_SERVICE_H_
#define DIENHINH_SERVICES_REGISTRY_REGISTRY_SERVICE_H_

#include <vector>

#include "dienhinh/registry/v1/registry_service.grpc.pb.h"
#include "services/platform/runtime/service_runtime.h"

namespace dienhinh::registry {

// The service's schema migrations, numbered from 100.
std::vector<platform::Migration> RegistryMigrations();

class RegistryService final : public v1::RegistryService::CallbackService {
 public:
  explicit RegistryService(platform::ServiceRuntime* runtime) : runtime_(runtime) {}

 private:
  platform::ServiceRuntime* runtime_;
};

}  // namespace dienhinh::registry

#endif
