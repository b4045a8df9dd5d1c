#include "services/platform/api/resource_text.h"

#include <optional>
#include <string>
#include <vector>

#include "services/platform/api/field_chain.h"
#include "services/platform/status/error_details.h"
#include "services/platform/text/vietnamese_text.h"

namespace dienhinh::platform {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

// The NFC form of `value` when it differs from it; nullopt when it is NFC already or is not
// text (then a violation names `path`).
std::optional<std::string> Renormalized(const std::string& value, const FieldChain& path,
                                        ViolationList& violations) {
  if (IsPlainAscii(value)) return std::nullopt;  // NFC as it is, and not copied
  auto normalized = NormalizeNfc(value);
  if (!normalized.ok()) {
    violations.Add(FieldChainText(&path), "is not valid UTF-8 text");
    return std::nullopt;
  }
  if (*normalized == value) return std::nullopt;
  return std::move(*normalized);
}

// Normalizes every string below `message`, which sits at `at`. A path becomes text only for a
// violation, and a string is copied only when it changes: naming every field's path up front,
// and copying every string out and back in, were most of the ~25 µs this took for each
// nomination intake received.
void Normalize(Message& message, const FieldChain* at, ViolationList& violations, int depth) {
  if (depth > 32) {
    violations.Add(FieldChainText(at), "is nested too deeply");
    return;
  }
  const Reflection* reflection = message.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  reflection->ListFields(message, &fields);
  std::string scratch;
  for (const FieldDescriptor* field : fields) {
    if (field->cpp_type() == FieldDescriptor::CPPTYPE_STRING &&
        field->type() == FieldDescriptor::TYPE_STRING) {
      if (field->is_repeated()) {
        for (int i = 0; i < reflection->FieldSize(message, field); ++i) {
          const std::string& value = reflection->GetRepeatedStringReference(message, field, i, &scratch);
          auto fixed = Renormalized(value, FieldChain{at, field, i}, violations);
          if (fixed) reflection->SetRepeatedString(&message, field, i, std::move(*fixed));
        }
      } else {
        const std::string& value = reflection->GetStringReference(message, field, &scratch);
        auto fixed = Renormalized(value, FieldChain{at, field, -1}, violations);
        if (fixed) reflection->SetString(&message, field, std::move(*fixed));
      }
    } else if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      if (field->is_map()) continue;  // dienhinh requests have no maps of text
      if (field->is_repeated()) {
        for (int i = 0; i < reflection->FieldSize(message, field); ++i) {
          const FieldChain element{at, field, i};
          Normalize(*reflection->MutableRepeatedMessage(&message, field, i), &element, violations, depth + 1);
        }
      } else {
        const FieldChain inner{at, field, -1};
        Normalize(*reflection->MutableMessage(&message, field), &inner, violations, depth + 1);
      }
    }
  }
}

}  // namespace

absl::Status NormalizeMessageText(Message& message) {
  ViolationList violations;
  Normalize(message, nullptr, violations, 0);
  return violations.ToStatus("text fields must be valid UTF-8");
}

}  // namespace dienhinh::platform
