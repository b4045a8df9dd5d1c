#include "services/platform/api/etag.h"

#include <openssl/evp.h>

#include <memory>

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "services/platform/status/error_details.h"

namespace dienhinh::platform {

std::string ComputeEtag(const google::protobuf::Message& resource) {
  std::unique_ptr<google::protobuf::Message> copy(resource.New());
  copy->CopyFrom(resource);
  if (const auto* field = copy->GetDescriptor()->FindFieldByName("etag")) {
    copy->GetReflection()->ClearField(copy.get(), field);
  }
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    copy->SerializeToCodedStream(&coded);
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_sha256(), nullptr);
  return absl::BytesToHexString(absl::string_view(reinterpret_cast<char*>(digest), 8));
}

absl::Status CheckEtag(absl::string_view given, absl::string_view current,
                       absl::string_view resource_name) {
  if (given.empty() || given == current) return absl::OkStatus();
  return WithReason(absl::AbortedError(absl::StrCat(
                        resource_name, " was changed by someone else (etag ", given,
                        " is stale, current is ", current, "): read it again and retry")),
                    "STALE_ETAG", {{"resource", std::string(resource_name)}});
}

}  // namespace dienhinh::platform
