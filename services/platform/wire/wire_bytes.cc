#include "services/platform/wire/wire_bytes.h"

#include <algorithm>

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <google/protobuf/wire_format_lite.h>

namespace dienhinh::platform {
namespace {

using google::protobuf::internal::WireFormatLite;

google::protobuf::io::CodedInputStream Reader(absl::string_view bytes) {
  return google::protobuf::io::CodedInputStream(reinterpret_cast<const uint8_t*>(bytes.data()),
                                                static_cast<int>(bytes.size()));
}

}  // namespace

std::string CanonicalBytes(const google::protobuf::MessageLite& message) {
  std::string out;
  {
    google::protobuf::io::StringOutputStream stream(&out);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    message.SerializeToCodedStream(&coded);
  }
  return out;
}

std::string CanonicalBytesWithout(const google::protobuf::MessageLite& message,
                                  std::initializer_list<int> left_out) {
  const std::string full = CanonicalBytes(message);
  std::string out;
  out.reserve(full.size());
  google::protobuf::io::CodedInputStream in = Reader(full);
  while (true) {
    const int start = in.CurrentPosition();
    const uint32_t tag = in.ReadTag();
    if (tag == 0) break;
    // Bytes protobuf itself wrote always parse; were they not to, give them whole.
    if (!WireFormatLite::SkipField(&in, tag)) return full;
    const int field = WireFormatLite::GetTagFieldNumber(tag);
    if (std::find(left_out.begin(), left_out.end(), field) == left_out.end()) {
      out.append(full, static_cast<size_t>(start), static_cast<size_t>(in.CurrentPosition() - start));
    }
  }
  return out;
}

std::optional<absl::string_view> EmbeddedMessageBytes(absl::string_view message,
                                                      std::initializer_list<int> path) {
  absl::string_view current = message;
  for (const int wanted : path) {
    google::protobuf::io::CodedInputStream in = Reader(current);
    std::optional<absl::string_view> found;
    for (uint32_t tag = in.ReadTag(); tag != 0; tag = in.ReadTag()) {
      if (WireFormatLite::GetTagFieldNumber(tag) == wanted &&
          WireFormatLite::GetTagWireType(tag) == WireFormatLite::WIRETYPE_LENGTH_DELIMITED) {
        uint32_t length = 0;
        if (found || !in.ReadVarint32(&length)) return std::nullopt;
        const int start = in.CurrentPosition();
        if (length > current.size() - static_cast<size_t>(start) || !in.Skip(static_cast<int>(length))) {
          return std::nullopt;
        }
        found = current.substr(static_cast<size_t>(start), length);
      } else if (!WireFormatLite::SkipField(&in, tag)) {
        return std::nullopt;
      }
    }
    if (!found || !in.ConsumedEntireMessage()) return std::nullopt;
    current = *found;
  }
  return current;
}

}  // namespace dienhinh::platform
