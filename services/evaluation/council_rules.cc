#include "services/evaluation/council_rules.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "services/evaluation/wording.h"
#include "services/platform/status/error_details.h"

namespace dienhinh::evaluation {
namespace {

bool ValidDate(const type::v1::Date& d) {
  if (d.year() < 1900 || d.year() > 9999 || d.month() < 1 || d.month() > 12 || d.day() < 1) return false;
  absl::CivilDay day(d.year(), d.month(), d.day());
  return day.year() == d.year() && day.month() == d.month() && day.day() == d.day();
}

}  // namespace

absl::Status ValidateCouncilDecision(const v1::CouncilDecision& d) {
  platform::ViolationList v;
  if (!absl::StartsWith(d.nomination(), "nominations/") || d.nomination().size() <= 12 ||
      d.nomination().find('/', 12) != std::string::npos) {
    v.Add("council_decision.nomination", "must be nominations/{nomination}");
  }
  if (d.decision_number().empty()) v.Add("council_decision.decision_number", "is required, e.g. \"456/QĐ-SGDĐT\"");
  if (!ValidDate(d.decision_date())) v.Add("council_decision.decision_date", "must be a valid date");
  if (d.recognition_title().empty()) v.Add("council_decision.recognition_title", "is required");
  if (d.council_members() <= 0) v.Add("council_decision.council_members", "must be at least 1");
  if (d.votes_for() < 0) v.Add("council_decision.votes_for", "must not be negative");
  if (d.members_present() < d.votes_for()) {
    v.Add("council_decision.members_present", "must be at least votes_for");
  }
  if (d.council_members() > 0 && d.members_present() > d.council_members()) {
    v.Add("council_decision.members_present", "must be at most council_members");
  }
  return v.ToStatus("the council decision has invalid fields");
}

absl::Status CheckCouncilVote(const v1::CouncilRule& rule, const v1::CouncilDecision& d) {
  const v1::VoteShareRule& share = rule.required_share();
  const bool of_members = share.base() != v1::VOTE_BASE_PRESENT;
  const int64_t base = of_members ? d.council_members() : d.members_present();
  platform::ViolationList v;
  if (base <= 0 || int64_t{d.votes_for()} * 10000 < int64_t{share.minimum_share_bp()} * base) {
    v.Add("council_decision.votes_for",
          absl::StrCat(d.votes_for(), " of ", base, of_members ? " members" : " present",
                       " falls short of the plan's required ", PercentEn(share.minimum_share_bp()),
                       of_members ? " of the full membership" : " of those present"));
  }
  if (share.minimum_attendance_bp() > 0 &&
      int64_t{d.members_present()} * 10000 < int64_t{share.minimum_attendance_bp()} * d.council_members()) {
    v.Add("council_decision.members_present",
          absl::StrCat(d.members_present(), " of ", d.council_members(), " members present is below the quorum of ",
                       PercentEn(share.minimum_attendance_bp())));
  }
  return v.ToStatus("the council's vote does not reach the plan's required share");
}

absl::Status ValidateRevocation(const v1::Revocation& r) {
  platform::ViolationList v;
  if (r.reason() == v1::Revocation::REASON_UNSPECIFIED) v.Add("revocation.reason", "the legal ground is required");
  if (r.legal_basis().empty()) {
    v.Add("revocation.legal_basis", "is required, e.g. \"Luật Thi đua, khen thưởng số 06/2022/QH15, chương VII\"");
  }
  if (r.decision_number().empty()) v.Add("revocation.decision_number", "the revoking decision's number is required");
  if (!ValidDate(r.decision_date())) v.Add("revocation.decision_date", "must be a valid date");
  return v.ToStatus("the revocation has invalid fields");
}

}  // namespace dienhinh::evaluation
