// Fuzzes plan files (plans/*.textproto) the way the services load them: the text format
// parser with its file:line messages, ValidatePlan, the criteria parameter checks, and then,
// for a plan that passes, what the services ask of it (nomination windows, the annual
// report's due day). A plan file is written by hand, so every mistake must end as a message,
// never as a crash or undefined behaviour.
#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/time/time.h"
#include "services/platform/plan/criteria_parameters.h"
#include "services/platform/plan/plan_file.h"

namespace {

namespace platform = ::dienhinh::platform;
namespace type = ::dienhinh::type::v1;

// What intake and reporting ask of a plan that loaded.
void UsePlan(const platform::Plan& plan) {
  const absl::Time instants[] = {absl::InfinitePast(), absl::UnixEpoch(),
                                 absl::FromCivil(absl::CivilSecond(2020, 6, 1, 23, 59, 59),
                                                 absl::UTCTimeZone()),
                                 absl::InfiniteFuture()};
  for (int c = type::Category_MIN; c <= type::Category_MAX; ++c) {
    if (!type::Category_IsValid(c)) continue;
    for (absl::Time now : instants) {
      platform::NominationWindowState(plan, static_cast<type::Category>(c), now);
    }
  }
  for (const type::SchoolYear& year : plan.school_years()) {
    (void)platform::AnnualReportLateFrom(plan, year.start_year());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  // The structural checks alone (intake, reporting) and with the criteria (evaluation).
  auto plan = platform::ParsePlan(text, "plans/fuzz.textproto");
  auto checked = platform::ParseCheckedPlan(text, "plans/fuzz.textproto");
  if (plan.ok()) UsePlan(*plan);
  if (checked.ok()) UsePlan(*checked);
  // Evaluation's checks on a plan that parsed but need not have passed ValidatePlan.
  if (plan.ok()) (void)platform::ValidateCriteriaParameters(*plan);
  return 0;
}
