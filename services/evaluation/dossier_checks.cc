// The kinds that read the nomination's dossier and other nominations: the acknowledgement vote
// (G0), attestations of qualitative criteria with their reviews (G1, G3-G5, I4, I6, D1-D3, S1,
// S4, L1, L2), and the dependency of a leader on the unit he or she heads (L4).
#include <set>

#include "absl/strings/str_cat.h"
#include "services/evaluation/criterion_checks.h"
#include "services/evaluation/outcome_builder.h"

namespace dienhinh::evaluation {
namespace {

using registry::v1::PersonYearlyRecord;
using registry::v1::UnitYearlyRecord;

Bilingual InYear(int year, const Bilingual& sentence) {
  std::string y = SchoolYearText(year);
  return {absl::StrCat(y, ": ", sentence.vi), absl::StrCat(y, ": ", sentence.en)};
}

Bilingual VerdictName(v1::Verdict verdict) {
  switch (verdict) {
    case v1::VERDICT_QUALIFIED:
      return {"đủ điều kiện", "qualified"};
    case v1::VERDICT_NOT_QUALIFIED:
      return {"không đủ điều kiện", "not qualified"};
    case v1::VERDICT_PENDING:
      return {"chưa có kết luận", "pending"};
    default:
      return {"chưa được đánh giá", "not evaluated yet"};
  }
}

}  // namespace

v1::CriterionOutcome CheckVoteShare(const v1::Criterion& criterion, const CheckContext& context) {
  const v1::VoteShareRule& rule = criterion.vote_share();
  OutcomeBuilder builder(criterion);
  const auto& vote = context.nomination.acknowledgement_vote();
  const std::string& nomination = context.nomination.name();
  if (!context.nomination.has_acknowledgement_vote() || vote.members() <= 0) {
    builder.Missing({"đề nghị chưa ghi kết quả bỏ phiếu suy tôn của tập thể",
                     "the nomination records no acknowledgement vote of the collective"});
    return builder.Build();
  }
  builder.Figure("acknowledgement_vote.votes_for", nomination, 0, vote.votes_for(), absl::StrCat(vote.votes_for()));
  builder.Figure("acknowledgement_vote.present", nomination, 0, vote.present(), absl::StrCat(vote.present()));
  builder.Figure("acknowledgement_vote.members", nomination, 0, vote.members(), absl::StrCat(vote.members()));
  // Counts that do not add up cannot be judged either way; intake should have refused them.
  if (vote.votes_for() < 0 || vote.present() < vote.votes_for() || vote.members() < vote.present()) {
    builder.Missing({absl::StrCat("số liệu bỏ phiếu không khớp: ", vote.votes_for(), " phiếu tán thành, ",
                                  vote.present(), " có mặt, ", vote.members(), " thành viên"),
                     absl::StrCat("the vote's counts do not add up: ", vote.votes_for(), " for, ",
                                  vote.present(), " present, ", vote.members(), " members")});
    return builder.Build();
  }
  const bool of_present = rule.base() == v1::VOTE_BASE_PRESENT;
  const int64_t base = of_present ? vote.present() : vote.members();
  Bilingual base_name = of_present ? Bilingual{"số người có mặt", "of those present"}
                                   : Bilingual{"tổng số thành viên", "of all members"};
  if (base <= 0) {
    builder.Missing({"không có ai có mặt khi bỏ phiếu", "nobody was present at the vote"});
    return builder.Build();
  }
  const int64_t share_bp = int64_t{vote.votes_for()} * 10000 / base;
  const bool share_ok = int64_t{vote.votes_for()} * 10000 >= int64_t{rule.minimum_share_bp()} * base;
  Bilingual share{
      absl::StrCat(vote.votes_for(), "/", base, " phiếu tán thành (", PercentVi(share_bp), " ", base_name.vi,
                   "), yêu cầu ít nhất ", PercentVi(rule.minimum_share_bp())),
      absl::StrCat(vote.votes_for(), "/", base, " votes for (", PercentEn(share_bp), " ", base_name.en,
                   "), required at least ", PercentEn(rule.minimum_share_bp()))};
  share_ok ? builder.Met(share) : builder.NotMet(share);
  if (rule.minimum_attendance_bp() > 0) {
    const bool quorum = int64_t{vote.present()} * 10000 >= int64_t{rule.minimum_attendance_bp()} * vote.members();
    const int64_t attendance_bp = int64_t{vote.present()} * 10000 / vote.members();
    Bilingual attendance{
        absl::StrCat(vote.present(), "/", vote.members(), " thành viên có mặt (", PercentVi(attendance_bp),
                     "), yêu cầu ít nhất ", PercentVi(rule.minimum_attendance_bp())),
        absl::StrCat(vote.present(), "/", vote.members(), " members present (", PercentEn(attendance_bp),
                     "), required at least ", PercentEn(rule.minimum_attendance_bp()))};
    quorum ? builder.Met(attendance) : builder.NotMet(attendance);
  }
  return builder.Build();
}

v1::CriterionOutcome CheckAttestation(const v1::Criterion& criterion, const CheckContext& context) {
  OutcomeBuilder builder(criterion);
  const intake::v1::Attestation* attestation = nullptr;
  for (const auto& a : context.nomination.attestations()) {
    if (a.criterion_id() == criterion.id()) attestation = &a;
  }
  if (attestation == nullptr) {
    builder.Missing({absl::StrCat("đề nghị chưa có bản xác nhận tiêu chí ", criterion.id()),
                     absl::StrCat("the nomination has no attestation of criterion ", criterion.id())});
    return builder.Build();
  }
  std::set<std::string> known;
  for (const auto& e : context.nomination.evidence()) known.insert(e.id());
  std::set<std::string> cited;
  for (const std::string& id : attestation->evidence_ids()) {
    if (known.count(id)) cited.insert(id);
  }
  const int required = std::max(1, criterion.attestation().minimum_evidence_items());
  builder.Figure("attestation.evidence_ids", context.nomination.name(), 0, static_cast<int64_t>(cited.size()),
                 absl::StrCat(cited.size()));
  if (static_cast<int>(cited.size()) < required) {
    builder.Missing({absl::StrCat("bản xác nhận tiêu chí ", criterion.id(), " dẫn ", cited.size(),
                                  " minh chứng có trong hồ sơ, yêu cầu ít nhất ", required),
                     absl::StrCat("the attestation of ", criterion.id(), " cites ", cited.size(),
                                  " evidence items of the dossier, at least ", required, " required")});
    return builder.Build();
  }
  auto review = context.facts.reviews.find(criterion.id());
  if (review == context.facts.reviews.end()) {
    builder.Pending({"bản xác nhận đang chờ Văn phòng Sở thẩm định",
                     "the attestation is waiting for the department office's review"});
    return builder.Build();
  }
  const v1::AttestationReview& r = review->second;
  builder.DependsOn(r.name());
  if (r.attestation_digest() != AttestationDigest(context.nomination, criterion.id())) {
    builder.Pending({"bản xác nhận hoặc minh chứng đã thay đổi sau lần thẩm định trước, chờ thẩm định lại",
                     "the attestation or its evidence changed after the last review; waiting for a new review"});
    return builder.Build();
  }
  std::string comment = r.comment().empty() ? "" : absl::StrCat(": ", r.comment());
  if (r.decision() == v1::AttestationReview::DECISION_ACCEPTED) {
    builder.Met({absl::StrCat("bản xác nhận được ", r.reviewer(), " chấp nhận", comment),
                 absl::StrCat("the attestation was accepted by ", r.reviewer(), comment)});
  } else if (r.decision() == v1::AttestationReview::DECISION_REJECTED) {
    builder.NotMet({absl::StrCat("bản xác nhận không được ", r.reviewer(), " chấp nhận", comment),
                    absl::StrCat("the attestation was rejected by ", r.reviewer(), comment)});
  } else {
    builder.Pending({"bản xác nhận đang chờ thẩm định", "the attestation is waiting for a review"});
  }
  return builder.Build();
}

v1::CriterionOutcome CheckDependency(const v1::Criterion& criterion, const CheckContext& context) {
  const auto& p = criterion.dependency();
  OutcomeBuilder builder(criterion);
  const std::string& person = context.nomination.nominee();
  const std::string who = SubjectLabel(context.facts, person);
  if (IsCollective(context.nomination) || context.years.empty()) {
    builder.NotMet({"tiêu chí chỉ áp dụng cho cá nhân đứng đầu một đơn vị",
                    "the criterion applies only to an individual heading a unit"});
    return builder.Build();
  }
  const std::string headed = HeadedUnit(context.nomination, context.facts);
  if (headed.empty()) {
    const int last = context.years.back();
    if (context.facts.person_records.count(PersonRecordName(person, last)) == 0 &&
        context.facts.persons.count(person) == 0) {
      builder.Missing(InYear(last, {absl::StrCat("chưa có hồ sơ năm học của ", who),
                                    absl::StrCat("no yearly record of ", who)}));
    } else {
      builder.NotMet({absl::StrCat(who, " không đứng đầu đơn vị nào"),
                      absl::StrCat(who, " heads no unit")});
    }
    return builder.Build();
  }
  const std::string unit_label = SubjectLabel(context.facts, headed);
  // The headed unit's own nomination under the plan.
  auto dependency = context.facts.dependencies.find(headed);
  if (dependency == context.facts.dependencies.end()) {
    builder.Pending({absl::StrCat(unit_label, " chưa có đề nghị tập thể theo kế hoạch này"),
                     absl::StrCat(unit_label, " has no collective nomination under this plan yet")});
  } else {
    const DependencyState& d = dependency->second;
    builder.DependsOn(d.evaluation.empty() ? d.nomination : d.evaluation);
    Bilingual verdict = VerdictName(d.verdict);
    builder.Figure("dependency.verdict", d.nomination, 0, d.verdict, verdict.vi);
    Bilingual sentence{absl::StrCat("đề nghị tập thể ", d.nomination, " của ", unit_label, ": ", verdict.vi),
                       absl::StrCat("the collective nomination ", d.nomination, " of ", unit_label, ": ",
                                    verdict.en)};
    if (d.verdict == v1::VERDICT_QUALIFIED) {
      builder.Met(sentence);
    } else if (d.verdict == v1::VERDICT_NOT_QUALIFIED) {
      builder.NotMet(sentence);
    } else {
      builder.Pending(sentence);
    }
  }
  // The headed unit's assessment in every year of the leader's nomination.
  if (p.required_assessment() != type::v1::TASK_ASSESSMENT_UNSPECIFIED) {
    Bilingual required = TaskAssessmentName(p.required_assessment());
    for (int year : context.years) {
      std::string unit = SubjectUnit(context.nomination, context.facts, v1::SUBJECT_HEADED_UNIT, year);
      if (unit.empty()) unit = headed;
      auto record = context.facts.unit_records.find(UnitRecordName(unit, year));
      const std::string label = SubjectLabel(context.facts, unit);
      if (record == context.facts.unit_records.end()) {
        builder.Missing(InYear(year, {absl::StrCat("chưa có hồ sơ năm học của ", label),
                                      absl::StrCat("no yearly record of ", label)}));
        continue;
      }
      auto value = record->second.assessment().assessment();
      if (value == type::v1::TASK_ASSESSMENT_UNSPECIFIED) {
        builder.Missing(InYear(year, {absl::StrCat("đánh giá mức độ hoàn thành nhiệm vụ của ", label,
                                                   " chưa được ghi nhận"),
                                      absl::StrCat("the task assessment of ", label, " is not recorded")}));
        continue;
      }
      Bilingual name = TaskAssessmentName(value);
      builder.Figure("assessment.assessment", unit, year, value, name.vi);
      bool ok = value >= p.required_assessment();
      Bilingual sentence{
          absl::StrCat(label, ": ", name.vi, ok ? "" : absl::StrCat(", yêu cầu ", required.vi)),
          absl::StrCat(label, ": ", name.en, ok ? "" : absl::StrCat(", required ", required.en))};
      ok ? builder.Met(InYear(year, sentence)) : builder.NotMet(InYear(year, sentence));
    }
  }
  return builder.Build();
}

}  // namespace dienhinh::evaluation
