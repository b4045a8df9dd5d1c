#include "services/evaluation/wording.h"

#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace dienhinh::evaluation {
namespace {

std::string Percent(int64_t bp, char decimal_mark, absl::string_view suffix) {
  const char* sign = bp < 0 ? "-" : "";
  int64_t magnitude = std::llabs(bp);
  return absl::StrFormat("%s%d%c%02d%s", sign, magnitude / 100, decimal_mark, magnitude % 100,
                         suffix);
}

}  // namespace

type::v1::LocalizedText Bilingual::ToProto() const {
  type::v1::LocalizedText text;
  text.set_vi(vi);
  text.set_en(en);
  return text;
}

std::string SchoolYearText(int start_year) { return absl::StrCat(start_year, "-", start_year + 1); }

std::string PercentVi(int64_t bp) { return Percent(bp, ',', " %"); }
std::string PercentEn(int64_t bp) { return Percent(bp, '.', "%"); }

Bilingual TaskAssessmentName(type::v1::TaskAssessment value) {
  switch (value) {
    case type::v1::TASK_ASSESSMENT_NOT_COMPLETED:
      return {"không hoàn thành nhiệm vụ", "did not complete the assigned tasks"};
    case type::v1::TASK_ASSESSMENT_COMPLETED:
      return {"hoàn thành nhiệm vụ", "completed the assigned tasks"};
    case type::v1::TASK_ASSESSMENT_GOOD:
      return {"hoàn thành tốt nhiệm vụ", "completed the assigned tasks well"};
    case type::v1::TASK_ASSESSMENT_EXCELLENT:
      return {"hoàn thành xuất sắc nhiệm vụ", "completed the assigned tasks excellently"};
    default:
      return {"chưa đánh giá", "not assessed"};
  }
}

Bilingual ProfessionalRatingName(type::v1::ProfessionalRating value) {
  switch (value) {
    case type::v1::PROFESSIONAL_RATING_BELOW_STANDARD:
      return {"chưa đạt", "below the standard"};
    case type::v1::PROFESSIONAL_RATING_MEETS_STANDARD:
      return {"đạt", "meets the standard"};
    case type::v1::PROFESSIONAL_RATING_FAIR:
      return {"khá", "fair (khá)"};
    case type::v1::PROFESSIONAL_RATING_GOOD:
      return {"tốt", "good (tốt)"};
    default:
      return {"chưa xếp loại", "not rated"};
  }
}

Bilingual OrganisationRatingName(type::v1::OrganisationRating value) {
  switch (value) {
    case type::v1::ORGANISATION_RATING_WEAK:
      return {"yếu", "weak"};
    case type::v1::ORGANISATION_RATING_AVERAGE:
      return {"trung bình", "average"};
    case type::v1::ORGANISATION_RATING_FAIR:
      return {"khá", "fair"};
    case type::v1::ORGANISATION_RATING_STRONG:
      return {"vững mạnh", "strong"};
    case type::v1::ORGANISATION_RATING_STRONG_EXCELLENT:
      return {"vững mạnh xuất sắc", "excellently strong"};
    default:
      return {"chưa xếp loại", "not rated"};
  }
}

Bilingual UnionKindName(type::v1::UnionKind value) {
  switch (value) {
    case type::v1::UNION_KIND_TRADE_UNION:
      return {"công đoàn", "trade union"};
    case type::v1::UNION_KIND_YOUTH_UNION:
      return {"Đoàn Thanh niên", "youth union"};
    case type::v1::UNION_KIND_YOUNG_PIONEERS:
      return {"Đội Thiếu niên Tiền phong", "young pioneers"};
    case type::v1::UNION_KIND_WOMEN:
      return {"hội phụ nữ", "women's union"};
    case type::v1::UNION_KIND_VETERANS:
      return {"hội cựu chiến binh", "veterans' association"};
    default:
      return {"đoàn thể khác", "other organisation"};
  }
}

