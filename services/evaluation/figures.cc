#include "services/evaluation/figures.h"

#include "absl/strings/str_cat.h"

namespace dienhinh::evaluation {
namespace {

using registry::v1::UnitYearlyRecord;
using Wide = __int128;

FigureReading Missing(v1::Figure figure, std::string input) {
  FigureReading r;
  r.figure = figure;
  r.missing_input = std::move(input);
  return r;
}

FigureReading Plain(v1::Figure figure, int64_t value) {
  FigureReading r;
  r.figure = figure;
  r.present = true;
  r.numerator = value;
  return r;
}

// A ratio; missing when the base is 0 (nothing to count against).
FigureReading Ratio(v1::Figure figure, int64_t count, int64_t base, const std::string& base_name) {
  if (base <= 0) return Missing(figure, absl::StrCat(base_name, " (0)"));
  FigureReading r;
  r.figure = figure;
  r.present = true;
  r.is_ratio = true;
  r.numerator = count;
  r.denominator = base;
  return r;
}

// The scale to compare against: the record's own previous_scale, else last year's record.
const registry::v1::Scale* PreviousScale(const UnitYearlyRecord& record,
                                          const UnitYearlyRecord* previous_year) {
  if (record.has_previous_scale()) return &record.previous_scale();
  if (previous_year != nullptr && previous_year->has_scale()) return &previous_year->scale();
  return nullptr;
}

// Reads one scale count of `scale`: 0 schools, 1 classes, 2 students.
bool ScaleCount(const registry::v1::Scale& scale, int which, int64_t* out) {
  switch (which) {
    case 0:
      if (!scale.has_schools()) return false;
      *out = scale.schools();
      return true;
    case 1:
      if (!scale.has_classes()) return false;
      *out = scale.classes();
      return true;
    default:
      if (!scale.has_students()) return false;
      *out = scale.students();
      return true;
  }
}

const char* kScaleField[] = {"schools", "classes", "students"};

FigureReading ScaleAgainstPrevious(v1::Figure figure, int which, const UnitYearlyRecord& record,
                                   const UnitYearlyRecord* previous_year) {
  int64_t now = 0;
  int64_t before = 0;
  if (!ScaleCount(record.scale(), which, &now)) {
    return Missing(figure, absl::StrCat("scale.", kScaleField[which]));
  }
  const registry::v1::Scale* previous = PreviousScale(record, previous_year);
  if (previous == nullptr || !ScaleCount(*previous, which, &before)) {
    return Missing(figure, absl::StrCat("previous_scale.", kScaleField[which]));
  }
  return Ratio(figure, now, before, absl::StrCat("previous_scale.", kScaleField[which]));
}

Wide Sign(Wide left, Wide right) { return left < right ? -1 : (left > right ? 1 : 0); }

// The reading's value compared with `value` (in the figure's unit): -1, 0 or 1.
int CompareWith(const FigureReading& r, int64_t value) {
  if (!r.is_ratio) return static_cast<int>(Sign(r.numerator, value));
  return static_cast<int>(Sign(Wide(r.numerator) * 10000, Wide(value) * r.denominator));
}

std::string Display(const FigureReading& r, bool vi) {
  if (!r.present) return vi ? "chưa ghi nhận" : "not recorded";
  if (r.is_ratio) {
    return absl::StrCat(vi ? PercentVi(r.Value()) : PercentEn(r.Value()), " (", r.numerator, "/",
                        r.denominator, ")");
  }
  switch (r.figure) {
    case v1::FIGURE_NATIONAL_STANDARD_LEVEL:
      if (r.numerator == 0) return vi ? "chưa đạt chuẩn" : "not recognised";
      return absl::StrCat(vi ? "mức " : "level ", r.numerator);
    case v1::FIGURE_UNIVERSAL_EDUCATION_MAINTAINED:
      if (vi) return r.numerator ? "được duy trì" : "không duy trì";
      return r.numerator ? "maintained" : "not maintained";
    default:
      return absl::StrCat(r.numerator);
  }
}

}  // namespace

int64_t FigureReading::Value() const {
  if (!is_ratio) return numerator;
  return static_cast<int64_t>(Wide(numerator) * 10000 / denominator);
}

std::string FigureReading::DisplayVi() const { return Display(*this, true); }
std::string FigureReading::DisplayEn() const { return Display(*this, false); }

FigureReading ReadFigure(v1::Figure figure, const UnitYearlyRecord& record,
                         const UnitYearlyRecord* previous_year) {
  switch (figure) {
    case v1::FIGURE_SCHOOLS:
    case v1::FIGURE_CLASSES:
    case v1::FIGURE_STUDENTS: {
      int which = figure == v1::FIGURE_SCHOOLS ? 0 : (figure == v1::FIGURE_CLASSES ? 1 : 2);
      int64_t value = 0;
      if (!ScaleCount(record.scale(), which, &value)) {
        return Missing(figure, absl::StrCat("scale.", kScaleField[which]));
      }
      return Plain(figure, value);
    }
    case v1::FIGURE_SCHOOLS_VS_PREVIOUS_YEAR_BP:
      return ScaleAgainstPrevious(figure, 0, record, previous_year);
    case v1::FIGURE_CLASSES_VS_PREVIOUS_YEAR_BP:
      return ScaleAgainstPrevious(figure, 1, record, previous_year);
    case v1::FIGURE_STUDENTS_VS_PREVIOUS_YEAR_BP:
      return ScaleAgainstPrevious(figure, 2, record, previous_year);
    case v1::FIGURE_ENTRY_ENROLMENT_VS_PLAN_BP: {
      const auto& e = record.entry_enrolment();
      if (!e.has_actual()) return Missing(figure, "entry_enrolment.actual");
      if (!e.has_planned()) return Missing(figure, "entry_enrolment.planned");
      return Ratio(figure, e.actual(), e.planned(), "entry_enrolment.planned");
    }
    case v1::FIGURE_STAFF_QUALIFIED_SHARE_BP: {
      const auto& s = record.staff();
      if (!s.has_meeting_qualification_standard()) {
        return Missing(figure, "staff.meeting_qualification_standard");
      }
      if (!s.has_total()) return Missing(figure, "staff.total");
      return Ratio(figure, s.meeting_qualification_standard(), s.total(), "staff.total");
    }
    case v1::FIGURE_STAFF_RATED_FAIR_OR_GOOD_SHARE_BP: {
      // Every rated count is needed: an unrecorded "below standard" is not a zero.
      const auto& p = record.staff().professional_ratings();
      if (!p.has_good()) return Missing(figure, "staff.professional_ratings.good");
      if (!p.has_fair()) return Missing(figure, "staff.professional_ratings.fair");
      if (!p.has_meets_standard()) return Missing(figure, "staff.professional_ratings.meets_standard");
      if (!p.has_below_standard()) return Missing(figure, "staff.professional_ratings.below_standard");
      int64_t good = int64_t{p.good()} + p.fair();
      return Ratio(figure, good, good + p.meets_standard() + p.below_standard(),
                   "staff.professional_ratings (rated staff)");
    }
    case v1::FIGURE_GOOD_STUDENT_RATE_BP: {
      const auto& s = record.students();
      if (!s.has_excellent()) return Missing(figure, "students.excellent");
      if (!s.has_good()) return Missing(figure, "students.good");
      if (!s.has_assessed()) return Missing(figure, "students.assessed");
      return Ratio(figure, int64_t{s.excellent()} + s.good(), s.assessed(), "students.assessed");
    }
    case v1::FIGURE_EXCELLENT_TEACHER_RATE_BP: {
      const auto& t = record.excellent_teachers();
      if (!t.has_school_level()) return Missing(figure, "excellent_teachers.school_level");
      if (!t.has_district_level()) return Missing(figure, "excellent_teachers.district_level");
      if (!t.has_city_level()) return Missing(figure, "excellent_teachers.city_level");
      if (!record.staff().has_teachers()) return Missing(figure, "staff.teachers");
      return Ratio(figure, int64_t{t.school_level()} + t.district_level() + t.city_level(),
                   record.staff().teachers(), "staff.teachers");
    }
    case v1::FIGURE_CONTEST_PRIZE_RATE_BP:
    case v1::FIGURE_CITY_CONTEST_PRIZE_RATE_BP:
    case v1::FIGURE_NATIONAL_CONTEST_PRIZE_RATE_BP: {
      const auto& s = record.students();
      int64_t winners = 0;
      if (figure != v1::FIGURE_NATIONAL_CONTEST_PRIZE_RATE_BP) {
        if (!s.has_city_contest_prize_winners()) return Missing(figure, "students.city_contest_prize_winners");
        winners += s.city_contest_prize_winners();
      }
      if (figure != v1::FIGURE_CITY_CONTEST_PRIZE_RATE_BP) {
        if (!s.has_national_contest_prize_winners()) {
          return Missing(figure, "students.national_contest_prize_winners");
        }
        winners += s.national_contest_prize_winners();
      }
      if (!record.scale().has_students()) return Missing(figure, "scale.students");
      return Ratio(figure, winners, record.scale().students(), "scale.students");
    }
    case v1::FIGURE_NATIONAL_STANDARD_LEVEL:
      switch (record.national_standard().level()) {
        case registry::v1::NationalStandard::LEVEL_NONE:
          return Plain(figure, 0);
        case registry::v1::NationalStandard::LEVEL_ONE:
          return Plain(figure, 1);
        case registry::v1::NationalStandard::LEVEL_TWO:
          return Plain(figure, 2);
        default:
          return Missing(figure, "national_standard.level");
      }
    case v1::FIGURE_NATIONAL_STANDARD_SCHOOLS_VS_PLAN_BP: {
      const auto& n = record.national_standard();
      if (!n.has_schools_meeting_standard()) return Missing(figure, "national_standard.schools_meeting_standard");
      if (!n.has_schools_meeting_standard_planned()) {
        return Missing(figure, "national_standard.schools_meeting_standard_planned");
      }
      return Ratio(figure, n.schools_meeting_standard(), n.schools_meeting_standard_planned(),
                   "national_standard.schools_meeting_standard_planned");
    }
    case v1::FIGURE_UNIVERSAL_EDUCATION_MAINTAINED:
      switch (record.universal_education().status()) {
        case registry::v1::UniversalEducation::STATUS_MAINTAINED:
        case registry::v1::UniversalEducation::STATUS_NOT_APPLICABLE:
          return Plain(figure, 1);
        case registry::v1::UniversalEducation::STATUS_NOT_MAINTAINED:
          return Plain(figure, 0);
        default:
          return Missing(figure, "universal_education.status");
      }
    default:
      return Missing(figure, "an unknown figure");
  }
}

bool Satisfies(const FigureReading& r, v1::Comparator comparator, int64_t value) {
  int c = CompareWith(r, value);
  switch (comparator) {
    case v1::COMPARATOR_AT_LEAST:
      return c >= 0;
    case v1::COMPARATOR_GREATER_THAN:
      return c > 0;
    case v1::COMPARATOR_EQUAL:
      return c == 0;
    case v1::COMPARATOR_AT_MOST:
      return c <= 0;
    case v1::COMPARATOR_LESS_THAN:
      return c < 0;
    default:
      return false;
  }
}

bool KeepsUp(const FigureReading& previous, const FigureReading& current,
             v1::TrendStrictness strictness, int64_t tolerance) {
  // Both sides scaled to a common denominator: value * 10000 * other base for ratios (basis
  // points), the plain value otherwise.
  Wide now = current.is_ratio ? Wide(current.numerator) * 10000 * previous.denominator
                              : Wide(current.numerator) * previous.denominator;
  Wide before = previous.is_ratio ? Wide(previous.numerator) * 10000 * current.denominator
                                  : Wide(previous.numerator) * current.denominator;
  Wide slack = Wide(tolerance) * previous.denominator * current.denominator;
  switch (strictness) {
    case v1::TREND_STRICTNESS_STRICTLY_RISING:
      return now > before;
    case v1::TREND_STRICTNESS_NON_DECREASING:
      return now >= before;
    case v1::TREND_STRICTNESS_WITHIN_TOLERANCE:
      return now >= before - slack;
    default:
      return false;
  }
}

}  // namespace dienhinh::evaluation
