#include "services/platform/plan/plan_file.h"

#include <dirent.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include <google/protobuf/io/tokenizer.h>
#include <google/protobuf/text_format.h>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "services/platform/plan/text_format_errors.h"
#include "services/platform/status/error_details.h"

namespace dienhinh::platform {
namespace {

using ::dienhinh::evaluation::v1::LocalDateTime;
using ::dienhinh::type::v1::Category;

bool ValidDate(const ::dienhinh::type::v1::Date& d) {
  if (d.year() < 1900 || d.year() > 9999 || d.month() < 1 || d.month() > 12 || d.day() < 1) {
    return false;
  }
  absl::CivilDay day(d.year(), d.month(), d.day());
  return day.day() == d.day() && day.month() == d.month();
}

bool ValidLocal(const LocalDateTime& t) {
  return t.has_date() && ValidDate(t.date()) && t.hours() >= 0 && t.hours() <= 23 &&
         t.minutes() >= 0 && t.minutes() <= 59 && t.seconds() >= 0 && t.seconds() <= 59;
}

// An IANA zone name ("Asia/Ho_Chi_Minh", "UTC"): Abseil reads a name as a file under the zone
// folder, or anywhere for a path starting with '/', so a plan must not name a file elsewhere.
bool LooksLikeZoneName(absl::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  for (absl::string_view part : absl::StrSplit(name, '/')) {
    if (part.empty() || part == "." || part == "..") return false;
    for (char c : part) {
      if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-' && c != '+') {
        return false;
      }
    }
  }
  return true;
}

}  // namespace

absl::StatusOr<absl::TimeZone> PlanTimeZone(absl::string_view name) {
  if (!LooksLikeZoneName(name)) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", name, "\" is not a time zone name such as Asia/Ho_Chi_Minh"));
  }
  absl::TimeZone zone;
  if (absl::LoadTimeZone(std::string(name), &zone)) return zone;
  // Vietnam has kept UTC+7 without daylight saving since 1975.
  if (name == "Asia/Ho_Chi_Minh" || name == "Asia/Saigon") {
    return absl::FixedTimeZone(7 * 60 * 60);
  }
  return absl::InvalidArgumentError(
      absl::StrCat("unknown time zone \"", name, "\" (is tzdata installed?)"));
}

absl::StatusOr<absl::Time> ToTime(const LocalDateTime& local, absl::string_view time_zone) {
  auto zone = PlanTimeZone(time_zone);
  if (!zone.ok()) return zone.status();
  absl::CivilSecond civil(local.date().year(), local.date().month(), local.date().day(),
                          local.hours(), local.minutes(), local.seconds());
  return absl::FromCivil(civil, *zone);
}

absl::Status ValidatePlan(const Plan& plan) {
  ViolationList v;
  if (!absl::StartsWith(plan.name(), "plans/") || plan.name().size() <= 6) {
    v.Add("name", "must be plans/{id}, e.g. plans/can-tho-2019-2020");
  }
  if (plan.title().vi().empty()) v.Add("title.vi", "is required");
  if (plan.school_years().empty()) v.Add("school_years", "at least one school year is required");
  for (int i = 0; i < plan.school_years_size(); ++i) {
    int y = plan.school_years(i).start_year();
    if (y < 1990 || y > 2200) v.Add(absl::StrCat("school_years[", i, "]"), "is not a plausible year");
  }
  for (int i = 0; i < plan.nomination_windows_size(); ++i) {
    const auto& w = plan.nomination_windows(i);
    std::string path = absl::StrCat("nomination_windows[", i, "]");
    if (!ValidLocal(w.opens())) v.Add(path + ".opens", "is not a valid local date and time");
    if (!ValidLocal(w.closes())) v.Add(path + ".closes", "is not a valid local date and time");
    auto zone = PlanTimeZone(w.time_zone());
    if (!zone.ok()) {
      v.Add(path + ".time_zone", std::string(zone.status().message()));
    } else if (ValidLocal(w.opens()) && ValidLocal(w.closes()) &&
               *ToTime(w.closes(), w.time_zone()) <= *ToTime(w.opens(), w.time_zone())) {
      v.Add(path + ".closes", "must be after opens");
    }
  }
  const auto& report = plan.annual_report();
  if (plan.has_annual_report()) {
    if (report.due_month() < 1 || report.due_month() > 12) {
      v.Add("annual_report.due_month", "must be 1 to 12");
    }
    if (report.due_day() < 1 || report.due_day() > 31) v.Add("annual_report.due_day", "must be 1 to 31");
    if (!PlanTimeZone(report.time_zone()).ok()) v.Add("annual_report.time_zone", "unknown time zone");
  }
  std::set<int> categories;
  for (int i = 0; i < plan.categories_size(); ++i) {
    Category c = plan.categories(i).category();
    if (c == ::dienhinh::type::v1::CATEGORY_UNSPECIFIED) {
      v.Add(absl::StrCat("categories[", i, "].category"), "is required");
    } else if (!categories.insert(c).second) {
      v.Add(absl::StrCat("categories[", i, "].category"), "appears twice");
    }
  }
  if (plan.categories().empty()) v.Add("categories", "at least one category is required");
  if (plan.catalog_version().empty()) v.Add("catalog_version", "is required");
  std::set<std::string> ids;
  for (int i = 0; i < plan.criteria_size(); ++i) {
    const auto& c = plan.criteria(i);
    std::string path = absl::StrCat("criteria[", i, "]");
    if (c.id().empty()) v.Add(path + ".id", "is required");
    if (!ids.insert(c.id()).second) v.Add(path + ".id", absl::StrCat("\"", c.id(), "\" appears twice"));
    if (c.text().vi().empty()) v.Add(path + ".text.vi", "the plan's own words are required");
    if (c.kind() == ::dienhinh::evaluation::v1::Criterion::KIND_UNSPECIFIED) {
      v.Add(path + ".kind", "is required");
    }
    if (c.categories().empty()) v.Add(path + ".categories", "at least one category is required");
    for (int k = 0; k < c.categories_size(); ++k) {
      if (!categories.count(c.categories(k))) {
        v.Add(absl::StrCat(path, ".categories[", k, "]"), "is not one of the plan's categories");
      }
    }
  }
  return v.ToStatus(absl::StrCat("plan ", plan.name(), " is not valid"));
}

