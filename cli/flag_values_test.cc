// What people type becomes the right request field, and a typo becomes an error that names the
// flag and the values allowed.
#include "cli/flag_values.h"

#include <gtest/gtest.h>

#include "dienhinh/evaluation/v1/attestation_review.pb.h"
#include "dienhinh/evaluation/v1/council_decision.pb.h"
#include "services/platform/status/error_details.h"

namespace dienhinh::cli {
namespace {

namespace ev1 = dienhinh::evaluation::v1;

TEST(FlagValuesTest, ResourceNamesGetTheirCollectionOnce) {
  EXPECT_EQ(ResourceName("nominations", "01ABC"), "nominations/01ABC");
  EXPECT_EQ(ResourceName("nominations", "nominations/01ABC"), "nominations/01ABC");
  EXPECT_EQ(ResourceName("units", "TH-916-001"), "units/TH-916-001");
}

TEST(FlagValuesTest, SchoolYearsAsWrittenInThePlan) {
  auto year = ParseSchoolYear("year", "2019-2020");
  ASSERT_TRUE(year.ok());
  EXPECT_EQ(year->start_year(), 2019);
  EXPECT_EQ(SchoolYearText(*year), "2019-2020");
  EXPECT_EQ(ParseSchoolYear("year", "2019")->start_year(), 2019);
  for (const char* bad : {"2019-2021", "19-20", "", "năm 2019", "2019-2020-2021"}) {
    auto wrong = ParseSchoolYear("year", bad);
    ASSERT_FALSE(wrong.ok()) << bad;
    EXPECT_EQ(wrong.status().code(), absl::StatusCode::kInvalidArgument);
    ASSERT_EQ(platform::FieldViolationsOf(wrong.status()).size(), 1u) << bad;
    EXPECT_EQ(platform::FieldViolationsOf(wrong.status())[0].field, "year");
  }
}

TEST(FlagValuesTest, DatesMustBeRealCalendarDays) {
  auto date = ParseDate("date", "2020-08-20");
  ASSERT_TRUE(date.ok());
  EXPECT_EQ(DateText(*date), "2020-08-20");
  EXPECT_TRUE(ParseDate("date", "2020-02-29").ok());  // a leap year
  for (const char* bad : {"2019-02-29", "2020-13-01", "20-08-2020", "2020/08/20", ""}) {
    EXPECT_FALSE(ParseDate("date", bad).ok()) << bad;
  }
}

TEST(FlagValuesTest, EnumsByTheirShortWordInAnyCase) {
  const auto* reasons = ev1::Revocation::Reason_descriptor();
  EXPECT_EQ(*ParseEnumWord("reason", reasons, "REASON_", "false-dossier"),
            ev1::Revocation::REASON_FALSE_DOSSIER);
  EXPECT_EQ(*ParseEnumWord("reason", reasons, "REASON_", "Criteria_Not_Met"),
            ev1::Revocation::REASON_CRITERIA_NOT_MET);
  EXPECT_EQ(*ParseEnumWord("reason", reasons, "REASON_", "REASON_REVIEW_BROKE_RULES"),
            ev1::Revocation::REASON_REVIEW_BROKE_RULES);
  auto unspecified = ParseEnumWord("reason", reasons, "REASON_", "unspecified");
  ASSERT_FALSE(unspecified.ok());
  EXPECT_NE(unspecified.status().message().find("false-dossier"), absl::string_view::npos)
      << unspecified.status();
  EXPECT_EQ(EnumWord(ev1::AttestationReview::Decision_descriptor(), "DECISION_",
                     ev1::AttestationReview::DECISION_ACCEPTED),
            "accepted");
  EXPECT_EQ(EnumWord(reasons, "REASON_", 99), "99");  // a value from a newer server
}

TEST(FlagValuesTest, PercentagesAndLists) {
  EXPECT_EQ(PercentText(4550), "45.5%");
  EXPECT_EQ(PercentText(10000), "100%");
  EXPECT_EQ(PercentText(1234), "12.34%");
  EXPECT_EQ(PercentText(0), "0%");
  EXPECT_EQ(SplitList(" G1, I2,,S3 "), (std::vector<std::string>{"G1", "I2", "S3"}));
}

TEST(FlagValuesTest, TimesInVietnam) {
  // 2020-06-01 17:00 UTC is midnight on 2 June in Hồ Chí Minh City (UTC+7).
  EXPECT_EQ(LocalTimeText(1591030800), "2020-06-02 00:00");
  EXPECT_EQ(LocalTimeText(0), "");
}

}  // namespace
}  // namespace dienhinh::cli
