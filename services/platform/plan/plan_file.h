// Plans as data: a plan period is a file under plans/ (protobuf text format of
// dienhinh.evaluation.v1.Plan), not code. Intake reads its nomination windows, evaluation its
// criteria, reporting its annual-report deadline; all of them load it through here, so a file
// that does not parse or validate stops the service at start with a message naming the file
// and line.
//
// Deadlines are local time in the plan's time zone (Asia/Ho_Chi_Minh: UTC+7, no daylight
// saving). When the machine has no time zone database (a slim container), that zone falls back
// to a fixed UTC+7 offset, which is exact for it; other zones must be installed.
#ifndef DIENHINH_SERVICES_PLATFORM_PLAN_PLAN_FILE_H_
#define DIENHINH_SERVICES_PLATFORM_PLAN_PLAN_FILE_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "dienhinh/evaluation/v1/plan.pb.h"

namespace dienhinh::platform {

using Plan = ::dienhinh::evaluation::v1::Plan;

// Parses a plan file's text. `file_name` is used in messages ("plans/x.textproto:12:3: ...").
// INVALID_ARGUMENT on a syntax error, an unknown field, or a plan that does not validate.
absl::StatusOr<Plan> ParsePlan(absl::string_view text, absl::string_view file_name);
absl::StatusOr<Plan> LoadPlanFile(const std::string& path);

// The structural checks every plan must pass (names, years, windows, deadline, categories,
// criteria ids unique and applying to declared categories). Violations name the field.
absl::Status ValidatePlan(const Plan& plan);

// Every plan of a folder (*.textproto), by name ("plans/can-tho-2019-2020").
class PlanCatalog {
 public:
  static absl::StatusOr<PlanCatalog> LoadDirectory(const std::string& directory);
  static PlanCatalog FromPlans(std::vector<Plan> plans);

  // Null when there is no such plan.
  const Plan* Find(absl::string_view name) const;
  std::vector<const Plan*> plans() const;

 private:
  std::map<std::string, std::shared_ptr<const Plan>, std::less<>> plans_;
};

// The zone a plan names; Asia/Ho_Chi_Minh works without a zone database.
absl::StatusOr<absl::TimeZone> PlanTimeZone(absl::string_view name);
absl::StatusOr<absl::Time> ToTime(const ::dienhinh::evaluation::v1::LocalDateTime& local,
                                  absl::string_view time_zone);

enum class WindowState { kNoWindow, kNotYetOpen, kOpen, kClosed };
// Whether nominations of `category` may be submitted at `now`: a window for the category, else a
// window without category (for every category). With several windows, open if any is open.
WindowState NominationWindowState(const Plan& plan, ::dienhinh::type::v1::Category category,
                                  absl::Time now);

// The end of the annual report's due day for the school year starting in `start_year`: the
// first instant that is late. The due day lies within the school year (September to August):
// 1 June of school year 2019-2020 is 1 June 2020.
absl::StatusOr<absl::Time> AnnualReportLateFrom(const Plan& plan, int start_year);

}  // namespace dienhinh::platform

#endif  // DIENHINH_SERVICES_PLATFORM_PLAN_PLAN_FILE_H_
