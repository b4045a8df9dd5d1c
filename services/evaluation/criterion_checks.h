// One function per criterion kind (criterion.proto's Kind), each judging one criterion of the
// catalog for one nomination with the facts gathered for it. The engine (criteria_engine.h)
// picks the function by kind; these are its parts, tested through it.
//
// Kinds that read yearly records (threshold, trend, rating every year, record on file, standing)
// are in yearly_checks.cc; kinds that read the dossier and other nominations (vote share,
// attestation, dependency) in dossier_checks.cc.
#ifndef DIENHINH_SERVICES_EVALUATION_CRITERION_CHECKS_H_
#define DIENHINH_SERVICES_EVALUATION_CRITERION_CHECKS_H_

#include <string>
#include <vector>

#include "dienhinh/evaluation/v1/evaluation.pb.h"
#include "dienhinh/evaluation/v1/plan.pb.h"
#include "dienhinh/intake/v1/nomination.pb.h"
#include "services/evaluation/evaluation_facts.h"

namespace dienhinh::evaluation {

struct CheckContext {
  const v1::Plan& plan;
  const intake::v1::Nomination& nomination;
  const EvaluationFacts& facts;
  std::vector<int> years;  // the nomination's school years (start years), ascending
};

v1::CriterionOutcome CheckThreshold(const v1::Criterion& criterion, const CheckContext& context);
v1::CriterionOutcome CheckTrend(const v1::Criterion& criterion, const CheckContext& context);
v1::CriterionOutcome CheckRatingEveryYear(const v1::Criterion& criterion, const CheckContext& context);
v1::CriterionOutcome CheckRecordOnFile(const v1::Criterion& criterion, const CheckContext& context);
v1::CriterionOutcome CheckStanding(const v1::Criterion& criterion, const CheckContext& context);
v1::CriterionOutcome CheckVoteShare(const v1::Criterion& criterion, const CheckContext& context);
v1::CriterionOutcome CheckAttestation(const v1::Criterion& criterion, const CheckContext& context);
v1::CriterionOutcome CheckDependency(const v1::Criterion& criterion, const CheckContext& context);

// Shared by the checks: how a unit or person is named in a reason — its display name from the
// registry with its resource name, or the resource name alone when the registry had no entry.
std::string SubjectLabel(const EvaluationFacts& facts, const std::string& name);

}  // namespace dienhinh::evaluation

#endif  // DIENHINH_SERVICES_EVALUATION_CRITERION_CHECKS_H_
