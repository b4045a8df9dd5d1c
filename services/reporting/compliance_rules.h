// Compliance (theo dõi, đôn đốc — monitoring and urging, P2): for a plan and school year, every
// unit that must file an annual report, and where it stands: ON_TIME, LATE (days late),
// MISSING (days overdue: on the urge list) or NOT_DUE. Plain C++: no gRPC, no SQL.
#ifndef DIENHINH_SERVICES_REPORTING_COMPLIANCE_RULES_H_
#define DIENHINH_SERVICES_REPORTING_COMPLIANCE_RULES_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "dienhinh/reporting/v1/compliance.pb.h"
#include "services/platform/plan/plan_file.h"
#include "services/reporting/annual_report_rules.h"

namespace dienhinh::reporting {

// A unit as the registry's feed describes it, with the site whose feed it came from.
struct RegisteredUnit {
  std::string site;
  std::string name;  // units/{unit}
  std::string display_name;
  std::string sort_key;  // CollationKey(display_name)
  std::string parent;
  std::string district;
  ::dienhinh::type::v1::UnitKind kind = ::dienhinh::type::v1::UNIT_KIND_UNSPECIFIED;
  ::dienhinh::type::v1::EducationLevel level = ::dienhinh::type::v1::EDUCATION_LEVEL_UNSPECIFIED;
};

// A filed annual report, as compliance needs it.
struct FiledReport {
  std::string name;
  absl::Time first_file_time;
  Timeliness timeliness;
};

// Whether the plan asks `unit` for an annual report: its kind is one the plan names, and, when
// the plan says so, it is directly under the plan's issuing unit (cơ sở giáo dục trực thuộc).
bool MustReport(const platform::Plan& plan, const RegisteredUnit& unit);

struct ComplianceFilter {
  std::string district;
  std::string site;
  std::optional<::dienhinh::type::v1::UnitKind> kind;
  std::optional<::dienhinh::type::v1::EducationLevel> level;
  std::optional<v1::ComplianceStatus> status;
};

enum class ComplianceOrder {
  kUnitDisplayName,  // the default, Vietnamese collation
  kDistrict,         // then unit display name
  kDaysOverdueDesc,  // the longest overdue first, then unit display name
};

// A row with the key it sorts by (compared element by element, bytewise), for keyset paging.
struct ComplianceEntry {
  v1::ComplianceRow row;
  std::vector<std::string> sort_key;
};

struct ComplianceSheet {
  std::vector<ComplianceEntry> entries;  // filtered and sorted
  v1::ComplianceTotals totals;           // over every filtered entry
  absl::Time due_time;                   // the first late instant
};

// Every unit of `units` that must report, judged at `now` against `reports` (keyed by unit
// name), filtered and sorted. FAILED_PRECONDITION when the plan asks for no annual report.
absl::StatusOr<ComplianceSheet> BuildCompliance(const platform::Plan& plan, int start_year,
                                                const std::vector<RegisteredUnit>& units,
                                                const std::map<std::string, FiledReport>& reports,
                                                absl::Time now, const ComplianceFilter& filter,
                                                ComplianceOrder order);

}  // namespace dienhinh::reporting

#endif  // DIENHINH_SERVICES_REPORTING_COMPLIANCE_RULES_H_
