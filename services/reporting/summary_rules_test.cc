// The congress summary, the recognised-model list and the replication counts without a server:
// counts and rates by district × category × level, per year and over the period; Vietnamese
// order of the models; the models taken up most first; kept cells adding up to the same summary.
#include "services/reporting/summary_rules.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <tuple>

#include "services/reporting/replication_rules.h"

namespace dienhinh::reporting {
namespace {

using ::dienhinh::evaluation::v1::VERDICT_NOT_QUALIFIED;
using ::dienhinh::evaluation::v1::VERDICT_PENDING;
using ::dienhinh::evaluation::v1::VERDICT_QUALIFIED;
using namespace ::dienhinh::type::v1;  // NOLINT

NominationFacts Fact(std::string name, std::string district, Category category, EducationLevel level,
                     std::vector<int> years, ::dienhinh::evaluation::v1::Verdict verdict,
                     Recognition recognition) {
  NominationFacts f;
  f.site = "s";
  f.name = std::move(name);
  f.district = std::move(district);
  f.category = category;
  f.level = level;
  f.start_years = std::move(years);
  f.verdict = verdict;
  f.recognition = recognition;
  return f;
}

std::vector<NominationFacts> Facts() {
  return {
      Fact("n1", "districts/916", CATEGORY_INSTITUTION, EDUCATION_LEVEL_UPPER_SECONDARY, {2019},
           VERDICT_QUALIFIED, Recognition::kRecognised),
      Fact("n2", "districts/916", CATEGORY_INSTITUTION, EDUCATION_LEVEL_UPPER_SECONDARY, {2018, 2019},
           VERDICT_QUALIFIED, Recognition::kRevoked),
      Fact("n3", "districts/916", CATEGORY_INSTITUTION, EDUCATION_LEVEL_UPPER_SECONDARY, {2019},
           VERDICT_NOT_QUALIFIED, Recognition::kNone),
      Fact("n4", "districts/918", CATEGORY_OFFICIAL, EDUCATION_LEVEL_UPPER_SECONDARY, {2018},
           VERDICT_PENDING, Recognition::kNone),
      Fact("n5", "districts/916", CATEGORY_OFFICIAL, EDUCATION_LEVEL_PRIMARY, {2019},
           VERDICT_QUALIFIED, Recognition::kNone),
  };
}

TEST(SummaryRulesTest, RatesAreBasisPointsRoundedHalfUp) {
  EXPECT_EQ(RateBasisPoints(1, 3), 3333);
  EXPECT_EQ(RateBasisPoints(2, 3), 6667);
  EXPECT_EQ(RateBasisPoints(3, 3), 10000);
  EXPECT_EQ(RateBasisPoints(0, 0), 0);
}

TEST(SummaryRulesTest, GroupsByDistrictCategoryAndLevelForAYear) {
  v1::Summary s = Summarize("plans/p", 2019, {}, Facts(), {});
  ASSERT_EQ(s.rows_size(), 2) << s.DebugString();
  // Sorted by district, then category, then level.
  const v1::SummaryRow& institutions = s.rows(0);
  EXPECT_EQ(institutions.district(), "districts/916");
  EXPECT_EQ(institutions.category(), CATEGORY_INSTITUTION);
  EXPECT_EQ(institutions.level(), EDUCATION_LEVEL_UPPER_SECONDARY);
  EXPECT_EQ(institutions.nominations(), 3);
  EXPECT_EQ(institutions.qualified(), 2);
  EXPECT_EQ(institutions.recognised(), 1);
  EXPECT_EQ(institutions.revoked(), 1);
  EXPECT_EQ(institutions.qualified_rate_bp(), 6667);
  EXPECT_EQ(institutions.recognised_rate_bp(), 3333);
  EXPECT_EQ(s.rows(1).category(), CATEGORY_OFFICIAL);
  EXPECT_EQ(s.rows(1).level(), EDUCATION_LEVEL_PRIMARY);
  EXPECT_EQ(s.total().nominations(), 4) << "n4 covers 2018-2019 only";
  EXPECT_EQ(s.total().qualified(), 3);
  EXPECT_EQ(s.total().qualified_rate_bp(), 7500);
  EXPECT_EQ(s.school_year().start_year(), 2019);
}

TEST(SummaryRulesTest, AcrossThePeriodAndByOneDimension) {
  v1::Summary s = Summarize("plans/p", std::nullopt, {v1::SUMMARY_DIMENSION_DISTRICT}, Facts(), {});
  ASSERT_EQ(s.rows_size(), 2);
  EXPECT_EQ(s.rows(0).district(), "districts/916");
  EXPECT_EQ(s.rows(0).nominations(), 4);
  EXPECT_EQ(s.rows(0).category(), CATEGORY_UNSPECIFIED) << "not grouped by category";
  EXPECT_EQ(s.rows(1).district(), "districts/918");
  EXPECT_EQ(s.rows(1).nominations(), 1);
  EXPECT_EQ(s.total().nominations(), 5);
  EXPECT_FALSE(s.has_school_year());

  SummaryFilter officials;
  officials.category = CATEGORY_OFFICIAL;
  EXPECT_EQ(Summarize("plans/p", std::nullopt, {}, Facts(), officials).total().nominations(), 2);
}

TEST(SummaryRulesTest, ANominationIsCountedUnderThePeriodAndEachYearItCoversOnce) {
  NominationFacts n = Fact("n", "districts/916", CATEGORY_INSTITUTION,
                           EDUCATION_LEVEL_UPPER_SECONDARY, {2019, 2018, 2019, 0},
                           VERDICT_QUALIFIED, Recognition::kRevoked);
  EXPECT_EQ(CountedYears(n), (std::vector<int>{kWholePeriod, 2018, 2019}));
  SummaryCell c = CellOf(n);
  EXPECT_EQ(c.nominations, 1);
  EXPECT_EQ(c.qualified, 1);
  EXPECT_EQ(c.recognised, 0);
  EXPECT_EQ(c.revoked, 1);
}

TEST(SummaryRulesTest, CellsAddUpToTheSummaryOfTheirNominations) {
  // The cells a read model would keep: the nominations' counts added up per site, district,
  // category and level, for each year and the period, with an emptied cell left over.
  for (std::optional<int> year : {std::optional<int>(), std::optional<int>(2018),
                                  std::optional<int>(2019)}) {
    std::map<std::tuple<std::string, std::string, int, int>, SummaryCell> cells;
    for (const NominationFacts& n : Facts()) {
      std::vector<int> years = CountedYears(n);
      if (std::find(years.begin(), years.end(), year.value_or(kWholePeriod)) == years.end()) {
        continue;
      }
      SummaryCell one = CellOf(n);
      SummaryCell& c = cells[{one.site, one.district, one.category, one.level}];
      if (c.nominations == 0) {
        c = one;
        continue;
      }
      c.nominations += one.nominations;
      c.qualified += one.qualified;
      c.recognised += one.recognised;
      c.revoked += one.revoked;
    }
    std::vector<SummaryCell> kept;
    for (const auto& [key, c] : cells) kept.push_back(c);
    SummaryCell emptied;
    emptied.site = "s";
    emptied.district = "districts/999";
    kept.push_back(emptied);
    SummaryFilter in_916;
    in_916.district = "districts/916";
    for (const SummaryFilter& filter : {SummaryFilter(), in_916}) {
      for (const auto& group_by : std::vector<std::vector<v1::SummaryDimension>>{
               {}, {v1::SUMMARY_DIMENSION_LEVEL}, {v1::SUMMARY_DIMENSION_CATEGORY}}) {
        EXPECT_EQ(SummarizeCells("plans/p", year, group_by, kept, filter).SerializeAsString(),
                  Summarize("plans/p", year, group_by, Facts(), filter).SerializeAsString())
            << "year " << year.value_or(0);
      }
    }
  }
}

RecognisedModelEntry Model(std::string nomination, std::string name, int adoptions, int day) {
  RecognisedModelEntry e;
  e.site = "s";
  e.model.set_nomination(std::move(nomination));
  e.model.set_nominee_display_name(std::move(name));
  e.model.set_adoptions(adoptions);
  e.model.mutable_decision_date()->set_year(2020);
  e.model.mutable_decision_date()->set_month(7);
  e.model.mutable_decision_date()->set_day(day);
  e.model.set_district("districts/916");
  e.model.add_school_years()->set_start_year(2019);
  return e;
}

std::vector<std::string> Names(const std::vector<RecognisedModelEntry>& models) {
  std::vector<std::string> out;
  for (const auto& m : models) out.push_back(m.model.nominee_display_name());
  return out;
}

TEST(SummaryRulesTest, RecognisedModelsSortInVietnameseOrder) {
  std::vector<RecognisedModelEntry> models = {
      Model("nominations/1", "Trường THPT Em Bé", 0, 3), Model("nominations/2", "Nguyễn Văn Ánh", 5, 1),
      Model("nominations/3", "Trường THPT Đông Thạnh", 2, 2), Model("nominations/4", "Bùi Thị Hoa", 1, 4)};
  // Bytewise, "Đ" (U+0110) sorts after "E" and after "N"; in Vietnamese Đ follows D.
  EXPECT_EQ(Names(SelectRecognisedModels(models, {}, RecognisedModelOrder::kNomineeDisplayName)),
            (std::vector<std::string>{"Bùi Thị Hoa", "Nguyễn Văn Ánh", "Trường THPT Đông Thạnh",
                                      "Trường THPT Em Bé"}));
  EXPECT_EQ(Names(SelectRecognisedModels(models, {}, RecognisedModelOrder::kAdoptionsDesc))[0],
            "Nguyễn Văn Ánh");
  EXPECT_EQ(Names(SelectRecognisedModels(models, {}, RecognisedModelOrder::kDecisionDate))[0],
            "Nguyễn Văn Ánh");
  RecognisedModelFilter other_year;
  other_year.start_year = 2018;
  EXPECT_TRUE(SelectRecognisedModels(models, other_year, RecognisedModelOrder::kNomineeDisplayName).empty());
}

ReplicationFacts Take(std::string model, std::string name, std::string unit, std::string district) {
  ReplicationFacts f;
  f.record.set_model(std::move(model));
  f.record.set_adopting_unit(std::move(unit));
  f.record.set_district(std::move(district));
  f.nominee_display_name = std::move(name);
  f.category = CATEGORY_INSTITUTION;
  return f;
}

TEST(ReplicationRulesTest, CountsPerModelMostTakenUpFirstAndPerDistrict) {
  std::vector<ReplicationFacts> facts = {
      Take("nominations/a", "Trường A", "units/U1", "districts/916"),
      Take("nominations/b", "Trường B", "units/U1", "districts/916"),
      Take("nominations/b", "Trường B", "units/U2", "districts/918"),
      Take("nominations/b", "Trường B", "units/U2", "districts/918"),
  };
  v1::ReplicationStats stats = ComputeReplicationStats("plans/p", facts, {});
  EXPECT_EQ(stats.total_adoptions(), 4);
  ASSERT_EQ(stats.models_size(), 2);
  EXPECT_EQ(stats.models(0).model(), "nominations/b");
  EXPECT_EQ(stats.models(0).adoptions(), 3);
  EXPECT_EQ(stats.models(0).adopting_units(), 2);
  EXPECT_EQ(stats.models(0).districts(), 2);
  ASSERT_EQ(stats.districts_size(), 2);
  EXPECT_EQ(stats.districts(0).district(), "districts/916");
  EXPECT_EQ(stats.districts(0).adoptions(), 2);
  EXPECT_EQ(stats.districts(0).models(), 2);
  ReplicationFilter only_918;
  only_918.district = "districts/918";
  EXPECT_EQ(ComputeReplicationStats("plans/p", facts, only_918).total_adoptions(), 2);
}

}  // namespace
}  // namespace dienhinh::reporting
