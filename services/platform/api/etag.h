// Entity tags for optimistic concurrency (AIP-154): a digest of the resource as stored, so
// any change gives a new tag and an update carrying an old one is refused (ABORTED).
#ifndef DIENHINH_SERVICES_PLATFORM_API_ETAG_H_
#define DIENHINH_SERVICES_PLATFORM_API_ETAG_H_

#include <string>

#include <google/protobuf/message.h>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace dienhinh::platform {

// 16 hex digits of the SHA-256 of the message's deterministic serialization, its own `etag`
// field (if any) left out.
std::string ComputeEtag(const google::protobuf::Message& resource);

// OK when `given` is empty (the caller did not ask for a check) or equals `current`;
// otherwise ABORTED with reason STALE_ETAG naming the resource.
absl::Status CheckEtag(absl::string_view given, absl::string_view current,
                       absl::string_view resource_name);

}  // namespace dienhinh::platform

#endif  // DIENHINH_SERVICES_PLATFORM_API_ETAG_H_
