#include "services/reporting/replication_rules.h"

#include <algorithm>
#include <map>
#include <set>

#include "absl/time/civil_time.h"
#include "services/platform/text/vietnamese_text.h"
#include "services/reporting/annual_report_rules.h"

namespace dienhinh::reporting {
namespace {

constexpr size_t kMaxMethodBytes = 5000;
constexpr size_t kMaxResultBytes = 10000;

bool ValidDate(const ::dienhinh::type::v1::Date& d) {
  if (d.year() < 1900 || d.year() > 9999 || d.month() < 1 || d.month() > 12 || d.day() < 1) {
    return false;
  }
  absl::CivilDay day(d.year(), d.month(), d.day());
  return day.year() == d.year() && day.month() == d.month() && day.day() == d.day();
}

}  // namespace

void CheckReplicationRecord(const v1::CreateReplicationRecordRequest& request,
                            platform::ViolationList& v) {
  if (request.request_id().empty()) {
    v.Add("request_id", "is required: an id unique to this request (ULID or UUID)");
  } else if (request.request_id().size() > 200) {
    v.Add("request_id", "is longer than 200 characters");
  }
  if (!request.has_replication_record()) {
    v.Add("replication_record", "is required");
    return;
  }
  const v1::ReplicationRecord& r = request.replication_record();
  if (!IsResourceName(r.model(), "nominations/")) {
    v.Add("replication_record.model", "is required: nominations/{nomination}, a recognised model");
  }
  if (!UnitCodeOf(r.adopting_unit())) {
    v.Add("replication_record.adopting_unit", "is required: units/{unit}");
  }
  if (!r.has_adopted_on()) {
    v.Add("replication_record.adopted_on", "is required");
  } else if (!ValidDate(r.adopted_on())) {
    v.Add("replication_record.adopted_on", "is not a calendar date");
  }
  if (r.method().empty()) {
    v.Add("replication_record.method", "is required: how the model was taken up");
  } else if (r.method().size() > kMaxMethodBytes) {
    v.Add("replication_record.method", "is too long");
  }
  if (r.result().size() > kMaxResultBytes) v.Add("replication_record.result", "is too long");
}

v1::ReplicationStats ComputeReplicationStats(const std::string& plan,
                                             const std::vector<ReplicationFacts>& facts,
                                             const ReplicationFilter& filter) {
  struct ModelTally {
    std::string display_name;
    int adoptions = 0;
    std::set<std::string> units;
    std::set<std::string> districts;
  };
  struct DistrictTally {
    int adoptions = 0;
    std::set<std::string> models;
  };
  std::map<std::string, ModelTally> models;
  std::map<std::string, DistrictTally> districts;
  v1::ReplicationStats stats;
  stats.set_plan(plan);
  for (const ReplicationFacts& f : facts) {
    const v1::ReplicationRecord& r = f.record;
    if (!filter.district.empty() && r.district() != filter.district) continue;
    if (filter.category && f.category != *filter.category) continue;
    ModelTally& m = models[r.model()];
    m.display_name = f.nominee_display_name;
    m.adoptions++;
    m.units.insert(r.adopting_unit());
    if (!r.district().empty()) m.districts.insert(r.district());
    DistrictTally& d = districts[r.district()];
    d.adoptions++;
    d.models.insert(r.model());
    stats.set_total_adoptions(stats.total_adoptions() + 1);
  }
  std::vector<v1::ModelReplicationCount> counts;
  for (const auto& [model, tally] : models) {
    v1::ModelReplicationCount c;
    c.set_model(model);
    c.set_nominee_display_name(tally.display_name);
    c.set_adoptions(tally.adoptions);
    c.set_adopting_units(static_cast<int>(tally.units.size()));
    c.set_districts(static_cast<int>(tally.districts.size()));
    counts.push_back(std::move(c));
  }
  std::stable_sort(counts.begin(), counts.end(),
                   [](const v1::ModelReplicationCount& a, const v1::ModelReplicationCount& b) {
                     if (a.adoptions() != b.adoptions()) return a.adoptions() > b.adoptions();
                     if (a.nominee_display_name() != b.nominee_display_name()) {
                       return platform::VietnameseLess(a.nominee_display_name(),
                                                       b.nominee_display_name());
                     }
                     return a.model() < b.model();
                   });
  for (auto& c : counts) *stats.add_models() = std::move(c);
  for (const auto& [district, tally] : districts) {
    v1::DistrictReplicationCount* d = stats.add_districts();
    d->set_district(district);
    d->set_adoptions(tally.adoptions);
    d->set_models(static_cast<int>(tally.models.size()));
  }
  return stats;
}

}  // namespace dienhinh::reporting
