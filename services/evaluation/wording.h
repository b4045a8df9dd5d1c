// How the engine writes what it found, in Vietnamese and English: school years ("2019-2020"),
// rates in basis points as people read them ("97,50 %" / "97.50%"), ratings by their names in
// the sector's own words. Every reason an outcome gives is built from these, so the same figure
// always reads the same way.
#ifndef DIENHINH_SERVICES_EVALUATION_WORDING_H_
#define DIENHINH_SERVICES_EVALUATION_WORDING_H_

#include <cstdint>
#include <string>

#include "dienhinh/evaluation/v1/criterion.pb.h"
#include "dienhinh/type/v1/calendar.pb.h"
#include "dienhinh/type/v1/localized_text.pb.h"
#include "dienhinh/type/v1/rating.pb.h"

namespace dienhinh::evaluation {

// Text in both languages, built up piece by piece.
struct Bilingual {
  std::string vi;
  std::string en;

  type::v1::LocalizedText ToProto() const;
};

// "2019-2020" for start year 2019.
std::string SchoolYearText(int start_year);
inline std::string SchoolYearText(const type::v1::SchoolYear& year) {
  return SchoolYearText(year.start_year());
}

// Basis points as a percentage with two decimals: 9750 -> "97,50 %" (vi), "97.50%" (en).
std::string PercentVi(int64_t bp);
std::string PercentEn(int64_t bp);

// The names of ratings as the sector writes them, e.g. TASK_ASSESSMENT_EXCELLENT ->
// "hoàn thành xuất sắc nhiệm vụ" / "completed its tasks excellently". Unspecified reads as
// "chưa đánh giá" / "not assessed".
Bilingual TaskAssessmentName(type::v1::TaskAssessment value);
Bilingual ProfessionalRatingName(type::v1::ProfessionalRating value);
Bilingual OrganisationRatingName(type::v1::OrganisationRating value);
Bilingual UnionKindName(type::v1::UnionKind value);
Bilingual AcknowledgementKindName(type::v1::AcknowledgementKind value);

// What a figure is, e.g. FIGURE_GOOD_STUDENT_RATE_BP -> "tỷ lệ học sinh khá giỏi" /
// "good-student rate".
Bilingual FigureName(v1::Figure figure);
// "≥", ">", "=", "≤", "<".
std::string ComparatorSymbol(v1::Comparator comparator);

}  // namespace dienhinh::evaluation

#endif  // DIENHINH_SERVICES_EVALUATION_WORDING_H_
