// Block rankings and the council's vote, as rules: positions with ties, unranked last, names in
// Vietnamese order; shares counted exactly against the plan's rule.
#include <gtest/gtest.h>

#include "services/evaluation/block_ranking_rules.h"
#include "services/evaluation/council_rules.h"
#include "services/platform/status/error_details.h"

namespace dienhinh::evaluation {
namespace {

v1::BlockRankingEntry Entry(const std::string& name, int rank) {
  v1::BlockRankingEntry e;
  e.set_nomination("nominations/" + name);
  e.set_nominee_display_name(name);
  e.set_block_rank(rank);
  return e;
}

TEST(BlockRankingRulesTest, TiesSharePositionsAndUnrankedComeLast) {
  std::vector<v1::BlockRankingEntry> entries = {Entry("Đông", 0), Entry("Bình", 2), Entry("An", 1),
                                                Entry("Ân", 2), Entry("Cần", 0)};
  OrderBlockRanking(entries);
  std::vector<std::string> names;
  std::vector<int> positions;
  for (const auto& e : entries) {
    names.push_back(e.nominee_display_name());
    positions.push_back(e.position());
  }
  // Vietnamese order: a < ă < â < b, so "Ân" comes before "Bình"; unranked after every rank.
  EXPECT_EQ(names, (std::vector<std::string>{"An", "Ân", "Bình", "Cần", "Đông"}));
  EXPECT_EQ(positions, (std::vector<int>{1, 2, 2, 4, 4}));
}

v1::CouncilDecision Decision(int members, int present, int votes_for) {
  v1::CouncilDecision d;
  d.set_nomination("nominations/01J0SCHOOL000000000000000000");
  d.set_decision_number("456/QĐ-SGDĐT");
  d.mutable_decision_date()->set_year(2020);
  d.mutable_decision_date()->set_month(8);
  d.mutable_decision_date()->set_day(20);
  d.set_recognition_title("Gương điển hình tiên tiến ngành giáo dục và đào tạo giai đoạn 2019-2020");
  d.set_council_members(members);
  d.set_members_present(present);
  d.set_votes_for(votes_for);
  return d;
}

TEST(CouncilRulesTest, TheShareIsOfTheFullMembership) {
  v1::CouncilRule rule;
  rule.mutable_required_share()->set_minimum_share_bp(9000);
  rule.mutable_required_share()->set_base(v1::VOTE_BASE_MEMBERS);
  EXPECT_TRUE(CheckCouncilVote(rule, Decision(10, 10, 9)).ok());
  // 9 of the 9 present is not 90 % of 11 members.
  absl::Status short_of = CheckCouncilVote(rule, Decision(11, 9, 9));
  EXPECT_EQ(short_of.code(), absl::StatusCode::kInvalidArgument);
  ASSERT_FALSE(platform::FieldViolationsOf(short_of).empty());
  EXPECT_EQ(platform::FieldViolationsOf(short_of)[0].field, "council_decision.votes_for");
  rule.mutable_required_share()->set_base(v1::VOTE_BASE_PRESENT);
  EXPECT_TRUE(CheckCouncilVote(rule, Decision(11, 9, 9)).ok());
}

TEST(CouncilRulesTest, CountsMustAddUp) {
  EXPECT_TRUE(ValidateCouncilDecision(Decision(9, 9, 9)).ok());
  EXPECT_EQ(ValidateCouncilDecision(Decision(9, 8, 9)).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ValidateCouncilDecision(Decision(9, 10, 9)).code(), absl::StatusCode::kInvalidArgument);
  v1::CouncilDecision no_date = Decision(9, 9, 9);
  no_date.mutable_decision_date()->set_day(31);
  no_date.mutable_decision_date()->set_month(2);
  EXPECT_EQ(ValidateCouncilDecision(no_date).code(), absl::StatusCode::kInvalidArgument);
}

TEST(CouncilRulesTest, ARevocationStatesItsGroundAndDecision) {
  v1::Revocation r;
  EXPECT_EQ(platform::FieldViolationsOf(ValidateRevocation(r)).size(), 4u);
  r.set_reason(v1::Revocation::REASON_FALSE_DOSSIER);
  r.set_legal_basis("Luật Thi đua, khen thưởng số 06/2022/QH15, chương VII");
  r.set_decision_number("789/QĐ-SGDĐT");
  r.mutable_decision_date()->set_year(2024);
  r.mutable_decision_date()->set_month(3);
  r.mutable_decision_date()->set_day(1);
  EXPECT_TRUE(ValidateRevocation(r).ok());
}

}  // namespace
}  // namespace dienhinh::evaluation
