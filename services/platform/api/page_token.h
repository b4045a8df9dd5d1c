// Page tokens for List methods (AIP-158): opaque to clients, they carry the sort key of the
// last item returned (keyset paging, so a page costs the same wherever it is and items added
// meanwhile are neither skipped nor repeated) and a digest of the query, so a token used with
// another filter or order, or one that was forged or damaged, is INVALID_ARGUMENT.
//
// A token is signed with HMAC-SHA256 under a key only the site's services hold
// (SetPageTokenKey: derived from the site's JWT signing key, which every replica of every
// service shares), so a client cannot make one up: not a position the server never gave it,
// and not a key crafted to reach into the sort key's encoding.
#ifndef DIENHINH_SERVICES_PLATFORM_API_PAGE_TOKEN_H_
#define DIENHINH_SERVICES_PLATFORM_API_PAGE_TOKEN_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace dienhinh::platform {

inline constexpr int kDefaultPageSize = 100;
inline constexpr int kMaxPageSize = 1000;

// The page size to use: 0 means the default, more than the maximum means the maximum,
// negative is INVALID_ARGUMENT.
absl::StatusOr<int> EffectivePageSize(int32_t requested);

// What a query is, for the token to be checked against: the method, the filter and the order.
std::string QueryDigest(absl::string_view method, absl::string_view filter,
                        absl::string_view order_by);

// The secret page tokens are signed with, from now on; tokens signed under another key are
// refused. The services call it once at start, before serving. Until then (tests, tools), a
// key made at random when the process started: tokens then hold only within the process.
void SetPageTokenKey(absl::string_view secret);

std::string EncodePageToken(absl::string_view query_digest, const std::vector<std::string>& last_key);
// The last key carried by `token`; empty vector for an empty token (the first page).
absl::StatusOr<std::vector<std::string>> DecodePageToken(absl::string_view token,
                                                         absl::string_view query_digest);

}  // namespace dienhinh::platform

#endif  // DIENHINH_SERVICES_PLATFORM_API_PAGE_TOKEN_H_
