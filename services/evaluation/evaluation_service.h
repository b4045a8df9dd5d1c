// dienhinh.evaluation.v1.EvaluationService over gRPC: plans and their criteria, evaluations
// (read, listed, explained, re-run on request), reviews of attestations, block rankings and the
// council's decisions. Each handler authenticates, normalizes and validates the request,
// authorizes it, and calls the rules and the store; evaluating itself happens in the
// EvaluationWorker, fed by the intake and registry feeds (event_handlers.h) and by reviews.
//
// Who may do what (DESIGN.md's roles): everyone with a token reads plans; evaluations, reviews
// and decisions are read by every role, a unit officer seeing only those of their own unit;
// the department office reviews attestations (never of a nomination of their own unit); the
// council records and revokes decisions; administrators ask for re-evaluations; block rankings
// compare many units, so unit officers do not see them.
#ifndef DIENHINH_SERVICES_EVALUATION_EVALUATION_SERVICE_H_
#define DIENHINH_SERVICES_EVALUATION_EVALUATION_SERVICE_H_

#include <memory>
#include <string>
#include <vector>

#include "dienhinh/evaluation/v1/evaluation_service.grpc.pb.h"
#include "services/evaluation/evaluation_worker.h"
#include "services/evaluation/registry_facts.h"
#include "services/platform/plan/plan_file.h"
#include "services/platform/runtime/service_runtime.h"

namespace dienhinh::evaluation {

// The service's schema migrations, numbered from 100.
std::vector<platform::Migration> EvaluationMigrations();

class EvaluationService final : public v1::EvaluationService::CallbackService {
 public:
  // `runtime`, `plans` and `registry` must outlive the service.
  EvaluationService(platform::ServiceRuntime* runtime, const platform::PlanCatalog* plans, RegistryFacts* registry,
                    EvaluationWorker::Options worker_options = {});
  ~EvaluationService() override;

  // Follows intake's and the registry's feeds (call before the runtime's Start).
  void AddConsumers(const std::string& intake_address, const std::string& registry_address);
  // Starts and stops the background evaluation (Stop before the runtime's Stop).
  void StartWorker() { worker_.Start(); }
  void StopWorker() { worker_.Stop(); }
  EvaluationWorker& worker() { return worker_; }

  grpc::ServerUnaryReactor* GetPlan(grpc::CallbackServerContext* context, const v1::GetPlanRequest* request,
                                    v1::Plan* response) override;
  grpc::ServerUnaryReactor* ListPlans(grpc::CallbackServerContext* context, const v1::ListPlansRequest* request,
                                      v1::ListPlansResponse* response) override;
  grpc::ServerUnaryReactor* GetEvaluation(grpc::CallbackServerContext* context,
                                          const v1::GetEvaluationRequest* request,
                                          v1::Evaluation* response) override;
  grpc::ServerUnaryReactor* ListEvaluations(grpc::CallbackServerContext* context,
                                            const v1::ListEvaluationsRequest* request,
                                            v1::ListEvaluationsResponse* response) override;
  grpc::ServerUnaryReactor* ExplainEvaluation(grpc::CallbackServerContext* context,
                                              const v1::ExplainEvaluationRequest* request,
                                              v1::ExplainEvaluationResponse* response) override;
  grpc::ServerUnaryReactor* ReevaluateNomination(grpc::CallbackServerContext* context,
                                                 const v1::ReevaluateNominationRequest* request,
                                                 v1::Evaluation* response) override;
  grpc::ServerUnaryReactor* ReviewAttestation(grpc::CallbackServerContext* context,
                                              const v1::ReviewAttestationRequest* request,
                                              v1::AttestationReview* response) override;
  grpc::ServerUnaryReactor* ListAttestationReviews(grpc::CallbackServerContext* context,
                                                   const v1::ListAttestationReviewsRequest* request,
                                                   v1::ListAttestationReviewsResponse* response) override;
  grpc::ServerUnaryReactor* RankBlock(grpc::CallbackServerContext* context, const v1::RankBlockRequest* request,
                                      v1::BlockRanking* response) override;
  grpc::ServerUnaryReactor* CreateCouncilDecision(grpc::CallbackServerContext* context,
                                                  const v1::CreateCouncilDecisionRequest* request,
                                                  v1::CouncilDecision* response) override;
  grpc::ServerUnaryReactor* GetCouncilDecision(grpc::CallbackServerContext* context,
                                               const v1::GetCouncilDecisionRequest* request,
                                               v1::CouncilDecision* response) override;
  grpc::ServerUnaryReactor* ListCouncilDecisions(grpc::CallbackServerContext* context,
                                                 const v1::ListCouncilDecisionsRequest* request,
                                                 v1::ListCouncilDecisionsResponse* response) override;
  grpc::ServerUnaryReactor* RevokeCouncilDecision(grpc::CallbackServerContext* context,
                                                  const v1::RevokeCouncilDecisionRequest* request,
                                                  v1::CouncilDecision* response) override;

 private:
  // Authenticates on gRPC's callback thread, then runs Answer(caller, request, response) on
  // `where` and replies with what it returns: the runtime's workers for every call but the
  // plans' (every one reads the database, and a commit waits for the disk), or for a read by key
  // its lookups() (on gRPC's thread over SQLite).
  template <typename Request, typename Response>
  grpc::ServerUnaryReactor* Serve(grpc::CallbackServerContext* context, const Request* request,
                                  Response* response, platform::WorkerPool& where);
  // The work of each RPC of the same request type.
  absl::Status Answer(const platform::Caller& caller, const v1::GetEvaluationRequest* request,
                      v1::Evaluation* response);
  absl::Status Answer(const platform::Caller& caller, const v1::ListEvaluationsRequest* request,
                      v1::ListEvaluationsResponse* response);
  absl::Status Answer(const platform::Caller& caller, const v1::ExplainEvaluationRequest* request,
                      v1::ExplainEvaluationResponse* response);
  absl::Status Answer(const platform::Caller& caller, const v1::ReevaluateNominationRequest* request,
                      v1::Evaluation* response);
  absl::Status Answer(const platform::Caller& caller, const v1::ReviewAttestationRequest* request,
                      v1::AttestationReview* response);
  absl::Status Answer(const platform::Caller& caller, const v1::ListAttestationReviewsRequest* request,
                      v1::ListAttestationReviewsResponse* response);
  absl::Status Answer(const platform::Caller& caller, const v1::RankBlockRequest* request,
                      v1::BlockRanking* response);
  absl::Status Answer(const platform::Caller& caller, const v1::CreateCouncilDecisionRequest* request,
                      v1::CouncilDecision* response);
  absl::Status Answer(const platform::Caller& caller, const v1::GetCouncilDecisionRequest* request,
                      v1::CouncilDecision* response);
  absl::Status Answer(const platform::Caller& caller, const v1::ListCouncilDecisionsRequest* request,
                      v1::ListCouncilDecisionsResponse* response);
  absl::Status Answer(const platform::Caller& caller, const v1::RevokeCouncilDecisionRequest* request,
                      v1::CouncilDecision* response);

  platform::ServiceRuntime* runtime_;
  const platform::PlanCatalog* plans_;
  RegistryFacts* registry_;
  EvaluationWorker worker_;
};

}  // namespace dienhinh::evaluation

#endif  // DIENHINH_SERVICES_EVALUATION_EVALUATION_SERVICE_H_
