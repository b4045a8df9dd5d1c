// Identifiers for what the system creates (nominations, events, decisions): ULIDs, 26
// characters of Crockford base32, unique across sites without coordination (so a city stack
// can merge its districts' data) and sorting by creation time.
#ifndef DIENHINH_SERVICES_PLATFORM_IDS_ULID_H_
#define DIENHINH_SERVICES_PLATFORM_IDS_ULID_H_

#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace dienhinh::platform {

std::string NewUlid();
std::string NewUlid(absl::Time time);
// True when `id` has the form of a ULID (26 characters of Crockford base32, upper case).
bool IsUlid(absl::string_view id);

}  // namespace dienhinh::platform

#endif  // DIENHINH_SERVICES_PLATFORM_IDS_ULID_H_
