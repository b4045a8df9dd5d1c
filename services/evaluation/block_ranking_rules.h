// Orders the nominees of one emulation block for the council's comparison (and G2): by their
// rank in the block that year (unranked last), then by display name in Vietnamese order, then by
// nomination name; nominees sharing a rank share a position ("1, 1, 3"). No gRPC, no SQL.
#ifndef DIENHINH_SERVICES_EVALUATION_BLOCK_RANKING_RULES_H_
#define DIENHINH_SERVICES_EVALUATION_BLOCK_RANKING_RULES_H_

#include <vector>

#include "dienhinh/evaluation/v1/block_ranking.pb.h"

namespace dienhinh::evaluation {

// Sorts `entries` and sets their positions.
void OrderBlockRanking(std::vector<v1::BlockRankingEntry>& entries);

}  // namespace dienhinh::evaluation

#endif  // DIENHINH_SERVICES_EVALUATION_BLOCK_RANKING_RULES_H_
