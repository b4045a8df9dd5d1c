#include "services/reporting/testing/test_world.h"

#include "absl/strings/str_cat.h"

namespace dienhinh::reporting::testing {

namespace tv1 = ::dienhinh::type::v1;

evaluation::v1::Plan TestPlan() {
  evaluation::v1::Plan plan;
  plan.set_name(kPlanName);
  plan.mutable_title()->set_vi("Kế hoạch xây dựng và nhân rộng gương điển hình tiên tiến (thử)");
  plan.mutable_document()->set_number("1234/KH-SGDĐT");
  plan.mutable_document()->set_issuer("Sở Giáo dục và Đào tạo thành phố Cần Thơ");
  plan.set_issuing_unit("units/SGD");
  plan.add_school_years()->set_start_year(2018);
  plan.add_school_years()->set_start_year(2019);
  auto* report = plan.mutable_annual_report();
  report->set_due_month(6);
  report->set_due_day(1);
  report->set_time_zone("Asia/Ho_Chi_Minh");
  report->add_unit_kinds(tv1::UNIT_KIND_SCHOOL);
  report->add_unit_kinds(tv1::UNIT_KIND_CENTRE);
  report->set_directly_affiliated_only(true);
  report->mutable_recipient()->set_vi("Văn phòng Sở");
  plan.add_recipients()->mutable_name()->set_vi("Bộ GD&ĐT (Vụ TĐKT)");
  plan.add_recipients()->mutable_name()->set_vi("Sở Nội vụ (Ban Thi đua - Khen thưởng)");
  for (tv1::Category c : {tv1::CATEGORY_INSTITUTION, tv1::CATEGORY_OFFICIAL, tv1::CATEGORY_LEADER}) {
    plan.add_categories()->set_category(c);
  }
  plan.set_catalog_version("test.1");
  auto* criterion = plan.add_criteria();
  criterion->set_id("G1");
  criterion->mutable_text()->set_vi("Có thành tích xuất sắc");
  criterion->add_categories(tv1::CATEGORY_INSTITUTION);
  criterion->set_kind(evaluation::v1::Criterion::KIND_ATTESTATION);
  return plan;
}

absl::Time VietnamTime(int year, int month, int day, int hour, int minute) {
  return absl::FromCivil(absl::CivilMinute(year, month, day, hour, minute),
                         absl::FixedTimeZone(7 * 3600));
}

std::vector<registry::v1::District> TestDistricts() {
  std::vector<registry::v1::District> out(2);
  out[0].set_name("districts/916");
  out[0].set_display_name("Quận Ninh Kiều");
  out[1].set_name("districts/918");
  out[1].set_display_name("Quận Bình Thủy");
  return out;
}

registry::v1::Unit MakeUnit(const std::string& code, const std::string& display_name,
                            tv1::UnitKind kind, tv1::EducationLevel level, const std::string& parent,
                            const std::string& district) {
  registry::v1::Unit u;
  u.set_name(absl::StrCat("units/", code));
  u.set_display_name(display_name);
  u.set_kind(kind);
  u.set_level(level);
  u.set_parent(parent);
  u.set_district(district);
  return u;
}

std::vector<registry::v1::Unit> TestUnits() {
  return {
      MakeUnit("SGD", "Sở Giáo dục và Đào tạo thành phố Cần Thơ", tv1::UNIT_KIND_DEPARTMENT,
               tv1::EDUCATION_LEVEL_UNSPECIFIED, "", ""),
      MakeUnit("THPT001", "Trường THPT Châu Văn Liêm", tv1::UNIT_KIND_SCHOOL,
               tv1::EDUCATION_LEVEL_UPPER_SECONDARY, "units/SGD", "districts/916"),
      MakeUnit("THPT002", "Trường THPT Bùi Hữu Nghĩa", tv1::UNIT_KIND_SCHOOL,
               tv1::EDUCATION_LEVEL_UPPER_SECONDARY, "units/SGD", "districts/918"),
      MakeUnit("THPT003", "Trường THPT An Khánh", tv1::UNIT_KIND_SCHOOL, tv1::EDUCATION_LEVEL_UPPER_SECONDARY,
               "units/SGD", "districts/916"),
      MakeUnit("TT004", "Trung tâm GDTX Ninh Kiều", tv1::UNIT_KIND_CENTRE, tv1::EDUCATION_LEVEL_CONTINUING,
               "units/SGD", "districts/916"),
      MakeUnit("PGD916", "Phòng Giáo dục và Đào tạo quận Ninh Kiều", tv1::UNIT_KIND_DISTRICT_OFFICE,
               tv1::EDUCATION_LEVEL_UNSPECIFIED, "units/SGD", "districts/916"),
      MakeUnit("TH005", "Trường Tiểu học Đoàn Thị Điểm", tv1::UNIT_KIND_SCHOOL, tv1::EDUCATION_LEVEL_PRIMARY,
               "units/PGD916", "districts/916"),
  };
}

std::vector<std::string> ReportingUnitNames() {
  return {"units/THPT001", "units/THPT002", "units/THPT003", "units/TT004"};
}

intake::v1::Nomination SubmittedNomination(const std::string& id, tv1::Category category,
                                           const std::string& nominee,
                                           const std::string& nominee_display_name,
                                           const std::string& nominating_unit,
                                           const std::string& district,
                                           std::vector<int> start_years) {
  intake::v1::Nomination n;
  n.set_name(absl::StrCat("nominations/", id));
  n.set_plan(kPlanName);
  for (int y : start_years) n.add_school_years()->set_start_year(y);
  n.set_category(category);
  n.set_field(tv1::FIELD_TEACHING);
  n.set_nominee(nominee);
  n.set_nominee_display_name(nominee_display_name);
  n.set_nominating_unit(nominating_unit);
  n.set_district(district);
  n.set_achievements("Thành tích nổi bật trong năm học");
  auto* practice = n.add_good_practices();
  practice->set_title(absl::StrCat("Sinh hoạt chuyên môn theo nghiên cứu bài học (", id, ")"));
  practice->set_description("Tổ chuyên môn dự giờ, phân tích và cải tiến bài học, đổi mới cách dạy.");
  n.set_state(intake::v1::Nomination::STATE_SUBMITTED);
  return n;
}

evaluation::v1::Evaluation MakeEvaluation(const intake::v1::Nomination& nomination, int64_t version,
                                          evaluation::v1::Verdict verdict) {
  evaluation::v1::Evaluation e;
  e.set_name(absl::StrCat(nomination.name(), "/evaluations/", version));
  e.set_version(version);
  e.set_nomination(nomination.name());
  e.set_plan(nomination.plan());
  e.set_catalog_version("test.1");
  e.set_verdict(verdict);
  e.set_category(nomination.category());
  e.set_nominee(nomination.nominee());
  e.set_nominee_display_name(nomination.nominee_display_name());
  e.set_nominating_unit(nomination.nominating_unit());
  e.set_district(nomination.district());
  *e.mutable_school_years() = nomination.school_years();
  return e;
}

evaluation::v1::CouncilDecision Recognition(const std::string& id,
                                            const intake::v1::Nomination& nomination) {
  evaluation::v1::CouncilDecision d;
  d.set_name(absl::StrCat("councilDecisions/", id));
  d.set_nomination(nomination.name());
  d.set_evaluation(absl::StrCat(nomination.name(), "/evaluations/1"));
  d.set_decision_number("456/QĐ-SGDĐT");
  d.mutable_decision_date()->set_year(2020);
  d.mutable_decision_date()->set_month(7);
  d.mutable_decision_date()->set_day(15);
  d.set_recognition_title("Gương điển hình tiên tiến ngành giáo dục và đào tạo giai đoạn 2019-2020");
  d.set_council_members(11);
  d.set_members_present(11);
  d.set_votes_for(11);
  d.set_state(evaluation::v1::CouncilDecision::STATE_RECOGNISED);
  d.set_plan(nomination.plan());
  d.set_category(nomination.category());
  d.set_nominee(nomination.nominee());
  d.set_nominee_display_name(nomination.nominee_display_name());
  d.set_district(nomination.district());
  return d;
}

evaluation::v1::CouncilDecision Revoked(evaluation::v1::CouncilDecision decision) {
  decision.set_state(evaluation::v1::CouncilDecision::STATE_REVOKED);
  auto* r = decision.mutable_revocation();
  r->set_reason(evaluation::v1::Revocation::REASON_FALSE_DOSSIER);
  r->set_legal_basis("Luật Thi đua, khen thưởng số 06/2022/QH15, chương VII");
  r->set_decision_number("789/QĐ-SGDĐT");
  r->mutable_decision_date()->set_year(2020);
  r->mutable_decision_date()->set_month(9);
  r->mutable_decision_date()->set_day(1);
  return decision;
}

events::v1::Event UnitChanged(const registry::v1::Unit& unit) {
  events::v1::Event e;
  *e.mutable_unit_changed()->mutable_unit() = unit;
  return e;
}

events::v1::Event UnitDeleted(const registry::v1::Unit& unit) {
  events::v1::Event e;
  *e.mutable_unit_deleted()->mutable_unit() = unit;
  return e;
}

events::v1::Event DistrictChanged(const registry::v1::District& district) {
  events::v1::Event e;
  *e.mutable_district_changed()->mutable_district() = district;
  return e;
}

events::v1::Event NominationSubmitted(const intake::v1::Nomination& nomination) {
  events::v1::Event e;
  *e.mutable_nomination_submitted()->mutable_nomination() = nomination;
  return e;
}

events::v1::Event NominationWithdrawn(intake::v1::Nomination nomination) {
  nomination.set_state(intake::v1::Nomination::STATE_WITHDRAWN);
  nomination.set_withdraw_reason("Đơn vị rút hồ sơ");
  events::v1::Event e;
  *e.mutable_nomination_withdrawn()->mutable_nomination() = nomination;
  return e;
}

events::v1::Event EvaluationRecorded(const evaluation::v1::Evaluation& evaluation) {
  events::v1::Event e;
  *e.mutable_evaluation_recorded()->mutable_evaluation() = evaluation;
  return e;
}

events::v1::Event DecisionRecorded(const evaluation::v1::CouncilDecision& decision) {
  events::v1::Event e;
  *e.mutable_council_decision_recorded()->mutable_council_decision() = decision;
  return e;
}

events::v1::Event DecisionRevoked(const evaluation::v1::CouncilDecision& decision) {
  events::v1::Event e;
  *e.mutable_council_decision_revoked()->mutable_council_decision() = decision;
  return e;
}

}  // namespace dienhinh::reporting::testing
