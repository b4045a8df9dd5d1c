// The checks a plan must pass before criteria are evaluated against it, beyond ValidatePlan's
// structure: each criterion's parameters agree with its kind and make sense (a threshold has
// conditions, a share is 1-10000 bp, a standing in the emulation block is asked only of
// collectives, ...), and the categories say whether they nominate collectives or individuals.
//
// The checked loaders report every violation with the file and line of the offending field
// ("plans/x.textproto:212:5: criteria[7].trend.series[0].strictness: is required"), so a plan
// file an editor got wrong stops the evaluation service at start with a message that points at
// the line to fix.
#ifndef DIENHINH_SERVICES_PLATFORM_PLAN_CRITERIA_PARAMETERS_H_
#define DIENHINH_SERVICES_PLATFORM_PLAN_CRITERIA_PARAMETERS_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "services/platform/plan/plan_file.h"

namespace dienhinh::platform {

// INVALID_ARGUMENT with a field violation per problem; OK when the criteria can be evaluated.
absl::Status ValidateCriteriaParameters(const Plan& plan);

// ParsePlan, then ValidatePlan and ValidateCriteriaParameters, every violation prefixed with
// "file:line:column:" of the field it names (or of the nearest enclosing field the file has).
absl::StatusOr<Plan> ParseCheckedPlan(absl::string_view text, absl::string_view file_name);
absl::StatusOr<Plan> LoadCheckedPlanFile(const std::string& path);
// Every *.textproto of `directory`, each through LoadCheckedPlanFile.
absl::StatusOr<PlanCatalog> LoadCheckedPlanDirectory(const std::string& directory);

}  // namespace dienhinh::platform

#endif  // DIENHINH_SERVICES_PLATFORM_PLAN_CRITERIA_PARAMETERS_H_