absl::StatusOr<Plan> ParsePlan(absl::string_view text, absl::string_view file_name) {
  Plan plan;
  TextFormatErrors errors{std::string(file_name)};
  google::protobuf::TextFormat::Parser parser;
  parser.RecordErrorsTo(&errors);
  if (!parser.ParseFromString(std::string(text), &plan)) {
    return absl::InvalidArgumentError(absl::StrJoin(errors.errors(), "\n"));
  }
  if (absl::Status valid = ValidatePlan(plan); !valid.ok()) {
    return absl::Status(valid.code(), absl::StrCat(file_name, ": ", valid.message()));
  }
  return plan;
}

absl::StatusOr<Plan> LoadPlanFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read plan file ", path));
  std::stringstream text;
  text << in.rdbuf();
  return ParsePlan(text.str(), path);
}

absl::StatusOr<PlanCatalog> PlanCatalog::LoadDirectory(const std::string& directory) {
  DIR* dir = opendir(directory.c_str());
  if (dir == nullptr) return absl::NotFoundError(absl::StrCat("cannot open plan folder ", directory));
  std::vector<std::string> files;
  while (dirent* entry = readdir(dir)) {
    std::string name = entry->d_name;
    if (absl::EndsWith(name, ".textproto")) files.push_back(directory + "/" + name);
  }
  closedir(dir);
  std::sort(files.begin(), files.end());
  std::vector<Plan> plans;
  for (const std::string& file : files) {
    auto plan = LoadPlanFile(file);
    if (!plan.ok()) return plan.status();
    plans.push_back(std::move(*plan));
  }
  if (plans.empty()) return absl::NotFoundError(absl::StrCat("no *.textproto plan in ", directory));
  PlanCatalog catalog = FromPlans(std::move(plans));
  if (catalog.plans_.size() != files.size()) {
    return absl::InvalidArgumentError(absl::StrCat("two plan files in ", directory, " share a name"));
  }
  return catalog;
}

PlanCatalog PlanCatalog::FromPlans(std::vector<Plan> plans) {
  PlanCatalog catalog;
  for (Plan& plan : plans) {
    std::string name = plan.name();
    catalog.plans_[name] = std::make_shared<const Plan>(std::move(plan));
  }
  return catalog;
}

const Plan* PlanCatalog::Find(absl::string_view name) const {
  auto it = plans_.find(name);
  return it == plans_.end() ? nullptr : it->second.get();
}

std::vector<const Plan*> PlanCatalog::plans() const {
  std::vector<const Plan*> out;
  for (const auto& [name, plan] : plans_) out.push_back(plan.get());
  return out;
}

WindowState NominationWindowState(const Plan& plan, Category category, absl::Time now) {
  std::vector<const ::dienhinh::evaluation::v1::NominationWindow*> windows;
  for (const auto& w : plan.nomination_windows()) {
    if (w.category() == category) windows.push_back(&w);
  }
  if (windows.empty()) {
    for (const auto& w : plan.nomination_windows()) {
      if (w.category() == ::dienhinh::type::v1::CATEGORY_UNSPECIFIED) windows.push_back(&w);
    }
  }
  if (windows.empty()) return WindowState::kNoWindow;
  bool any_future = false;
  for (const auto* w : windows) {
    auto opens = ToTime(w->opens(), w->time_zone());
    auto closes = ToTime(w->closes(), w->time_zone());
    if (!opens.ok() || !closes.ok()) continue;
    if (now >= *opens && now < *closes) return WindowState::kOpen;
    if (now < *opens) any_future = true;
  }
  return any_future ? WindowState::kNotYetOpen : WindowState::kClosed;
}

absl::StatusOr<absl::Time> AnnualReportLateFrom(const Plan& plan, int start_year) {
  const auto& report = plan.annual_report();
  if (!plan.has_annual_report()) {
    return absl::FailedPreconditionError(absl::StrCat(plan.name(), " asks for no annual report"));
  }
  auto zone = PlanTimeZone(report.time_zone());
  if (!zone.ok()) return zone.status();
  int year = report.due_month() >= 9 ? start_year : start_year + 1;
  absl::CivilDay due(year, report.due_month(), report.due_day());
  return absl::FromCivil(due + 1, *zone);
}

}  // namespace dienhinh::platform
