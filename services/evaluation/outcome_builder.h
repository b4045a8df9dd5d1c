// Builds one criterion's outcome from the findings of its checks: each finding is MET, NOT_MET,
// PENDING or MISSING_DATA with a sentence in both languages. The outcome is the worst finding —
// NOT_MET, then MISSING_DATA, then PENDING, else MET — and its reason joins the sentences of
// that class, so the reason always says what decided it (which figure, which year).
#ifndef DIENHINH_SERVICES_EVALUATION_OUTCOME_BUILDER_H_
#define DIENHINH_SERVICES_EVALUATION_OUTCOME_BUILDER_H_

#include <string>
#include <vector>

#include "dienhinh/evaluation/v1/evaluation.pb.h"
#include "services/evaluation/wording.h"

namespace dienhinh::evaluation {

class OutcomeBuilder {
 public:
  using Outcome = v1::CriterionOutcome::Outcome;

  explicit OutcomeBuilder(const v1::Criterion& criterion);

  void Met(Bilingual sentence) { Add(v1::CriterionOutcome::OUTCOME_MET, std::move(sentence)); }
  void NotMet(Bilingual sentence) { Add(v1::CriterionOutcome::OUTCOME_NOT_MET, std::move(sentence)); }
  void Pending(Bilingual sentence) { Add(v1::CriterionOutcome::OUTCOME_PENDING, std::move(sentence)); }
  void Missing(Bilingual sentence) {
    Add(v1::CriterionOutcome::OUTCOME_MISSING_DATA, std::move(sentence));
  }
  void Add(Outcome outcome, Bilingual sentence);

  // A value the outcome rests on.
  void Figure(std::string name, std::string subject, int start_year, int64_t value,
              std::string display_value);
  void DependsOn(std::string resource);

  // With no finding at all the outcome is MISSING_DATA: nothing was there to judge.
  v1::CriterionOutcome Build() const;

 private:
  v1::CriterionOutcome outcome_;
  std::vector<std::pair<Outcome, Bilingual>> findings_;
};

}  // namespace dienhinh::evaluation

#endif  // DIENHINH_SERVICES_EVALUATION_OUTCOME_BUILDER_H_
