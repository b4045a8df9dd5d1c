#include "services/platform/api/resource_text.h"

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/platform/status/error_details.h"
#include "services/platform/text/vietnamese_text.h"

namespace dienhinh::platform {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

// Where a field sits, as a chain up to the request: its text ("dossier.items[2].title") is
// made only for a violation, so a request whose text is all well formed costs no string
// building (naming every field's path, and copying every string in and out twice, was most of
// the ~25 µs this took for each nomination intake received).
struct FieldPath {
  const FieldPath* parent;
  const FieldDescriptor* field;
  int index;  // -1 for a singular field
};

std::string PathText(const FieldPath* path) {
  if (path == nullptr) return "";
  std::string out = PathText(path->parent);
  if (!out.empty()) out += '.';
  out += path->field->name();
  if (path->index >= 0) absl::StrAppend(&out, "[", path->index, "]");
  return out;
}

// ASCII without NUL is valid UTF-8 and NFC as it is: most identifiers, codes and names of
// resources, checked without ICU.
bool IsPlainAscii(const std::string& text) {
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte == 0 || byte >= 0x80) return false;
  }
  return true;
}

// The NFC form of `value` when it differs from it; nullopt when it is NFC already or is not
// text (then a violation names `path`).
std::optional<std::string> Renormalized(const std::string& value, const FieldPath& path,
                                        ViolationList& violations) {
  if (IsPlainAscii(value)) return std::nullopt;
  auto normalized = NormalizeNfc(value);
  if (!normalized.ok()) {
    violations.Add(PathText(&path), "is not valid UTF-8 text");
    return std::nullopt;
  }
  if (*normalized == value) return std::nullopt;
  return std::move(*normalized);
}

void Normalize(Message& message, const FieldPath* at, ViolationList& violations, int depth) {
  if (depth > 32) {
    violations.Add(PathText(at), "is nested too deeply");
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
          auto fixed = Renormalized(value, FieldPath{at, field, i}, violations);
          if (fixed) reflection->SetRepeatedString(&message, field, i, std::move(*fixed));
        }
      } else {
        const std::string& value = reflection->GetStringReference(message, field, &scratch);
        auto fixed = Renormalized(value, FieldPath{at, field, -1}, violations);
        if (fixed) reflection->SetString(&message, field, std::move(*fixed));
      }
    } else if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      if (field->is_map()) continue;  // dienhinh requests have no maps of text
      if (field->is_repeated()) {
        for (int i = 0; i < reflection->FieldSize(message, field); ++i) {
          const FieldPath element{at, field, i};
          Normalize(*reflection->MutableRepeatedMessage(&message, field, i), &element, violations, depth + 1);
        }
      } else {
        const FieldPath inner{at, field, -1};
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
