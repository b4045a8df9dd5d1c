// The Vietnamese words exported reports print for the system's enums and numbers: a clerk
// reads "Trường học", "Trễ hạn", "12,50 %", not UNIT_KIND_SCHOOL or 1250.
#ifndef DIENHINH_SERVICES_REPORTING_LABELS_H_
#define DIENHINH_SERVICES_REPORTING_LABELS_H_

#include <string>

#include "absl/time/time.h"
#include "dienhinh/reporting/v1/compliance.pb.h"
#include "dienhinh/type/v1/calendar.pb.h"
#include "dienhinh/type/v1/nomination_category.pb.h"
#include "dienhinh/type/v1/organisation.pb.h"

namespace dienhinh::reporting {

std::string UnitKindLabel(::dienhinh::type::v1::UnitKind kind);
std::string LevelLabel(::dienhinh::type::v1::EducationLevel level);
std::string CategoryLabel(::dienhinh::type::v1::Category category);
std::string FieldLabel(::dienhinh::type::v1::Field field);
std::string ComplianceStatusLabel(v1::ComplianceStatus status);

// Basis points as a Vietnamese percentage: 1250 -> "12,50 %".
std::string PercentLabel(int basis_points);
// A calendar day as Vietnamese documents write it: "15/05/2020"; "" when unset.
std::string DateLabel(const ::dienhinh::type::v1::Date& date);
// An instant on the wall clock of Vietnam (UTC+7): "01/06/2020 23:59".
std::string VietnamTimeLabel(absl::Time time);

}  // namespace dienhinh::reporting

#endif  // DIENHINH_SERVICES_REPORTING_LABELS_H_
