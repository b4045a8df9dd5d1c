#include "services/reporting/summary_rules.h"

#include <algorithm>
#include <map>
#include <tuple>

#include "absl/strings/str_format.h"
#include "services/platform/text/vietnamese_text.h"

namespace dienhinh::reporting {
namespace {

using ::dienhinh::evaluation::v1::VERDICT_QUALIFIED;

bool Matches(const SummaryFilter& f, const NominationFacts& n) {
  if (!f.district.empty() && n.district != f.district) return false;
  if (!f.site.empty() && n.site != f.site) return false;
  if (f.category && n.category != *f.category) return false;
  if (f.level && n.level != *f.level) return false;
  return true;
}

bool Covers(const NominationFacts& n, std::optional<int> start_year) {
  if (!start_year) return true;
  return std::find(n.start_years.begin(), n.start_years.end(), *start_year) != n.start_years.end();
}

void Count(const NominationFacts& n, v1::SummaryRow& row) {
  row.set_nominations(row.nominations() + 1);
  if (n.verdict == VERDICT_QUALIFIED) row.set_qualified(row.qualified() + 1);
  if (n.recognition == Recognition::kRecognised) row.set_recognised(row.recognised() + 1);
  if (n.recognition == Recognition::kRevoked) row.set_revoked(row.revoked() + 1);
}

void SetRates(v1::SummaryRow& row) {
  row.set_qualified_rate_bp(RateBasisPoints(row.qualified(), row.nominations()));
  row.set_recognised_rate_bp(RateBasisPoints(row.recognised(), row.nominations()));
}

std::string DateKey(const ::dienhinh::type::v1::Date& d) {
  return absl::StrFormat("%04d%02d%02d", d.year(), d.month(), d.day());
}

}  // namespace

int RateBasisPoints(int part, int whole) {
  if (whole <= 0) return 0;
  return static_cast<int>((static_cast<int64_t>(part) * 10000 + whole / 2) / whole);
}

v1::Summary Summarize(const std::string& plan, std::optional<int> start_year,
                      const std::vector<v1::SummaryDimension>& group_by,
                      const std::vector<NominationFacts>& facts, const SummaryFilter& filter) {
  std::vector<v1::SummaryDimension> dims = group_by;
  if (dims.empty()) {
    dims = {v1::SUMMARY_DIMENSION_DISTRICT, v1::SUMMARY_DIMENSION_CATEGORY,
            v1::SUMMARY_DIMENSION_LEVEL};
  }
  auto has = [&](v1::SummaryDimension d) { return std::find(dims.begin(), dims.end(), d) != dims.end(); };
  const bool by_district = has(v1::SUMMARY_DIMENSION_DISTRICT);
  const bool by_category = has(v1::SUMMARY_DIMENSION_CATEGORY);
  const bool by_level = has(v1::SUMMARY_DIMENSION_LEVEL);

  v1::Summary summary;
  summary.set_plan(plan);
  if (start_year) summary.mutable_school_year()->set_start_year(*start_year);
  for (v1::SummaryDimension d : dims) summary.add_group_by(d);

  // Sorted by district, category, level as the proto promises.
  std::map<std::tuple<std::string, int, int>, v1::SummaryRow> groups;
  v1::SummaryRow* total = summary.mutable_total();
  for (const NominationFacts& n : facts) {
    if (!Matches(filter, n) || !Covers(n, start_year)) continue;
    std::tuple<std::string, int, int> key(by_district ? n.district : "",
                                          by_category ? n.category : 0, by_level ? n.level : 0);
    auto [it, inserted] = groups.try_emplace(key);
    v1::SummaryRow& row = it->second;
    if (inserted) {
      if (by_district) row.set_district(n.district);
      if (by_category) row.set_category(n.category);
      if (by_level) row.set_level(n.level);
    }
    Count(n, row);
    Count(n, *total);
  }
  for (auto& [key, row] : groups) {
    SetRates(row);
    *summary.add_rows() = std::move(row);
  }
  SetRates(*total);
  return summary;
}

std::vector<RecognisedModelEntry> SelectRecognisedModels(std::vector<RecognisedModelEntry> models,
                                                         const RecognisedModelFilter& f,
                                                         RecognisedModelOrder order) {
  std::vector<RecognisedModelEntry> out;
  for (RecognisedModelEntry& e : models) {
    const v1::RecognisedModel& m = e.model;
    if (!f.district.empty() && m.district() != f.district) continue;
    if (!f.site.empty() && e.site != f.site) continue;
    if (f.category && m.category() != *f.category) continue;
    if (f.field && m.field() != *f.field) continue;
    if (f.level && m.level() != *f.level) continue;
    if (f.start_year) {
      const auto& years = m.school_years();
      if (std::none_of(years.begin(), years.end(),
                       [&](const auto& y) { return y.start_year() == *f.start_year; })) {
        continue;
      }
    }
    std::string name_key = platform::CollationKey(m.nominee_display_name());
    switch (order) {
      case RecognisedModelOrder::kDecisionDate:
        e.sort_key = {DateKey(m.decision_date()), name_key, m.nomination()};
        break;
      case RecognisedModelOrder::kAdoptionsDesc:
        e.sort_key = {absl::StrFormat("%010d", 999999999 - m.adoptions()), name_key, m.nomination()};
        break;
      case RecognisedModelOrder::kNomineeDisplayName:
        e.sort_key = {name_key, m.nomination()};
        break;
    }
    out.push_back(std::move(e));
  }
  std::sort(out.begin(), out.end(), [](const RecognisedModelEntry& a, const RecognisedModelEntry& b) {
    return a.sort_key < b.sort_key;
  });
  return out;
}

}  // namespace dienhinh::reporting
