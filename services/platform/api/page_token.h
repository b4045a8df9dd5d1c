// Page tokens for List methods (AIP-158): opaque to clients, they carry the sort key of the
// last item returned (keyset paging, so a page costs the same wherever it is and items added
// meanwhile are neither skipped nor repeated) and a digest of the query, so a token used with
// another filter or order, or one that was forged or damaged, is INVALID_ARGUMENT.
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

std::string EncodePageToken(absl::string_view query_digest, const std::vector<std::string>& last_key);
// The last key carried by `token`; empty vector for an empty token (the first page).
absl::StatusOr<std::vector<std::string>> DecodePageToken(absl::string_view token,
                                                         absl::string_view query_digest);

}  // namespace dienhinh::platform

#endif  // DIENHINH_SERVICES_PLATFORM_API_PAGE_TOKEN_H_
