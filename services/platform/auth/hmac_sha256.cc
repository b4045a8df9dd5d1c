#include "services/platform/auth/hmac_sha256.h"

#include <openssl/evp.h>

namespace dienhinh::platform {

bool HmacSha256(std::string_view key, std::string_view data, unsigned char out[kHmacSha256Size]) {
  size_t out_size = 0;
  const unsigned char* mac = EVP_Q_mac(
      nullptr, "HMAC", nullptr, "SHA256", nullptr, key.data(), key.size(),
      reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, kHmacSha256Size,
      &out_size);
  return mac != nullptr && out_size == kHmacSha256Size;
}

}  // namespace dienhinh::platform
