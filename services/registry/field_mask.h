// Update masks (AIP-134, AIP-161) on registry resources: which paths a resource accepts, and
// copying exactly those paths from a request's resource onto the stored one. A path may go into
// singular sub-messages ("staff.professional_ratings.good"); a repeated field is replaced whole.
// A path whose field is unset in the source clears it in the target, which is how an optional
// count becomes "not recorded" again.
#ifndef DIENHINH_SERVICES_REGISTRY_FIELD_MASK_H_
#define DIENHINH_SERVICES_REGISTRY_FIELD_MASK_H_

#include <google/protobuf/field_mask.pb.h>
#include <google/protobuf/message.h>

#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace dienhinh::registry {

// The top-level fields a client may not set: `name`, the times, `etag`, and those the
// resource lists as output only (a unit's `head`, a record's `school_year` and `source`).
std::set<std::string> OutputOnlyFields(const google::protobuf::Descriptor* type);

// The paths to apply: the mask's paths, or every writable top-level field for "*". Paths into
// output-only fields are dropped (AIP-161: they are ignored); unknown paths, paths through a
// repeated or scalar field and an empty mask are INVALID_ARGUMENT naming
// `update_mask.paths[i]` (`mask_field` is the request's field name).
absl::StatusOr<std::vector<std::string>> ResolveUpdateMask(
    const google::protobuf::Descriptor* type, const google::protobuf::FieldMask& mask,
    const std::string& mask_field = "update_mask");

// A path resolved to its fields, outermost first: the last is the field copied, the others
// the singular sub-messages it goes through.
using FieldPath = std::vector<const google::protobuf::FieldDescriptor*>;

// `paths` (already resolved) as fields of `type`, once for many messages: an import applies the
// same paths to every row, and splitting them and looking their fields up by name for each row
// was ~5 % of the registry's CPU while importing. A path that does not resolve is left out.
std::vector<FieldPath> CompilePaths(const google::protobuf::Descriptor* type,
                                    const std::vector<std::string>& paths);

// Copies each path of `paths` (already resolved) from `source` onto `target`.
void ApplyPaths(const google::protobuf::Message& source, const std::vector<std::string>& paths,
                google::protobuf::Message* target);
// The same with the paths compiled for the messages' type.
void ApplyPaths(const google::protobuf::Message& source, const std::vector<FieldPath>& paths,
                google::protobuf::Message* target);

// The value at `path` ("staff.total", "titles[1].title") as text, for error messages: numbers
// in decimal, enums by name; "" when the path holds a message or does not resolve.
std::string FieldText(const google::protobuf::Message& message, const std::string& path);

}  // namespace dienhinh::registry

#endif  // DIENHINH_SERVICES_REGISTRY_FIELD_MASK_H_
