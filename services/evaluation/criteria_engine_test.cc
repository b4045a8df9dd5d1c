// The criteria engine against the committed Cần Thơ 2019-2020 plan, table-driven: each case
// starts from a nominee that meets every criterion of its category, changes one fact, and states
// the outcome the plan's reading gives. Every criterion id of the plan appears in some case
// (checked by EveryCriterionIdIsCovered).
#include "services/evaluation/criteria_engine.h"

#include <functional>
#include <set>

#include <gtest/gtest.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "services/evaluation/testing/sample_records.h"
#include "services/platform/plan/criteria_parameters.h"

// Table rows leave the optional trailing fields (verdict, reason words) out.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace dienhinh::evaluation {
namespace {

using intake::v1::Nomination;
using registry::v1::PersonYearlyRecord;
using registry::v1::UnitYearlyRecord;
using Outcome = v1::CriterionOutcome::Outcome;
using v1::CriterionOutcome;
using testing::GoodPersonRecord;
using testing::GoodUnitRecord;

constexpr char kSchool[] = "units/92000701";
constexpr char kDepartment[] = "units/SGDDT";
constexpr char kOfficial[] = "persons/CT0012345";
constexpr char kLeader[] = "persons/CT0000001";
constexpr char kSchoolNomination[] = "nominations/01J0SCHOOL000000000000000000";

const v1::Plan& CanThoPlan() {
  static const v1::Plan* plan = [] {
    auto loaded = platform::LoadCheckedPlanFile(absl::StrCat(DH_PLANS_DIR, "/can-tho-2019-2020.textproto"));
    if (!loaded.ok()) {
      ADD_FAILURE() << loaded.status();
      return new v1::Plan();
    }
    return new v1::Plan(*loaded);
  }();
  return *plan;
}

// One scenario: a nomination and its facts.
struct Scenario {
  Nomination nomination;
  EvaluationFacts facts;

