// Protobuf messages as bytes, for digests and for storing what is already serialized: the
// deterministic bytes of a message, the same with some top-level fields left out (without
// copying the message to clear them), and the bytes of a message embedded in another's bytes.
#ifndef DIENHINH_SERVICES_PLATFORM_WIRE_WIRE_BYTES_H_
#define DIENHINH_SERVICES_PLATFORM_WIRE_WIRE_BYTES_H_

#include <initializer_list>
#include <optional>
#include <string>

#include <google/protobuf/message.h>

#include "absl/strings/string_view.h"

namespace dienhinh::platform {

// The message's deterministic serialization: fields in number order, map entries sorted, so
// equal messages give equal bytes (what digests and etags are computed over).
std::string CanonicalBytes(const google::protobuf::MessageLite& message);

// CanonicalBytes of a copy of `message` with the top-level fields numbered in `left_out`
// cleared, without making the copy (copying a nomination with its dossier to clear its etag
// was a third of computing the etag). Deterministic serialization writes each top-level field
// as one run of bytes, so leaving those runs out is clearing the fields.
std::string CanonicalBytesWithout(const google::protobuf::MessageLite& message,
                                  std::initializer_list<int> left_out);

// The bytes of the message field reached through `path` (field numbers, outermost first, each a
// singular message field) in `message`, a serialized protobuf message: what serializing that
// inner message alone gives. nullopt when a field on the path is absent or appears more than
// once (protobuf would then merge the occurrences), or when the bytes do not parse.
std::optional<absl::string_view> EmbeddedMessageBytes(absl::string_view message,
                                                      std::initializer_list<int> path);

}  // namespace dienhinh::platform

#endif  // DIENHINH_SERVICES_PLATFORM_WIRE_WIRE_BYTES_H_
