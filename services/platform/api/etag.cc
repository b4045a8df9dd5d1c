#include "services/platform/api/etag.h"

#include <openssl/evp.h>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "services/platform/status/error_details.h"
#include "services/platform/wire/wire_bytes.h"

namespace dienhinh::platform {

std::string ComputeEtag(const google::protobuf::Message& resource) {
  // The bytes with the etag's run left out, not those of a copy with it cleared: the same bytes,
  // without copying the resource (a nomination with its dossier) on every write.
  const auto* field = resource.GetDescriptor()->FindFieldByName("etag");
  const std::string bytes =
      field != nullptr ? CanonicalBytesWithout(resource, {field->number()}) : CanonicalBytes(resource);
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