  // Accepts every attestation as it stands (a reviewer of the department office).
  void AcceptAll() {
    facts.reviews.clear();
    for (const auto& a : nomination.attestations()) Review(a.criterion_id(), v1::AttestationReview::DECISION_ACCEPTED);
  }
  void Review(const std::string& id, v1::AttestationReview::Decision decision) {
    v1::AttestationReview& r = facts.reviews[id];
    r.set_name(absl::StrCat(nomination.name(), "/attestationReviews/R", id));
    r.set_nomination(nomination.name());
    r.set_criterion_id(id);
    r.set_decision(decision);
    r.set_comment(decision == v1::AttestationReview::DECISION_ACCEPTED ? "đủ minh chứng" : "minh chứng không khớp");
    r.set_reviewer("vanphong");
    r.set_attestation_digest(AttestationDigest(nomination, id));
  }
  UnitYearlyRecord& Unit(const std::string& unit, int year) {
    return facts.unit_records.at(UnitRecordName(unit, year));
  }
  PersonYearlyRecord& Person(const std::string& person, int year) {
    return facts.person_records.at(PersonRecordName(person, year));
  }
};

// A nominee of `category` that meets every criterion of it, every attestation accepted.
Scenario GoodScenario(type::v1::Category category) {
  Scenario s;
  Nomination& n = s.nomination;
  n.set_plan("plans/can-tho-2019-2020");
  n.add_school_years()->set_start_year(2018);
  n.add_school_years()->set_start_year(2019);
  n.set_category(category);
  n.set_field(type::v1::FIELD_COMPREHENSIVE);
  n.set_state(Nomination::STATE_SUBMITTED);
  n.set_district("districts/916");
  for (int i = 1; i <= 3; ++i) {
    auto* e = n.add_evidence();
    e->set_id(absl::StrCat("e", i));
    e->set_kind(intake::v1::Evidence::KIND_DECISION);
    e->set_title(absl::StrCat("Quyết định số ", i));
  }
  auto* vote = n.mutable_acknowledgement_vote();
  vote->set_members(20);
  vote->set_present(20);
  vote->set_votes_for(18);
  for (const auto& c : CanThoPlan().criteria()) {
    bool applies = false;
    for (int cat : c.categories()) applies |= cat == category;
    if (!applies || c.kind() != v1::Criterion::KIND_ATTESTATION) continue;
    auto* a = n.add_attestations();
    a->set_criterion_id(c.id());
    a->set_statement(absl::StrCat("Đáp ứng tiêu chí ", c.id()));
    a->add_evidence_ids("e1");
  }
  switch (category) {
    case type::v1::CATEGORY_INSTITUTION:
    case type::v1::CATEGORY_DEPARTMENT: {
      std::string unit = category == type::v1::CATEGORY_INSTITUTION ? kSchool : kDepartment;
      n.set_name(category == type::v1::CATEGORY_INSTITUTION ? kSchoolNomination
                                                            : "nominations/01J0DEPT00000000000000000000");
      n.set_nominee(unit);
      n.set_nominating_unit(unit);
      s.facts.units[unit].set_name(unit);
      s.facts.units[unit].set_display_name(category == type::v1::CATEGORY_INSTITUTION
                                               ? "Trường THPT Châu Văn Liêm"
                                               : "Sở Giáo dục và Đào tạo thành phố Cần Thơ");
      for (int year = 2017; year <= 2019; ++year) {
        s.facts.unit_records[UnitRecordName(unit, year)] = GoodUnitRecord(unit, year);
      }
      break;
    }
    case type::v1::CATEGORY_OFFICIAL:
    case type::v1::CATEGORY_LEADER: {
      bool leader = category == type::v1::CATEGORY_LEADER;
      std::string person = leader ? kLeader : kOfficial;
      n.set_name(leader ? "nominations/01J0LEADER000000000000000000" : "nominations/01J0OFFICIAL0000000000000000");
      n.set_nominee(person);
      n.set_nominating_unit(kSchool);
      auto& p = s.facts.persons[person];
      p.set_name(person);
      p.set_display_name(leader ? "Trần Văn Hùng" : "Nguyễn Thị Lan");
      p.set_unit(kSchool);
      if (leader) p.set_head_of(kSchool);
      for (int year = 2018; year <= 2019; ++year) {
        s.facts.person_records[PersonRecordName(person, year)] =
            GoodPersonRecord(person, year, kSchool, leader ? kSchool : "");
        s.facts.unit_records[UnitRecordName(kSchool, year)] = GoodUnitRecord(kSchool, year);
      }
      if (leader) {
        s.facts.units[kSchool].set_name(kSchool);
        s.facts.units[kSchool].set_display_name("Trường THPT Châu Văn Liêm");
        s.facts.dependencies[kSchool] = {kSchoolNomination, absl::StrCat(kSchoolNomination, "/evaluations/1"),
                                         v1::VERDICT_QUALIFIED};
      }
      break;
    }
    default:
      break;
  }
  s.AcceptAll();
  return s;
}

struct Case {
  std::string name;
  type::v1::Category category;
  std::function<void(Scenario&)> change;
  std::string criterion;
  Outcome outcome;
  // When set, the verdict too; and words the reason must contain (Vietnamese, then English).
  v1::Verdict verdict = v1::VERDICT_UNSPECIFIED;
  std::string reason_vi;
  std::string reason_en;
  // Other criteria the change rightly affects too (the verdict check expects all else MET).
  std::set<std::string> also;
};

constexpr auto kInstitution = type::v1::CATEGORY_INSTITUTION;
constexpr auto kDepartmentCategory = type::v1::CATEGORY_DEPARTMENT;
constexpr auto kOfficialCategory = type::v1::CATEGORY_OFFICIAL;
constexpr auto kLeaderCategory = type::v1::CATEGORY_LEADER;
constexpr auto MET = CriterionOutcome::OUTCOME_MET;
constexpr auto NOT_MET = CriterionOutcome::OUTCOME_NOT_MET;
constexpr auto PENDING = CriterionOutcome::OUTCOME_PENDING;
constexpr auto MISSING = CriterionOutcome::OUTCOME_MISSING_DATA;

void Nothing(Scenario&) {}

const std::vector<Case>& Cases() {
  static const std::vector<Case>* cases = new std::vector<Case>{
      // --- G0: the acknowledgement vote, 70 % of those present, two thirds present.
      {"G0_14_of_20_meets_70_percent", kInstitution,
       [](Scenario& s) { s.nomination.mutable_acknowledgement_vote()->set_votes_for(14); }, "G0", MET,
       v1::VERDICT_QUALIFIED, "14/20 phiếu tán thành (70,00 %", "14/20 votes for (70.00%"},
      {"G0_13_of_20_does_not", kInstitution,
       [](Scenario& s) { s.nomination.mutable_acknowledgement_vote()->set_votes_for(13); }, "G0", NOT_MET,
       v1::VERDICT_NOT_QUALIFIED, "13/20 phiếu tán thành (65,00 %", "required at least 70.00%"},
      {"G0_too_few_present", kOfficialCategory,
       [](Scenario& s) {
         s.nomination.mutable_acknowledgement_vote()->set_present(13);
         s.nomination.mutable_acknowledgement_vote()->set_votes_for(13);
       },
       "G0", NOT_MET, v1::VERDICT_NOT_QUALIFIED, "13/20 thành viên có mặt", "13/20 members present"},
      {"G0_no_vote_recorded", kDepartmentCategory,
       [](Scenario& s) { s.nomination.clear_acknowledgement_vote(); }, "G0", MISSING, v1::VERDICT_PENDING},
      {"G0_counts_that_do_not_add_up", kLeaderCategory,
       [](Scenario& s) { s.nomination.mutable_acknowledgement_vote()->set_votes_for(21); }, "G0", MISSING},
      // --- Attestations: G1, G3-G5, I4, I6, D1-D3, S1, S4, L1, L2.
      {"G1_accepted", kInstitution, Nothing, "G1", MET, v1::VERDICT_QUALIFIED, "chấp nhận", "accepted"},
      {"G1_waiting_for_review", kInstitution, [](Scenario& s) { s.facts.reviews.erase("G1"); }, "G1",
       PENDING, v1::VERDICT_PENDING, "chờ", "waiting"},
      {"G1_rejected", kInstitution,
       [](Scenario& s) { s.Review("G1", v1::AttestationReview::DECISION_REJECTED); }, "G1", NOT_MET,
       v1::VERDICT_NOT_QUALIFIED, "minh chứng không khớp", "rejected"},
      {"G1_changed_after_review", kInstitution,
       [](Scenario& s) { s.nomination.mutable_attestations(0)->set_statement("Nội dung mới"); }, "G1",
       PENDING, v1::VERDICT_PENDING, "đã thay đổi", "changed"},
      {"G1_no_attestation", kOfficialCategory,
       [](Scenario& s) {
         auto* list = s.nomination.mutable_attestations();
         for (int i = 0; i < list->size(); ++i) {
           if (list->Get(i).criterion_id() == "G1") list->DeleteSubrange(i, 1);
         }
       },
       "G1", MISSING, v1::VERDICT_PENDING},
      {"G1_cites_no_evidence_of_the_dossier", kLeaderCategory,
       [](Scenario& s) {
         for (auto& a : *s.nomination.mutable_attestations()) {
           if (a.criterion_id() == "G1") a.set_evidence_ids(0, "e9");
         }
         s.AcceptAll();
       },
       "G1", MISSING},
      {"G3_accepted", kDepartmentCategory, Nothing, "G3", MET},
      {"G4_rejected", kOfficialCategory,
       [](Scenario& s) { s.Review("G4", v1::AttestationReview::DECISION_REJECTED); }, "G4", NOT_MET},
      {"G5_accepted", kLeaderCategory, Nothing, "G5", MET},
      {"I4_waiting", kInstitution, [](Scenario& s) { s.facts.reviews.erase("I4"); }, "I4", PENDING},
      {"I6_accepted", kInstitution, Nothing, "I6", MET},
      {"D1_accepted", kDepartmentCategory, Nothing, "D1", MET},
      {"D2_rejected", kDepartmentCategory,
       [](Scenario& s) { s.Review("D2", v1::AttestationReview::DECISION_REJECTED); }, "D2", NOT_MET},
      {"D3_accepted", kDepartmentCategory, Nothing, "D3", MET},
      {"S1_accepted", kOfficialCategory, Nothing, "S1", MET},
      {"S4_waiting", kOfficialCategory, [](Scenario& s) { s.facts.reviews.erase("S4"); }, "S4", PENDING},
      {"L1_accepted", kLeaderCategory, Nothing, "L1", MET},
      {"L2_rejected", kLeaderCategory,
       [](Scenario& s) { s.Review("L2", v1::AttestationReview::DECISION_REJECTED); }, "L2", NOT_MET},
      // --- G2: first in the group in the last school year.
      {"G2_leads_its_block", kInstitution, Nothing, "G2", MET, v1::VERDICT_QUALIFIED, "xếp hạng 1/12",
       "ranked 1/12"},
      {"G2_second_in_the_last_year", kInstitution,
       [](Scenario& s) { s.Unit(kSchool, 2019).mutable_block_standing()->set_rank(2); }, "G2", NOT_MET,
       v1::VERDICT_NOT_QUALIFIED, "2019-2020: Trường THPT Châu Văn Liêm (units/92000701) xếp hạng 2/12",
       "required rank 1 or better"},
      {"G2_second_only_in_the_first_year", kInstitution,
       [](Scenario& s) { s.Unit(kSchool, 2018).mutable_block_standing()->set_rank(2); }, "G2", MET},
      {"G2_no_standing_recorded", kDepartmentCategory,
       [](Scenario& s) { s.Unit(kDepartment, 2019).clear_block_standing(); }, "G2", MISSING},
      {"G2_an_official_third_in_the_unit", kOfficialCategory,
       [](Scenario& s) { s.Person(kOfficial, 2019).mutable_unit_standing()->set_rank(3); }, "G2", NOT_MET},
      // --- I0: the good-student rate rises strictly.
      {"I0_rising", kInstitution, Nothing, "I0", MET, v1::VERDICT_QUALIFIED, "→", "→"},
      {"I0_flat_is_not_rising", kInstitution,
       [](Scenario& s) {
         s.Unit(kSchool, 2019).mutable_students()->set_excellent(500);
         s.Unit(kSchool, 2019).mutable_students()->set_good(700);
       },
       "I0", NOT_MET, v1::VERDICT_NOT_QUALIFIED, "không tăng", "did not rise"},
      // --- I1: entry enrolment against plan and scale kept.
      {"I1_meets", kInstitution, Nothing, "I1", MET},
      {"I1_enrolment_below_plan", kInstitution,
       [](Scenario& s) { s.Unit(kSchool, 2019).mutable_entry_enrolment()->set_actual(530); }, "I1", NOT_MET,
       v1::VERDICT_NOT_QUALIFIED, "98,14 % (530/540)", "required ≥ 100.00%"},
      {"I1_fewer_classes", kInstitution,
       [](Scenario& s) { s.Unit(kSchool, 2019).mutable_scale()->set_classes(39); }, "I1", NOT_MET},
      {"I1_previous_scale_from_last_years_record", kInstitution,
       [](Scenario& s) {
         s.Unit(kSchool, 2019).clear_previous_scale();
         s.Unit(kSchool, 2018).mutable_scale()->set_classes(42);
       },
       "I1", NOT_MET, v1::VERDICT_NOT_QUALIFIED, "số lớp so với năm học trước 97,61 % (41/42)", "(41/42)"},
      {"I1_plan_not_recorded", kInstitution,
       [](Scenario& s) { s.Unit(kSchool, 2018).mutable_entry_enrolment()->clear_planned(); }, "I1", MISSING,
       v1::VERDICT_PENDING, "entry_enrolment.planned", "entry_enrolment.planned"},
      // --- I2: 100 % of staff qualified, 100 % of rated staff khá or tốt.
      {"I2_98_percent_rated_fair_or_good_fails", kInstitution,
       [](Scenario& s) {
         auto* p = s.Unit(kSchool, 2019).mutable_staff()->mutable_professional_ratings();
         p->set_fair(19);
         p->set_meets_standard(1);
       },
       "I2", NOT_MET, v1::VERDICT_NOT_QUALIFIED, "98,00 % (49/50)", "98.00% (49/50), required ≥ 100.00%"},
      {"I2_staff_not_rated_are_left_out", kInstitution,
       [](Scenario& s) {
         auto* p = s.Unit(kSchool, 2019).mutable_staff()->mutable_professional_ratings();
         p->set_fair(19);
         p->set_not_rated(1);
       },
       "I2", MET},
      {"I2_unqualified_staff", kInstitution,
       [](Scenario& s) { s.Unit(kSchool, 2018).mutable_staff()->set_meeting_qualification_standard(48); },
       "I2", NOT_MET},
      {"I2_below_standard_not_recorded", kInstitution,
       [](Scenario& s) {
         s.Unit(kSchool, 2018).mutable_staff()->mutable_professional_ratings()->clear_below_standard();
       },
       "I2", MISSING},
      // --- I3: rates never fall, standards kept, universal education maintained.
      {"I3_good_student_rate_falls_in_2019_2020", kInstitution,
       [](Scenario& s) { s.Unit(kSchool, 2019).mutable_students()->set_good(650); }, "I3", NOT_MET,
       v1::VERDICT_NOT_QUALIFIED, "tỷ lệ học sinh khá giỏi giảm từ 75,00 % (1200/1600) (2018-2019) xuống",
       "good-student rate fell from 75.00% (1200/1600) (2018-2019) to", {"I0"}},
      {"I3_missing_2018_2019_record_is_missing_data", kInstitution,
       [](Scenario& s) { s.facts.unit_records.erase(UnitRecordName(kSchool, 2018)); }, "I3", MISSING,
       v1::VERDICT_PENDING, "2018-2019: chưa có hồ sơ năm học", "2018-2019: no yearly record",
       {"I0", "I1", "I2", "I5"}},
      {"I3_exact_arithmetic_decides_not_rounding", kInstitution,
       [](Scenario& s) {
         // 2/3 = 66.666..% then 6666/10000 = 66.66 %: both show 66,66 %, yet the rate fell.
         auto* a = s.Unit(kSchool, 2018).mutable_students();
         a->set_assessed(3);
         a->set_excellent(1);
         a->set_good(1);
         auto* b = s.Unit(kSchool, 2019).mutable_students();
         b->set_assessed(10000);
         b->set_excellent(3333);
         b->set_good(3333);
       },
       "I3", NOT_MET},
      {"I3_universal_education_lost", kInstitution,
       [](Scenario& s) {
         s.Unit(kSchool, 2019).mutable_universal_education()->set_status(
             registry::v1::UniversalEducation::STATUS_NOT_MAINTAINED);
       },
       "I3", NOT_MET, v1::VERDICT_NOT_QUALIFIED, "không duy trì", "not maintained"},
      {"I3_national_standard_level_falls", kInstitution,
       [](Scenario& s) {
         s.Unit(kSchool, 2019).mutable_national_standard()->set_level(registry::v1::NationalStandard::LEVEL_NONE);
       },
       "I3", NOT_MET},
      {"I3_flat_rates_are_kept", kInstitution,
       [](Scenario& s) {
         *s.Unit(kSchool, 2019).mutable_excellent_teachers() = s.Unit(kSchool, 2018).excellent_teachers();
       },
       "I3", MET},
      // --- I5, D4, S2, L3: "hoàn thành xuất sắc nhiệm vụ" every year.
      {"I5_excellent_every_year", kInstitution, Nothing, "I5", MET},
      {"I5_good_in_2018_2019", kInstitution,
       [](Scenario& s) {
         s.Unit(kSchool, 2018).mutable_assessment()->set_assessment(type::v1::TASK_ASSESSMENT_GOOD);
       },
       "I5", NOT_MET, v1::VERDICT_NOT_QUALIFIED, "2018-2019: Trường THPT Châu Văn Liêm (units/92000701): hoàn thành tốt nhiệm vụ, yêu cầu hoàn thành xuất sắc nhiệm vụ trở lên",
       "completed the assigned tasks well, required completed the assigned tasks excellently or better"},
      {"I5_not_assessed_yet", kInstitution,
       [](Scenario& s) { s.Unit(kSchool, 2019).clear_assessment(); }, "I5", MISSING},
      {"D4_good_in_2019_2020", kDepartmentCategory,
       [](Scenario& s) {
         s.Unit(kDepartment, 2019).mutable_assessment()->set_assessment(type::v1::TASK_ASSESSMENT_GOOD);
       },
       "D4", NOT_MET},
      {"D4_excellent", kDepartmentCategory, Nothing, "D4", MET},
      {"S2_good_in_2018_2019", kOfficialCategory,
       [](Scenario& s) {
         s.Person(kOfficial, 2018).mutable_task_assessment()->set_assessment(type::v1::TASK_ASSESSMENT_GOOD);
       },
       "S2", NOT_MET, v1::VERDICT_NOT_QUALIFIED, "Nguyễn Thị Lan", "completed the assigned tasks well"},
      {"S2_person_record_missing", kOfficialCategory,
       [](Scenario& s) { s.facts.person_records.erase(PersonRecordName(kOfficial, 2019)); }, "S2", MISSING},
      {"L3_excellent", kLeaderCategory, Nothing, "L3", MET},
      {"L3_good_in_2019_2020", kLeaderCategory,
       [](Scenario& s) {
         s.Person(kLeader, 2019).mutable_task_assessment()->set_assessment(type::v1::TASK_ASSESSMENT_GOOD);
       },
       "L3", NOT_MET},
      // --- D5: Party organisation and mass organisations.
      {"D5_party_and_unions", kDepartmentCategory, Nothing, "D5", MET},
      {"D5_youth_union_only_fair", kDepartmentCategory,
       [](Scenario& s) {
         s.Unit(kDepartment, 2019).mutable_union_ratings(1)->set_rating(type::v1::ORGANISATION_RATING_FAIR);
       },
       "D5", NOT_MET, v1::VERDICT_NOT_QUALIFIED, "Đoàn Thanh niên", "youth union"},
      {"D5_party_only_completed", kDepartmentCategory,
       [](Scenario& s) {
         s.Unit(kDepartment, 2018).mutable_party_organisation()->set_assessment(type::v1::TASK_ASSESSMENT_COMPLETED);
       },
       "D5", NOT_MET},
      {"D5_no_union_ratings", kDepartmentCategory,
       [](Scenario& s) { s.Unit(kDepartment, 2019).clear_union_ratings(); }, "D5", MISSING},
      // --- S3: the Ho Chi Minh acknowledgement on record each year.
      {"S3_acknowledged_each_year", kOfficialCategory, Nothing, "S3", MET},
      {"S3_no_acknowledgement_in_2019_2020", kOfficialCategory,
       [](Scenario& s) { s.Person(kOfficial, 2019).clear_acknowledgements(); }, "S3", NOT_MET,
       v1::VERDICT_NOT_QUALIFIED, "2019-2020", "Ho Chi Minh"},
      // --- L4: the unit the leader heads.
      {"L4_the_school_qualifies", kLeaderCategory, Nothing, "L4", MET, v1::VERDICT_QUALIFIED},
      {"L4_school_only_good_in_2018_2019_fails_though_all_else_is_met", kLeaderCategory,
       [](Scenario& s) {
         s.Unit(kSchool, 2018).mutable_assessment()->set_assessment(type::v1::TASK_ASSESSMENT_GOOD);
       },
       "L4", NOT_MET, v1::VERDICT_NOT_QUALIFIED, "2018-2019: Trường THPT Châu Văn Liêm (units/92000701): hoàn thành tốt nhiệm vụ",
       "required completed the assigned tasks excellently"},
      {"L4_school_nomination_pending", kLeaderCategory,
       [](Scenario& s) { s.facts.dependencies[kSchool].verdict = v1::VERDICT_PENDING; }, "L4", PENDING,
       v1::VERDICT_PENDING, "chưa có kết luận", "pending"},
      {"L4_school_not_nominated", kLeaderCategory, [](Scenario& s) { s.facts.dependencies.clear(); }, "L4",
       PENDING, v1::VERDICT_PENDING, "chưa có đề nghị tập thể", "no collective nomination"},
      {"L4_school_not_qualified", kLeaderCategory,
       [](Scenario& s) { s.facts.dependencies[kSchool].verdict = v1::VERDICT_NOT_QUALIFIED; }, "L4", NOT_MET},
      {"L4_heads_no_unit", kLeaderCategory,
       [](Scenario& s) {
         s.Person(kLeader, 2019).clear_head_of();
         s.Person(kLeader, 2018).clear_head_of();
         s.facts.persons[kLeader].clear_head_of();
       },
       "L4", NOT_MET, v1::VERDICT_NOT_QUALIFIED, "không đứng đầu", "heads no unit"},
  };
  return *cases;
}

class CriteriaTableTest : public ::testing::TestWithParam<Case> {};

TEST_P(CriteriaTableTest, OutcomeFollowsThePlan) {
  const Case& c = GetParam();
  Scenario s = GoodScenario(c.category);
  c.change(s);
  auto evaluation = Evaluate(CanThoPlan(), s.nomination, s.facts);
  ASSERT_TRUE(evaluation.ok()) << evaluation.status();
  const CriterionOutcome* found = nullptr;
  for (const auto& o : evaluation->outcomes()) {
    if (o.criterion_id() == c.criterion) found = &o;
  }
  ASSERT_NE(found, nullptr) << c.criterion << " does not apply";
  EXPECT_EQ(found->outcome(), c.outcome)
      << CriterionOutcome::Outcome_Name(found->outcome()) << "\n" << found->reason().vi() << "\n"
      << found->reason().en();
  if (c.verdict != v1::VERDICT_UNSPECIFIED) {
    EXPECT_EQ(evaluation->verdict(), c.verdict) << v1::Verdict_Name(evaluation->verdict());
    if (c.verdict == v1::VERDICT_NOT_QUALIFIED || c.verdict == v1::VERDICT_PENDING) {
      // The case's change is what decided: every other criterion is still MET.
      for (const auto& o : evaluation->outcomes()) {
        if (o.criterion_id() == c.criterion || c.also.count(o.criterion_id())) continue;
        EXPECT_EQ(o.outcome(), MET) << o.criterion_id() << ": " << o.reason().en();
      }
    }
  }
  EXPECT_NE(found->reason().vi().find(c.reason_vi), std::string::npos) << found->reason().vi();
  EXPECT_NE(found->reason().en().find(c.reason_en), std::string::npos) << found->reason().en();
}

INSTANTIATE_TEST_SUITE_P(CanTho2019, CriteriaTableTest, ::testing::ValuesIn(Cases()),
                         [](const ::testing::TestParamInfo<Case>& info) { return info.param.name; });

TEST(CriteriaEngineTest, EveryCriterionIdIsCovered) {
  std::set<std::string> covered;
  for (const Case& c : Cases()) covered.insert(c.criterion);
  ASSERT_FALSE(CanThoPlan().criteria().empty());
  for (const auto& criterion : CanThoPlan().criteria()) {
    EXPECT_TRUE(covered.count(criterion.id())) << criterion.id() << " has no table case";
  }
}

TEST(CriteriaEngineTest, AGoodNomineeOfEachCategoryQualifies) {
  for (auto category : {kInstitution, kDepartmentCategory, kOfficialCategory, kLeaderCategory}) {
    Scenario s = GoodScenario(category);
    auto evaluation = Evaluate(CanThoPlan(), s.nomination, s.facts);
    ASSERT_TRUE(evaluation.ok()) << evaluation.status();
    EXPECT_EQ(evaluation->verdict(), v1::VERDICT_QUALIFIED) << type::v1::Category_Name(category);
    for (const auto& o : evaluation->outcomes()) {
      EXPECT_EQ(o.outcome(), MET) << type::v1::Category_Name(category) << " " << o.criterion_id() << ": "
                                  << o.reason().en();
      EXPECT_FALSE(o.reason().vi().empty());
      EXPECT_FALSE(o.reason().en().empty());
    }
  }
}

TEST(CriteriaEngineTest, OneOutcomePerApplicableCriterionInCatalogOrder) {
  Scenario s = GoodScenario(kInstitution);
  auto evaluation = Evaluate(CanThoPlan(), s.nomination, s.facts);
  ASSERT_TRUE(evaluation.ok());
  std::vector<std::string> ids;
  for (const auto& o : evaluation->outcomes()) ids.push_back(o.criterion_id());
  EXPECT_EQ(ids, (std::vector<std::string>{"G0", "G1", "G2", "G3", "G4", "G5", "I0", "I1", "I2", "I3",
                                           "I4", "I5", "I6"}));
  Scenario leader = GoodScenario(kLeaderCategory);
  auto leader_evaluation = Evaluate(CanThoPlan(), leader.nomination, leader.facts);
  ASSERT_TRUE(leader_evaluation.ok());
  EXPECT_EQ(leader_evaluation->outcomes_size(), 10);  // G0-G5, L1-L4
}

TEST(CriteriaEngineTest, OutcomesNameTheFiguresAndYearsUsed) {
  Scenario s = GoodScenario(kInstitution);
  s.Unit(kSchool, 2019).mutable_students()->set_good(650);
  auto evaluation = Evaluate(CanThoPlan(), s.nomination, s.facts);
  ASSERT_TRUE(evaluation.ok());
  const CriterionOutcome* i3 = nullptr;
  for (const auto& o : evaluation->outcomes()) {
    if (o.criterion_id() == "I3") i3 = &o;
  }
  ASSERT_NE(i3, nullptr);
  bool saw_2019_rate = false;
  for (const auto& f : i3->figures()) {
    if (f.name() == "FIGURE_GOOD_STUDENT_RATE_BP" && f.school_year().start_year() == 2019) {
      saw_2019_rate = true;
      EXPECT_EQ(f.subject(), kSchool);
      EXPECT_EQ(f.value(), 7250);  // (510 + 650) / 1600
      EXPECT_EQ(f.display_value(), "72,50 % (1160/1600)");
    }
  }
  EXPECT_TRUE(saw_2019_rate);
}

TEST(CriteriaEngineTest, TheSameInputsGiveTheSameBytes) {
  Scenario s = GoodScenario(kLeaderCategory);
  auto first = Evaluate(CanThoPlan(), s.nomination, s.facts);
  auto second = Evaluate(CanThoPlan(), s.nomination, s.facts);
  ASSERT_TRUE(first.ok() && second.ok());
  std::string a, b;
  ASSERT_TRUE(first->SerializeToString(&a));
  ASSERT_TRUE(second->SerializeToString(&b));
  EXPECT_EQ(a, b);
  EXPECT_EQ(first->input_digest().size(), 64u);

  // Bookkeeping of stored resources is not an input...
  Scenario resaved = s;
  resaved.Person(kLeader, 2019).set_etag("other");
  resaved.Person(kLeader, 2019).mutable_update_time()->set_seconds(1700000000);
  resaved.nomination.set_etag("other");
  EXPECT_EQ(Evaluate(CanThoPlan(), resaved.nomination, resaved.facts)->input_digest(), first->input_digest());
  // ...but any figure is, and so is the dependency's evaluation.
  Scenario changed = s;
  changed.Unit(kSchool, 2019).mutable_students()->set_good(701);
  EXPECT_NE(Evaluate(CanThoPlan(), changed.nomination, changed.facts)->input_digest(), first->input_digest());
  Scenario newer = s;
  newer.facts.dependencies[kSchool].evaluation = absl::StrCat(kSchoolNomination, "/evaluations/2");
  EXPECT_NE(Evaluate(CanThoPlan(), newer.nomination, newer.facts)->input_digest(), first->input_digest());
}

// Stored evaluations keep their input digest, and a new evaluation whose digest differs makes
// a new version: a change in how the digest is computed would give every nomination a second,
// identical version after an upgrade. The same inputs must give the digest they gave before.
TEST(CriteriaEngineTest, TheInputDigestIsTheOneEarlierReleasesStored) {
  Scenario s = GoodScenario(kLeaderCategory);
  s.nomination.set_etag("e1");
  s.nomination.mutable_create_time()->set_seconds(1600000000);
  s.Person(kLeader, 2019).set_etag("e2");
  s.Person(kLeader, 2019).mutable_update_time()->set_seconds(1700000000);
  s.Unit(kSchool, 2019).set_source("import");
  ASSERT_FALSE(s.facts.units.empty());
  ASSERT_FALSE(s.facts.persons.empty());
  s.facts.units.begin()->second.set_etag("e3");
  s.facts.units.begin()->second.mutable_create_time()->set_seconds(1500000000);
  s.facts.persons.begin()->second.set_etag("e4");
  s.facts.persons.begin()->second.mutable_update_time()->set_seconds(1650000000);
  auto evaluation = Evaluate(CanThoPlan(), s.nomination, s.facts);
  ASSERT_TRUE(evaluation.ok()) << evaluation.status();
  EXPECT_EQ(evaluation->input_digest(),
            "5891d985f4fc4528f0472cd31d502d37937550faf9acd5ae156174df6f234b04");

  // The worker hashes a plan's criteria once per category and goes on from there: same digest,
  // again and again from the same start; another category's start gives another.
  const DigestStart start(CanThoPlan(), s.nomination.category());
  for (int i = 0; i < 2; ++i) {
    auto with_start = Evaluate(CanThoPlan(), s.nomination, s.facts, &start);
    ASSERT_TRUE(with_start.ok()) << with_start.status();
    EXPECT_EQ(with_start->input_digest(), evaluation->input_digest());
  }
  ASSERT_NE(s.nomination.category(), kInstitution);
  const DigestStart other(CanThoPlan(), kInstitution);
  EXPECT_NE(Evaluate(CanThoPlan(), s.nomination, s.facts, &other)->input_digest(),
            evaluation->input_digest());
}

TEST(CriteriaEngineTest, ANominationUnderAnotherPlanIsRefused) {
  Scenario s = GoodScenario(kInstitution);
  s.nomination.set_plan("plans/other");
  EXPECT_EQ(Evaluate(CanThoPlan(), s.nomination, s.facts).status().code(),
            absl::StatusCode::kInvalidArgument);
  s.nomination.set_plan("plans/can-tho-2019-2020");
  s.nomination.clear_school_years();
  EXPECT_EQ(Evaluate(CanThoPlan(), s.nomination, s.facts).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(FactsNeededTest, ACollectiveNeedsItsRecordsInOneRound) {
  Scenario s = GoodScenario(kInstitution);
  FactRequest request = FactsNeeded(CanThoPlan(), s.nomination, EvaluationFacts());
  EXPECT_EQ(request.units, std::set<std::string>{kSchool});
  // I1 compares with the year before the first when previous_scale is not on the record.
  EXPECT_EQ(request.unit_records,
            (std::set<std::string>{UnitRecordName(kSchool, 2017), UnitRecordName(kSchool, 2018),
                                   UnitRecordName(kSchool, 2019)}));
  EXPECT_TRUE(request.person_records.empty());
}

TEST(FactsNeededTest, ALeaderNeedsTheHeadedUnitOnceItsRecordsAreKnown) {
  Scenario s = GoodScenario(kLeaderCategory);
  FactRequest first = FactsNeeded(CanThoPlan(), s.nomination, EvaluationFacts());
  EXPECT_EQ(first.persons, std::set<std::string>{kLeader});
  EXPECT_EQ(first.person_records.size(), 2u);
  EXPECT_TRUE(first.unit_records.empty()) << "the headed unit is not known before the person's records";
  EvaluationFacts known;
  for (const auto& [name, record] : s.facts.person_records) known.person_records[name] = record;
  FactRequest second = FactsNeeded(CanThoPlan(), s.nomination, known).Minus(first);
  EXPECT_EQ(second.unit_records,
            (std::set<std::string>{UnitRecordName(kSchool, 2018), UnitRecordName(kSchool, 2019)}));
  EXPECT_EQ(second.dependency_units, std::set<std::string>{kSchool});
}

}  // namespace
}  // namespace dienhinh::evaluation
