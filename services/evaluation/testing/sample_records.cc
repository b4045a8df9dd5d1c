#include "services/evaluation/testing/sample_records.h"

#include "services/evaluation/evaluation_facts.h"

namespace dienhinh::evaluation::testing {

registry::v1::UnitYearlyRecord GoodUnitRecord(const std::string& unit, int year) {
  registry::v1::UnitYearlyRecord r;
  r.set_name(UnitRecordName(unit, year));
  r.mutable_school_year()->set_start_year(year);
  int step = year - 2018;
  r.mutable_scale()->set_schools(1);
  r.mutable_scale()->set_classes(40 + step);
  r.mutable_scale()->set_students(1600 + 20 * step);
  r.mutable_previous_scale()->set_schools(1);
  r.mutable_previous_scale()->set_classes(40 + step - 1);
  r.mutable_previous_scale()->set_students(1600 + 20 * step - 20);
  r.mutable_entry_enrolment()->set_planned(540);
  r.mutable_entry_enrolment()->set_actual(552);
  auto* staff = r.mutable_staff();
  staff->set_total(50);
  staff->set_meeting_qualification_standard(50);
  staff->set_teachers(42);
  staff->mutable_professional_ratings()->set_good(30);
  staff->mutable_professional_ratings()->set_fair(20);
  staff->mutable_professional_ratings()->set_meets_standard(0);
  staff->mutable_professional_ratings()->set_below_standard(0);
  auto* students = r.mutable_students();
  students->set_assessed(1600);
  students->set_excellent(500 + 10 * step);
  students->set_good(700 + 10 * step);
  students->set_city_contest_prize_winners(30 + step);
  students->set_national_contest_prize_winners(2 + step);
  r.mutable_excellent_teachers()->set_school_level(10 + step);
  r.mutable_excellent_teachers()->set_district_level(5);
  r.mutable_excellent_teachers()->set_city_level(3);
  r.mutable_national_standard()->set_level(registry::v1::NationalStandard::LEVEL_ONE);
  r.mutable_universal_education()->set_status(registry::v1::UniversalEducation::STATUS_MAINTAINED);
  r.mutable_assessment()->set_assessment(type::v1::TASK_ASSESSMENT_EXCELLENT);
  r.mutable_party_organisation()->set_assessment(type::v1::TASK_ASSESSMENT_GOOD);
  auto* trade = r.add_union_ratings();
  trade->set_union_kind(type::v1::UNION_KIND_TRADE_UNION);
  trade->set_rating(type::v1::ORGANISATION_RATING_STRONG);
  auto* youth = r.add_union_ratings();
  youth->set_union_kind(type::v1::UNION_KIND_YOUTH_UNION);
  youth->set_rating(type::v1::ORGANISATION_RATING_STRONG_EXCELLENT);
  r.mutable_block_standing()->set_group("emulationBlocks/thpt-can-tho");
  r.mutable_block_standing()->set_rank(1);
  r.mutable_block_standing()->set_group_size(12);
  return r;
}

registry::v1::PersonYearlyRecord GoodPersonRecord(const std::string& person, int year, const std::string& unit,
                                                  const std::string& head_of) {
  registry::v1::PersonYearlyRecord r;
  r.set_name(PersonRecordName(person, year));
  r.mutable_school_year()->set_start_year(year);
  r.set_unit(unit);
  r.set_holds_leadership_post(!head_of.empty());
  r.set_head_of(head_of);
  r.mutable_task_assessment()->set_assessment(type::v1::TASK_ASSESSMENT_EXCELLENT);
  r.set_professional_rating(type::v1::PROFESSIONAL_RATING_GOOD);
  auto* ack = r.add_acknowledgements();
  ack->set_kind(type::v1::ACKNOWLEDGEMENT_KIND_HO_CHI_MINH_EXAMPLE);
  ack->set_acknowledged_by("Chi bộ trường THPT Châu Văn Liêm");
  r.mutable_unit_standing()->set_group(unit);
  r.mutable_unit_standing()->set_rank(1);
  r.mutable_unit_standing()->set_group_size(50);
  return r;
}

}  // namespace dienhinh::evaluation::testing
