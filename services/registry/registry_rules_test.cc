// The registry's domain on protobuf messages alone: names, enum labels, update masks and the
// rules each resource must follow.
#include "services/registry/registry_rules.h"

#include <gtest/gtest.h>

#include <set>

#include "services/registry/enum_labels.h"
#include "services/registry/field_mask.h"
#include "services/registry/registry_names.h"
#include "services/registry/registry_queries.h"

namespace dienhinh::registry {
namespace {

std::set<std::string> Fields(const platform::ViolationList& v) {
  std::set<std::string> out;
  for (const auto& x : v.violations()) out.insert(x.field);
  return out;
}

TEST(RegistryNamesTest, SchoolYearsAndRecordNames) {
  EXPECT_EQ(ParseSchoolYear("2019-2020"), 2019);
  EXPECT_FALSE(ParseSchoolYear("2019-2021"));
  EXPECT_FALSE(ParseSchoolYear("2019/2020"));
  EXPECT_FALSE(ParseSchoolYear("19-20"));
  EXPECT_EQ(SchoolYearText(2018), "2018-2019");
  auto key = ParseYearlyRecordName("units/92000701/yearlyRecords/2019-2020", kUnitsPrefix);
  ASSERT_TRUE(key);
  EXPECT_EQ(key->owner, "units/92000701");
  EXPECT_EQ(key->start_year, 2019);
  EXPECT_FALSE(ParseYearlyRecordName("persons/X/yearlyRecords/2019-2020", kUnitsPrefix));
  EXPECT_FALSE(ParseYearlyRecordName("units/X/yearlyRecords/2019-2020 ", kUnitsPrefix));
  EXPECT_FALSE(UnitCodeOf("units/a b"));
  EXPECT_TRUE(BlockIdOf("emulationBlocks/khoi-thpt"));
  EXPECT_FALSE(BlockIdOf("emulationBlocks/Khoi"));
  EXPECT_TRUE(DistrictCodeOf("districts/916"));
  EXPECT_FALSE(DistrictCodeOf("districts/9a6"));
}

TEST(EnumLabelsTest, VietnameseLabelsProtoNamesAndShortNames) {
  const auto* assessment = type::v1::TaskAssessment_descriptor();
  EXPECT_EQ(ParseEnumLabel(assessment, "Hoàn thành xuất sắc nhiệm vụ"),
            type::v1::TASK_ASSESSMENT_EXCELLENT);
  EXPECT_EQ(ParseEnumLabel(assessment, "hoan thanh xuat sac"), type::v1::TASK_ASSESSMENT_EXCELLENT);
  EXPECT_EQ(ParseEnumLabel(assessment, "TASK_ASSESSMENT_GOOD"), type::v1::TASK_ASSESSMENT_GOOD);
  EXPECT_EQ(ParseEnumLabel(assessment, "completed"), type::v1::TASK_ASSESSMENT_COMPLETED);
  EXPECT_FALSE(ParseEnumLabel(assessment, "TASK_ASSESSMENT_UNSPECIFIED"));
  EXPECT_FALSE(ParseEnumLabel(assessment, "tuyệt vời"));
  const auto* rating = type::v1::ProfessionalRating_descriptor();
  EXPECT_EQ(ParseEnumLabel(rating, "Khá"), type::v1::PROFESSIONAL_RATING_FAIR);
  EXPECT_EQ(ParseEnumLabel(rating, "Đạt"), type::v1::PROFESSIONAL_RATING_MEETS_STANDARD);
  EXPECT_EQ(ParseEnumLabel(rating, "chưa đạt"), type::v1::PROFESSIONAL_RATING_BELOW_STANDARD);
  EXPECT_EQ(ParseEnumLabel(type::v1::EducationLevel_descriptor(), "THPT"),
            type::v1::EDUCATION_LEVEL_UPPER_SECONDARY);
}

TEST(FieldMaskTest, PathsIntoSubMessagesAndClearing) {
  v1::UnitYearlyRecord stored;
  stored.mutable_staff()->set_total(50);
  stored.mutable_staff()->mutable_professional_ratings()->set_good(30);
  stored.mutable_staff()->mutable_professional_ratings()->set_fair(20);
  google::protobuf::FieldMask mask;
  mask.add_paths("staff.professional_ratings.good");
  mask.add_paths("staff.professional_ratings.fair");
  mask.add_paths("etag");  // output only: ignored
  auto paths = ResolveUpdateMask(v1::UnitYearlyRecord::descriptor(), mask);
  ASSERT_TRUE(paths.ok()) << paths.status();
  EXPECT_EQ(paths->size(), 2u);
  v1::UnitYearlyRecord change;
  change.mutable_staff()->mutable_professional_ratings()->set_good(45);  // fair left unset
  ApplyPaths(change, *paths, &stored);
  EXPECT_EQ(stored.staff().professional_ratings().good(), 45);
  EXPECT_FALSE(stored.staff().professional_ratings().has_fair())
      << "an unset field in the mask clears";
  EXPECT_EQ(stored.staff().total(), 50) << "fields outside the mask stay";

  google::protobuf::FieldMask bad;
  bad.add_paths("staff.nope");
  bad.add_paths("titles.title");
  auto refused = ResolveUpdateMask(v1::UnitYearlyRecord::descriptor(), bad);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(platform::FieldViolationsOf(refused.status()).size(), 2u);
  google::protobuf::FieldMask all;
  all.add_paths("*");
  auto every = ResolveUpdateMask(v1::Unit::descriptor(), all);
  ASSERT_TRUE(every.ok());
  EXPECT_EQ(std::set<std::string>(every->begin(), every->end()).count("head"), 0u);
  EXPECT_EQ(FieldText(stored, "staff.professional_ratings.good"), "45");
}

// Paths compiled once (as an import does for all its rows) copy what the same paths as text
// copy, row after row; a path that does not resolve is left out, not half applied.
TEST(FieldMaskTest, CompiledPathsApplyAsTheirTextDoes) {
  const std::vector<std::string> paths = {"staff.total", "staff.professional_ratings.good",
                                          "titles", "staff.nope"};
  const std::vector<FieldPath> compiled = CompilePaths(v1::UnitYearlyRecord::descriptor(), paths);
  ASSERT_EQ(compiled.size(), 3u) << "staff.nope left out";
  EXPECT_EQ(compiled[1].size(), 3u);
  for (int row = 0; row < 3; ++row) {
    v1::UnitYearlyRecord values;
    values.mutable_staff()->set_total(40 + row);
    if (row != 1) values.mutable_staff()->mutable_professional_ratings()->set_good(10 + row);
    values.add_titles()->set_title(type::v1::EMULATION_TITLE_ADVANCED_WORKER);
    v1::UnitYearlyRecord by_text;
    by_text.mutable_staff()->mutable_professional_ratings()->set_good(99);
    by_text.mutable_staff()->mutable_professional_ratings()->set_fair(7);
    v1::UnitYearlyRecord by_fields = by_text;
    ApplyPaths(values, paths, &by_text);
    ApplyPaths(values, compiled, &by_fields);
    EXPECT_EQ(by_fields.SerializeAsString(), by_text.SerializeAsString()) << row;
    EXPECT_EQ(by_fields.staff().total(), 40 + row);
    EXPECT_EQ(by_fields.staff().professional_ratings().has_good(), row != 1) << "unset clears";
    EXPECT_EQ(by_fields.staff().professional_ratings().fair(), 7) << "outside the paths";
    EXPECT_EQ(by_fields.titles_size(), 1);
  }
}

TEST(RegistryRulesTest, UnitKindsDecideWhatIsRequired) {
  v1::Unit school;
  school.set_name("units/S1");
  school.set_display_name("Trường THCS A");
  school.set_kind(type::v1::UNIT_KIND_SCHOOL);
  platform::ViolationList v;
  ValidateUnit(school, "unit.", &v);
  EXPECT_EQ(Fields(v), (std::set<std::string>{"unit.parent", "unit.district", "unit.level"}));

  v1::Unit department;
  department.set_display_name("Sở GD&ĐT");
  department.set_kind(type::v1::UNIT_KIND_DEPARTMENT);
  department.set_level(type::v1::EDUCATION_LEVEL_PRIMARY);
  department.set_parent("units/X");
  platform::ViolationList d;
  ValidateUnit(department, "", &d);
  EXPECT_EQ(Fields(d), (std::set<std::string>{"parent", "level"}));
}

TEST(RegistryRulesTest, YearlyFiguresMustAddUp) {
  v1::UnitYearlyRecord record;
  record.mutable_staff()->set_total(10);
  record.mutable_staff()->set_meeting_qualification_standard(11);
  record.mutable_staff()->mutable_professional_ratings()->set_good(6);
  record.mutable_staff()->mutable_professional_ratings()->set_fair(5);
  record.mutable_students()->set_assessed(100);
  record.mutable_students()->set_excellent(60);
  record.mutable_students()->set_good(50);
  record.mutable_students()->set_city_contest_entrants(-1);
  record.mutable_block_standing()->set_group("emulationBlocks/khoi-a");
  record.mutable_block_standing()->set_rank(5);
  record.mutable_block_standing()->set_group_size(3);
  platform::ViolationList v;
  ValidateUnitYearlyRecord(record, "", &v);
  EXPECT_EQ(Fields(v),
            (std::set<std::string>{"staff.meeting_qualification_standard",
                                   "staff.professional_ratings", "students.good",
                                   "students.city_contest_entrants", "block_standing.group_size"}));
  v1::UnitYearlyRecord fine;
  fine.mutable_staff()->set_total(10);
  fine.mutable_staff()->mutable_professional_ratings()->set_good(10);
  platform::ViolationList none;
  ValidateUnitYearlyRecord(fine, "", &none);
  EXPECT_TRUE(none.empty());
}

// Figures are named by their path under the caller's prefix: an element of a repeated field
// by its index, a date that is no date and an enum value the enum does not have by their own
// fields; the well-formed ones beside them are not named.
TEST(RegistryRulesTest, FiguresAreNamedByTheirPath) {
  v1::PersonYearlyRecord record;
  record.mutable_school_year()->set_start_year(2019);
  auto* fine = record.add_acknowledgements();
  fine->set_description("Ghi nhận");
  fine->mutable_acknowledged_on()->set_year(2020);
  fine->mutable_acknowledged_on()->set_month(2);
  fine->mutable_acknowledged_on()->set_day(29);  // 2020 is a leap year
  auto* wrong = record.add_acknowledgements();
  wrong->set_description("Ghi nhận");
  wrong->mutable_acknowledged_on()->set_year(2019);
  wrong->mutable_acknowledged_on()->set_month(2);
  wrong->mutable_acknowledged_on()->set_day(29);
  wrong->set_kind(static_cast<type::v1::AcknowledgementKind>(99));
  platform::ViolationList v;
  ValidatePersonYearlyRecord(record, "record.", &v);
  const std::set<std::string> fields = Fields(v);
  EXPECT_TRUE(fields.count("record.acknowledgements[1].acknowledged_on")) << v.ToStatus("").ToString();
  EXPECT_TRUE(fields.count("record.acknowledgements[1].kind")) << v.ToStatus("").ToString();
  EXPECT_FALSE(fields.count("record.acknowledgements[0].acknowledged_on"));
}

TEST(RegistryRulesTest, CanonicalFormMakesEqualFactsCompareEqual) {
  v1::Person a;
  a.set_display_name("  Nguyễn Văn A ");
  a.set_head_of("units/S1");
  a.set_post("Hiệu trưởng");  // nothing to trim: kept as it is
  a.set_unit(" ");            // only blanks: cleared
  Canonicalize(&a);
  EXPECT_EQ(a.display_name(), "Nguyễn Văn A");
  EXPECT_EQ(a.post(), "Hiệu trưởng");
  EXPECT_TRUE(a.unit().empty());
  EXPECT_TRUE(a.holds_leadership_post());
  v1::UnitYearlyRecord empty_staff, nothing;
  empty_staff.mutable_staff()->mutable_professional_ratings();
  Canonicalize(&empty_staff);
  EXPECT_FALSE(empty_staff.has_staff());
  nothing.set_etag("x");
  nothing.set_source("api");
  EXPECT_TRUE(SameFacts(empty_staff, nothing)) << "etag and source are not facts";
}

TEST(RegistryQueriesTest, FiltersTakeNamesCodesAndLabels) {
  auto q = ParseUnitFilter("district = \"916\" AND kind = SCHOOL AND level = \"Tiểu học\"");
  ASSERT_TRUE(q.ok()) << q.status();
  EXPECT_EQ(q->district, "districts/916");
  EXPECT_EQ(q->kind, type::v1::UNIT_KIND_SCHOOL);
  EXPECT_EQ(q->level, type::v1::EDUCATION_LEVEL_PRIMARY);
  EXPECT_FALSE(ParseUnitFilter("colour = red").ok());
  EXPECT_FALSE(ParseUnitFilter("school_year = 2019-2020").ok()) << "needs emulation_block";
  auto r = ParseUnitRecordQuery("units/-", "school_year = 2019-2020");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->start_year, 2019);
  EXPECT_FALSE(ParseUnitRecordQuery("units", "").ok());
}

}  // namespace
}  // namespace dienhinh::registry
