#include "services/reporting/annual_report_rules.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace dienhinh::reporting {
namespace {

constexpr size_t kMaxProgrammeBytes = 20000;
constexpr size_t kMaxNarrativeBytes = 100000;
constexpr size_t kMaxTitleBytes = 500;
constexpr size_t kMaxDescriptionBytes = 10000;
constexpr size_t kMaxNoteBytes = 2000;
constexpr int kMaxModels = 200;
constexpr int kMaxActivities = 500;
constexpr int kMaxAdoptingUnits = 500;

void CheckLength(const std::string& value, size_t limit, const std::string& field,
                 platform::ViolationList& v) {
  if (value.size() > limit) v.Add(field, absl::StrCat("is longer than ", limit, " bytes"));
}

bool ValidDate(const ::dienhinh::type::v1::Date& d) {
  if (d.year() < 1 || d.year() > 9999 || d.month() < 1 || d.month() > 12 || d.day() < 1) {
    return false;
  }
  absl::CivilDay day(d.year(), d.month(), d.day());
  return day.year() == d.year() && day.month() == d.month() && day.day() == d.day();
}

void CheckActivity(const v1::ReplicationActivity& a, const std::string& path,
                   platform::ViolationList& v) {
  if (a.kind() == v1::ReplicationActivity::KIND_UNSPECIFIED ||
      !v1::ReplicationActivity::Kind_IsValid(a.kind())) {
    v.Add(path + ".kind", "is required: seminar, study visit, publication, model adopted or other");
  }
  if (a.title().empty()) v.Add(path + ".title", "is required");
  CheckLength(a.title(), kMaxTitleBytes, path + ".title", v);
  CheckLength(a.description(), kMaxDescriptionBytes, path + ".description", v);
  if (a.has_date() && !ValidDate(a.date())) v.Add(path + ".date", "is not a calendar date");
  if (a.participants() < 0) v.Add(path + ".participants", "must not be negative");
  if (!a.model().empty() && !IsResourceName(a.model(), "nominations/")) {
    v.Add(path + ".model", "must be nominations/{nomination}");
  }
  if (a.adopting_units_size() > kMaxAdoptingUnits) {
    v.Add(path + ".adopting_units", absl::StrCat("at most ", kMaxAdoptingUnits));
  }
  for (int i = 0; i < a.adopting_units_size(); ++i) {
    if (!UnitCodeOf(a.adopting_units(i))) {
      v.Add(absl::StrCat(path, ".adopting_units[", i, "]"), "must be units/{unit}");
    }
  }
  if (a.kind() == v1::ReplicationActivity::KIND_MODEL_ADOPTED && a.adopting_units().empty()) {
    v.Add(path + ".adopting_units", "a model adopted names the units that took it up");
  }
}

absl::StatusOr<absl::CivilDay> DueDay(const platform::Plan& plan, int start_year,
                                      absl::TimeZone* zone_out) {
  auto late_from = platform::AnnualReportLateFrom(plan, start_year);
  if (!late_from.ok()) return late_from.status();
  auto zone = platform::PlanTimeZone(plan.annual_report().time_zone());
  if (!zone.ok()) return zone.status();
  *zone_out = *zone;
  // The late instant is the next day's local midnight; the due day is the day before it.
  return absl::ToCivilDay(*late_from, *zone) - 1;
}

}  // namespace

std::string SchoolYearText(int start_year) { return absl::StrCat(start_year, "-", start_year + 1); }

std::optional<int> ParseSchoolYearText(absl::string_view text) {
  std::vector<absl::string_view> parts = absl::StrSplit(text, '-');
  int first = 0, second = 0;
  if (parts.size() != 2 || parts[0].size() != 4 || parts[1].size() != 4 ||
      !absl::SimpleAtoi(parts[0], &first) || !absl::SimpleAtoi(parts[1], &second) ||
      second != first + 1) {
    return std::nullopt;
  }
  return first;
}

bool IsResourceName(absl::string_view name, absl::string_view prefix) {
  if (!absl::StartsWith(name, prefix)) return false;
  absl::string_view id = name.substr(prefix.size());
  return !id.empty() && id.size() <= 200 && id.find('/') == absl::string_view::npos;
}

std::optional<std::string> UnitCodeOf(absl::string_view name) {
  if (!IsResourceName(name, "units/")) return std::nullopt;
  return std::string(name.substr(6));
}

std::string AnnualReportName(absl::string_view unit_name, absl::string_view plan_name,
                             int start_year) {
  absl::string_view plan_id = plan_name;
  absl::ConsumePrefix(&plan_id, "plans/");
  return absl::StrCat(unit_name, "/annualReports/", plan_id, "_", SchoolYearText(start_year));
}