Bilingual AcknowledgementKindName(type::v1::AcknowledgementKind value) {
  switch (value) {
    case type::v1::ACKNOWLEDGEMENT_KIND_HO_CHI_MINH_EXAMPLE:
      return {"ghi nhận việc làm theo tấm gương, đạo đức Hồ Chí Minh",
              "acknowledgement of following Ho Chi Minh's example"};
    case type::v1::ACKNOWLEDGEMENT_KIND_INITIATIVE:
      return {"công nhận sáng kiến", "recognised initiative"};
    default:
      return {"ghi nhận khác", "other acknowledgement"};
  }
}

Bilingual FigureName(v1::Figure figure) {
  switch (figure) {
    case v1::FIGURE_SCHOOLS:
      return {"số điểm trường", "sites"};
    case v1::FIGURE_CLASSES:
      return {"số lớp", "classes"};
    case v1::FIGURE_STUDENTS:
      return {"số học sinh", "students"};
    case v1::FIGURE_SCHOOLS_VS_PREVIOUS_YEAR_BP:
      return {"số điểm trường so với năm học trước", "sites against the previous year"};
    case v1::FIGURE_CLASSES_VS_PREVIOUS_YEAR_BP:
      return {"số lớp so với năm học trước", "classes against the previous year"};
    case v1::FIGURE_STUDENTS_VS_PREVIOUS_YEAR_BP:
      return {"số học sinh so với năm học trước", "students against the previous year"};
    case v1::FIGURE_ENTRY_ENROLMENT_VS_PLAN_BP:
      return {"tỷ lệ huy động học sinh đầu cấp so với kế hoạch", "entry enrolment against the plan"};
    case v1::FIGURE_STAFF_QUALIFIED_SHARE_BP:
      return {"tỷ lệ cán bộ giáo viên đạt chuẩn trình độ", "share of staff meeting the qualification standard"};
    case v1::FIGURE_STAFF_RATED_FAIR_OR_GOOD_SHARE_BP:
      return {"tỷ lệ cán bộ giáo viên xếp loại khá, tốt theo chuẩn nghề nghiệp",
              "share of staff rated khá or tốt under the professional standard"};
    case v1::FIGURE_GOOD_STUDENT_RATE_BP:
      return {"tỷ lệ học sinh khá giỏi", "good-student rate"};
    case v1::FIGURE_EXCELLENT_TEACHER_RATE_BP:
      return {"tỷ lệ giáo viên giỏi các cấp", "excellent-teacher rate"};
    case v1::FIGURE_CONTEST_PRIZE_RATE_BP:
      return {"tỷ lệ học sinh đạt giải hội thi thành phố, quốc gia", "city and national contest prize rate"};
    case v1::FIGURE_CITY_CONTEST_PRIZE_RATE_BP:
      return {"tỷ lệ học sinh đạt giải hội thi thành phố", "city contest prize rate"};
    case v1::FIGURE_NATIONAL_CONTEST_PRIZE_RATE_BP:
      return {"tỷ lệ học sinh đạt giải hội thi quốc gia", "national contest prize rate"};
    case v1::FIGURE_NATIONAL_STANDARD_LEVEL:
      return {"mức đạt chuẩn quốc gia", "national-standard level"};
    case v1::FIGURE_NATIONAL_STANDARD_SCHOOLS_VS_PLAN_BP:
      return {"số trường đạt chuẩn quốc gia so với kế hoạch", "national-standard schools against the plan"};
    case v1::FIGURE_UNIVERSAL_EDUCATION_MAINTAINED:
      return {"duy trì phổ cập giáo dục", "universal education maintained"};
    default:
      return {"chỉ số không xác định", "unknown figure"};
  }
}

std::string ComparatorSymbol(v1::Comparator comparator) {
  switch (comparator) {
    case v1::COMPARATOR_AT_LEAST:
      return "≥";
    case v1::COMPARATOR_GREATER_THAN:
      return ">";
    case v1::COMPARATOR_EQUAL:
      return "=";
    case v1::COMPARATOR_AT_MOST:
      return "≤";
    case v1::COMPARATOR_LESS_THAN:
      return "<";
    default:
      return "?";
  }
}

}  // namespace dienhinh::evaluation
