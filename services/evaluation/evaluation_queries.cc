#include "services/evaluation/evaluation_queries.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "dienhinh/intake/v1/nomination.pb.h"
#include "services/evaluation/keyset_page.h"

namespace dienhinh::evaluation {
namespace {

using platform::SqlParam;
using platform::SqlRow;

void Equal(std::string& where, std::vector<SqlParam>& params, const std::string& column,
           const std::optional<std::string>& value) {
  if (!value) return;
  absl::StrAppend(&where, " AND ", column, " = ?");
  params.emplace_back(*value);
}

void Equal(std::string& where, std::vector<SqlParam>& params, const std::string& column,
           const std::optional<int>& value) {
  if (!value) return;
  absl::StrAppend(&where, " AND ", column, " = ?");
  params.emplace_back(*value);
}

// Runs `select` (blob first, then the key columns) with the page's conditions and limit.
template <typename Message>
absl::StatusOr<Page<Message>> RunPage(platform::Transaction& tx, const std::string& select, std::string where,
                                      std::vector<SqlParam> params, const std::vector<KeyColumn>& order,
                                      const std::vector<std::string>& after, int page_size) {
  AppendAfter(order, after, where, params);
  std::string sql = absl::StrCat(select, " WHERE 1 = 1", where, " ORDER BY ", OrderByClause(order), " LIMIT ?");
  params.emplace_back(page_size + 1);
  auto rows = tx.Query(sql, params);
  if (!rows.ok()) return rows.status();
  Page<Message> page;
  for (size_t i = 0; i < rows->size() && static_cast<int>(i) < page_size; ++i) {
    Message m;
    if (!m.ParseFromString((*rows)[i].Blob(0))) return absl::DataLossError("a stored resource does not parse");
    page.items.push_back(std::move(m));
  }
  if (static_cast<int>(rows->size()) > page_size) page.next_key = RowKey(order, (*rows)[page_size - 1], 1);
  return page;
}

}  // namespace

absl::StatusOr<Page<v1::Evaluation>> QueryEvaluations(platform::Transaction& tx, const EvaluationQuery& q) {
  std::vector<KeyColumn> order;
  if (q.order_by == "version") {
    order = {{"nomination"}, {"version", false, true}};
  } else if (q.order_by == "nominee_display_name") {
    order = {{"display_key"}, {"nomination"}, {"version", false, true}};
  } else {
    order = {{"create_time_us", true, true}, {"nomination", true}, {"version", true, true}};
  }
  std::string select = "SELECT evaluation";
  for (const KeyColumn& c : order) absl::StrAppend(&select, ", ", c.column);
  absl::StrAppend(&select, " FROM evaluations");
  std::string where;
  std::vector<SqlParam> params;
  if (!q.nomination.empty()) Equal(where, params, "nomination", std::optional<std::string>(q.nomination));
  if (q.latest_only) absl::StrAppend(&where, " AND latest = 1");
  Equal(where, params, "plan", q.plan);
  Equal(where, params, "district", q.district);
  Equal(where, params, "nominating_unit", q.nominating_unit);
  Equal(where, params, "nominee", q.nominee);
  Equal(where, params, "verdict", q.verdict);
  Equal(where, params, "category", q.category);
  if (q.school_year) {
    absl::StrAppend(&where, " AND first_year <= ? AND last_year >= ?");
    params.emplace_back(*q.school_year);
    params.emplace_back(*q.school_year);
  }
  if (!q.visible_unit.empty()) {
    absl::StrAppend(&where, " AND (nominating_unit = ? OR nominee = ?)");
    params.emplace_back(q.visible_unit);
    params.emplace_back(q.visible_unit);
  }
  return RunPage<v1::Evaluation>(tx, select, where, params, order, q.after, q.page_size);
}

absl::StatusOr<Page<v1::AttestationReview>> QueryReviews(platform::Transaction& tx, const ReviewQuery& q) {
  std::vector<KeyColumn> order = {{"r.create_time_us", true, true}, {"r.name", true}};
  std::string select =
      "SELECT r.review, r.create_time_us, r.name FROM attestation_reviews r "
      "JOIN eval_nominations n ON n.name = r.nomination";
  std::string where;
  std::vector<SqlParam> params;
  if (!q.nomination.empty()) Equal(where, params, "r.nomination", std::optional<std::string>(q.nomination));
  Equal(where, params, "r.criterion_id", q.criterion_id);
  Equal(where, params, "r.reviewer", q.reviewer);
  Equal(where, params, "r.decision", q.decision);
  if (!q.visible_unit.empty()) {
    absl::StrAppend(&where, " AND (n.nominating_unit = ? OR n.nominee = ?)");
    params.emplace_back(q.visible_unit);
    params.emplace_back(q.visible_unit);
  }
  return RunPage<v1::AttestationReview>(tx, select, where, params, order, q.after, q.page_size);
}

absl::StatusOr<Page<v1::CouncilDecision>> QueryDecisions(platform::Transaction& tx, const DecisionQuery& q) {
  std::vector<KeyColumn> order;
  if (q.order_by == "nominee_display_name") {
    order = {{"display_key"}, {"name"}};
  } else {
    order = {{"decision_date", true}, {"name", true}};
  }
  std::string select = "SELECT decision";
  for (const KeyColumn& c : order) absl::StrAppend(&select, ", ", c.column);
  absl::StrAppend(&select, " FROM council_decisions");
  std::string where;
  std::vector<SqlParam> params;
  Equal(where, params, "plan", q.plan);
  Equal(where, params, "nomination", q.nomination);
  Equal(where, params, "district", q.district);
  Equal(where, params, "state", q.state);
  Equal(where, params, "category", q.category);
  if (!q.visible_unit.empty()) {
    absl::StrAppend(&where, " AND nominating_unit = ?");
    params.emplace_back(q.visible_unit);
  }
  return RunPage<v1::CouncilDecision>(tx, select, where, params, order, q.after, q.page_size);
}

absl::StatusOr<std::vector<v1::BlockRankingEntry>> BlockEntries(platform::Transaction& tx, const std::string& plan,
                                                                int school_year, const std::string& block,
                                                                const std::vector<std::string>& member_units,
                                                                int category) {
  auto rows = tx.Query(
      "SELECT n.name, n.nominee, n.category, e.evaluation, s.emulation_block, s.block_rank, s.block_size "
      "FROM eval_nominations n "
      "LEFT JOIN evaluations e ON e.nomination = n.name AND e.latest = 1 "
      "LEFT JOIN nomination_standings s ON s.nomination = n.name AND s.school_year = ? "
      "WHERE n.plan = ? AND n.state = ? ORDER BY n.name",
      {SqlParam(school_year), SqlParam(plan),
       SqlParam(static_cast<int>(intake::v1::Nomination::STATE_SUBMITTED))});
  if (!rows.ok()) return rows.status();
  std::set<std::string> members(member_units.begin(), member_units.end());
  std::vector<v1::BlockRankingEntry> entries;
  for (const SqlRow& row : *rows) {
    const std::string nominee = row.Text(1);
    if (nominee.rfind("units/", 0) != 0) continue;  // collectives only
    if (category != 0 && row.Int(2) != category) continue;
    const bool in_block = !row.IsNull(4) && row.Text(4) == block;
    if (!in_block && !members.count(nominee)) continue;
    v1::BlockRankingEntry entry;
    entry.set_nomination(row.Text(0));
    entry.set_nominee(nominee);
    if (!row.IsNull(3)) {
      v1::Evaluation evaluation;
      if (!evaluation.ParseFromString(row.Blob(3))) return absl::DataLossError("a stored evaluation does not parse");
      entry.set_nominee_display_name(evaluation.nominee_display_name());
      entry.set_verdict(evaluation.verdict());
      entry.set_evaluation(evaluation.name());
    }
    if (in_block) {
      entry.set_block_rank(static_cast<int32_t>(row.Int(5)));
      entry.set_block_size(static_cast<int32_t>(row.Int(6)));
    }
    entries.push_back(std::move(entry));
  }
  return entries;
}

}  // namespace dienhinh::evaluation
