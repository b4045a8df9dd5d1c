#include "services/registry/field_mask.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "services/platform/status/error_details.h"

namespace dienhinh::registry {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

std::set<std::string> OutputOnlyFields(const Descriptor* type) {
  std::set<std::string> out = {"name", "create_time", "update_time", "etag"};
  const std::string& full = type->full_name();
  if (full == "dienhinh.registry.v1.Unit") out.insert("head");
  if (full == "dienhinh.registry.v1.UnitYearlyRecord" ||
      full == "dienhinh.registry.v1.PersonYearlyRecord") {
    out.insert("school_year");
    out.insert("source");
  }
  return out;
}

absl::StatusOr<std::vector<std::string>> ResolveUpdateMask(const Descriptor* type,
                                                           const google::protobuf::FieldMask& mask,
                                                           const std::string& mask_field) {
  std::set<std::string> output_only = OutputOnlyFields(type);
  std::vector<std::string> paths;
  platform::ViolationList violations;
  if (mask.paths_size() == 0) {
    violations.Add(mask_field, "is required: name the fields to change, or \"*\" for all");
  }
  for (int i = 0; i < mask.paths_size(); ++i) {
    const std::string& path = mask.paths(i);
    std::string field = absl::StrCat(mask_field, ".paths[", i, "]");
    if (path == "*") {
      if (mask.paths_size() != 1) violations.Add(field, "\"*\" must be the only path");
      for (int f = 0; f < type->field_count(); ++f) {
        if (!output_only.count(type->field(f)->name())) paths.push_back(type->field(f)->name());
      }
      continue;
    }
    std::vector<std::string> parts = absl::StrSplit(path, '.');
    if (output_only.count(parts[0])) continue;
    const Descriptor* current = type;
    bool ok = true;
    for (size_t p = 0; p < parts.size(); ++p) {
      const FieldDescriptor* fd = current == nullptr ? nullptr : current->FindFieldByName(parts[p]);
      if (fd == nullptr) {
        violations.Add(field, absl::StrCat("\"", path, "\" is not a field of ", type->name()));
        ok = false;
        break;
      }
      bool last = p + 1 == parts.size();
      if (!last && (fd->is_repeated() || fd->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE)) {
        violations.Add(field, absl::StrCat("\"", path, "\" goes through \"", parts[p],
                                           "\", which has no sub-fields to select"));
        ok = false;
        break;
      }
      current = last ? nullptr : fd->message_type();
    }
    if (ok) paths.push_back(path);
  }
  if (!violations.empty()) return violations.ToStatus("the update mask is invalid");
  return paths;
}

std::vector<FieldPath> CompilePaths(const Descriptor* type, const std::vector<std::string>& paths) {
  std::vector<FieldPath> out;
  out.reserve(paths.size());
  for (const std::string& path : paths) {
    FieldPath fields;
    const Descriptor* at = type;
    for (absl::string_view part : absl::StrSplit(path, '.')) {
      const FieldDescriptor* fd = at == nullptr ? nullptr : at->FindFieldByName(std::string(part));
      if (fd == nullptr) {
        fields.clear();
        break;
      }
      fields.push_back(fd);
      at = fd->message_type();
    }
    if (!fields.empty()) out.push_back(std::move(fields));
  }
  return out;
}

void ApplyPaths(const Message& source, const std::vector<std::string>& paths, Message* target) {
  ApplyPaths(source, CompilePaths(source.GetDescriptor(), paths), target);
}

void ApplyPaths(const Message& source, const std::vector<FieldPath>& paths, Message* target) {
  for (const FieldPath& path : paths) {
    const Message* src = &source;
    Message* dst = target;
    for (size_t p = 0; p + 1 < path.size(); ++p) {
      // An unset source sub-message reads as its default: every leaf under it is "unset".
      src = &src->GetReflection()->GetMessage(*src, path[p]);
      dst = dst->GetReflection()->MutableMessage(dst, path[p]);
    }
    const FieldDescriptor* fd = path.back();
    const Reflection* src_reflection = src->GetReflection();
    const Reflection* dst_reflection = dst->GetReflection();
    if (fd->is_repeated()) {
      dst_reflection->ClearField(dst, fd);
      for (int i = 0; i < src_reflection->FieldSize(*src, fd); ++i) {
        switch (fd->cpp_type()) {
          case FieldDescriptor::CPPTYPE_MESSAGE:
            dst_reflection->AddMessage(dst, fd)->CopyFrom(
                src_reflection->GetRepeatedMessage(*src, fd, i));
            break;
          case FieldDescriptor::CPPTYPE_ENUM:
            dst_reflection->AddEnumValue(dst, fd,
                                         src_reflection->GetRepeatedEnumValue(*src, fd, i));
            break;
          case FieldDescriptor::CPPTYPE_STRING:
            dst_reflection->AddString(dst, fd, src_reflection->GetRepeatedString(*src, fd, i));
            break;
          case FieldDescriptor::CPPTYPE_INT32:
            dst_reflection->AddInt32(dst, fd, src_reflection->GetRepeatedInt32(*src, fd, i));
            break;
          case FieldDescriptor::CPPTYPE_INT64:
            dst_reflection->AddInt64(dst, fd, src_reflection->GetRepeatedInt64(*src, fd, i));
            break;
          case FieldDescriptor::CPPTYPE_BOOL:
            dst_reflection->AddBool(dst, fd, src_reflection->GetRepeatedBool(*src, fd, i));
            break;
          default:
            break;  // no other repeated types in the registry's resources
        }
      }
      continue;
    }
    // A singular field is set over whatever the target held (no clearing first: ~2 % of an
    // import's CPU); one with presence that the source lacks is cleared.
    if (fd->has_presence() && !src_reflection->HasField(*src, fd)) {
      dst_reflection->ClearField(dst, fd);
      continue;
    }
    switch (fd->cpp_type()) {
      case FieldDescriptor::CPPTYPE_MESSAGE:
        dst_reflection->MutableMessage(dst, fd)->CopyFrom(src_reflection->GetMessage(*src, fd));
        break;
      case FieldDescriptor::CPPTYPE_ENUM:
        dst_reflection->SetEnumValue(dst, fd, src_reflection->GetEnumValue(*src, fd));
        break;
      case FieldDescriptor::CPPTYPE_STRING:
        dst_reflection->SetString(dst, fd, src_reflection->GetString(*src, fd));
        break;
      case FieldDescriptor::CPPTYPE_INT32:
        dst_reflection->SetInt32(dst, fd, src_reflection->GetInt32(*src, fd));
        break;
      case FieldDescriptor::CPPTYPE_INT64:
        dst_reflection->SetInt64(dst, fd, src_reflection->GetInt64(*src, fd));
        break;
      case FieldDescriptor::CPPTYPE_BOOL:
        dst_reflection->SetBool(dst, fd, src_reflection->GetBool(*src, fd));
        break;
      case FieldDescriptor::CPPTYPE_UINT32:
        dst_reflection->SetUInt32(dst, fd, src_reflection->GetUInt32(*src, fd));
        break;
      case FieldDescriptor::CPPTYPE_UINT64:
        dst_reflection->SetUInt64(dst, fd, src_reflection->GetUInt64(*src, fd));
        break;
      case FieldDescriptor::CPPTYPE_DOUBLE:
        dst_reflection->SetDouble(dst, fd, src_reflection->GetDouble(*src, fd));
        break;
      case FieldDescriptor::CPPTYPE_FLOAT:
        dst_reflection->SetFloat(dst, fd, src_reflection->GetFloat(*src, fd));
        break;
    }
  }
}

std::string FieldText(const Message& message, const std::string& path) {
  const Message* current = &message;
  std::vector<std::string> parts = absl::StrSplit(path, '.');
  for (size_t p = 0; p < parts.size(); ++p) {
    std::string part = parts[p];
    int index = -1;
    size_t bracket = part.find('[');
    if (bracket != std::string::npos && part.back() == ']') {
      if (!absl::SimpleAtoi(part.substr(bracket + 1, part.size() - bracket - 2), &index)) return "";
      part = part.substr(0, bracket);
    }
    const FieldDescriptor* fd = current->GetDescriptor()->FindFieldByName(part);
    if (fd == nullptr || fd->is_repeated() != (index >= 0)) return "";
    const Reflection* r = current->GetReflection();
    if (index >= 0 && index >= r->FieldSize(*current, fd)) return "";
    bool last = p + 1 == parts.size();
    if (fd->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      if (last) return "";
      current =
          index >= 0 ? &r->GetRepeatedMessage(*current, fd, index) : &r->GetMessage(*current, fd);
      continue;
    }
    if (!last) return "";
    switch (fd->cpp_type()) {
      case FieldDescriptor::CPPTYPE_STRING:
        return index >= 0 ? r->GetRepeatedString(*current, fd, index) : r->GetString(*current, fd);
      case FieldDescriptor::CPPTYPE_INT32:
        if (index < 0 && fd->has_presence() && !r->HasField(*current, fd)) return "";
        return absl::StrCat(index >= 0 ? r->GetRepeatedInt32(*current, fd, index)
                                       : r->GetInt32(*current, fd));
      case FieldDescriptor::CPPTYPE_BOOL:
        return (index >= 0 ? r->GetRepeatedBool(*current, fd, index) : r->GetBool(*current, fd))
                   ? "true"
                   : "false";
      case FieldDescriptor::CPPTYPE_ENUM: {
        int number = index >= 0 ? r->GetRepeatedEnumValue(*current, fd, index)
                                : r->GetEnumValue(*current, fd);
        const auto* value = fd->enum_type()->FindValueByNumber(number);
        return value ? value->name() : absl::StrCat(number);
      }
      default:
        return "";
    }
  }
  return "";
}

}  // namespace dienhinh::registry
