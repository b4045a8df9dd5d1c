// The rules of a nomination (đề nghị công nhận gương điển hình tiên tiến, a nomination of an
// exemplary model), on protobuf messages only: no gRPC, no SQL, so they are tested directly.
//
// Three levels of checks, from cheap to dear:
//  - the form of what a client sends (CheckNominationForm): names, enum values, evidence ids,
//    digests, references inside the dossier. A draft must pass it; failures are bad input.
//  - the dossier against the plan (CheckDossierAgainstPlan): the school years lie in the plan,
//    every attestation names a criterion of the category, the acknowledgement vote adds up, the
//    dossier is complete. A draft may still fail these; submission may not.
//  - the nominee against the registry (CheckNomineeFits): the nominee exists and fits the
//    category (an institution names a school or centre, the leader category a person who heads
//    a unit), and the nominating unit is the nominee itself or the person's unit.
// Each failure names the field of the Nomination it is about and a stable reason, so the
// service can answer with the code and the field a client needs to fix it.
#ifndef DIENHINH_SERVICES_INTAKE_NOMINATION_RULES_H_
#define DIENHINH_SERVICES_INTAKE_NOMINATION_RULES_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "dienhinh/evaluation/v1/plan.pb.h"
#include "dienhinh/intake/v1/nomination.pb.h"
#include "dienhinh/registry/v1/person.pb.h"
#include "dienhinh/registry/v1/unit.pb.h"
#include "google/protobuf/field_mask.pb.h"

