#include "services/evaluation/criteria_engine.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "services/evaluation/criterion_checks.h"
#include "services/evaluation/outcome_builder.h"

namespace dienhinh::evaluation {

v1::CriterionOutcome EvaluateCriterion(const v1::Criterion& criterion, const v1::Plan& plan,
                                       const intake::v1::Nomination& nomination,
                                       const EvaluationFacts& facts) {
  CheckContext context{plan, nomination, facts, NominationYears(nomination)};
  switch (criterion.kind()) {
    case v1::Criterion::KIND_THRESHOLD:
      return CheckThreshold(criterion, context);
    case v1::Criterion::KIND_TREND:
      return CheckTrend(criterion, context);
    case v1::Criterion::KIND_RATING_EVERY_YEAR:
      return CheckRatingEveryYear(criterion, context);
    case v1::Criterion::KIND_RECORD_ON_FILE:
      return CheckRecordOnFile(criterion, context);
    case v1::Criterion::KIND_VOTE_SHARE:
      return CheckVoteShare(criterion, context);
    case v1::Criterion::KIND_STANDING:
      return CheckStanding(criterion, context);
    case v1::Criterion::KIND_DEPENDENCY:
      return CheckDependency(criterion, context);
    case v1::Criterion::KIND_ATTESTATION:
      return CheckAttestation(criterion, context);
    default: {
      // A plan that passed ValidateCriteriaParameters has no such criterion; never guess MET.
      OutcomeBuilder builder(criterion);
      builder.Missing({"loại tiêu chí chưa được hỗ trợ", "this kind of criterion is not supported"});
      return builder.Build();
    }
  }
}

v1::Verdict VerdictOf(const google::protobuf::RepeatedPtrField<v1::CriterionOutcome>& outcomes) {
  if (outcomes.empty()) return v1::VERDICT_PENDING;
  bool all_met = true;
  for (const auto& o : outcomes) {
    if (o.outcome() == v1::CriterionOutcome::OUTCOME_NOT_MET) return v1::VERDICT_NOT_QUALIFIED;
    if (o.outcome() != v1::CriterionOutcome::OUTCOME_MET) all_met = false;
  }
  return all_met ? v1::VERDICT_QUALIFIED : v1::VERDICT_PENDING;
}

absl::StatusOr<v1::Evaluation> Evaluate(const v1::Plan& plan, const intake::v1::Nomination& nomination,
                                        const EvaluationFacts& facts, const DigestStart* start) {
  if (nomination.plan() != plan.name()) {
    return absl::InvalidArgumentError(
        absl::StrCat(nomination.name(), " is under ", nomination.plan(), ", not ", plan.name()));
  }
  bool known_category = std::any_of(plan.categories().begin(), plan.categories().end(),
                                    [&](const auto& c) { return c.category() == nomination.category(); });
  if (!known_category) {
    return absl::InvalidArgumentError(absl::StrCat(nomination.name(), ": category ",
                                                   type::v1::Category_Name(nomination.category()),
                                                   " is not one of ", plan.name(), "'s"));
  }
  if (nomination.school_years().empty()) {
    return absl::InvalidArgumentError(absl::StrCat(nomination.name(), " names no school year"));
  }
  v1::Evaluation evaluation;
  evaluation.set_nomination(nomination.name());
  evaluation.set_plan(plan.name());
  evaluation.set_catalog_version(plan.catalog_version());
  evaluation.set_input_digest(InputDigest(plan, nomination, facts, start));
  evaluation.set_category(nomination.category());
  evaluation.set_nominee(nomination.nominee());
  std::string display = nomination.nominee_display_name();
  if (auto unit = facts.units.find(nomination.nominee()); unit != facts.units.end()) {
    display = unit->second.display_name();
  } else if (auto person = facts.persons.find(nomination.nominee()); person != facts.persons.end()) {
    display = person->second.display_name();
  }
  evaluation.set_nominee_display_name(display);
  evaluation.set_nominating_unit(nomination.nominating_unit());
  evaluation.set_district(nomination.district());
  for (int year : NominationYears(nomination)) evaluation.add_school_years()->set_start_year(year);
  for (const v1::Criterion* criterion : ApplicableCriteria(plan, nomination.category())) {
    *evaluation.add_outcomes() = EvaluateCriterion(*criterion, plan, nomination, facts);
  }
  evaluation.set_verdict(VerdictOf(evaluation.outcomes()));
  return evaluation;
}

}  // namespace dienhinh::evaluation
