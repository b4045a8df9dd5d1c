// A small world for the reporting service's tests, built in code so that each test states what
// it changes: a plan with its 1 June report deadline, the units of a department in two
// districts, and builders of the events the registry, intake and evaluation services publish
// (their contracts are fixed in proto/dienhinh/events/v1/).
#ifndef DIENHINH_SERVICES_REPORTING_TESTING_TEST_WORLD_H_
#define DIENHINH_SERVICES_REPORTING_TESTING_TEST_WORLD_H_

#include <string>
#include <vector>

#include "absl/time/time.h"
#include "dienhinh/evaluation/v1/council_decision.pb.h"
#include "dienhinh/evaluation/v1/evaluation.pb.h"
#include "dienhinh/evaluation/v1/plan.pb.h"
#include "dienhinh/events/v1/event.pb.h"
#include "dienhinh/intake/v1/nomination.pb.h"
#include "dienhinh/registry/v1/district.pb.h"
#include "dienhinh/registry/v1/person.pb.h"
#include "dienhinh/registry/v1/unit.pb.h"

namespace dienhinh::reporting::testing {

inline constexpr char kPlanName[] = "plans/test-2019-2020";

// School years 2018-2019 and 2019-2020; annual reports due 1 June (Asia/Ho_Chi_Minh) from
// schools and centres directly under units/SGD; categories institution, official, leader;
// two recipients.
evaluation::v1::Plan TestPlan();

// A wall-clock time in Vietnam (UTC+7).
absl::Time VietnamTime(int year, int month, int day, int hour = 0, int minute = 0);

// districts/916 "Quận Ninh Kiều" and districts/918 "Quận Bình Thủy".
std::vector<registry::v1::District> TestDistricts();
// units/SGD (the department); schools directly under it: units/THPT001 "Trường THPT Châu Văn
// Liêm" (916), units/THPT002 "Trường THPT Bùi Hữu Nghĩa" (918), units/THPT003 "Trường THPT An
// Khánh" (916), units/TT004 "Trung tâm GDTX Ninh Kiều" (a centre, 916); units/PGD916 (a district
// office, which does not report) and units/TH005 "Trường Tiểu học Đoàn Thị Điểm" (a primary
// school under PGD916, not directly under the department, which does not report either).
std::vector<registry::v1::Unit> TestUnits();
// The units that must report under TestPlan: THPT001, THPT002, THPT003, TT004.
std::vector<std::string> ReportingUnitNames();

registry::v1::Unit MakeUnit(const std::string& code, const std::string& display_name,
                            type::v1::UnitKind kind, type::v1::EducationLevel level,
                            const std::string& parent, const std::string& district);

// A submitted nomination under TestPlan covering `start_years`, with one good practice.
intake::v1::Nomination SubmittedNomination(const std::string& id, type::v1::Category category,
                                           const std::string& nominee,
                                           const std::string& nominee_display_name,
                                           const std::string& nominating_unit,
                                           const std::string& district,
                                           std::vector<int> start_years = {2019});

evaluation::v1::Evaluation MakeEvaluation(const intake::v1::Nomination& nomination, int64_t version,
                                          evaluation::v1::Verdict verdict);
evaluation::v1::CouncilDecision Recognition(const std::string& id,
                                            const intake::v1::Nomination& nomination);
// `decision` after the council revoked it.
evaluation::v1::CouncilDecision Revoked(evaluation::v1::CouncilDecision decision);

// Events with their payloads (the log fills id, sequence, source, site and time).
events::v1::Event UnitChanged(const registry::v1::Unit& unit);
events::v1::Event UnitDeleted(const registry::v1::Unit& unit);
events::v1::Event DistrictChanged(const registry::v1::District& district);
events::v1::Event NominationSubmitted(const intake::v1::Nomination& nomination);
events::v1::Event NominationWithdrawn(intake::v1::Nomination nomination);
events::v1::Event EvaluationRecorded(const evaluation::v1::Evaluation& evaluation);
events::v1::Event DecisionRecorded(const evaluation::v1::CouncilDecision& decision);
events::v1::Event DecisionRevoked(const evaluation::v1::CouncilDecision& decision);

}  // namespace dienhinh::reporting::testing

#endif  // DIENHINH_SERVICES_REPORTING_TESTING_TEST_WORLD_H_
