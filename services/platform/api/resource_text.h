// Text that comes in through the API, made uniform before anything stores or compares it:
// every string field of a request message (nested messages and repeated fields included) is
// normalized to Unicode NFC, so "Tiến" typed on a Mac (decomposed) and on Windows (composed)
// are one name. Invalid UTF-8 is INVALID_ARGUMENT naming each field.
#ifndef DIENHINH_SERVICES_PLATFORM_API_RESOURCE_TEXT_H_
#define DIENHINH_SERVICES_PLATFORM_API_RESOURCE_TEXT_H_

#include <google/protobuf/message.h>

#include "absl/status/status.h"

namespace dienhinh::platform {

absl::Status NormalizeMessageText(google::protobuf::Message& message);

}  // namespace dienhinh::platform

#endif  // DIENHINH_SERVICES_PLATFORM_API_RESOURCE_TEXT_H_
