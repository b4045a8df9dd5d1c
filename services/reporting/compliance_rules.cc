#include "services/reporting/compliance_rules.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "google/protobuf/util/time_util.h"

namespace dienhinh::reporting {
namespace {

using ::google::protobuf::util::TimeUtil;

google::protobuf::Timestamp ToProto(absl::Time t) {
  return TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(t));
}

bool Matches(const ComplianceFilter& f, const v1::ComplianceRow& row) {
  if (!f.district.empty() && row.district() != f.district) return false;
  if (!f.site.empty() && row.site() != f.site) return false;
  if (f.kind && row.kind() != *f.kind) return false;
  if (f.level && row.level() != *f.level) return false;
  if (f.status && row.status() != *f.status) return false;
  return true;
}

std::vector<std::string> SortKey(const v1::ComplianceRow& row, const std::string& name_key,
                                 ComplianceOrder order) {
  switch (order) {
    case ComplianceOrder::kDistrict:
      return {row.district(), name_key, row.site(), row.unit()};
    case ComplianceOrder::kDaysOverdueDesc:
      // Descending by days as an ascending, fixed-width string.
      return {absl::StrFormat("%010d", 999999999 - row.days_overdue()), name_key, row.site(),
              row.unit()};
    case ComplianceOrder::kUnitDisplayName:
      break;
  }
  return {name_key, row.site(), row.unit()};
}

}  // namespace

bool MustReport(const platform::Plan& plan, const RegisteredUnit& unit) {
  if (!plan.has_annual_report()) return false;
  const auto& kinds = plan.annual_report().unit_kinds();
  if (std::find(kinds.begin(), kinds.end(), unit.kind) == kinds.end()) return false;
  if (plan.annual_report().directly_affiliated_only() && unit.parent != plan.issuing_unit()) {
    return false;
  }
  return true;
}

absl::StatusOr<ComplianceSheet> BuildCompliance(const platform::Plan& plan, int start_year,
                                                const std::vector<RegisteredUnit>& units,
                                                const std::map<std::string, FiledReport>& reports,
                                                absl::Time now, const ComplianceFilter& filter,
                                                ComplianceOrder order) {
  if (!plan.has_annual_report()) {
    return absl::FailedPreconditionError(absl::StrCat(plan.name(), " asks for no annual report"));
  }
  auto late_from = platform::AnnualReportLateFrom(plan, start_year);
  if (!late_from.ok()) return late_from.status();
  auto overdue = DaysAfterDueDay(plan, start_year, now);
  if (!overdue.ok()) return overdue.status();

  ComplianceSheet sheet;
  sheet.due_time = *late_from;
  for (const RegisteredUnit& unit : units) {
    if (!MustReport(plan, unit)) continue;
    v1::ComplianceRow row;
    row.set_unit(unit.name);
    row.set_unit_display_name(unit.display_name);
    row.set_district(unit.district);
    row.set_kind(unit.kind);
    row.set_level(unit.level);
    row.set_site(unit.site);
    auto filed = reports.find(unit.name);
    if (filed != reports.end()) {
      const FiledReport& report = filed->second;
      row.set_annual_report(report.name);
      *row.mutable_file_time() = ToProto(report.first_file_time);
      if (report.timeliness.timeliness == v1::UnitAnnualReport::TIMELINESS_LATE) {
        row.set_status(v1::COMPLIANCE_STATUS_LATE);
        row.set_days_late(report.timeliness.days_late);
      } else {
        row.set_status(v1::COMPLIANCE_STATUS_ON_TIME);
      }
    } else if (now >= *late_from) {
      row.set_status(v1::COMPLIANCE_STATUS_MISSING);
      row.set_days_overdue(*overdue);
    } else {
      row.set_status(v1::COMPLIANCE_STATUS_NOT_DUE);
    }
    if (!Matches(filter, row)) continue;
    v1::ComplianceTotals& t = sheet.totals;
    t.set_units(t.units() + 1);
    switch (row.status()) {
      case v1::COMPLIANCE_STATUS_ON_TIME: t.set_on_time(t.on_time() + 1); break;
      case v1::COMPLIANCE_STATUS_LATE: t.set_late(t.late() + 1); break;
      case v1::COMPLIANCE_STATUS_MISSING: t.set_missing(t.missing() + 1); break;
      default: t.set_not_due(t.not_due() + 1); break;
    }
    ComplianceEntry entry;
    entry.sort_key = SortKey(row, unit.sort_key, order);
    entry.row = std::move(row);
    sheet.entries.push_back(std::move(entry));
  }
  std::sort(sheet.entries.begin(), sheet.entries.end(),
            [](const ComplianceEntry& a, const ComplianceEntry& b) { return a.sort_key < b.sort_key; });
  return sheet;
}

}  // namespace dienhinh::reporting
