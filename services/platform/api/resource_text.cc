#include "services/platform/api/resource_text.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "services/platform/status/error_details.h"
#include "services/platform/text/vietnamese_text.h"

namespace dienhinh::platform {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

void Normalize(Message& message, const std::string& path, ViolationList& violations, int depth) {
  if (depth > 32) {
    violations.Add(path, "is nested too deeply");
    return;
  }
  const Reflection* reflection = message.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  reflection->ListFields(message, &fields);
  for (const FieldDescriptor* field : fields) {
    std::string field_path = path.empty() ? field->name() : absl::StrCat(path, ".", field->name());
    if (field->cpp_type() == FieldDescriptor::CPPTYPE_STRING &&
        field->type() == FieldDescriptor::TYPE_STRING) {
      auto fix = [&](const std::string& value, const std::string& where) -> std::string {
        auto normalized = NormalizeNfc(value);
        if (!normalized.ok()) {
          violations.Add(where, "is not valid UTF-8 text");
          return value;
        }
        return *normalized;
      };
      if (field->is_repeated()) {
        for (int i = 0; i < reflection->FieldSize(message, field); ++i) {
          std::string value = reflection->GetRepeatedString(message, field, i);
          reflection->SetRepeatedString(&message, field, i,
                                        fix(value, absl::StrCat(field_path, "[", i, "]")));
        }
      } else {
        std::string value = reflection->GetString(message, field);
        reflection->SetString(&message, field, fix(value, field_path));
      }
    } else if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      if (field->is_map()) continue;  // dienhinh requests have no maps of text
      if (field->is_repeated()) {
        for (int i = 0; i < reflection->FieldSize(message, field); ++i) {
          Normalize(*reflection->MutableRepeatedMessage(&message, field, i),
                    absl::StrCat(field_path, "[", i, "]"), violations, depth + 1);
        }
      } else {
        Normalize(*reflection->MutableMessage(&message, field), field_path, violations, depth + 1);
      }
    }
  }
}

}  // namespace

absl::Status NormalizeMessageText(Message& message) {
  ViolationList violations;
  Normalize(message, "", violations, 0);
  return violations.ToStatus("text fields must be valid UTF-8");
}

}  // namespace dienhinh::platform