namespace dienhinh::intake {

using ::dienhinh::evaluation::v1::Plan;
using ::dienhinh::intake::v1::Nomination;

// Stable reasons (google.rpc.ErrorInfo.reason) of the checks; clients branch on them.
inline constexpr char kReasonSchoolYearNotInPlan[] = "SCHOOL_YEAR_NOT_IN_PLAN";
inline constexpr char kReasonCriterionNotInCategory[] = "CRITERION_NOT_IN_CATEGORY";
inline constexpr char kReasonVoteDoesNotAddUp[] = "VOTE_DOES_NOT_ADD_UP";
inline constexpr char kReasonDossierIncomplete[] = "DOSSIER_INCOMPLETE";
inline constexpr char kReasonCategoryNotInPlan[] = "CATEGORY_NOT_IN_PLAN";
inline constexpr char kReasonNomineeNotFound[] = "NOMINEE_NOT_FOUND";
inline constexpr char kReasonNomineeNotInCategory[] = "NOMINEE_NOT_IN_CATEGORY";
inline constexpr char kReasonNominatingUnitMismatch[] = "NOMINATING_UNIT_MISMATCH";
inline constexpr char kReasonWindowClosed[] = "NOMINATION_WINDOW_CLOSED";
inline constexpr char kReasonWindowNotYetOpen[] = "NOMINATION_WINDOW_NOT_YET_OPEN";
inline constexpr char kReasonActiveNominationExists[] = "ACTIVE_NOMINATION_EXISTS";
inline constexpr char kReasonWrongState[] = "WRONG_NOMINATION_STATE";
inline constexpr char kReasonPlanNotFound[] = "PLAN_NOT_FOUND";
// Several checks failed with different reasons; the field violations list each.
inline constexpr char kReasonSubmissionChecksFailed[] = "SUBMISSION_CHECKS_FAILED";

// One failed check: the field of the Nomination (e.g. "acknowledgement_vote.votes_for",
// "attestations[2].criterion_id"), what is wrong, and the reason.
struct RuleFailure {
  std::string field;
  std::string description;
  std::string reason;
};

// --- Names ---

// "nominations/{id}" for a ULID id.
std::string NominationName(absl::string_view id);
// The id of "nominations/{id}" when `name` has that form with a ULID; nullopt otherwise.
std::optional<std::string> NominationIdOf(absl::string_view name);
// The code of "units/{code}"; nullopt when `name` is not a unit name.
std::optional<std::string> UnitCodeOf(absl::string_view name);
// Whether `name` is "persons/{code}".
bool IsPersonName(absl::string_view name);
// "2019-2020" for start year 2019.
std::string SchoolYearText(int start_year);
// The start year of "2019-2020"; nullopt for anything else.
std::optional<int> ParseSchoolYear(absl::string_view text);

// --- The plan ---

// The plan's rule for `category`, or null when the plan has no such category.
const ::dienhinh::evaluation::v1::CategoryRule* FindCategoryRule(
    const Plan& plan, ::dienhinh::type::v1::Category category);
// Whether the category nominates an individual (a person) rather than a collective (a unit):
// the plan's rule says so; without one, official and leader are individuals.
bool IsIndividualCategory(const Plan* plan, ::dienhinh::type::v1::Category category);

// --- Checks ---

// The form of a nomination as a client writes it (on create, and on the result of an update).
// Output-only fields are not looked at. `plan` is the plan the nomination names, null when
// there is no such plan (a failure on `plan`); with it, the category must be one of the plan's
// and the nominee a unit or a person as the category says.
std::vector<RuleFailure> CheckNominationForm(const Nomination& nomination, const Plan* plan);

// The dossier against the plan, as submission requires it (reasons above). Empty when the
// nomination may be submitted as far as its content goes.
std::vector<RuleFailure> CheckDossierAgainstPlan(const Nomination& nomination, const Plan& plan);

// What the registry says about a nomination's nominee and nominating unit. A missing entry
// means the registry has no such resource.
struct RegistryFacts {
  std::optional<::dienhinh::registry::v1::Unit> nominee_unit;      // collective categories
  std::optional<::dienhinh::registry::v1::Person> nominee_person;  // individual categories
  std::optional<::dienhinh::registry::v1::Unit> nominating_unit;
};

// The nominee exists and fits the category under the plan's CategoryRule, and the nominating
// unit is right: the nominee itself for a collective, the person's unit for an individual.
std::vector<RuleFailure> CheckNomineeFits(const Nomination& nomination, const Plan& plan,
                                          const RegistryFacts& facts);

// Copies what the registry says onto the nomination's output-only fields (nominee display name,
// district of the nominating unit).
void ApplyRegistryFacts(const RegistryFacts& facts, Nomination& nomination);

// The failures as one status: `code` (INVALID_ARGUMENT or FAILED_PRECONDITION) with a
// google.rpc.BadRequest listing every failure (field paths prefixed with `prefix`) and an
// ErrorInfo whose reason is the failures' common reason, or SUBMISSION_CHECKS_FAILED when they
// differ. OK for no failures.
absl::Status FailuresToStatus(absl::StatusCode code, absl::string_view message,
                              const std::vector<RuleFailure>& failures,
                              absl::string_view prefix = "");

// Whether submission is allowed at `now` by the plan's nomination window for the category.
// FAILED_PRECONDITION (NOMINATION_WINDOW_CLOSED / _NOT_YET_OPEN, naming `override_window`)
// when the window is not open and there is no override; OK when it is open, when the plan has
// no window for the category, or when `override_window` is set (the caller's right to override
// is checked by the service).
absl::Status CheckNominationWindow(const Plan& plan, ::dienhinh::type::v1::Category category,
                                   absl::Time now, bool override_window);

// --- Changes ---

// The fields an update may set, as a normalized list of top-level paths ("*" expands to all of
// them). INVALID_ARGUMENT naming `update_mask` for an empty mask, an unknown path, or a path
// that is fixed (plan, category, nominee) or output only.
absl::StatusOr<std::vector<std::string>> UpdatablePaths(const google::protobuf::FieldMask& mask);

// `stored` with the fields `paths` copied from `patch` (repeated fields replaced whole).
Nomination ApplyUpdate(const Nomination& stored, const Nomination& patch,
                       const std::vector<std::string>& paths);

// A new draft from a client's nomination: output-only fields cleared, then set (name, state,
// times, creator, and what `facts` from the registry say: ApplyRegistryFacts), its etag made
// once all of them are.
Nomination NewDraft(const Nomination& input, const RegistryFacts& facts, absl::string_view id,
                    absl::string_view actor, absl::Time now);

// The nomination after submission by `actor` at `now`; `override_reason` non-empty records a
// window override.
Nomination Submitted(Nomination draft, absl::string_view actor, absl::Time now,
                     absl::string_view override_reason);

// The nomination after withdrawal at `now` for `reason`.
Nomination Withdrawn(const Nomination& submitted, absl::Time now, absl::string_view reason);

// The nomination with a fresh update_time and etag (the digest of everything else).
void Touch(Nomination& nomination, absl::Time now);

// Whether a nomination in `state` counts as active (one per nominee, category and plan).
bool IsActive(Nomination::State state);

}  // namespace dienhinh::intake

#endif  // DIENHINH_SERVICES_INTAKE_NOMINATION_RULES_H_
