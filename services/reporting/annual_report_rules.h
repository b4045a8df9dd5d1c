// Unit annual reports (báo cáo năm, P1) as the plan sets them: names, what a filing must hold,
// and whether it came in by the due day (1 June in the Can Tho plan, Asia/Ho_Chi_Minh time).
// Plain C++ over protobuf messages: no gRPC, no SQL.
#ifndef DIENHINH_SERVICES_REPORTING_ANNUAL_REPORT_RULES_H_
#define DIENHINH_SERVICES_REPORTING_ANNUAL_REPORT_RULES_H_

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "dienhinh/reporting/v1/reporting_service.pb.h"
#include "services/platform/plan/plan_file.h"
#include "services/platform/status/error_details.h"

namespace dienhinh::reporting {

// "2019-2020" for 2019: the only text form of a school year.
std::string SchoolYearText(int start_year);
// 2019 for "2019-2020"; nullopt for anything else.
std::optional<int> ParseSchoolYearText(absl::string_view text);

// The code in "units/{code}"; nullopt when `name` is not a unit name.
std::optional<std::string> UnitCodeOf(absl::string_view name);
// Whether `name` is "{prefix}{id}" with a non-empty id without '/'.
bool IsResourceName(absl::string_view name, absl::string_view prefix);

// `units/{unit}/annualReports/{plan id}_{school year}`.
std::string AnnualReportName(absl::string_view unit_name, absl::string_view plan_name,
                             int start_year);

struct AnnualReportKey {
  std::string unit;  // units/{unit}
  std::string plan;  // plans/{plan}
  int start_year = 0;
};
// The parts of an annual report's name; nullopt when it is not one.
std::optional<AnnualReportKey> ParseAnnualReportName(absl::string_view name);

// Every problem of a filing, as field violations (paths from the request's root): the parent,
// the plan (known, asking for annual reports), the school year (one of the plan's), the
// programme, the activities, the references to nominations and units, the lengths.
void CheckFiling(const v1::FileAnnualReportRequest& request, const platform::PlanCatalog& plans,
                 platform::ViolationList& violations);

struct Timeliness {
  v1::UnitAnnualReport::Timeliness timeliness = v1::UnitAnnualReport::TIMELINESS_UNSPECIFIED;
  int days_late = 0;  // whole local calendar days after the due day; 0 when on time
};

// Judged on the first filing: on time up to the end of the due day, local time; from the next
// day's 00:00 late by the number of calendar days between the due day and the filing day.
absl::StatusOr<Timeliness> JudgeTimeliness(const platform::Plan& plan, int start_year,
                                           absl::Time first_filed);

// Whole local calendar days from the due day to the day of `now` (0 on or before the due day).
absl::StatusOr<int> DaysAfterDueDay(const platform::Plan& plan, int start_year, absl::Time now);

}  // namespace dienhinh::reporting

#endif  // DIENHINH_SERVICES_REPORTING_ANNUAL_REPORT_RULES_H_
