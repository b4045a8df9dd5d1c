// The criteria engine: judges a nomination against its plan's criteria catalog with the facts
// gathered for it, and explains every outcome. Plain C++ over protobuf messages, no gRPC and no
// SQL: the service gathers facts and stores results; this decides.
//
// The result is a function of its inputs alone: the same plan, nomination and facts give the
// same Evaluation, byte for byte, with the same input digest. The fields that belong to storing
// a version (name, version, trigger, create_time) are left for the store to fill.
#ifndef DIENHINH_SERVICES_EVALUATION_CRITERIA_ENGINE_H_
#define DIENHINH_SERVICES_EVALUATION_CRITERIA_ENGINE_H_

#include "absl/status/statusor.h"
#include "dienhinh/evaluation/v1/evaluation.pb.h"
#include "dienhinh/evaluation/v1/plan.pb.h"
#include "dienhinh/intake/v1/nomination.pb.h"
#include "services/evaluation/evaluation_facts.h"

namespace dienhinh::evaluation {

// One CriterionOutcome per criterion of the plan that applies to the nomination's category, in
// catalog order, and the verdict. INVALID_ARGUMENT when the nomination is not under `plan`, its
// category is not one of the plan's, or it names no school year. `start`: see InputDigest.
absl::StatusOr<v1::Evaluation> Evaluate(const v1::Plan& plan, const intake::v1::Nomination& nomination,
                                        const EvaluationFacts& facts, const DigestStart* start = nullptr);

// One criterion alone (the engine's step for each applicable criterion).
v1::CriterionOutcome EvaluateCriterion(const v1::Criterion& criterion, const v1::Plan& plan,
                                       const intake::v1::Nomination& nomination,
                                       const EvaluationFacts& facts);

// QUALIFIED only when every outcome is MET (and there is at least one); NOT_QUALIFIED when any is
// NOT_MET; otherwise PENDING.
v1::Verdict VerdictOf(const google::protobuf::RepeatedPtrField<v1::CriterionOutcome>& outcomes);

}  // namespace dienhinh::evaluation

#endif  // DIENHINH_SERVICES_EVALUATION_CRITERIA_ENGINE_H_