std::optional<AnnualReportKey> ParseAnnualReportName(absl::string_view name) {
  std::vector<absl::string_view> parts = absl::StrSplit(name, '/');
  if (parts.size() != 4 || parts[0] != "units" || parts[1].empty() || parts[2] != "annualReports") {
    return std::nullopt;
  }
  size_t underscore = parts[3].rfind('_');
  if (underscore == absl::string_view::npos || underscore == 0) return std::nullopt;
  std::optional<int> year = ParseSchoolYearText(parts[3].substr(underscore + 1));
  if (!year) return std::nullopt;
  AnnualReportKey key;
  key.unit = absl::StrCat("units/", parts[1]);
  key.plan = absl::StrCat("plans/", parts[3].substr(0, underscore));
  key.start_year = *year;
  return key;
}

void CheckFiling(const v1::FileAnnualReportRequest& request, const platform::PlanCatalog& plans,
                 platform::ViolationList& v) {
  if (request.parent().empty()) {
    v.Add("parent", "is required: units/{unit}, the reporting unit");
  } else if (!UnitCodeOf(request.parent())) {
    v.Add("parent", "must be units/{unit}");
  }
  if (request.request_id().empty()) {
    v.Add("request_id", "is required: an id unique to this request (ULID or UUID)");
  } else if (request.request_id().size() > 200) {
    v.Add("request_id", "is longer than 200 characters");
  }
  CheckLength(request.change_note(), kMaxNoteBytes, "change_note", v);
  if (!request.has_annual_report()) {
    v.Add("annual_report", "is required");
    return;
  }
  const v1::UnitAnnualReport& r = request.annual_report();
  const platform::Plan* plan = plans.Find(r.plan());
  if (r.plan().empty()) {
    v.Add("annual_report.plan", "is required: plans/{plan}");
  } else if (plan == nullptr) {
    v.Add("annual_report.plan", absl::StrCat("\"", r.plan(), "\" is not a plan of this service"));
  } else if (!plan->has_annual_report()) {
    v.Add("annual_report.plan", absl::StrCat(r.plan(), " asks for no annual report"));
  }
  if (!r.has_school_year() || r.school_year().start_year() == 0) {
    v.Add("annual_report.school_year", "is required");
  } else if (plan != nullptr) {
    const auto& years = plan->school_years();
    bool in_plan = std::any_of(years.begin(), years.end(), [&](const auto& y) {
      return y.start_year() == r.school_year().start_year();
    });
    if (!in_plan) {
      v.Add("annual_report.school_year",
            absl::StrCat(SchoolYearText(r.school_year().start_year()), " is not a year of ",
                         r.plan()));
    }
  }
  if (r.programme().empty()) {
    v.Add("annual_report.programme", "is required: the unit's programme and plan for the year");
  }
  CheckLength(r.programme(), kMaxProgrammeBytes, "annual_report.programme", v);
  CheckLength(r.narrative(), kMaxNarrativeBytes, "annual_report.narrative", v);
  if (r.models_size() > kMaxModels) v.Add("annual_report.models", absl::StrCat("at most ", kMaxModels));
  for (int i = 0; i < r.models_size(); ++i) {
    if (!IsResourceName(r.models(i), "nominations/")) {
      v.Add(absl::StrCat("annual_report.models[", i, "]"), "must be nominations/{nomination}");
    }
  }
  if (r.replication_activities_size() > kMaxActivities) {
    v.Add("annual_report.replication_activities", absl::StrCat("at most ", kMaxActivities));
  }
  for (int i = 0; i < r.replication_activities_size(); ++i) {
    CheckActivity(r.replication_activities(i),
                  absl::StrCat("annual_report.replication_activities[", i, "]"), v);
  }
}

absl::StatusOr<Timeliness> JudgeTimeliness(const platform::Plan& plan, int start_year,
                                           absl::Time first_filed) {
  auto late_from = platform::AnnualReportLateFrom(plan, start_year);
  if (!late_from.ok()) return late_from.status();
  Timeliness t;
  if (first_filed < *late_from) {
    t.timeliness = v1::UnitAnnualReport::TIMELINESS_ON_TIME;
    return t;
  }
  auto days = DaysAfterDueDay(plan, start_year, first_filed);
  if (!days.ok()) return days.status();
  t.timeliness = v1::UnitAnnualReport::TIMELINESS_LATE;
  t.days_late = *days;
  return t;
}

absl::StatusOr<int> DaysAfterDueDay(const platform::Plan& plan, int start_year, absl::Time now) {
  absl::TimeZone zone;
  auto due = DueDay(plan, start_year, &zone);
  if (!due.ok()) return due.status();
  int64_t days = absl::ToCivilDay(now, zone) - *due;
  return static_cast<int>(std::max<int64_t>(0, days));
}

}  // namespace dienhinh::reporting
