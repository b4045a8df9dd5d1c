#include "services/platform/plan/plan_file.h"

#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"

namespace dienhinh::platform {
namespace {

constexpr char kPlan[] = R"pb(
  name: "plans/test-2019-2020"
  title { vi: "Kế hoạch thử" en: "Test plan" }
  school_years { start_year: 2018 }
  school_years { start_year: 2019 }
  nomination_windows {
    category: CATEGORY_INSTITUTION
    opens { date { year: 2020 month: 3 day: 1 } }
    closes { date { year: 2020 month: 5 day: 1 } }
    time_zone: "Asia/Ho_Chi_Minh"
  }
  nomination_windows {
    opens { date { year: 2020 month: 4 day: 1 } }
    closes { date { year: 2020 month: 4 day: 15 } hours: 17 }
    time_zone: "Asia/Ho_Chi_Minh"
  }
  annual_report { due_month: 6 due_day: 1 time_zone: "Asia/Ho_Chi_Minh" }
  categories { category: CATEGORY_INSTITUTION }
  categories { category: CATEGORY_LEADER }
  catalog_version: "1"
  criteria { id: "I5" text { vi: "hàng năm hoàn thành xuất sắc" } categories: CATEGORY_INSTITUTION kind: KIND_RATING_EVERY_YEAR }
)pb";

absl::Time Local(int y, int m, int d, int hh, int mm, int ss = 0) {
  return absl::FromCivil(absl::CivilSecond(y, m, d, hh, mm, ss), absl::FixedTimeZone(7 * 3600));
}

TEST(PlanFileTest, ParsesAndValidates) {
  auto plan = ParsePlan(kPlan, "test.textproto");
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_EQ(plan->criteria(0).id(), "I5");
}

TEST(PlanFileTest, ASyntaxErrorNamesFileAndLine) {
  std::string broken = absl::StrCat(kPlan, "\n  criteria { id: \"X\" kind: NOT_A_KIND }\n");
  auto plan = ParsePlan(broken, "plans/broken.textproto");
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(plan.status().message().find("plans/broken.textproto:23:39:"), absl::string_view::npos)
      << plan.status();
  auto unknown = ParsePlan(absl::StrCat(kPlan, "\n no_such_field: 1\n"), "x.textproto");
  EXPECT_NE(unknown.status().message().find("no_such_field"), absl::string_view::npos);
}

TEST(PlanFileTest, StructuralMistakesAreNamedByField) {
  auto plan = ParsePlan(absl::StrCat(kPlan, R"pb(
    criteria { id: "I5" text { vi: "x" } categories: CATEGORY_OFFICIAL kind: KIND_ATTESTATION }
  )pb"),
                        "dup.textproto");
  ASSERT_FALSE(plan.ok());
  EXPECT_NE(plan.status().message().find("criteria[1].id"), absl::string_view::npos);
  EXPECT_NE(plan.status().message().find("criteria[1].categories[0]"), absl::string_view::npos)
      << "a criterion for a category the plan does not have";
}

TEST(PlanFileTest, WindowsAreLocalTimeOpenInclusiveCloseExclusive) {
  Plan plan = *ParsePlan(kPlan, "test.textproto");
  using type::v1::CATEGORY_INSTITUTION;
  using type::v1::CATEGORY_LEADER;
  using type::v1::CATEGORY_OFFICIAL;
  EXPECT_EQ(NominationWindowState(plan, CATEGORY_INSTITUTION, Local(2020, 2, 29, 23, 59, 59)),
            WindowState::kNotYetOpen);
  EXPECT_EQ(NominationWindowState(plan, CATEGORY_INSTITUTION, Local(2020, 3, 1, 0, 0)),
            WindowState::kOpen);
  EXPECT_EQ(NominationWindowState(plan, CATEGORY_INSTITUTION, Local(2020, 4, 30, 23, 59, 59)),
            WindowState::kOpen);
  EXPECT_EQ(NominationWindowState(plan, CATEGORY_INSTITUTION, Local(2020, 5, 1, 0, 0)),
            WindowState::kClosed);
  // Categories without their own window use the window without a category.
  EXPECT_EQ(NominationWindowState(plan, CATEGORY_LEADER, Local(2020, 4, 15, 16, 59)),
            WindowState::kOpen);
  EXPECT_EQ(NominationWindowState(plan, CATEGORY_LEADER, Local(2020, 4, 15, 17, 0)),
            WindowState::kClosed);
  // 2020-04-15 10:30 UTC is 17:30 in Vietnam: closed, although it is before 17:00 UTC.
  EXPECT_EQ(NominationWindowState(plan, CATEGORY_OFFICIAL,
                                  absl::FromCivil(absl::CivilSecond(2020, 4, 15, 10, 30, 0),
                                                  absl::UTCTimeZone())),
            WindowState::kClosed);
}

TEST(PlanFileTest, TheAnnualReportIsLateFromTheDayAfterTheDueDayLocalTime) {
  Plan plan = *ParsePlan(kPlan, "test.textproto");
  auto late_from = AnnualReportLateFrom(plan, 2019);
  ASSERT_TRUE(late_from.ok());
  EXPECT_LT(Local(2020, 6, 1, 23, 59), *late_from) << "1 June 23:59 is on time";
  EXPECT_GE(Local(2020, 6, 2, 0, 1), *late_from) << "2 June 00:01 is late";
  EXPECT_EQ(*late_from, Local(2020, 6, 2, 0, 0));
}

TEST(PlanFileTest, ATimeZoneIsAZoneNameNeverAFilePath) {
  EXPECT_TRUE(PlanTimeZone("Asia/Ho_Chi_Minh").ok());
  EXPECT_TRUE(PlanTimeZone("UTC").ok());
  for (const char* bad : {"/etc/passwd", "../../../../etc/passwd", "Asia/../../etc/hosts",
                          "Asia//Ho_Chi_Minh", "Asia/Ho Chi Minh", "", "Asia/Ho_Chi_Minh/"}) {
    auto zone = PlanTimeZone(bad);
    EXPECT_EQ(zone.status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
}

TEST(PlanFileTest, TheCommittedPlansLoad) {
  auto catalog = PlanCatalog::LoadDirectory(DH_PLANS_DIR);
  if (!catalog.ok() && catalog.status().code() == absl::StatusCode::kNotFound) {
    GTEST_SKIP() << "no plan files yet: " << catalog.status();
  }
  ASSERT_TRUE(catalog.ok()) << catalog.status();
  EXPECT_FALSE(catalog->plans().empty());
}

}  // namespace
}  // namespace dienhinh::platform
