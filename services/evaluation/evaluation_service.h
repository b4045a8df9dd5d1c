// dienhinh.evaluation.v1.EvaluationService over gRPC. Methods not built yet answer UNIMPLEMENTED
// (the generated base class does that).
#ifndef DIENHINH_SERVICES_EVALUATION_EVALUATION_SERVICE_H_
#define DIENHINH_SERVICES_EVALUATION_EVALUATION_SERVICE_H_

#include <vector>

#include "dienhinh/evaluation/v1/evaluation_service.grpc.pb.h"
#include "services/platform/runtime/service_runtime.h"

namespace dienhinh::evaluation {

// The service's schema migrations, numbered from 100.
std::vector<platform::Migration> EvaluationMigrations();

class EvaluationService final : public v1::EvaluationService::CallbackService {
 public:
  explicit EvaluationService(platform::ServiceRuntime* runtime) : runtime_(runtime) {}

 private:
  platform::ServiceRuntime* runtime_;
};

}  // namespace dienhinh::evaluation

#endif
