// Enum values as people write them in EMIS and HR exports: "Hoàn thành xuất sắc nhiệm vụ",
// "hoan thanh xuat sac", "Khá", "THPT" as well as the proto names (TASK_ASSESSMENT_EXCELLENT,
// or EXCELLENT without the enum's prefix). Matching ignores case and Vietnamese diacritics.
#ifndef DIENHINH_SERVICES_REGISTRY_ENUM_LABELS_H_
#define DIENHINH_SERVICES_REGISTRY_ENUM_LABELS_H_

#include <google/protobuf/descriptor.h>

#include <optional>
#include <string>

#include "absl/strings/string_view.h"

namespace dienhinh::registry {

// The number of the value of `type` that `text` names; nullopt when none does. UNSPECIFIED
// values are never matched: an empty cell is how a CSV says "not recorded".
std::optional<int> ParseEnumLabel(const google::protobuf::EnumDescriptor* type,
                                  absl::string_view text);

// The value's Vietnamese label, e.g. "Hoàn thành xuất sắc nhiệm vụ"; the proto name when it
// has none.
std::string VietnameseLabel(const google::protobuf::EnumValueDescriptor* value);

// For error messages: the accepted values of `type`, Vietnamese label with the proto name.
std::string AcceptedLabels(const google::protobuf::EnumDescriptor* type);

}  // namespace dienhinh::registry

#endif  // DIENHINH_SERVICES_REGISTRY_ENUM_LABELS_H_
