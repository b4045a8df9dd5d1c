#include "services/evaluation/block_ranking_rules.h"

#include <algorithm>
#include <limits>

#include "services/platform/text/vietnamese_text.h"

namespace dienhinh::evaluation {

void OrderBlockRanking(std::vector<v1::BlockRankingEntry>& entries) {
  auto rank_key = [](const v1::BlockRankingEntry& e) {
    return e.block_rank() > 0 ? e.block_rank() : std::numeric_limits<int32_t>::max();
  };
  std::sort(entries.begin(), entries.end(), [&](const auto& a, const auto& b) {
    if (rank_key(a) != rank_key(b)) return rank_key(a) < rank_key(b);
    if (a.nominee_display_name() != b.nominee_display_name()) {
      if (platform::VietnameseLess(a.nominee_display_name(), b.nominee_display_name())) return true;
      if (platform::VietnameseLess(b.nominee_display_name(), a.nominee_display_name())) return false;
    }
    return a.nomination() < b.nomination();
  });
  for (size_t i = 0; i < entries.size(); ++i) {
    bool tie = i > 0 && rank_key(entries[i]) == rank_key(entries[i - 1]);
    entries[i].set_position(tie ? entries[i - 1].position() : static_cast<int32_t>(i + 1));
  }
}

}  // namespace dienhinh::evaluation
