#include "services/reporting/read_model_queries.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "dienhinh/intake/v1/nomination.pb.h"

namespace dienhinh::reporting {
namespace {

using platform::SqlParam;
using platform::SqlRow;
using platform::Transaction;
using ::dienhinh::evaluation::v1::CouncilDecision;

constexpr char kUnitColumns[] =
    "site, name, display_name, sort_key, parent, district, kind, level FROM rm_units";

RegisteredUnit UnitFromRow(const SqlRow& row) {
  RegisteredUnit u;
  u.site = row.Text(0);
  u.name = row.Text(1);
  u.display_name = row.Text(2);
  u.sort_key = row.Text(3);
  u.parent = row.Text(4);
  u.district = row.Text(5);
  u.kind = static_cast<::dienhinh::type::v1::UnitKind>(row.Int(6));
  u.level = static_cast<::dienhinh::type::v1::EducationLevel>(row.Int(7));
  return u;
}

absl::Status Corrupt(absl::string_view what) {
  return absl::DataLossError(absl::StrCat("a stored ", what, " does not parse"));
}

// The facts of the submitted nominations (alias n) that `where` selects, ordered by site and
// name.
absl::StatusOr<std::vector<NominationFacts>> LoadFactsWhere(Transaction& tx,
                                                            const std::string& where,
                                                            const std::vector<SqlParam>& params) {
  // Standing: 2 for a recognition that stands, 1 for a revoked one, 0 for none. One row per
  // year covered (one with a NULL year when none), in the order of the nominations, so that one
  // query reads a nomination: a summary count change reads it twice per event.
  auto rows = tx.Query(
      absl::StrCat(
          "SELECT n.site, n.name, n.district, n.category, COALESCE(u.level, 0), "
          "COALESCE(v.verdict, 0), "
          "(SELECT MAX(CASE WHEN d.state = 1 THEN 2 WHEN d.state = 2 THEN 1 ELSE 0 END) "
          " FROM rm_decisions d WHERE d.site = n.site AND d.nomination = n.name), "
          "COALESCE(u.district, ''), n.plan, y.start_year "
          "FROM rm_nominations n "
          "LEFT JOIN rm_units u ON u.site = n.site AND u.name = n.nominating_unit "
          "LEFT JOIN rm_verdicts v ON v.site = n.site AND v.nomination = n.name "
          "LEFT JOIN rm_nomination_years y ON y.site = n.site AND y.nomination = n.name "
          "WHERE ",
          where, " AND n.state = 2 ORDER BY n.site, n.name, y.start_year"),
      params);
  if (!rows.ok()) return rows.status();
  std::vector<NominationFacts> facts;
  for (const SqlRow& row : *rows) {
    std::string site = row.Text(0);
    std::string name = row.Text(1);
    if (facts.empty() || facts.back().site != site || facts.back().name != name) {
      NominationFacts f;
      f.site = std::move(site);
      f.name = std::move(name);
      f.district = row.Text(2);
      if (f.district.empty()) f.district = row.Text(7);
      f.plan = row.Text(8);
      f.category = static_cast<::dienhinh::type::v1::Category>(row.Int(3));
      f.level = static_cast<::dienhinh::type::v1::EducationLevel>(row.Int(4));
      f.verdict = static_cast<::dienhinh::evaluation::v1::Verdict>(row.Int(5));
      int64_t standing = row.Int(6);
      f.recognition = standing == 2   ? Recognition::kRecognised
                      : standing == 1 ? Recognition::kRevoked
                                      : Recognition::kNone;
      facts.push_back(std::move(f));
    }
    if (!row.IsNull(9)) facts.back().start_years.push_back(static_cast<int>(row.Int(9)));
  }
  return facts;
}

}  // namespace

absl::StatusOr<std::vector<RegisteredUnit>> LoadUnits(Transaction& tx) {
  auto rows = tx.Query(absl::StrCat("SELECT ", kUnitColumns, " ORDER BY sort_key, site, name"));
  if (!rows.ok()) return rows.status();
  std::vector<RegisteredUnit> units;
  units.reserve(rows->size());
  for (const SqlRow& row : *rows) units.push_back(UnitFromRow(row));
  return units;
}

absl::StatusOr<std::vector<RegisteredUnit>> LoadUnitsBoundBy(Transaction& tx,
                                                             const platform::Plan& plan) {
  std::vector<RegisteredUnit> units;
  if (!plan.has_annual_report() || plan.annual_report().unit_kinds().empty()) return units;
  std::vector<SqlParam> params;
  std::string kinds;
  for (int kind : plan.annual_report().unit_kinds()) {
    absl::StrAppend(&kinds, params.empty() ? "?" : ", ?");
    params.emplace_back(kind);
  }
  std::string sql = absl::StrCat("SELECT ", kUnitColumns, " WHERE kind IN (", kinds, ")");
  if (plan.annual_report().directly_affiliated_only()) {
    absl::StrAppend(&sql, " AND parent = ?");
    params.emplace_back(plan.issuing_unit());
  }
  absl::StrAppend(&sql, " ORDER BY sort_key, site, name");
  auto rows = tx.Query(sql, params);
  if (!rows.ok()) return rows.status();
  units.reserve(rows->size());
  for (const SqlRow& row : *rows) units.push_back(UnitFromRow(row));
  return units;
}

absl::StatusOr<std::optional<RegisteredUnit>> FindUnit(Transaction& tx, const std::string& name) {
  auto rows = tx.Query(absl::StrCat("SELECT ", kUnitColumns, " WHERE name = ? ORDER BY site LIMIT 1"),
                       {SqlParam(name)});
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return std::optional<RegisteredUnit>();
  return std::optional<RegisteredUnit>(UnitFromRow((*rows)[0]));
}

absl::StatusOr<std::vector<NominationFacts>> LoadNominationFacts(Transaction& tx,
                                                                 const std::string& plan) {
  return LoadFactsWhere(tx, "n.plan = ?", {SqlParam(plan)});
}

absl::StatusOr<std::vector<NominationFacts>> LoadFactsOfNominations(
    Transaction& tx, const std::string& site, const std::vector<std::string>& names) {
  if (names.empty()) return std::vector<NominationFacts>();
  std::vector<SqlParam> params = {SqlParam(site)};
  std::string in;
  for (const std::string& name : names) {
    absl::StrAppend(&in, in.empty() ? "?" : ", ?");
    params.emplace_back(name);
  }
  return LoadFactsWhere(tx, absl::StrCat("n.site = ? AND n.name IN (", in, ")"), params);
}

absl::StatusOr<std::vector<NominationFacts>> LoadFactsOfUnitNominations(Transaction& tx,
                                                                        const std::string& site,
                                                                        const std::string& unit) {
  // The names first, by rm_nominations_by_unit, then their facts by primary key. Asked in one
  // query, SQLite walks every nomination of the site in primary-key order to spare itself the
  // sort its ORDER BY needs (23 ms a unit event at 17,000 nominations: 45 events/s).
  auto rows = tx.Query(
      "SELECT name FROM rm_nominations WHERE site = ? AND nominating_unit = ? AND state = 2",
      {SqlParam(site), SqlParam(unit)});
  if (!rows.ok()) return rows.status();
  std::vector<NominationFacts> facts;
  constexpr size_t kPerQuery = 500;  // well within SQLite's bound on parameters
  for (size_t i = 0; i < rows->size(); i += kPerQuery) {
    std::vector<std::string> names;
    for (size_t j = i; j < std::min(rows->size(), i + kPerQuery); ++j) {
      names.push_back((*rows)[j].Text(0));
    }
    auto some = LoadFactsOfNominations(tx, site, names);
    if (!some.ok()) return some.status();
    for (NominationFacts& f : *some) facts.push_back(std::move(f));
  }
  return facts;
}

absl::StatusOr<std::vector<RecognisedModelEntry>> LoadRecognisedModels(Transaction& tx,
                                                                       const std::string& plan) {
  auto adoptions = tx.Query(
      "SELECT model, COUNT(*) FROM replication_records WHERE plan = ? GROUP BY model",
      {SqlParam(plan)});
  if (!adoptions.ok()) return adoptions.status();
  std::map<std::string, int> adoption_counts;
  for (const SqlRow& row : *adoptions) adoption_counts[row.Text(0)] = static_cast<int>(row.Int(1));

  auto rows = tx.Query(
      "SELECT d.site, d.body, n.body, u.name, u.display_name, u.district, u.level "
      "FROM rm_decisions d "
      "LEFT JOIN rm_nominations n ON n.site = d.site AND n.name = d.nomination "
      "LEFT JOIN rm_units u ON u.site = d.site AND u.name = n.nominating_unit "
      "WHERE d.plan = ? AND d.state = 1 ORDER BY d.site, d.name",
      {SqlParam(plan)});
  if (!rows.ok()) return rows.status();
  std::vector<RecognisedModelEntry> models;
  for (const SqlRow& row : *rows) {
    CouncilDecision decision;
    if (!decision.ParseFromString(row.Blob(1))) return Corrupt("council decision");
    ::dienhinh::intake::v1::Nomination nomination;
    if (!row.IsNull(2) && !nomination.ParseFromString(row.Blob(2))) return Corrupt("nomination");
    RecognisedModelEntry e;
    e.site = row.Text(0);
    v1::RecognisedModel& m = e.model;
    m.set_nomination(decision.nomination());
    m.set_council_decision(decision.name());
    m.set_nominee(decision.nominee().empty() ? nomination.nominee() : decision.nominee());
    m.set_nominee_display_name(decision.nominee_display_name().empty()
                                   ? nomination.nominee_display_name()
                                   : decision.nominee_display_name());
    m.set_unit(row.IsNull(3) ? nomination.nominating_unit() : row.Text(3));
    m.set_unit_display_name(row.Text(4));
    std::string district = nomination.district();
    if (district.empty()) district = row.Text(5);
    if (district.empty()) district = decision.district();
    m.set_district(district);
    m.set_level(static_cast<::dienhinh::type::v1::EducationLevel>(row.Int(6)));
    m.set_category(decision.category() != ::dienhinh::type::v1::CATEGORY_UNSPECIFIED
                       ? decision.category()
                       : nomination.category());
    m.set_field(nomination.field());
    m.set_field_detail(nomination.field_detail());
    *m.mutable_good_practices() = nomination.good_practices();
    m.set_decision_number(decision.decision_number());
    if (decision.has_decision_date()) *m.mutable_decision_date() = decision.decision_date();
    *m.mutable_school_years() = nomination.school_years();
    auto count = adoption_counts.find(m.nomination());
    m.set_adoptions(count == adoption_counts.end() ? 0 : count->second);
    models.push_back(std::move(e));
  }
  return models;
}

absl::StatusOr<std::optional<CouncilDecision>> FindDecisionOn(Transaction& tx,
                                                              const std::string& nomination) {
  // A standing recognition (state 1) before a revoked one (state 2).
  auto rows = tx.Query(
      "SELECT body FROM rm_decisions WHERE nomination = ? AND state IN (1, 2) "
      "ORDER BY state, site, name LIMIT 1",
      {SqlParam(nomination)});
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return std::optional<CouncilDecision>();
  CouncilDecision decision;
  if (!decision.ParseFromString((*rows)[0].Blob(0))) return Corrupt("council decision");
  return std::optional<CouncilDecision>(std::move(decision));
}

absl::StatusOr<std::map<std::string, std::string>> LoadDistrictNames(Transaction& tx) {
  auto rows = tx.Query("SELECT name, display_name FROM rm_districts ORDER BY site, name");
  if (!rows.ok()) return rows.status();
  std::map<std::string, std::string> names;
  for (const SqlRow& row : *rows) names.emplace(row.Text(0), row.Text(1));
  return names;
}

absl::StatusOr<std::optional<absl::Time>> NewestEventTime(Transaction& tx) {
  auto rows = tx.Query("SELECT MAX(last_event_time_us) FROM rm_sources");
  if (!rows.ok()) return rows.status();
  if (rows->empty() || (*rows)[0].IsNull(0)) return std::optional<absl::Time>();
  return std::optional<absl::Time>(absl::FromUnixMicros((*rows)[0].Int(0)));
}

}  // namespace dienhinh::reporting
