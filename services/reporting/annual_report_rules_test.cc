// The annual report and compliance rules without a server: names, what a filing must hold, the
// 1 June deadline in Vietnamese local time, and which units compliance lists with which status.
#include "services/reporting/annual_report_rules.h"

#include <gtest/gtest.h>

#include <set>

#include "services/reporting/compliance_rules.h"
#include "services/reporting/upstream_feeds.h"
#include "services/reporting/testing/test_world.h"

namespace dienhinh::reporting {
namespace {

using testing::VietnamTime;

platform::PlanCatalog Plans() { return platform::PlanCatalog::FromPlans({testing::TestPlan()}); }

v1::FileAnnualReportRequest CompleteFiling() {
  v1::FileAnnualReportRequest request;
  request.set_parent("units/THPT001");
  request.set_request_id("req-1");
  v1::UnitAnnualReport* r = request.mutable_annual_report();
  r->set_plan(testing::kPlanName);
  r->mutable_school_year()->set_start_year(2019);
  r->set_programme("Chương trình xây dựng gương điển hình năm học 2019-2020");
  r->add_models("nominations/01J00000000000000000000001");
  auto* a = r->add_replication_activities();
  a->set_kind(v1::ReplicationActivity::KIND_SEMINAR);
  a->set_title("Hội thảo chuyên đề đổi mới sinh hoạt chuyên môn");
  a->mutable_date()->set_year(2020);
  a->mutable_date()->set_month(3);
  a->mutable_date()->set_day(12);
  return request;
}

std::set<std::string> FieldsOf(const platform::ViolationList& v) {
  std::set<std::string> fields;
  for (const auto& f : v.violations()) fields.insert(f.field);
  return fields;
}

TEST(AnnualReportRulesTest, NamesRoundTrip) {
  std::string name = AnnualReportName("units/92000701", "plans/can-tho-2019-2020", 2019);
  EXPECT_EQ(name, "units/92000701/annualReports/can-tho-2019-2020_2019-2020");
  auto key = ParseAnnualReportName(name);
  ASSERT_TRUE(key.has_value());
  EXPECT_EQ(key->unit, "units/92000701");
  EXPECT_EQ(key->plan, "plans/can-tho-2019-2020");
  EXPECT_EQ(key->start_year, 2019);
  for (const char* bad : {"", "units/x", "units//annualReports/p_2019-2020",
                          "units/x/annualReports/p_2019-2021", "units/x/annualReports/_2019-2020",
                          "units/x/reports/p_2019-2020", "units/x/annualReports/p-2019-2020"}) {
    EXPECT_FALSE(ParseAnnualReportName(bad).has_value()) << bad;
  }
  EXPECT_EQ(ParseSchoolYearText("2019-2020"), 2019);
  EXPECT_FALSE(ParseSchoolYearText("2019-2019").has_value());
  EXPECT_FALSE(ParseSchoolYearText("19-20").has_value());
}

TEST(AnnualReportRulesTest, ACompleteFilingPasses) {
  platform::ViolationList v;
  CheckFiling(CompleteFiling(), Plans(), v);
  EXPECT_TRUE(v.empty()) << v.ToStatus();
}

TEST(AnnualReportRulesTest, EachMistakeIsNamedByItsField) {
  v1::FileAnnualReportRequest request = CompleteFiling();
  request.set_parent("THPT001");
  request.clear_request_id();
  v1::UnitAnnualReport* r = request.mutable_annual_report();
  r->mutable_school_year()->set_start_year(2021);
  r->clear_programme();
  r->set_models(0, "units/THPT001");
  auto* a = r->mutable_replication_activities(0);
  a->set_kind(v1::ReplicationActivity::KIND_UNSPECIFIED);
  a->clear_title();
  a->mutable_date()->set_month(2);
  a->mutable_date()->set_day(30);
  auto* adopted = r->add_replication_activities();
  adopted->set_kind(v1::ReplicationActivity::KIND_MODEL_ADOPTED);
  adopted->set_title("Áp dụng mô hình");
  adopted->add_adopting_units("THPT002");
  platform::ViolationList v;
  CheckFiling(request, Plans(), v);
  EXPECT_EQ(FieldsOf(v), (std::set<std::string>{
                             "parent", "request_id", "annual_report.school_year",
                             "annual_report.programme", "annual_report.models[0]",
                             "annual_report.replication_activities[0].kind",
                             "annual_report.replication_activities[0].title",
                             "annual_report.replication_activities[0].date",
                             "annual_report.replication_activities[1].adopting_units[0]"}));

  v1::FileAnnualReportRequest unknown_plan = CompleteFiling();
  unknown_plan.mutable_annual_report()->set_plan("plans/nope");
  platform::ViolationList v2;
  CheckFiling(unknown_plan, Plans(), v2);
  EXPECT_EQ(FieldsOf(v2), (std::set<std::string>{"annual_report.plan"}));
}

TEST(AnnualReportRulesTest, DueAtTheEndOfOneJuneVietnamTime) {
  const platform::Plan plan = testing::TestPlan();
  auto on_time = JudgeTimeliness(plan, 2019, VietnamTime(2020, 6, 1, 23, 59));
  ASSERT_TRUE(on_time.ok()) << on_time.status();
  EXPECT_EQ(on_time->timeliness, v1::UnitAnnualReport::TIMELINESS_ON_TIME);
  EXPECT_EQ(on_time->days_late, 0);

  auto late = JudgeTimeliness(plan, 2019, VietnamTime(2020, 6, 2, 0, 1));
  ASSERT_TRUE(late.ok());
  EXPECT_EQ(late->timeliness, v1::UnitAnnualReport::TIMELINESS_LATE);
  EXPECT_EQ(late->days_late, 1);

  // 1 June 20:00 in UTC is 2 June 03:00 in Vietnam: late, although "1 June" in UTC.
  auto utc_evening = JudgeTimeliness(plan, 2019, absl::FromCivil(absl::CivilMinute(2020, 6, 1, 20, 0),
                                                                 absl::UTCTimeZone()));
  EXPECT_EQ(utc_evening->timeliness, v1::UnitAnnualReport::TIMELINESS_LATE);

  EXPECT_EQ(JudgeTimeliness(plan, 2019, VietnamTime(2020, 6, 5, 10, 0))->days_late, 4);
  // The first year of the plan is due on 1 June 2019.
  EXPECT_EQ(JudgeTimeliness(plan, 2018, VietnamTime(2019, 6, 1, 8, 0))->timeliness,
            v1::UnitAnnualReport::TIMELINESS_ON_TIME);
  EXPECT_EQ(JudgeTimeliness(plan, 2018, VietnamTime(2020, 5, 1, 8, 0))->days_late, 335);
}

std::vector<RegisteredUnit> Units() {
  std::vector<RegisteredUnit> out;
  for (const auto& u : testing::TestUnits()) {
    RegisteredUnit r;
    r.site = "test-site";
    r.name = u.name();
    r.display_name = u.display_name();
    r.sort_key = u.display_name();
    r.parent = u.parent();
    r.district = u.district();
    r.kind = u.kind();
    r.level = u.level();
    out.push_back(r);
  }
  return out;
}

std::map<std::string, FiledReport> Filed() {
  std::map<std::string, FiledReport> reports;
  reports["units/THPT001"] = {"units/THPT001/annualReports/test-2019-2020_2019-2020",
                              VietnamTime(2020, 5, 20),
                              {v1::UnitAnnualReport::TIMELINESS_ON_TIME, 0}};
  reports["units/THPT002"] = {"units/THPT002/annualReports/test-2019-2020_2019-2020",
                              VietnamTime(2020, 6, 2, 9, 0),
                              {v1::UnitAnnualReport::TIMELINESS_LATE, 1}};
  return reports;
}

std::map<std::string, v1::ComplianceStatus> StatusByUnit(const ComplianceSheet& sheet) {
  std::map<std::string, v1::ComplianceStatus> out;
  for (const auto& e : sheet.entries) out[e.row.unit()] = e.row.status();
  return out;
}

TEST(ComplianceRulesTest, ListsEveryUnitThatMustReportWithItsStatus) {
  auto sheet = BuildCompliance(testing::TestPlan(), 2019, Units(), Filed(),
                               VietnamTime(2020, 6, 4, 9, 0), {}, ComplianceOrder::kUnitDisplayName);
  ASSERT_TRUE(sheet.ok()) << sheet.status();
  // The department, the district office and the school under it do not report.
  EXPECT_EQ(StatusByUnit(*sheet), (std::map<std::string, v1::ComplianceStatus>{
                                      {"units/THPT001", v1::COMPLIANCE_STATUS_ON_TIME},
                                      {"units/THPT002", v1::COMPLIANCE_STATUS_LATE},
                                      {"units/THPT003", v1::COMPLIANCE_STATUS_MISSING},
                                      {"units/TT004", v1::COMPLIANCE_STATUS_MISSING}}));
  for (const auto& e : sheet->entries) {
    if (e.row.status() == v1::COMPLIANCE_STATUS_MISSING) {
      EXPECT_EQ(e.row.days_overdue(), 3);
    }
    if (e.row.status() == v1::COMPLIANCE_STATUS_LATE) {
      EXPECT_EQ(e.row.days_late(), 1);
    }
  }
  EXPECT_EQ(sheet->totals.units(), 4);
  EXPECT_EQ(sheet->totals.on_time(), 1);
  EXPECT_EQ(sheet->totals.late(), 1);
  EXPECT_EQ(sheet->totals.missing(), 2);
  EXPECT_EQ(sheet->due_time, VietnamTime(2020, 6, 2));
}

TEST(ComplianceRulesTest, BeforeTheDueDayNothingIsMissing) {
  auto sheet = BuildCompliance(testing::TestPlan(), 2019, Units(), Filed(),
                               VietnamTime(2020, 6, 1, 23, 59), {}, ComplianceOrder::kUnitDisplayName);
  ASSERT_TRUE(sheet.ok());
  EXPECT_EQ(sheet->totals.missing(), 0);
  EXPECT_EQ(sheet->totals.not_due(), 2);
}

TEST(ComplianceRulesTest, FiltersAndOrders) {
  ComplianceFilter filter;
  filter.district = "districts/916";
  auto sheet = BuildCompliance(testing::TestPlan(), 2019, Units(), Filed(), VietnamTime(2020, 6, 4),
                               filter, ComplianceOrder::kUnitDisplayName);
  ASSERT_TRUE(sheet.ok());
  EXPECT_EQ(sheet->totals.units(), 3) << "THPT001, THPT003, TT004";
  filter.status = v1::COMPLIANCE_STATUS_MISSING;
  filter.kind = ::dienhinh::type::v1::UNIT_KIND_CENTRE;
  sheet = BuildCompliance(testing::TestPlan(), 2019, Units(), Filed(), VietnamTime(2020, 6, 4), filter,
                          ComplianceOrder::kUnitDisplayName);
  ASSERT_EQ(sheet->entries.size(), 1u);
  EXPECT_EQ(sheet->entries[0].row.unit(), "units/TT004");

  auto overdue_first = BuildCompliance(testing::TestPlan(), 2019, Units(), Filed(),
                                       VietnamTime(2020, 6, 4), {}, ComplianceOrder::kDaysOverdueDesc);
  ASSERT_EQ(overdue_first->entries.size(), 4u);
  EXPECT_EQ(overdue_first->entries[0].row.status(), v1::COMPLIANCE_STATUS_MISSING);
  EXPECT_EQ(overdue_first->entries[1].row.status(), v1::COMPLIANCE_STATUS_MISSING);
}

TEST(UpstreamFeedsTest, EntriesNameTheConsumerTheSourceAndTheTarget) {
  auto feeds = ParseUpstreamFeeds(DefaultUpstreamFeedEntries());
  ASSERT_TRUE(feeds.ok()) << feeds.status();
  ASSERT_EQ(feeds->size(), 3u);
  EXPECT_EQ((*feeds)[1].name, "intake");
  EXPECT_EQ((*feeds)[1].target, "127.0.0.1:50052");

  auto city = ParseUpstreamFeeds({"registry@ninh-kieu=10.0.0.5:50051", "registry@cai-rang=10.0.0.6:50051",
                                  " evaluation@ninh-kieu=[::1]:50053"});
  ASSERT_TRUE(city.ok()) << city.status();
  EXPECT_EQ((*city)[0].name, "registry@ninh-kieu");
  EXPECT_EQ((*city)[0].source, "registry");
  EXPECT_EQ((*city)[2].source, "evaluation");
  EXPECT_EQ((*city)[2].target, "[::1]:50053");

  auto bad = ParseUpstreamFeeds({"registry=127.0.0.1:1", "registry=127.0.0.1:2", "reporting=x:1",
                                 "intake", "intake@=h:1", "evaluation=nohost"});
  ASSERT_FALSE(bad.ok());
  std::set<std::string> fields;
  for (const auto& v : platform::FieldViolationsOf(bad.status())) fields.insert(v.field);
  EXPECT_EQ(fields, (std::set<std::string>{"upstream_feeds[1]", "upstream_feeds[2]", "upstream_feeds[3]",
                                           "upstream_feeds[4]", "upstream_feeds[5]"}));
}

}  // namespace
}  // namespace dienhinh::reporting
