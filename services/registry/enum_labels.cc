#include "services/registry/enum_labels.h"

#include <map>
#include <memory>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "services/platform/text/vietnamese_text.h"

namespace dienhinh::registry {
namespace {

// Labels by the value's full proto name. The first is how the sector writes it; the others are
// abbreviations and variants seen in exports. Labels of one enum never collide.
const std::map<std::string, std::vector<std::string>>& Labels() {
  static const auto* labels = new std::map<std::string, std::vector<std::string>>{
      // UnitKind
      {"UNIT_KIND_DEPARTMENT", {"Sở Giáo dục và Đào tạo", "Sở GD&ĐT", "Sở GDĐT", "Sở"}},
      {"UNIT_KIND_DEPARTMENT_DIVISION", {"Phòng thuộc Sở", "Phòng ban Sở", "Văn phòng Sở"}},
      {"UNIT_KIND_DISTRICT_OFFICE",
       {"Phòng Giáo dục và Đào tạo", "Phòng GD&ĐT", "Phòng GDĐT", "Phòng giáo dục"}},
      {"UNIT_KIND_SCHOOL", {"Trường"}},
      {"UNIT_KIND_CENTRE", {"Trung tâm"}},
      {"UNIT_KIND_OTHER", {"Khác"}},
      // EducationLevel
      {"EDUCATION_LEVEL_PRESCHOOL", {"Mầm non", "MN"}},
      {"EDUCATION_LEVEL_PRIMARY", {"Tiểu học", "TH"}},
      {"EDUCATION_LEVEL_LOWER_SECONDARY", {"Trung học cơ sở", "THCS"}},
      {"EDUCATION_LEVEL_UPPER_SECONDARY", {"Trung học phổ thông", "THPT"}},
      {"EDUCATION_LEVEL_CONTINUING", {"Giáo dục thường xuyên", "GDTX"}},
      {"EDUCATION_LEVEL_VOCATIONAL", {"Giáo dục nghề nghiệp", "GDNN"}},
      // Person.StaffCategory
      {"STAFF_CATEGORY_OFFICIAL", {"Cán bộ"}},
      {"STAFF_CATEGORY_CIVIL_SERVANT", {"Công chức"}},
      {"STAFF_CATEGORY_PUBLIC_EMPLOYEE", {"Viên chức"}},
      {"STAFF_CATEGORY_CONTRACT_WORKER", {"Người lao động", "Hợp đồng lao động", "Hợp đồng"}},
      // TaskAssessment
      {"TASK_ASSESSMENT_NOT_COMPLETED", {"Không hoàn thành nhiệm vụ", "Không hoàn thành"}},
      {"TASK_ASSESSMENT_COMPLETED", {"Hoàn thành nhiệm vụ", "Hoàn thành"}},
      {"TASK_ASSESSMENT_GOOD", {"Hoàn thành tốt nhiệm vụ", "Hoàn thành tốt"}},
      {"TASK_ASSESSMENT_EXCELLENT",
       {"Hoàn thành xuất sắc nhiệm vụ", "Hoàn thành xuất sắc", "HTXSNV"}},
      // ProfessionalRating
      {"PROFESSIONAL_RATING_BELOW_STANDARD", {"Chưa đạt"}},
      {"PROFESSIONAL_RATING_MEETS_STANDARD", {"Đạt"}},
      {"PROFESSIONAL_RATING_FAIR", {"Khá"}},
      {"PROFESSIONAL_RATING_GOOD", {"Tốt"}},
      // OrganisationRating
      {"ORGANISATION_RATING_WEAK", {"Yếu"}},
      {"ORGANISATION_RATING_AVERAGE", {"Trung bình"}},
      {"ORGANISATION_RATING_FAIR", {"Khá"}},
      {"ORGANISATION_RATING_STRONG", {"Vững mạnh"}},
      {"ORGANISATION_RATING_STRONG_EXCELLENT", {"Vững mạnh xuất sắc", "Xuất sắc"}},
      // NationalStandard.Level
      {"LEVEL_NONE", {"Chưa đạt chuẩn", "Chưa đạt", "Không"}},
      {"LEVEL_ONE", {"Mức độ 1", "Mức 1", "1"}},
      {"LEVEL_TWO", {"Mức độ 2", "Mức 2", "2"}},
      // UniversalEducation.Status
      {"STATUS_NOT_MAINTAINED", {"Không duy trì", "Không đạt"}},
      {"STATUS_MAINTAINED", {"Duy trì", "Đạt", "Giữ vững"}},
      {"STATUS_NOT_APPLICABLE", {"Không áp dụng"}},
      // EmulationTitle
      {"EMULATION_TITLE_ADVANCED_WORKER", {"Lao động tiên tiến", "LĐTT"}},
      {"EMULATION_TITLE_GRASSROOTS_EMULATION_FIGHTER", {"Chiến sĩ thi đua cơ sở", "CSTĐCS"}},
      {"EMULATION_TITLE_PROVINCIAL_EMULATION_FIGHTER",
       {"Chiến sĩ thi đua cấp tỉnh", "Chiến sĩ thi đua thành phố",
        "Chiến sĩ thi đua cấp thành phố"}},
      {"EMULATION_TITLE_MINISTRY_EMULATION_FIGHTER", {"Chiến sĩ thi đua cấp bộ"}},
      {"EMULATION_TITLE_NATIONAL_EMULATION_FIGHTER", {"Chiến sĩ thi đua toàn quốc"}},
      {"EMULATION_TITLE_ADVANCED_COLLECTIVE", {"Tập thể lao động tiên tiến"}},
      {"EMULATION_TITLE_EXCELLENT_COLLECTIVE", {"Tập thể lao động xuất sắc"}},
      {"EMULATION_TITLE_EMULATION_FLAG", {"Cờ thi đua"}},
      {"EMULATION_TITLE_OTHER", {"Khác"}},
      // AwardForm
      {"AWARD_FORM_CERTIFICATE_OF_COMMENDATION", {"Giấy khen"}},
      {"AWARD_FORM_CERTIFICATE_OF_MERIT", {"Bằng khen"}},
      {"AWARD_FORM_ORDER", {"Huân chương"}},
      {"AWARD_FORM_MEDAL", {"Huy chương"}},
      {"AWARD_FORM_STATE_HONORARY_TITLE", {"Danh hiệu vinh dự Nhà nước"}},
      {"AWARD_FORM_PRIZE", {"Giải thưởng"}},
      {"AWARD_FORM_COMMEMORATIVE_MEDAL", {"Kỷ niệm chương"}},
      {"AWARD_FORM_OTHER", {"Khác"}},
      // AuthorityLevel
      {"AUTHORITY_LEVEL_UNIT", {"Đơn vị", "Cơ sở", "Thủ trưởng đơn vị"}},
      {"AUTHORITY_LEVEL_DISTRICT", {"Cấp huyện", "Huyện", "Quận"}},
      {"AUTHORITY_LEVEL_DEPARTMENT", {"Giám đốc Sở", "Sở", "Cấp sở"}},
      {"AUTHORITY_LEVEL_PROVINCE",
       {"UBND thành phố", "Thành phố", "Cấp thành phố", "Tỉnh", "Cấp tỉnh"}},
      {"AUTHORITY_LEVEL_MINISTRY", {"Bộ", "Cấp bộ", "Bộ GD&ĐT"}},
      {"AUTHORITY_LEVEL_GOVERNMENT", {"Chính phủ", "Thủ tướng"}},
      {"AUTHORITY_LEVEL_STATE", {"Chủ tịch nước", "Nhà nước"}},
      // AcknowledgementKind
      {"ACKNOWLEDGEMENT_KIND_HO_CHI_MINH_EXAMPLE",
       {"Làm theo tấm gương Hồ Chí Minh",
        "Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh", "Hồ Chí Minh",
        "Làm theo Bác"}},
      {"ACKNOWLEDGEMENT_KIND_INITIATIVE", {"Sáng kiến"}},
      {"ACKNOWLEDGEMENT_KIND_OTHER", {"Khác"}},
      // UnionKind
      {"UNION_KIND_TRADE_UNION", {"Công đoàn"}},
      {"UNION_KIND_YOUTH_UNION", {"Đoàn Thanh niên", "Đoàn TNCS Hồ Chí Minh"}},
      {"UNION_KIND_YOUNG_PIONEERS", {"Đội Thiếu niên Tiền phong", "Đội TNTP"}},
      {"UNION_KIND_WOMEN", {"Nữ công", "Hội phụ nữ"}},
      {"UNION_KIND_VETERANS", {"Cựu chiến binh"}},
      {"UNION_KIND_OTHER", {"Khác"}},
  };
  return *labels;
}

// The prefix every value of an enum carries: "TASK_ASSESSMENT_" for TaskAssessment, taken
// from the UNSPECIFIED value's name.
std::string ValuePrefix(const google::protobuf::EnumDescriptor* type) {
  std::string first = type->value(0)->name();
  constexpr absl::string_view kUnspecified = "UNSPECIFIED";
  if (absl::EndsWith(first, kUnspecified))
    return first.substr(0, first.size() - kUnspecified.size());
  return "";
}

// Case folded, diacritics removed, and '_' '-' treated as spaces, so that "Hoàn thành xuất sắc",
// "HOAN_THANH_XUAT_SAC" and "hoan thanh xuat sac" compare equal.
std::string Fold(absl::string_view text) {
  std::string spaced(text);
  for (char& c : spaced) {
    if (c == '_' || c == '-') c = ' ';
  }
  return platform::SearchKey(spaced);
}

// Every spelling an enum accepts, folded once: an import asks about the same few labels in
// every row, and folding each candidate per cell (ICU work) was most of an import's parse time.
struct EnumLabelTable {
  // Folded spelling → the first value (in the old loop's order) with a spelling folding so.
  absl::flat_hash_map<std::string, int> by_folded;
  // Spellings as written: a cell spelled exactly so needs no folding.
  absl::flat_hash_map<std::string, int> by_written;
};

EnumLabelTable BuildTable(const google::protobuf::EnumDescriptor* type) {
  EnumLabelTable table;
  std::string prefix = ValuePrefix(type);
  std::vector<std::string> written;
  // In value order, each value's own spellings in the order the loop used to try them, the
  // first taking a folded form: the same value wins as when every candidate was compared.
  for (int i = 0; i < type->value_count(); ++i) {
    const auto* value = type->value(i);
    if (value->number() == 0) continue;
    const std::string& name = value->name();
    std::vector<std::string> spellings = {name};
    if (!prefix.empty() && absl::StartsWith(name, prefix)) {
      spellings.push_back(name.substr(prefix.size()));
    }
    auto it = Labels().find(name);
    if (it != Labels().end()) {
      spellings.insert(spellings.end(), it->second.begin(), it->second.end());
    }
    for (const std::string& spelling : spellings) {
      table.by_folded.emplace(Fold(spelling), value->number());
      written.push_back(spelling);
    }
  }
  for (const std::string& spelling : written) {
    std::string folded = Fold(spelling);
    if (folded.empty()) continue;
    table.by_written.emplace(spelling, table.by_folded.at(folded));
  }
  return table;
}

const EnumLabelTable& TableOf(const google::protobuf::EnumDescriptor* type) {
  static absl::Mutex mutex(absl::kConstInit);
  static auto* tables =
      new absl::flat_hash_map<const google::protobuf::EnumDescriptor*,
                              std::unique_ptr<EnumLabelTable>>();
  absl::MutexLock lock(&mutex);
  auto& table = (*tables)[type];
  if (table == nullptr) table = std::make_unique<EnumLabelTable>(BuildTable(type));
  return *table;  // never removed: the reference outlives the lock
}

}  // namespace

std::optional<int> ParseEnumLabel(const google::protobuf::EnumDescriptor* type,
                                  absl::string_view text) {
  const EnumLabelTable& table = TableOf(type);
  // A cell spelled exactly as a label folds as that label does: no ICU work needed.
  if (auto it = table.by_written.find(text); it != table.by_written.end()) return it->second;
  std::string folded = Fold(text);
  if (folded.empty()) return std::nullopt;
  if (auto it = table.by_folded.find(folded); it != table.by_folded.end()) return it->second;
  return std::nullopt;
}

std::string VietnameseLabel(const google::protobuf::EnumValueDescriptor* value) {
  auto it = Labels().find(value->name());
  return it == Labels().end() ? value->name() : it->second.front();
}

std::string AcceptedLabels(const google::protobuf::EnumDescriptor* type) {
  std::vector<std::string> parts;
  std::string prefix = ValuePrefix(type);
  for (int i = 0; i < type->value_count(); ++i) {
    const auto* value = type->value(i);
    if (value->number() == 0) continue;
    std::string short_name = value->name();
    if (!prefix.empty() && absl::StartsWith(short_name, prefix)) {
      short_name = short_name.substr(prefix.size());
    }
    parts.push_back(absl::StrCat("\"", VietnameseLabel(value), "\" (", short_name, ")"));
  }
  return absl::StrJoin(parts, ", ");
}

}  // namespace dienhinh::registry
