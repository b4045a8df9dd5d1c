// base64url without padding (RFC 4648 §5), the encoding of every part of a compact JWS.
// Decoding is strict: no padding, no whitespace, no characters outside the alphabet, and the
// unused low bits of the last character must be zero, so each byte string has exactly one
// accepted encoding.
#ifndef DIENHINH_SERVICES_PLATFORM_AUTH_BASE64URL_H_
#define DIENHINH_SERVICES_PLATFORM_AUTH_BASE64URL_H_

#include <optional>
#include <string>
#include <string_view>

namespace dienhinh::platform {

std::string Base64UrlEncode(std::string_view bytes);
// nullopt when `text` is not a canonical unpadded base64url string.
std::optional<std::string> Base64UrlDecode(std::string_view text);

}  // namespace dienhinh::platform

#endif  // DIENHINH_SERVICES_PLATFORM_AUTH_BASE64URL_H_
