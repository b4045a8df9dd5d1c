// Council decisions in SQL: stored whole (serialized) beside the columns lists filter and sort
// by. Functions work inside the caller's transaction, with the decision's event and audit row.
#ifndef DIENHINH_SERVICES_EVALUATION_COUNCIL_STORE_H_
#define DIENHINH_SERVICES_EVALUATION_COUNCIL_STORE_H_

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "dienhinh/evaluation/v1/council_decision.pb.h"
#include "services/platform/storage/database.h"

namespace dienhinh::evaluation {

// `nominating_unit` is kept beside it so that a unit officer lists only their unit's decisions.
absl::Status InsertCouncilDecision(platform::Transaction& tx, const v1::CouncilDecision& decision,
                                   const std::string& nominating_unit);
// Rewrites a stored decision (its state and revocation).
absl::Status UpdateCouncilDecision(platform::Transaction& tx, const v1::CouncilDecision& decision);
absl::StatusOr<std::optional<v1::CouncilDecision>> LoadCouncilDecision(platform::Transaction& tx,
                                                                      const std::string& name);
// The decision by which `nomination` stands recognised, if one does.
absl::StatusOr<std::optional<v1::CouncilDecision>> StandingRecognition(platform::Transaction& tx,
                                                                       const std::string& nomination);

}  // namespace dienhinh::evaluation

#endif  // DIENHINH_SERVICES_EVALUATION_COUNCIL_STORE_H_
