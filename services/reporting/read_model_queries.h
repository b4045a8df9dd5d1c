// Reads of the read models (read_model.h writes them), inside a transaction the caller holds,
// so that one report reads one consistent snapshot. Rows of a site join only rows of the same
// site.
#ifndef DIENHINH_SERVICES_REPORTING_READ_MODEL_QUERIES_H_
#define DIENHINH_SERVICES_REPORTING_READ_MODEL_QUERIES_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "dienhinh/evaluation/v1/council_decision.pb.h"
#include "services/platform/plan/plan_file.h"
#include "services/platform/storage/database.h"
#include "services/reporting/compliance_rules.h"
#include "services/reporting/summary_rules.h"

namespace dienhinh::reporting {

// Every unit of every site followed.
absl::StatusOr<std::vector<RegisteredUnit>> LoadUnits(platform::Transaction& tx);

// The units that may owe `plan` an annual report: of the kinds it names and, when it binds
// directly affiliated units only, under its issuing unit (an indexed read, so that a plan
// binding 60 of the country's 50,000 units reads 60 rows). MustReport still decides.
absl::StatusOr<std::vector<RegisteredUnit>> LoadUnitsBoundBy(platform::Transaction& tx,
                                                             const platform::Plan& plan);

// The unit named `name` (units/{unit}); codes are unique across sites, so a unit is found in
// whichever site's feed brought it (the first site by name should two ever disagree).
absl::StatusOr<std::optional<RegisteredUnit>> FindUnit(platform::Transaction& tx,
                                                       const std::string& name);

// The plan's submitted (not withdrawn) nominations with their latest verdicts, council
// standing, years, and the level of the nominee's unit: a recount, which the counts the read
// model keeps for GetSummary (summary_counts.h) must always equal.
absl::StatusOr<std::vector<NominationFacts>> LoadNominationFacts(platform::Transaction& tx,
                                                                 const std::string& plan);

// The same facts of the submitted nominations `names` of `site` (the others are left out), and
// of the submitted nominations unit `unit` of `site` nominated: what a summary count change
// reads before and after its write (summary_counts.h).
absl::StatusOr<std::vector<NominationFacts>> LoadFactsOfNominations(
    platform::Transaction& tx, const std::string& site, const std::vector<std::string>& names);
absl::StatusOr<std::vector<NominationFacts>> LoadFactsOfUnitNominations(platform::Transaction& tx,
                                                                        const std::string& site,
                                                                        const std::string& unit);

// The plan's recognitions that stand, with the nomination's good practices (when its feed has
// brought it) and the number of replication records naming each.
absl::StatusOr<std::vector<RecognisedModelEntry>> LoadRecognisedModels(platform::Transaction& tx,
                                                                       const std::string& plan);

// The council decision about `nomination`: a standing recognition when there is one,
// otherwise a revoked one; nullopt when the council has decided nothing on it.
absl::StatusOr<std::optional<::dienhinh::evaluation::v1::CouncilDecision>> FindDecisionOn(
    platform::Transaction& tx, const std::string& nomination);

// districts/{district} -> its display name, for the labels of exported reports.
absl::StatusOr<std::map<std::string, std::string>> LoadDistrictNames(platform::Transaction& tx);

// The time of the newest upstream event applied; nullopt before the first.
absl::StatusOr<std::optional<absl::Time>> NewestEventTime(platform::Transaction& tx);

}  // namespace dienhinh::reporting

#endif  // DIENHINH_SERVICES_REPORTING_READ_MODEL_QUERIES_H_
