// HMAC-SHA256 with OpenSSL: what HS256 tokens are signed with, and page tokens too.
#ifndef DIENHINH_SERVICES_PLATFORM_AUTH_HMAC_SHA256_H_
#define DIENHINH_SERVICES_PLATFORM_AUTH_HMAC_SHA256_H_

#include <cstddef>
#include <string_view>

namespace dienhinh::platform {

inline constexpr size_t kHmacSha256Size = 32;

// The MAC of `data` under `key` into `out`; false only when OpenSSL cannot compute it.
bool HmacSha256(std::string_view key, std::string_view data, unsigned char out[kHmacSha256Size]);

}  // namespace dienhinh::platform

#endif  // DIENHINH_SERVICES_PLATFORM_AUTH_HMAC_SHA256_H_
