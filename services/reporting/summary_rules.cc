#include "services/reporting/summary_rules.h"

#include <algorithm>
#include <map>
#include <string_view>
#include <tuple>

#include "absl/strings/str_format.h"
#include "services/platform/text/vietnamese_text.h"

namespace dienhinh::reporting {
namespace {

using ::dienhinh::evaluation::v1::VERDICT_QUALIFIED;
using ::dienhinh::type::v1::Category;
using ::dienhinh::type::v1::EducationLevel;

bool Matches(const SummaryFilter& f, const SummaryCell& c) {
  if (!f.district.empty() && c.district != f.district) return false;
  if (!f.site.empty() && c.site != f.site) return false;
  if (f.category && c.category != *f.category) return false;
  if (f.level && c.level != *f.level) return false;
  return true;
}

bool Covers(const NominationFacts& n, std::optional<int> start_year) {
  if (!start_year) return true;
  return std::find(n.start_years.begin(), n.start_years.end(), *start_year) != n.start_years.end();
}

struct Counts {
  int nominations = 0;
  int qualified = 0;
  int recognised = 0;
  int revoked = 0;

  void Add(const SummaryCell& c) {
    nominations += c.nominations;
    qualified += c.qualified;
    recognised += c.recognised;
    revoked += c.revoked;
  }
};

void SetCounts(const Counts& counts, v1::SummaryRow& row) {
  row.set_nominations(counts.nominations);
  row.set_qualified(counts.qualified);
  row.set_recognised(counts.recognised);
  row.set_revoked(counts.revoked);
  row.set_qualified_rate_bp(RateBasisPoints(counts.qualified, counts.nominations));
  row.set_recognised_rate_bp(RateBasisPoints(counts.recognised, counts.nominations));
}

std::string DateKey(const ::dienhinh::type::v1::Date& d) {
  return absl::StrFormat("%04d%02d%02d", d.year(), d.month(), d.day());
}

}  // namespace

int RateBasisPoints(int part, int whole) {
  if (whole <= 0) return 0;
  return static_cast<int>((static_cast<int64_t>(part) * 10000 + whole / 2) / whole);
}

bool CountsAsQualified(::dienhinh::evaluation::v1::Verdict verdict) { return verdict == VERDICT_QUALIFIED; }

SummaryCell CellOf(const NominationFacts& n) {
  SummaryCell c;
  c.site = n.site;
  c.district = n.district;
  c.category = n.category;
  c.level = n.level;
  c.nominations = 1;
  c.qualified = CountsAsQualified(n.verdict) ? 1 : 0;
  c.recognised = n.recognition == Recognition::kRecognised ? 1 : 0;
  c.revoked = n.recognition == Recognition::kRevoked ? 1 : 0;
  return c;
}

std::vector<int> CountedYears(const NominationFacts& n) {
  std::vector<int> years = {kWholePeriod};
  for (int year : n.start_years) {
    // A summary is asked for a school year of the plan or for the whole period, never for
    // "year 0": a nomination listing it is counted under the whole period once, as before.
    if (year != kWholePeriod) years.push_back(year);
  }
  std::sort(years.begin(), years.end());
  years.erase(std::unique(years.begin(), years.end()), years.end());
  return years;
}

v1::Summary Summarize(const std::string& plan, std::optional<int> start_year,
                      const std::vector<v1::SummaryDimension>& group_by,
                      const std::vector<NominationFacts>& facts, const SummaryFilter& filter) {
  // Each nomination is a cell of its own: one code path groups, filters and rounds both.
  std::vector<SummaryCell> cells;
  cells.reserve(facts.size());
  for (const NominationFacts& n : facts) {
    if (Covers(n, start_year)) cells.push_back(CellOf(n));
  }
  return SummarizeCells(plan, start_year, group_by, cells, filter);
}

v1::Summary SummarizeCells(const std::string& plan, std::optional<int> start_year,
                           const std::vector<v1::SummaryDimension>& group_by,
                           const std::vector<SummaryCell>& cells, const SummaryFilter& filter) {
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

  // Sorted by district, category, level as the proto promises. Plain counts keyed by views
  // into `cells`: a national plan has some 17,000 cells, and this runs on every call.
  std::map<std::tuple<std::string_view, int, int>, Counts> groups;
  Counts total;
  for (const SummaryCell& c : cells) {
    // An empty cell is no combination "that has a nomination".
    if (c.nominations <= 0 || !Matches(filter, c)) continue;
    std::tuple<std::string_view, int, int> key(by_district ? std::string_view(c.district) : "",
                                               by_category ? c.category : 0,
                                               by_level ? c.level : 0);
    groups[key].Add(c);
    total.Add(c);
  }
  summary.mutable_rows()->Reserve(static_cast<int>(groups.size()));
  for (const auto& [key, counts] : groups) {
    v1::SummaryRow* row = summary.add_rows();
    if (by_district) row->set_district(std::string(std::get<0>(key)));
    if (by_category) row->set_category(static_cast<Category>(std::get<1>(key)));
    if (by_level) row->set_level(static_cast<EducationLevel>(std::get<2>(key)));
    SetCounts(counts, *row);
  }
  SetCounts(total, *summary.mutable_total());
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
