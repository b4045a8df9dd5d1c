// The council's decisions as rules on protobuf messages: what a recognition decision must state,
// whether its vote reaches the plan's required share (counted in integers: votes_for * 10000 >=
// share * base), and what a revocation must state (the Law on Emulation and Commendation asks for
// the ground and the deciding document). No gRPC, no SQL.
#ifndef DIENHINH_SERVICES_EVALUATION_COUNCIL_RULES_H_
#define DIENHINH_SERVICES_EVALUATION_COUNCIL_RULES_H_

#include "absl/status/status.h"
#include "dienhinh/evaluation/v1/council_decision.pb.h"
#include "dienhinh/evaluation/v1/plan.pb.h"

namespace dienhinh::evaluation {

// INVALID_ARGUMENT with a field violation (under `council_decision.`) for each missing or
// inconsistent field: the nomination's name, number, date, title, and counts that add up
// (0 <= votes_for <= members_present <= council_members, council_members > 0).
absl::Status ValidateCouncilDecision(const v1::CouncilDecision& decision);

// INVALID_ARGUMENT naming `council_decision.votes_for` (or `.members_present` for a quorum)
// when the vote falls short of the plan's rule.
absl::Status CheckCouncilVote(const v1::CouncilRule& rule, const v1::CouncilDecision& decision);

// INVALID_ARGUMENT with a field violation (under `revocation.`) for each missing field: the
// ground, the legal basis, the revoking decision's number and date.
absl::Status ValidateRevocation(const v1::Revocation& revocation);

}  // namespace dienhinh::evaluation

#endif  // DIENHINH_SERVICES_EVALUATION_COUNCIL_RULES_H_
