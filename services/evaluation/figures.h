// The figures criteria compare, derived from a unit's yearly record (criterion.proto's Figure)
// exactly: a rate is kept as its count and base, and compared by cross-multiplying in 128-bit
// integers, so no rounding ever decides an outcome (97.995 % is not 98 %). Basis points are
// only computed, rounded down, to show a figure to people.
#ifndef DIENHINH_SERVICES_EVALUATION_FIGURES_H_
#define DIENHINH_SERVICES_EVALUATION_FIGURES_H_

#include <cstdint>
#include <string>

#include "dienhinh/evaluation/v1/criterion.pb.h"
#include "dienhinh/registry/v1/yearly_record.pb.h"
#include "services/evaluation/wording.h"

namespace dienhinh::evaluation {

// One figure of one record.
struct FigureReading {
  v1::Figure figure = v1::FIGURE_UNSPECIFIED;
  bool present = false;
  // A rate or ratio (value in basis points = numerator * 10000 / denominator), or a plain value
  // (a count, a level, 0/1) held in numerator.
  bool is_ratio = false;
  int64_t numerator = 0;
  int64_t denominator = 1;
  // When not present: which input the record lacks, e.g. "staff.professional_ratings.fair".
  std::string missing_input;

  // The value in the figure's unit: the plain value, or basis points rounded down.
  int64_t Value() const;
  // As people read it: "98,00 % (49/50)", "mức 1", "12".
  std::string DisplayVi() const;
  std::string DisplayEn() const;
};

// Reads `figure` from `record`. `previous_year` (may be null) is the record of the school year
// before, used for "against the previous year" figures when the record does not carry its own
// previous_scale.
FigureReading ReadFigure(v1::Figure figure, const registry::v1::UnitYearlyRecord& record,
                         const registry::v1::UnitYearlyRecord* previous_year);

// Whether a present reading satisfies `comparator value` (value in the figure's unit).
bool Satisfies(const FigureReading& reading, v1::Comparator comparator, int64_t value);

// Whether `current` keeps up with `previous` as `strictness` asks; tolerance in the figure's
// unit, for TREND_STRICTNESS_WITHIN_TOLERANCE. Both readings present.
bool KeepsUp(const FigureReading& previous, const FigureReading& current,
             v1::TrendStrictness strictness, int64_t tolerance);

}  // namespace dienhinh::evaluation

#endif  // DIENHINH_SERVICES_EVALUATION_FIGURES_H_
