// dienhinh.intake.v1.IntakeService over gRPC: how units put collectives and individuals forward
// as exemplary models (gương điển hình tiên tiến), from draft to submission.
//
// Each handler authenticates the caller, normalizes and validates the request, authorizes it,
// and hands the work to the rules (nomination_rules.h), the registry (registry_client.h) and
// the store (nomination_store.h). Who may do what:
//  - a unit officer (cán bộ phụ trách thi đua) creates, changes and sees only the nominations
//    its own unit puts forward (the unit itself or its people);
//  - the department office (Văn phòng Sở) and admins see and act on all; only the department
//    office may submit outside the plan's nomination window, with a reason, audited;
//  - viewers, council members and other services read submitted and withdrawn nominations
//    (drafts are the unit's work in progress).
#ifndef DIENHINH_SERVICES_INTAKE_INTAKE_SERVICE_H_
#define DIENHINH_SERVICES_INTAKE_INTAKE_SERVICE_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "dienhinh/intake/v1/intake_service.grpc.pb.h"
#include "services/intake/nomination_store.h"
#include "services/intake/registry_client.h"
#include "services/platform/plan/plan_file.h"
#include "services/platform/runtime/service_runtime.h"

namespace dienhinh::intake {

struct IntakeOptions {
  // The plans nominations may name (plans/*.textproto).
  platform::PlanCatalog plans;
  // The registry service, host:port.
  std::string registry_address = "127.0.0.1:50051";
  // How long one call to the registry may take.
  absl::Duration registry_deadline = absl::Seconds(2);
  // The time nomination windows are judged at; absl::Now when empty (tests move it).
  std::function<absl::Time()> clock;
};

class IntakeService final : public v1::IntakeService::CallbackService {
 public:
  IntakeService(platform::ServiceRuntime* runtime, IntakeOptions options);

  grpc::ServerUnaryReactor* CreateNomination(grpc::CallbackServerContext* context,
                                             const v1::CreateNominationRequest* request,
                                             v1::Nomination* response) override;
  grpc::ServerUnaryReactor* GetNomination(grpc::CallbackServerContext* context,
                                          const v1::GetNominationRequest* request,
                                          v1::Nomination* response) override;
  grpc::ServerUnaryReactor* ListNominations(grpc::CallbackServerContext* context,
                                            const v1::ListNominationsRequest* request,
                                            v1::ListNominationsResponse* response) override;
  grpc::ServerUnaryReactor* UpdateNomination(grpc::CallbackServerContext* context,
                                             const v1::UpdateNominationRequest* request,
                                             v1::Nomination* response) override;
  grpc::ServerUnaryReactor* SubmitNomination(grpc::CallbackServerContext* context,
                                             const v1::SubmitNominationRequest* request,
                                             v1::Nomination* response) override;
  grpc::ServerUnaryReactor* WithdrawNomination(grpc::CallbackServerContext* context,
                                               const v1::WithdrawNominationRequest* request,
                                               v1::Nomination* response) override;
  grpc::ServerUnaryReactor* DeleteNomination(grpc::CallbackServerContext* context,
                                             const v1::DeleteNominationRequest* request,
                                             google::protobuf::Empty* response) override;

 private:
  absl::Status Create(const platform::Caller& caller, v1::CreateNominationRequest request,
                      v1::Nomination* response);
  absl::Status Get(const platform::Caller& caller, const v1::GetNominationRequest& request,
                   v1::Nomination* response);
  absl::Status List(const platform::Caller& caller, const v1::ListNominationsRequest& request,
                    v1::ListNominationsResponse* response);
  absl::Status Update(const platform::Caller& caller, v1::UpdateNominationRequest request,
                      v1::Nomination* response);
  absl::Status Submit(const platform::Caller& caller, v1::SubmitNominationRequest request,
                      v1::Nomination* response);
  absl::Status Withdraw(const platform::Caller& caller, v1::WithdrawNominationRequest request,
                        v1::Nomination* response);
  absl::Status Delete(const platform::Caller& caller, const v1::DeleteNominationRequest& request);

  // The stored nomination named `name` (field `field` of the request), for a caller who may
  // act on it.
  absl::StatusOr<v1::Nomination> LoadForChange(const platform::Caller& caller,
                                               const std::string& name, const char* field);
  // The plan a stored nomination is under; FAILED_PRECONDITION when it is gone.
  absl::StatusOr<const platform::Plan*> PlanOf(const v1::Nomination& nomination) const;
  absl::Time Now() const;

  platform::ServiceRuntime* runtime_;
  IntakeOptions options_;
  NominationStore store_;
  RegistryClient registry_;
};

}  // namespace dienhinh::intake

#endif  // DIENHINH_SERVICES_INTAKE_INTAKE_SERVICE_H_
