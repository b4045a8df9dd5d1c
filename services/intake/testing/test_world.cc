#include "services/intake/testing/test_world.h"

#include <cstdlib>

#include "absl/time/civil_time.h"
#include "google/protobuf/text_format.h"

namespace dienhinh::intake::testing {
namespace {

constexpr char kPlanText[] = R"pb(
  name: "plans/test-2019-2020"
  title { vi: "Kế hoạch thử nghiệm" en: "Test plan" }
  issuing_unit: "units/SGD"
  school_years { start_year: 2018 }
  school_years { start_year: 2019 }
  nomination_windows {
    category: CATEGORY_INSTITUTION
    opens { date { year: 2020 month: 3 day: 1 } }
    closes { date { year: 2020 month: 5 day: 1 } }
    time_zone: "Asia/Ho_Chi_Minh"
  }
  nomination_windows {
    opens { date { year: 2020 month: 3 day: 1 } }
    closes { date { year: 2020 month: 5 day: 15 } }
    time_zone: "Asia/Ho_Chi_Minh"
  }
  annual_report { due_month: 6 due_day: 1 time_zone: "Asia/Ho_Chi_Minh" unit_kinds: UNIT_KIND_SCHOOL }
  categories {
    category: CATEGORY_INSTITUTION
    nominee_kind: NOMINEE_KIND_COLLECTIVE
    unit_kinds: UNIT_KIND_SCHOOL
    unit_kinds: UNIT_KIND_CENTRE
    directly_affiliated_only: true
  }
  categories {
    category: CATEGORY_DEPARTMENT
    nominee_kind: NOMINEE_KIND_COLLECTIVE
    unit_kinds: UNIT_KIND_DEPARTMENT
  }
  categories { category: CATEGORY_OFFICIAL nominee_kind: NOMINEE_KIND_INDIVIDUAL }
  categories {
    category: CATEGORY_LEADER
    nominee_kind: NOMINEE_KIND_INDIVIDUAL
    requires_leadership_post: true
    requires_unit_head: true
  }
  catalog_version: "test.1"
  criteria {
    id: "G1"
    text { vi: "Có thành tích xuất sắc" en: "Outstanding achievements" }
    categories: [ CATEGORY_INSTITUTION, CATEGORY_DEPARTMENT, CATEGORY_OFFICIAL, CATEGORY_LEADER ]
    kind: KIND_ATTESTATION
    attestation { minimum_evidence_items: 1 }
  }
  criteria {
    id: "I4"
    text { vi: "Cơ sở vật chất đầy đủ" en: "Facilities" }
    categories: CATEGORY_INSTITUTION
    kind: KIND_ATTESTATION
    attestation {}
  }
  criteria {
    id: "D1"
    text { vi: "Điển hình cải cách hành chính" en: "Administrative reform" }
    categories: CATEGORY_DEPARTMENT
    kind: KIND_ATTESTATION
    attestation {}
  }
  criteria {
    id: "S1"
    text { vi: "Tinh thần trách nhiệm cao" en: "High responsibility" }
    categories: CATEGORY_OFFICIAL
    kind: KIND_ATTESTATION
    attestation {}
  }
  criteria {
    id: "L2"
    text { vi: "Nghiên cứu, áp dụng sáng kiến" en: "Initiatives" }
    categories: CATEGORY_LEADER
    kind: KIND_ATTESTATION
    attestation {}
  }
)pb";

registry::v1::Unit MakeUnit(const char* code, const char* display_name, type::v1::UnitKind kind,
                            const char* parent, const char* district) {
  registry::v1::Unit unit;
  unit.set_name(std::string("units/") + code);
  unit.set_display_name(display_name);
  unit.set_kind(kind);
  unit.set_parent(parent);
  unit.set_district(district);
  if (kind == type::v1::UNIT_KIND_SCHOOL) unit.set_level(type::v1::EDUCATION_LEVEL_UPPER_SECONDARY);
  return unit;
}

registry::v1::Person MakePerson(const char* code, const char* display_name, const char* unit,
                                const char* post, bool leadership, const char* head_of) {
  registry::v1::Person person;
  person.set_name(std::string("persons/") + code);
  person.set_display_name(display_name);
  person.set_unit(unit);
  person.set_post(post);
  person.set_staff_category(registry::v1::Person::STAFF_CATEGORY_PUBLIC_EMPLOYEE);
  person.set_holds_leadership_post(leadership);
  person.set_head_of(head_of);
  return person;
}

// The parts every complete nomination has: years, field, achievements, a practice, two
// evidence items, the G1 attestation and a vote that adds up.
intake::v1::Nomination Complete(type::v1::Category category, const char* nominee,
                                const char* nominating_unit) {
  intake::v1::Nomination n;
  n.set_plan(kPlanName);
  n.set_category(category);
  n.set_nominee(nominee);
  n.set_nominating_unit(nominating_unit);
  n.add_school_years()->set_start_year(2018);
  n.add_school_years()->set_start_year(2019);
  n.set_field(type::v1::FIELD_COMPREHENSIVE);
  n.set_achievements("Hai năm liền hoàn thành xuất sắc nhiệm vụ; tỷ lệ học sinh giỏi tăng đều.");
  auto* practice = n.add_good_practices();
  practice->set_title("Sinh hoạt chuyên môn theo nghiên cứu bài học");
  practice->set_description("Mỗi tổ chuyên môn dự giờ, phân tích bài học hằng tháng.");
  auto* decision = n.add_evidence();
  decision->set_id("e1");
  decision->set_kind(intake::v1::Evidence::KIND_DECISION);
  decision->set_title("Quyết định công nhận hoàn thành xuất sắc nhiệm vụ năm học 2019-2020");
  decision->set_issuing_body("Sở Giáo dục và Đào tạo thành phố Cần Thơ");
  decision->set_document_number("1234/QĐ-SGDĐT");
  decision->mutable_document_date()->set_year(2020);
  decision->mutable_document_date()->set_month(8);
  decision->mutable_document_date()->set_day(15);
  decision->set_sha256(std::string(64, 'a'));
  auto* minutes = n.add_evidence();
  minutes->set_id("e2");
  minutes->set_kind(intake::v1::Evidence::KIND_MINUTES);
  minutes->set_title("Biên bản hội nghị suy tôn");
  auto* attestation = n.add_attestations();
  attestation->set_criterion_id("G1");
  attestation->set_statement("Đạt giải nhất cuộc thi khoa học kỹ thuật cấp thành phố.");
  attestation->add_evidence_ids("e1");
  auto* vote = n.mutable_acknowledgement_vote();
  vote->set_body("Hội nghị cán bộ, viên chức");
  vote->mutable_date()->set_year(2020);
  vote->mutable_date()->set_month(3);
  vote->mutable_date()->set_day(20);
  vote->set_members(40);
  vote->set_present(38);
  vote->set_votes_for(36);
  vote->set_minutes_reference("05/BB-HN");
  vote->set_minutes_evidence_id("e2");
  return n;
}

}  // namespace

