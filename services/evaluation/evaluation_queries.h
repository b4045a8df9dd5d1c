// The reads behind the List methods and block rankings: filters already parsed and checked by
// the service, keyset pages, and the caller's visibility (a unit officer sees only what concerns
// their unit) applied in SQL so pages are never short for it.
#ifndef DIENHINH_SERVICES_EVALUATION_EVALUATION_QUERIES_H_
#define DIENHINH_SERVICES_EVALUATION_EVALUATION_QUERIES_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "dienhinh/evaluation/v1/attestation_review.pb.h"
#include "dienhinh/evaluation/v1/block_ranking.pb.h"
#include "dienhinh/evaluation/v1/council_decision.pb.h"
#include "dienhinh/evaluation/v1/evaluation.pb.h"
#include "services/platform/storage/database.h"

namespace dienhinh::evaluation {

template <typename T>
struct Page {
  std::vector<T> items;
  std::vector<std::string> next_key;  // empty on the last page
};

struct EvaluationQuery {
  std::string nomination;  // empty for all nominations
  bool latest_only = false;
  std::string order_by;    // "", "create_time desc", "version", "nominee_display_name"
  std::optional<std::string> plan, district, nominating_unit, nominee;
  std::optional<int> verdict, category, school_year;
  std::string visible_unit;  // when set: only nominations of or by this unit
  std::vector<std::string> after;
  int page_size = 100;
};
absl::StatusOr<Page<v1::Evaluation>> QueryEvaluations(platform::Transaction& tx, const EvaluationQuery& query);

struct ReviewQuery {
  std::string nomination;  // empty for all
  std::optional<std::string> criterion_id, reviewer;
  std::optional<int> decision;
  std::string visible_unit;
  std::vector<std::string> after;
  int page_size = 100;
};
absl::StatusOr<Page<v1::AttestationReview>> QueryReviews(platform::Transaction& tx, const ReviewQuery& query);

struct DecisionQuery {
  std::string order_by;  // "", "decision_date desc", "nominee_display_name"
  std::optional<std::string> plan, nomination, district;
  std::optional<int> state, category;
  std::string visible_unit;
  std::vector<std::string> after;
  int page_size = 100;
};
absl::StatusOr<Page<v1::CouncilDecision>> QueryDecisions(platform::Transaction& tx, const DecisionQuery& query);

// The active collective nominations of `plan` whose nominee is one of `member_units` or whose
// latest evaluation saw it in `block` that year, each with its standing and latest evaluation.
// Unordered: OrderBlockRanking orders them.
absl::StatusOr<std::vector<v1::BlockRankingEntry>> BlockEntries(platform::Transaction& tx, const std::string& plan,
                                                                int school_year, const std::string& block,
                                                                const std::vector<std::string>& member_units,
                                                                int category);

}  // namespace dienhinh::evaluation

#endif  // DIENHINH_SERVICES_EVALUATION_EVALUATION_QUERIES_H_
