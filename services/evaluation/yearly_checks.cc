// The kinds that read yearly records: threshold (I1, I2), trend (I0, I3), rating every year
// (I5, D4, D5, S2, L3), record on file (S3) and standing (G2).
#include <algorithm>
#include <optional>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "services/evaluation/criterion_checks.h"
#include "services/evaluation/figures.h"
#include "services/evaluation/outcome_builder.h"

namespace dienhinh::evaluation {
namespace {

using registry::v1::PersonYearlyRecord;
using registry::v1::UnitYearlyRecord;
using Outcome = v1::CriterionOutcome::Outcome;

const UnitYearlyRecord* UnitRecord(const EvaluationFacts& facts, const std::string& unit, int year) {
  auto it = facts.unit_records.find(UnitRecordName(unit, year));
  return it == facts.unit_records.end() ? nullptr : &it->second;
}

const PersonYearlyRecord* PersonRecord(const EvaluationFacts& facts, const std::string& person,
                                       int year) {
  auto it = facts.person_records.find(PersonRecordName(person, year));
  return it == facts.person_records.end() ? nullptr : &it->second;
}

std::vector<int> ScopedYears(v1::YearScope scope, const std::vector<int>& years) {
  if (scope == v1::YEAR_SCOPE_LAST_YEAR && !years.empty()) return {years.back()};
  return years;
}

// The findings of one school year.
struct YearFindings {
  std::vector<std::pair<Outcome, Bilingual>> findings;
  void Add(Outcome o, Bilingual b) { findings.emplace_back(o, std::move(b)); }
  bool AllMet() const {
    return !findings.empty() &&
           std::all_of(findings.begin(), findings.end(), [](const auto& f) {
             return f.first == v1::CriterionOutcome::OUTCOME_MET;
           });
  }
};

// Every year's findings count, except with YEAR_SCOPE_ANY_YEAR, where one year whose findings
// are all met is enough (and only it is reported).
void AddYears(OutcomeBuilder& builder, v1::YearScope scope, const std::vector<YearFindings>& years) {
  if (scope == v1::YEAR_SCOPE_ANY_YEAR) {
    for (const YearFindings& y : years) {
      if (!y.AllMet()) continue;
      for (const auto& [o, b] : y.findings) builder.Add(o, b);
      return;
    }
  }
  for (const YearFindings& y : years) {
    for (const auto& [o, b] : y.findings) builder.Add(o, b);
  }
}

// "2019-2020: " before a sentence.
Bilingual InYear(int year, const Bilingual& sentence) {
  std::string y = SchoolYearText(year);
  return {absl::StrCat(y, ": ", sentence.vi), absl::StrCat(y, ": ", sentence.en)};
}

// Why the unit standing for the nominee in `year` is not known.
Bilingual NoSubjectUnit(const CheckContext& context, v1::Subject subject, int year) {
  const std::string& person = context.nomination.nominee();
  if (PersonRecord(context.facts, person, year) == nullptr) {
    return InYear(year, {absl::StrCat("chưa có hồ sơ năm học của ", SubjectLabel(context.facts, person)),
                         absl::StrCat("no yearly record of ", SubjectLabel(context.facts, person))});
  }
  if (subject == v1::SUBJECT_HEADED_UNIT) {
    return InYear(year, {absl::StrCat("hồ sơ của ", SubjectLabel(context.facts, person),
                                      " không ghi đơn vị do người đó đứng đầu"),
                         absl::StrCat("the record of ", SubjectLabel(context.facts, person),
                                      " names no unit they headed")});
  }
  return InYear(year, {absl::StrCat("hồ sơ của ", SubjectLabel(context.facts, person),
                                    " không ghi đơn vị công tác"),
                       absl::StrCat("the record of ", SubjectLabel(context.facts, person),
                                    " names no unit they worked in")});
}

Bilingual NoUnitRecord(const EvaluationFacts& facts, const std::string& unit, int year) {
  return InYear(year, {absl::StrCat("chưa có hồ sơ năm học của ", SubjectLabel(facts, unit)),
                       absl::StrCat("no yearly record of ", SubjectLabel(facts, unit))});
}

bool IsRateFigure(v1::Figure figure) { return absl::EndsWith(v1::Figure_Name(figure), "_BP"); }

// A threshold value as people read it, in the figure's unit.
Bilingual ValueText(v1::Figure figure, int64_t value) {
  if (IsRateFigure(figure)) return {PercentVi(value), PercentEn(value)};
  FigureReading r;
  r.figure = figure;
  r.present = true;
  r.numerator = value;
  return {r.DisplayVi(), r.DisplayEn()};
}

void AddFigure(OutcomeBuilder& builder, const FigureReading& r, const std::string& unit, int year) {
  if (!r.present) return;
  builder.Figure(v1::Figure_Name(r.figure), unit, year, r.Value(), r.DisplayVi());
}

Bilingual NotRecorded(const EvaluationFacts& facts, const FigureReading& r, const std::string& unit) {
  Bilingual name = FigureName(r.figure);
  return {absl::StrCat(name.vi, " của ", SubjectLabel(facts, unit), " chưa được ghi nhận (thiếu ",
                       r.missing_input, ")"),
          absl::StrCat(name.en, " of ", SubjectLabel(facts, unit), " is not recorded (",
                       r.missing_input, " missing)")};
}

// The rating a requirement reads for one year; UNSPECIFIED-valued results mean "not recorded".
struct RatingFound {
  int value = 0;       // the enum's number, comparable by number (rating.proto)
  int minimum = 0;
  Bilingual what;      // "đánh giá mức độ hoàn thành nhiệm vụ của X"
  Bilingual value_name;
  Bilingual minimum_name;
  std::string figure_name;  // field path, e.g. "assessment.assessment"
  std::string subject;
  bool known_record = true;  // false when the record itself is absent
};

}  // namespace

std::string SubjectLabel(const EvaluationFacts& facts, const std::string& name) {
  auto unit = facts.units.find(name);
  if (unit != facts.units.end() && !unit->second.display_name().empty()) {
    return absl::StrCat(unit->second.display_name(), " (", name, ")");
  }
  auto person = facts.persons.find(name);
  if (person != facts.persons.end() && !person->second.display_name().empty()) {
    return absl::StrCat(person->second.display_name(), " (", name, ")");
  }
  return name;
}

v1::CriterionOutcome CheckThreshold(const v1::Criterion& criterion, const CheckContext& context) {
  const auto& t = criterion.threshold();
  OutcomeBuilder builder(criterion);
  std::vector<YearFindings> years;
  for (int year : ScopedYears(t.years(), context.years)) {
    YearFindings found;
    std::string unit = SubjectUnit(context.nomination, context.facts, t.subject(), year);
    const UnitYearlyRecord* record = unit.empty() ? nullptr : UnitRecord(context.facts, unit, year);
    if (unit.empty()) {
      found.Add(v1::CriterionOutcome::OUTCOME_MISSING_DATA, NoSubjectUnit(context, t.subject(), year));
    } else if (record == nullptr) {
      found.Add(v1::CriterionOutcome::OUTCOME_MISSING_DATA, NoUnitRecord(context.facts, unit, year));
    } else {
      const UnitYearlyRecord* previous = UnitRecord(context.facts, unit, year - 1);
      for (const auto& condition : t.conditions()) {
        FigureReading r = ReadFigure(condition.figure(), *record, previous);
        AddFigure(builder, r, unit, year);
        if (!r.present) {
          found.Add(v1::CriterionOutcome::OUTCOME_MISSING_DATA,
                    InYear(year, NotRecorded(context.facts, r, unit)));
          continue;
        }
        Bilingual name = FigureName(condition.figure());
        Bilingual needed = ValueText(condition.figure(), condition.value());
        std::string symbol = ComparatorSymbol(condition.comparator());
        Bilingual sentence{
            absl::StrCat(name.vi, " ", r.DisplayVi(), ", yêu cầu ", symbol, " ", needed.vi),
            absl::StrCat(name.en, " ", r.DisplayEn(), ", required ", symbol, " ", needed.en)};
        found.Add(Satisfies(r, condition.comparator(), condition.value())
                      ? v1::CriterionOutcome::OUTCOME_MET
                      : v1::CriterionOutcome::OUTCOME_NOT_MET,
                  InYear(year, sentence));
      }
    }
    years.push_back(std::move(found));
  }
  AddYears(builder, t.years(), years);
  return builder.Build();
}

v1::CriterionOutcome CheckTrend(const v1::Criterion& criterion, const CheckContext& context) {
  const auto& t = criterion.trend();
  OutcomeBuilder builder(criterion);
  if (context.years.empty()) return builder.Build();
  const int first = context.years.front() - std::max(0, t.baseline_years());
  const int last = context.years.back();
  if (last - first < 1) {
    builder.Missing({absl::StrCat("xu hướng cần số liệu của ít nhất hai năm học liên tiếp; đề nghị chỉ gồm năm học ",
                                  SchoolYearText(last)),
                     absl::StrCat("a trend needs figures of at least two consecutive school years; "
                                  "the nomination covers only ",
                                  SchoolYearText(last))});
    return builder.Build();
  }
  // Whose records each year, and whether they are there, once for all series.
  std::map<int, std::string> units;
  std::map<int, const UnitYearlyRecord*> records;
  for (int year = first; year <= last; ++year) {
    std::string unit = SubjectUnit(context.nomination, context.facts, t.subject(), year);
    units[year] = unit;
    records[year] = unit.empty() ? nullptr : UnitRecord(context.facts, unit, year);
    if (unit.empty()) {
      builder.Missing(NoSubjectUnit(context, t.subject(), year));
    } else if (records[year] == nullptr) {
      builder.Missing(NoUnitRecord(context.facts, unit, year));
    }
  }
  for (const auto& series : t.series()) {
    Bilingual name = FigureName(series.figure());
    std::map<int, FigureReading> readings;
    for (int year = first; year <= last; ++year) {
      if (records[year] == nullptr) continue;
      FigureReading r = ReadFigure(series.figure(), *records[year], nullptr);
      AddFigure(builder, r, units[year], year);
      if (!r.present) {
        builder.Missing(InYear(year, NotRecorded(context.facts, r, units[year])));
        continue;
      }
      if (series.has_minimum_value() && !Satisfies(r, v1::COMPARATOR_AT_LEAST, series.minimum_value())) {
        Bilingual needed = ValueText(series.figure(), series.minimum_value());
        builder.NotMet(InYear(year, {absl::StrCat(name.vi, " ", r.DisplayVi(), ", yêu cầu ≥ ", needed.vi),
                                     absl::StrCat(name.en, " ", r.DisplayEn(), ", required ≥ ", needed.en)}));
      }
      readings.emplace(year, r);
    }
    for (int year = first + 1; year <= last; ++year) {
      auto before = readings.find(year - 1);
      auto now = readings.find(year);
      if (before == readings.end() || now == readings.end()) continue;
      const FigureReading& a = before->second;
      const FigureReading& b = now->second;
      std::string from = SchoolYearText(year - 1);
      std::string to = SchoolYearText(year);
      if (KeepsUp(a, b, series.strictness(), series.tolerance())) {
        builder.Met({absl::StrCat(name.vi, " ", a.DisplayVi(), " (", from, ") → ", b.DisplayVi(), " (", to, ")"),
                     absl::StrCat(name.en, " ", a.DisplayEn(), " (", from, ") → ", b.DisplayEn(), " (", to, ")")});
        continue;
      }
      bool fell = !KeepsUp(a, b, v1::TREND_STRICTNESS_NON_DECREASING, 0);
      Bilingual why;
      if (fell) {
        why = {absl::StrCat(name.vi, " giảm từ ", a.DisplayVi(), " (", from, ") xuống ", b.DisplayVi(), " (", to, ")"),
               absl::StrCat(name.en, " fell from ", a.DisplayEn(), " (", from, ") to ", b.DisplayEn(), " (", to, ")")};
        if (series.strictness() == v1::TREND_STRICTNESS_WITHIN_TOLERANCE) {
          Bilingual allowed = ValueText(series.figure(), series.tolerance());
          absl::StrAppend(&why.vi, ", quá mức giảm cho phép ", allowed.vi);
          absl::StrAppend(&why.en, ", more than the allowed fall of ", allowed.en);
        }
      } else {
        why = {absl::StrCat(name.vi, " không tăng: ", a.DisplayVi(), " (", from, "), ", b.DisplayVi(), " (", to, ")"),
               absl::StrCat(name.en, " did not rise: ", a.DisplayEn(), " (", from, "), ", b.DisplayEn(), " (", to, ")")};
      }
      builder.NotMet(why);
    }
  }
  return builder.Build();
}

v1::CriterionOutcome CheckRatingEveryYear(const v1::Criterion& criterion, const CheckContext& context) {
  const auto& p = criterion.rating_every_year();
  OutcomeBuilder builder(criterion);
  const bool collective = IsCollective(context.nomination);
  const std::string& nominee = context.nomination.nominee();
  std::vector<YearFindings> years;
  for (int year : ScopedYears(p.years(), context.years)) {
    YearFindings found;
    for (const auto& req : p.requirements()) {
      RatingFound r;
      bool person_level = req.aspect() == v1::RATED_ASPECT_PROFESSIONAL_RATING ||
                          (req.aspect() == v1::RATED_ASPECT_TASK_ASSESSMENT && !collective &&
                           (p.subject() == v1::SUBJECT_UNSPECIFIED || p.subject() == v1::SUBJECT_NOMINEE));
      const PersonYearlyRecord* person_record = nullptr;
      const UnitYearlyRecord* unit_record = nullptr;
      if (person_level) {
        r.subject = nominee;
        person_record = PersonRecord(context.facts, nominee, year);
        if (person_record == nullptr) {
          found.Add(v1::CriterionOutcome::OUTCOME_MISSING_DATA,
                    InYear(year, {absl::StrCat("chưa có hồ sơ năm học của ", SubjectLabel(context.facts, nominee)),
                                  absl::StrCat("no yearly record of ", SubjectLabel(context.facts, nominee))}));
          continue;
        }
      } else {
        r.subject = SubjectUnit(context.nomination, context.facts, p.subject(), year);
        if (r.subject.empty()) {
          found.Add(v1::CriterionOutcome::OUTCOME_MISSING_DATA, NoSubjectUnit(context, p.subject(), year));
          continue;
        }
        unit_record = UnitRecord(context.facts, r.subject, year);
        if (unit_record == nullptr) {
          found.Add(v1::CriterionOutcome::OUTCOME_MISSING_DATA, NoUnitRecord(context.facts, r.subject, year));
          continue;
        }
      }
      const std::string who = SubjectLabel(context.facts, r.subject);
      // Unions: every organisation on the record, or the one the requirement names.
      if (req.aspect() == v1::RATED_ASPECT_UNIONS) {
        int rated = 0;
        for (const auto& union_rating : unit_record->union_ratings()) {
          if (req.union_kind() != type::v1::UNION_KIND_UNSPECIFIED &&
              union_rating.union_kind() != req.union_kind()) {
            continue;
          }
          ++rated;
          Bilingual kind = UnionKindName(union_rating.union_kind());
          if (!union_rating.union_name().empty()) kind = {union_rating.union_name(), union_rating.union_name()};
          Bilingual value = OrganisationRatingName(union_rating.rating());
          Bilingual minimum = OrganisationRatingName(req.minimum_organisation_rating());
          builder.Figure(absl::StrCat("union_ratings.", type::v1::UnionKind_Name(union_rating.union_kind())),
                         r.subject, year, union_rating.rating(), value.vi);
          if (union_rating.rating() == type::v1::ORGANISATION_RATING_UNSPECIFIED) {
            found.Add(v1::CriterionOutcome::OUTCOME_MISSING_DATA,
                      InYear(year, {absl::StrCat(kind.vi, " của ", who, " chưa được xếp loại"),
                                    absl::StrCat("the ", kind.en, " of ", who, " is not rated")}));
          } else {
            bool ok = union_rating.rating() >= req.minimum_organisation_rating();
            found.Add(ok ? v1::CriterionOutcome::OUTCOME_MET : v1::CriterionOutcome::OUTCOME_NOT_MET,
                      InYear(year, {absl::StrCat(kind.vi, " của ", who, " xếp loại ", value.vi,
                                                 ok ? "" : absl::StrCat(", yêu cầu ", minimum.vi, " trở lên")),
                                    absl::StrCat("the ", kind.en, " of ", who, " rated ", value.en,
                                                 ok ? "" : absl::StrCat(", required ", minimum.en, " or better"))}));
          }
        }
        if (rated == 0) {
          Bilingual kind = req.union_kind() == type::v1::UNION_KIND_UNSPECIFIED
                               ? Bilingual{"các đoàn thể", "mass organisations"}
                               : UnionKindName(req.union_kind());
          found.Add(v1::CriterionOutcome::OUTCOME_MISSING_DATA,
                    InYear(year, {absl::StrCat("chưa ghi nhận xếp loại ", kind.vi, " của ", who),
                                  absl::StrCat("no rating of the ", kind.en, " of ", who, " is recorded")}));
        }
        continue;
      }
      switch (req.aspect()) {
        case v1::RATED_ASPECT_TASK_ASSESSMENT: {
          auto value = person_level ? person_record->task_assessment().assessment()
                                    : unit_record->assessment().assessment();
          r.value = value;
          r.minimum = req.minimum_task_assessment();
          r.what = {"đánh giá mức độ hoàn thành nhiệm vụ", "task assessment"};
          r.value_name = TaskAssessmentName(value);
          r.minimum_name = TaskAssessmentName(req.minimum_task_assessment());
          r.figure_name = person_level ? "task_assessment.assessment" : "assessment.assessment";
          break;
        }
        case v1::RATED_ASPECT_PROFESSIONAL_RATING:
          r.value = person_record->professional_rating();
          r.minimum = req.minimum_professional_rating();
          r.what = {"xếp loại chuẩn nghề nghiệp", "professional-standard rating"};
          r.value_name = ProfessionalRatingName(person_record->professional_rating());
          r.minimum_name = ProfessionalRatingName(req.minimum_professional_rating());
          r.figure_name = "professional_rating";
          break;
        case v1::RATED_ASPECT_PARTY_ORGANISATION:
          r.value = unit_record->party_organisation().assessment();
          r.minimum = req.minimum_task_assessment();
          r.what = {"đánh giá tổ chức đảng", "Party organisation assessment"};
          r.value_name = TaskAssessmentName(unit_record->party_organisation().assessment());
          r.minimum_name = TaskAssessmentName(req.minimum_task_assessment());
          r.figure_name = "party_organisation.assessment";
          break;
        default:
          continue;
      }
      if (r.value == 0) {
        found.Add(v1::CriterionOutcome::OUTCOME_MISSING_DATA,
                  InYear(year, {absl::StrCat(r.what.vi, " của ", who, " chưa được ghi nhận"),
                                absl::StrCat("the ", r.what.en, " of ", who, " is not recorded")}));
        continue;
      }
      builder.Figure(r.figure_name, r.subject, year, r.value, r.value_name.vi);
      bool ok = r.value >= r.minimum;
      found.Add(ok ? v1::CriterionOutcome::OUTCOME_MET : v1::CriterionOutcome::OUTCOME_NOT_MET,
                InYear(year, {absl::StrCat(who, ": ", r.value_name.vi,
                                           ok ? "" : absl::StrCat(", yêu cầu ", r.minimum_name.vi, " trở lên")),
                              absl::StrCat(who, ": ", r.value_name.en,
                                           ok ? "" : absl::StrCat(", required ", r.minimum_name.en, " or better"))}));
    }
    years.push_back(std::move(found));
  }
  AddYears(builder, p.years(), years);
  return builder.Build();
}

v1::CriterionOutcome CheckRecordOnFile(const v1::Criterion& criterion, const CheckContext& context) {
  const auto& p = criterion.record_on_file();
  OutcomeBuilder builder(criterion);
  const std::string& person = context.nomination.nominee();
  const std::string who = SubjectLabel(context.facts, person);
  Bilingual kind = AcknowledgementKindName(p.acknowledgement_kind());
  std::vector<YearFindings> years;
  for (int year : ScopedYears(p.years(), context.years)) {
    YearFindings found;
    const PersonYearlyRecord* record =
        IsCollective(context.nomination) ? nullptr : PersonRecord(context.facts, person, year);
    if (record == nullptr) {
      found.Add(v1::CriterionOutcome::OUTCOME_MISSING_DATA,
                InYear(year, {absl::StrCat("chưa có hồ sơ năm học của ", who),
                              absl::StrCat("no yearly record of ", who)}));
      years.push_back(std::move(found));
      continue;
    }
    const registry::v1::Acknowledgement* match = nullptr;
    bool undocumented = false;
    for (const auto& a : record->acknowledgements()) {
      if (a.kind() != p.acknowledgement_kind()) continue;
      if (p.require_document() && a.document().number().empty()) {
        undocumented = true;
        continue;
      }
      match = &a;
      break;
    }
    if (match != nullptr) {
      builder.Figure(absl::StrCat("acknowledgements.", type::v1::AcknowledgementKind_Name(match->kind())),
                     person, year, 1, match->acknowledged_by());
      std::string by = match->acknowledged_by().empty() ? "" : match->acknowledged_by();
      found.Add(v1::CriterionOutcome::OUTCOME_MET,
                InYear(year, {absl::StrCat("có ", kind.vi, by.empty() ? "" : absl::StrCat(" của ", by)),
                              absl::StrCat(kind.en, " on record", by.empty() ? "" : absl::StrCat(", by ", by))}));
    } else {
      found.Add(v1::CriterionOutcome::OUTCOME_NOT_MET,
                InYear(year, {absl::StrCat("hồ sơ của ", who, " không có ", kind.vi,
                                           undocumented ? " kèm văn bản" : ""),
                              absl::StrCat("the record of ", who, " holds no ", kind.en,
                                           undocumented ? " citing a document" : "")}));
    }
    years.push_back(std::move(found));
  }
  AddYears(builder, p.years(), years);
  return builder.Build();
}

v1::CriterionOutcome CheckStanding(const v1::Criterion& criterion, const CheckContext& context) {
  const auto& p = criterion.standing();
  OutcomeBuilder builder(criterion);
  const bool collective = IsCollective(context.nomination);
  const bool in_block = p.scope() == v1::STANDING_SCOPE_EMULATION_BLOCK ||
                        (p.scope() == v1::STANDING_SCOPE_NOMINEE_GROUP && collective);
  const std::string& nominee = context.nomination.nominee();
  const std::string who = SubjectLabel(context.facts, nominee);
  std::vector<YearFindings> years;
  for (int year : ScopedYears(p.years(), context.years)) {
    YearFindings found;
    const registry::v1::Standing* standing = nullptr;
    bool have_record = false;
    if (in_block && collective) {
      const UnitYearlyRecord* record = UnitRecord(context.facts, nominee, year);
      have_record = record != nullptr;
      if (record != nullptr && record->has_block_standing()) standing = &record->block_standing();
    } else if (!in_block && !collective) {
      const PersonYearlyRecord* record = PersonRecord(context.facts, nominee, year);
      have_record = record != nullptr;
      if (record != nullptr && record->has_unit_standing()) standing = &record->unit_standing();
    }
    Bilingual group = in_block ? Bilingual{"khối thi đua", "emulation block"} : Bilingual{"đơn vị", "unit"};
    if (!have_record) {
      found.Add(v1::CriterionOutcome::OUTCOME_MISSING_DATA,
                InYear(year, {absl::StrCat("chưa có hồ sơ năm học của ", who),
                              absl::StrCat("no yearly record of ", who)}));
    } else if (standing == nullptr || standing->rank() <= 0) {
      found.Add(v1::CriterionOutcome::OUTCOME_MISSING_DATA,
                InYear(year, {absl::StrCat("chưa ghi nhận thứ hạng của ", who, " trong ", group.vi),
                              absl::StrCat("no standing of ", who, " within its ", group.en, " is recorded")}));
    } else {
      builder.Figure(in_block ? "block_standing.rank" : "unit_standing.rank", nominee, year,
                     standing->rank(), absl::StrCat(standing->rank(), "/", standing->group_size()));
      std::string place = standing->group_size() > 0
                              ? absl::StrCat(standing->rank(), "/", standing->group_size())
                              : absl::StrCat(standing->rank());
      std::string where = standing->group().empty() ? "" : absl::StrCat(" ", standing->group());
      bool ok;
      Bilingual required;
      if (p.limit_case() == v1::StandingParameters::kTopShareBp) {
        if (standing->group_size() <= 0) {
          found.Add(v1::CriterionOutcome::OUTCOME_MISSING_DATA,
                    InYear(year, {absl::StrCat("chưa ghi nhận số đơn vị được xếp hạng trong ", group.vi),
                                  absl::StrCat("the size of the ranked ", group.en, " is not recorded")}));
          years.push_back(std::move(found));
          continue;
        }
        ok = int64_t{standing->rank()} * 10000 <= int64_t{p.top_share_bp()} * standing->group_size();
        required = {absl::StrCat("trong nhóm ", PercentVi(p.top_share_bp()), " dẫn đầu"),
                    absl::StrCat("within the top ", PercentEn(p.top_share_bp()))};
      } else {
        ok = standing->rank() <= p.maximum_rank();
        required = {absl::StrCat("hạng ", p.maximum_rank(), " trở lên"),
                    absl::StrCat("rank ", p.maximum_rank(), " or better")};
      }
      found.Add(ok ? v1::CriterionOutcome::OUTCOME_MET : v1::CriterionOutcome::OUTCOME_NOT_MET,
                InYear(year, {absl::StrCat(who, " xếp hạng ", place, " trong ", group.vi, where,
                                           ok ? "" : absl::StrCat(", yêu cầu ", required.vi)),
                              absl::StrCat(who, " ranked ", place, " in its ", group.en, where,
                                           ok ? "" : absl::StrCat(", required ", required.en))}));
    }
    years.push_back(std::move(found));
  }
  AddYears(builder, p.years(), years);
  return builder.Build();
}

}  // namespace dienhinh::evaluation