evaluation::v1::Plan TestPlan() {
  evaluation::v1::Plan plan;
  if (!google::protobuf::TextFormat::ParseFromString(kPlanText, &plan)) std::abort();
  return plan;
}

absl::Time VietnamTime(int year, int month, int day, int hour, int minute) {
  return absl::FromCivil(absl::CivilSecond(year, month, day, hour, minute, 0),
                         absl::FixedTimeZone(7 * 3600));
}

absl::Time WindowOpenTime() { return VietnamTime(2020, 4, 10, 9, 30); }
absl::Time InstitutionWindowClosedTime() { return VietnamTime(2020, 5, 2, 8, 0); }

std::vector<registry::v1::Unit> TestUnits() {
  using type::v1::UNIT_KIND_DEPARTMENT;
  using type::v1::UNIT_KIND_DEPARTMENT_DIVISION;
  using type::v1::UNIT_KIND_DISTRICT_OFFICE;
  using type::v1::UNIT_KIND_SCHOOL;
  return {
      MakeUnit("SGD", "Sở Giáo dục và Đào tạo thành phố Cần Thơ", UNIT_KIND_DEPARTMENT, "", ""),
      MakeUnit("VPS", "Văn phòng Sở", UNIT_KIND_DEPARTMENT_DIVISION, "units/SGD", ""),
      MakeUnit("PGD916", "Phòng Giáo dục và Đào tạo quận Ninh Kiều", UNIT_KIND_DISTRICT_OFFICE,
               "units/SGD", "districts/916"),
      MakeUnit("THPT001", "Trường THPT Châu Văn Liêm", UNIT_KIND_SCHOOL, "units/SGD",
               "districts/916"),
      MakeUnit("THPT002", "Trường THPT Bùi Hữu Nghĩa", UNIT_KIND_SCHOOL, "units/SGD",
               "districts/916"),
      MakeUnit("TH003", "Trường Tiểu học Ninh Kiều", UNIT_KIND_SCHOOL, "units/PGD916",
               "districts/916"),
  };
}

std::vector<registry::v1::Person> TestPersons() {
  return {
      MakePerson("GV001", "Nguyễn Thị Thu Hà", "units/THPT001", "Giáo viên", false, ""),
      MakePerson("HT001", "Trần Văn Bình", "units/THPT001", "Hiệu trưởng", true, "units/THPT001"),
      MakePerson("PHT001", "Lê Văn Cường", "units/THPT001", "Phó Hiệu trưởng", true, ""),
      MakePerson("GV002", "Đỗ Thị Ánh", "units/THPT002", "Giáo viên", false, ""),
      MakePerson("GD001", "Phạm Minh Đức", "units/SGD", "Giám đốc", true, "units/SGD"),
  };
}

intake::v1::Nomination InstitutionNomination() {
  auto n = Complete(type::v1::CATEGORY_INSTITUTION, "units/THPT001", "units/THPT001");
  auto* facilities = n.add_attestations();
  facilities->set_criterion_id("I4");
  facilities->set_statement("Phòng học bộ môn đầy đủ, sử dụng hiệu quả.");
  return n;
}

intake::v1::Nomination OfficialNomination() {
  auto n = Complete(type::v1::CATEGORY_OFFICIAL, "persons/GV001", "units/THPT001");
  auto* s1 = n.add_attestations();
  s1->set_criterion_id("S1");
  s1->set_statement("Tận tụy với học sinh.");
  return n;
}

intake::v1::Nomination LeaderNomination() {
  auto n = Complete(type::v1::CATEGORY_LEADER, "persons/HT001", "units/THPT001");
  n.set_field(type::v1::FIELD_MANAGEMENT);
  return n;
}

intake::v1::Nomination DepartmentNomination() {
  return Complete(type::v1::CATEGORY_DEPARTMENT, "units/SGD", "units/SGD");
}

}  // namespace dienhinh::intake::testing
