#include "services/reporting/summary_counts.h"

#include <algorithm>
#include <map>
#include <tuple>
#include <utility>

#include "absl/strings/str_cat.h"

#include "services/reporting/read_model_queries.h"

namespace dienhinh::reporting {
namespace {

using platform::SqlParam;
using platform::SqlRow;
using platform::Transaction;

// A row of rm_summary_counts: plan, start_year, site, district, category, level.
using CellKey = std::tuple<std::string, int, std::string, std::string, int, int>;

struct CellDelta {
  int nominations = 0;
  int qualified = 0;
  int recognised = 0;
  int revoked = 0;

  bool IsZero() const {
    return nominations == 0 && qualified == 0 && recognised == 0 && revoked == 0;
  }
};

// Adds `sign` times what nomination `n` counts for to each cell it is counted in.
void AddCounts(const NominationFacts& n, int sign, std::map<CellKey, CellDelta>& deltas) {
  const SummaryCell counted = CellOf(n);
  for (int year : CountedYears(n)) {
    CellDelta& d = deltas[CellKey(n.plan, year, counted.site, counted.district, counted.category,
                                  counted.level)];
    d.nominations += sign * counted.nominations;
    d.qualified += sign * counted.qualified;
    d.recognised += sign * counted.recognised;
    d.revoked += sign * counted.revoked;
  }
}

absl::Status MoveCell(Transaction& tx, const CellKey& key, const CellDelta& d) {
  const auto& [plan, year, site, district, category, level] = key;
  auto added = tx.Execute(
      "INSERT INTO rm_summary_counts (plan, start_year, site, district, category, level, "
      "nominations, qualified, recognised, revoked) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
      "ON CONFLICT (plan, start_year, site, district, category, level) DO UPDATE SET "
      "nominations = rm_summary_counts.nominations + excluded.nominations, "
      "qualified = rm_summary_counts.qualified + excluded.qualified, "
      "recognised = rm_summary_counts.recognised + excluded.recognised, "
      "revoked = rm_summary_counts.revoked + excluded.revoked",
      {plan, year, site, district, category, level, d.nominations, d.qualified, d.recognised,
       d.revoked});
  if (!added.ok()) return added.status();
  if (d.nominations >= 0) return absl::OkStatus();
  // A cell left with no nomination goes, as a recount would have no row for it.
  return tx
      .Execute(
          "DELETE FROM rm_summary_counts WHERE plan = ? AND start_year = ? AND site = ? AND "
          "district = ? AND category = ? AND level = ? AND nominations = 0",
          {plan, year, site, district, category, level})
      .status();
}

}  // namespace

absl::StatusOr<SummaryCountChange> SummaryCountChange::OfNominations(
    Transaction& tx, const std::string& site, std::vector<std::string> names) {
  names.erase(std::remove(names.begin(), names.end(), std::string()), names.end());
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  SummaryCountChange change(Scope::kNominations, site, std::move(names), {});
  auto before = change.Read(tx);
  if (!before.ok()) return before.status();
  change.before_ = std::move(*before);
  return change;
}

absl::StatusOr<SummaryCountChange> SummaryCountChange::OfUnit(Transaction& tx,
                                                              const std::string& site,
                                                              const std::string& unit) {
  SummaryCountChange change(Scope::kUnit, site, {unit}, {});
  auto before = change.Read(tx);
  if (!before.ok()) return before.status();
  change.before_ = std::move(*before);
  return change;
}

absl::StatusOr<std::vector<NominationFacts>> SummaryCountChange::Read(Transaction& tx) const {
  if (scope_ == Scope::kUnit) return LoadFactsOfUnitNominations(tx, site_, keys_.front());
  return LoadFactsOfNominations(tx, site_, keys_);
}

absl::Status SummaryCountChange::Apply(Transaction& tx) const {
  // A unit's write never changes which nominations name it: none before, none after.
  if (scope_ == Scope::kUnit && before_.empty()) return absl::OkStatus();
  auto after = Read(tx);
  if (!after.ok()) return after.status();
  if (before_.empty() && after->empty()) return absl::OkStatus();
  std::map<CellKey, CellDelta> deltas;
  for (const NominationFacts& n : before_) AddCounts(n, -1, deltas);
  for (const NominationFacts& n : *after) AddCounts(n, +1, deltas);
  for (const auto& [key, delta] : deltas) {
    if (delta.IsZero()) continue;
    if (absl::Status s = MoveCell(tx, key, delta); !s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<SummaryCell>> LoadSummaryCells(Transaction& tx, const std::string& plan,
                                                          std::optional<int> start_year,
                                                          const SummaryFilter& filter) {
  std::string sql =
      "SELECT site, district, category, level, nominations, qualified, recognised, revoked "
      "FROM rm_summary_counts WHERE plan = ? AND start_year = ?";
  std::vector<SqlParam> params = {SqlParam(plan), SqlParam(start_year.value_or(kWholePeriod))};
  if (!filter.site.empty()) {
    absl::StrAppend(&sql, " AND site = ?");
    params.emplace_back(filter.site);
  }
  if (!filter.district.empty()) {
    absl::StrAppend(&sql, " AND district = ?");
    params.emplace_back(filter.district);
  }
  if (filter.category) {
    absl::StrAppend(&sql, " AND category = ?");
    params.emplace_back(static_cast<int>(*filter.category));
  }
  if (filter.level) {
    absl::StrAppend(&sql, " AND level = ?");
    params.emplace_back(static_cast<int>(*filter.level));
  }
  auto rows = tx.Query(sql, params);
  if (!rows.ok()) return rows.status();
  std::vector<SummaryCell> cells;
  cells.reserve(rows->size());
  for (const SqlRow& row : *rows) {
    SummaryCell c;
    c.site = row.Text(0);
    c.district = row.Text(1);
    c.category = static_cast<::dienhinh::type::v1::Category>(row.Int(2));
    c.level = static_cast<::dienhinh::type::v1::EducationLevel>(row.Int(3));
    c.nominations = static_cast<int>(row.Int(4));
    c.qualified = static_cast<int>(row.Int(5));
    c.recognised = static_cast<int>(row.Int(6));
    c.revoked = static_cast<int>(row.Int(7));
    cells.push_back(std::move(c));
  }
  return cells;
}

absl::StatusOr<bool> RecountSummaryIfStale(platform::Database& db) {
  bool recounted = false;
  absl::Status status =
      platform::RunInTransaction(db, platform::TxMode::kWrite, [&](Transaction& tx) {
        recounted = false;
        auto stale = tx.Query(
            "SELECT COUNT(*) FROM rm_sources WHERE counted_sequence <> last_sequence", {});
        if (!stale.ok()) return stale.status();
        if (stale->empty() || (*stale)[0].Int(0) == 0) return absl::OkStatus();
        recounted = true;
        return tx.ExecuteScript(absl::StrCat(
            "DELETE FROM rm_summary_counts;", RecountSummaryCellsSql(),
            "UPDATE rm_sources SET counted_sequence = last_sequence;"));
      });
  if (!status.ok()) return status;
  return recounted;
}

std::string RecountSummaryCellsSql() {
  // One row per submitted nomination and start_year it is counted under, with the same facts
  // as LoadNominationFacts (read_model_queries.cc) and the same counting as CellOf and
  // CountedYears: the district the nomination names, else its unit's; the unit's level;
  // qualified when the latest verdict is QUALIFIED (1: CountsAsQualified, which PutVerdict's
  // shortcut also relies on; change them together); recognised when a decision on it
  // stands (state 1), else revoked when one was revoked (state 2). The years come from an
  // indexed join in each branch (a join on the union instead costs SQLite a scan per row).
  auto counted = [](const char* year, const char* join) {
    return absl::StrCat(
        "SELECT n.plan AS plan, ", year, " AS start_year, n.site AS site, "
        "CASE WHEN n.district <> '' THEN n.district ELSE COALESCE(u.district, '') END "
        "AS district, n.category AS category, COALESCE(u.level, 0) AS level, "
        "COALESCE(v.verdict, 0) AS verdict, "
        "COALESCE((SELECT MAX(CASE WHEN d.state = 1 THEN 2 WHEN d.state = 2 THEN 1 ELSE 0 END) "
        "FROM rm_decisions d WHERE d.site = n.site AND d.nomination = n.name), 0) AS standing "
        "FROM rm_nominations n ",
        join,
        "LEFT JOIN rm_units u ON u.site = n.site AND u.name = n.nominating_unit "
        "LEFT JOIN rm_verdicts v ON v.site = n.site AND v.nomination = n.name "
        "WHERE n.state = 2");
  };
  return absl::StrCat(
      "INSERT INTO rm_summary_counts (plan, start_year, site, district, category, level, "
      "nominations, qualified, recognised, revoked) "
      "SELECT f.plan, f.start_year, f.site, f.district, f.category, f.level, COUNT(*), "
      "SUM(CASE WHEN f.verdict = 1 THEN 1 ELSE 0 END), "
      "SUM(CASE WHEN f.standing = 2 THEN 1 ELSE 0 END), "
      "SUM(CASE WHEN f.standing = 1 THEN 1 ELSE 0 END) FROM (",
      counted("0", ""), " UNION ALL ",
      counted("y.start_year",
              "JOIN rm_nomination_years y ON y.site = n.site AND y.nomination = n.name "
              "AND y.start_year <> 0 "),
      ") f GROUP BY f.plan, f.start_year, f.site, f.district, f.category, f.level;");
}

}  // namespace dienhinh::reporting
