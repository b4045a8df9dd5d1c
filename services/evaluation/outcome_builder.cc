#include "services/evaluation/outcome_builder.h"

#include "absl/strings/str_join.h"

namespace dienhinh::evaluation {
namespace {

// Lower is worse: the order in which a finding decides the outcome.
int Severity(v1::CriterionOutcome::Outcome outcome) {
  switch (outcome) {
    case v1::CriterionOutcome::OUTCOME_NOT_MET:
      return 0;
    case v1::CriterionOutcome::OUTCOME_MISSING_DATA:
      return 1;
    case v1::CriterionOutcome::OUTCOME_PENDING:
      return 2;
    default:
      return 3;
  }
}

}  // namespace

OutcomeBuilder::OutcomeBuilder(const v1::Criterion& criterion) {
  outcome_.set_criterion_id(criterion.id());
  outcome_.set_kind(criterion.kind());
}

void OutcomeBuilder::Add(Outcome outcome, Bilingual sentence) {
  findings_.emplace_back(outcome, std::move(sentence));
}

void OutcomeBuilder::Figure(std::string name, std::string subject, int start_year, int64_t value,
                            std::string display_value) {
  v1::FigureValue* f = outcome_.add_figures();
  f->set_name(std::move(name));
  f->set_subject(std::move(subject));
  if (start_year > 0) f->mutable_school_year()->set_start_year(start_year);
  f->set_value(value);
  f->set_display_value(std::move(display_value));
}

void OutcomeBuilder::DependsOn(std::string resource) {
  for (const std::string& r : outcome_.depends_on()) {
    if (r == resource) return;
  }
  outcome_.add_depends_on(std::move(resource));
}

v1::CriterionOutcome OutcomeBuilder::Build() const {
  v1::CriterionOutcome out = outcome_;
  if (findings_.empty()) {
    out.set_outcome(v1::CriterionOutcome::OUTCOME_MISSING_DATA);
    out.mutable_reason()->set_vi("Không có dữ liệu để xét tiêu chí.");
    out.mutable_reason()->set_en("There is nothing on record to judge the criterion by.");
    return out;
  }
  Outcome decided = findings_.front().first;
  for (const auto& [outcome, sentence] : findings_) {
    if (Severity(outcome) < Severity(decided)) decided = outcome;
  }
  std::vector<std::string> vi, en;
  for (const auto& [outcome, sentence] : findings_) {
    if (outcome != decided) continue;
    vi.push_back(sentence.vi);
    en.push_back(sentence.en);
  }
  out.set_outcome(decided);
  out.mutable_reason()->set_vi(absl::StrJoin(vi, "; ") + ".");
  out.mutable_reason()->set_en(absl::StrJoin(en, "; ") + ".");
  return out;
}

}  // namespace dienhinh::evaluation
