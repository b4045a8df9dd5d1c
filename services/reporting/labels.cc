#include "services/reporting/labels.h"

#include "absl/strings/str_format.h"

namespace dienhinh::reporting {

namespace tv1 = ::dienhinh::type::v1;

std::string UnitKindLabel(tv1::UnitKind kind) {
  switch (kind) {
    case tv1::UNIT_KIND_DEPARTMENT: return "Sở Giáo dục và Đào tạo";
    case tv1::UNIT_KIND_DEPARTMENT_DIVISION: return "Phòng thuộc Sở";
    case tv1::UNIT_KIND_DISTRICT_OFFICE: return "Phòng Giáo dục và Đào tạo";
    case tv1::UNIT_KIND_SCHOOL: return "Trường học";
    case tv1::UNIT_KIND_CENTRE: return "Trung tâm";
    case tv1::UNIT_KIND_OTHER: return "Đơn vị khác";
    default: return "";
  }
}

std::string LevelLabel(tv1::EducationLevel level) {
  switch (level) {
    case tv1::EDUCATION_LEVEL_PRESCHOOL: return "Mầm non";
    case tv1::EDUCATION_LEVEL_PRIMARY: return "Tiểu học";
    case tv1::EDUCATION_LEVEL_LOWER_SECONDARY: return "Trung học cơ sở";
    case tv1::EDUCATION_LEVEL_UPPER_SECONDARY: return "Trung học phổ thông";
    case tv1::EDUCATION_LEVEL_CONTINUING: return "Giáo dục thường xuyên";
    case tv1::EDUCATION_LEVEL_VOCATIONAL: return "Giáo dục nghề nghiệp";
    default: return "";
  }
}

std::string CategoryLabel(tv1::Category category) {
  switch (category) {
    case tv1::CATEGORY_INSTITUTION: return "Cơ sở giáo dục trực thuộc";
    case tv1::CATEGORY_DEPARTMENT: return "Sở Giáo dục và Đào tạo";
    case tv1::CATEGORY_OFFICIAL: return "Cán bộ, công chức, viên chức";
    case tv1::CATEGORY_LEADER: return "Cá nhân giữ chức vụ lãnh đạo, quản lý";
    default: return "";
  }
}

std::string FieldLabel(tv1::Field field) {
  switch (field) {
    case tv1::FIELD_COMPREHENSIVE: return "Toàn diện";
    case tv1::FIELD_TEACHING: return "Giảng dạy";
    case tv1::FIELD_MANAGEMENT: return "Quản lý";
    case tv1::FIELD_RESEARCH: return "Nghiên cứu khoa học, sáng kiến";
    case tv1::FIELD_ADMINISTRATIVE_REFORM: return "Cải cách hành chính";
    case tv1::FIELD_EMULATION_MOVEMENT: return "Phong trào thi đua";
    case tv1::FIELD_SOCIAL_WORK: return "Công tác xã hội, nhân đạo, từ thiện";
    case tv1::FIELD_OTHER: return "Lĩnh vực khác";
    default: return "";
  }
}

std::string ComplianceStatusLabel(v1::ComplianceStatus status) {
  switch (status) {
    case v1::COMPLIANCE_STATUS_ON_TIME: return "Đúng hạn";
    case v1::COMPLIANCE_STATUS_LATE: return "Trễ hạn";
    case v1::COMPLIANCE_STATUS_MISSING: return "Chưa nộp";
    case v1::COMPLIANCE_STATUS_NOT_DUE: return "Chưa đến hạn";
    default: return "";
  }
}

std::string PercentLabel(int basis_points) {
  return absl::StrFormat("%d,%02d %%", basis_points / 100, basis_points % 100);
}

std::string DateLabel(const tv1::Date& date) {
  if (date.year() == 0) return "";
  return absl::StrFormat("%02d/%02d/%04d", date.day(), date.month(), date.year());
}

std::string VietnamTimeLabel(absl::Time time) {
  return absl::FormatTime("%d/%m/%Y %H:%M", time, absl::FixedTimeZone(7 * 3600));
}

}  // namespace dienhinh::reporting
