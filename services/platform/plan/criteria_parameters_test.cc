#include "services/platform/plan/criteria_parameters.h"

#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"

namespace dienhinh::platform {
namespace {

// A small plan whose criteria can be evaluated; each test breaks one thing.
constexpr char kPlan[] = R"pb(name: "plans/test-2019-2020"
title { vi: "Kế hoạch thử" }
school_years { start_year: 2018 }
school_years { start_year: 2019 }
categories { category: CATEGORY_INSTITUTION nominee_kind: NOMINEE_KIND_COLLECTIVE }
categories { category: CATEGORY_OFFICIAL nominee_kind: NOMINEE_KIND_INDIVIDUAL }
catalog_version: "1"
council { required_share { minimum_share_bp: 9000 base: VOTE_BASE_MEMBERS } }
criteria {
  id: "G0"
  text { vi: "được tập thể thừa nhận" en: "acknowledged" }
  categories: [ CATEGORY_INSTITUTION, CATEGORY_OFFICIAL ]
  kind: KIND_VOTE_SHARE
  vote_share { minimum_share_bp: 7000 base: VOTE_BASE_PRESENT }
}
criteria {
  id: "I3"
  text { vi: "tăng đều qua các năm" en: "rise steadily" }
  categories: CATEGORY_INSTITUTION
  kind: KIND_TREND
  trend {
    series { figure: FIGURE_GOOD_STUDENT_RATE_BP strictness: TREND_STRICTNESS_NON_DECREASING }
  }
}
)pb";

TEST(CriteriaParametersTest, AnEvaluablePlanPasses) {
  auto plan = ParseCheckedPlan(kPlan, "test.textproto");
  ASSERT_TRUE(plan.ok()) << plan.status();
}

TEST(CriteriaParametersTest, AViolationNamesTheLineOfTheField) {
  std::string broken = absl::StrReplaceAll(
      kPlan, {{"strictness: TREND_STRICTNESS_NON_DECREASING", "tolerance: 5"}});
  auto plan = ParseCheckedPlan(broken, "plans/broken.textproto");
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.status().code(), absl::StatusCode::kInvalidArgument);
  // The series is on line 22; its strictness is missing, so the series' own line is named.
  EXPECT_NE(plan.status().message().find(
                "plans/broken.textproto:22:5: criteria[1].trend.series[0].strictness: is required"),
            absl::string_view::npos)
      << plan.status();
  EXPECT_NE(plan.status().message().find("criteria[1].trend.series[0].tolerance"),
            absl::string_view::npos)
      << plan.status();
}

TEST(CriteriaParametersTest, KindAndParametersMustAgree) {
  std::string broken = absl::StrReplaceAll(kPlan, {{"kind: KIND_VOTE_SHARE", "kind: KIND_STANDING"}});
  auto plan = ParseCheckedPlan(broken, "x.textproto");
  ASSERT_FALSE(plan.ok());
  EXPECT_NE(plan.status().message().find("x.textproto:13:3: criteria[0].kind: KIND_STANDING needs its "
                                         "parameters in `standing`"),
            absl::string_view::npos)
      << plan.status();
}

TEST(CriteriaParametersTest, SharesAndScopesAreChecked) {
  auto plan = ParseCheckedPlan(absl::StrCat(kPlan, R"pb(
criteria {
  id: "G2"
  text { vi: "dẫn đầu" en: "leads" }
  categories: [ CATEGORY_INSTITUTION, CATEGORY_OFFICIAL ]
  kind: KIND_STANDING
  standing { scope: STANDING_SCOPE_EMULATION_BLOCK top_share_bp: 12000 }
}
criteria {
  id: "S3"
  text { vi: "ghi nhận" en: "acknowledged" }
  categories: CATEGORY_INSTITUTION
  kind: KIND_RECORD_ON_FILE
  record_on_file { acknowledgement_kind: ACKNOWLEDGEMENT_KIND_HO_CHI_MINH_EXAMPLE }
}
)pb"),
                               "x.textproto");
  ASSERT_FALSE(plan.ok());
  const std::string message(plan.status().message());
  EXPECT_NE(message.find("criteria[2].standing.scope"), std::string::npos) << message;
  EXPECT_NE(message.find("criteria[2].standing.top_share_bp"), std::string::npos) << message;
  EXPECT_NE(message.find("criteria[3].categories"), std::string::npos) << message;
}

TEST(CriteriaParametersTest, ASyntaxErrorStillNamesTheLine) {
  auto plan = ParseCheckedPlan(absl::StrCat(kPlan, "criteria { id: \"X\" kind: NOT_A_KIND }\n"),
                               "plans/x.textproto");
  ASSERT_FALSE(plan.ok());
  EXPECT_NE(plan.status().message().find("plans/x.textproto:25:37:"), absl::string_view::npos)
      << plan.status();
}

TEST(CriteriaParametersTest, TheCommittedPlansCanBeEvaluated) {
  auto catalog = LoadCheckedPlanDirectory(DH_PLANS_DIR);
  ASSERT_TRUE(catalog.ok()) << catalog.status();
  EXPECT_NE(catalog->Find("plans/can-tho-2019-2020"), nullptr);
}

}  // namespace
}  // namespace dienhinh::platform
