#include "services/platform/api/page_token.h"

#include <cstdlib>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "services/platform/auth/base64url.h"
#include "services/platform/auth/hmac_sha256.h"
#include "services/platform/status/error_details.h"

namespace dienhinh::platform {
namespace {

// Integrity, not secrecy: a client can read a token, but cannot alter or make one without the
// key. 96 bits of MAC: a forger must guess, one call at a time.
constexpr absl::string_view kKeyLabel = "dienhinh page token v1";
constexpr size_t kMacBytes = 12;

absl::Mutex key_mutex;
std::string& KeyLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(key_mutex) {
  static std::string* key = [] {
    unsigned char random[32];
    if (RAND_bytes(random, sizeof random) != 1) abort();  // no randomness: nothing is safe
    return new std::string(reinterpret_cast<char*>(random), sizeof random);
  }();
  return *key;
}

std::string Hmac(absl::string_view key, absl::string_view data) {
  unsigned char mac[kHmacSha256Size];
  if (!HmacSha256(std::string_view(key.data(), key.size()),
                  std::string_view(data.data(), data.size()), mac)) {
    abort();  // only when OpenSSL cannot compute a SHA-256 at all
  }
  return std::string(reinterpret_cast<char*>(mac), sizeof mac);
}

std::string TokenMac(absl::string_view payload) {
  absl::MutexLock lock(&key_mutex);
  return Hmac(KeyLocked(), payload).substr(0, kMacBytes);
}

std::string Sha256(absl::string_view a, absl::string_view b) {
  std::string input = absl::StrCat(a, b);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(input.data(), input.size(), digest, &length, EVP_sha256(), nullptr);
  return std::string(reinterpret_cast<char*>(digest), length);
}

void PutLength(std::string& out, size_t n) {
  while (n >= 0x80) {
    out.push_back(static_cast<char>((n & 0x7F) | 0x80));
    n >>= 7;
  }
  out.push_back(static_cast<char>(n));
}

bool GetLength(absl::string_view& in, size_t& n) {
  n = 0;
  for (int shift = 0; shift < 35; shift += 7) {
    if (in.empty()) return false;
    unsigned char c = in.front();
    in.remove_prefix(1);
    n |= static_cast<size_t>(c & 0x7F) << shift;
    if ((c & 0x80) == 0) return true;
  }
  return false;
}

absl::Status BadToken() {
  return InvalidField("page_token",
                      "is not a token this server issued for this query (use next_page_token "
                      "from the previous page, with the same filter and order)");
}

}  // namespace

absl::StatusOr<int> EffectivePageSize(int32_t requested) {
  if (requested < 0) return InvalidField("page_size", "must not be negative");
  if (requested == 0) return kDefaultPageSize;
  return requested > kMaxPageSize ? kMaxPageSize : requested;
}

void SetPageTokenKey(absl::string_view secret) {
  // A key of its own, so that a page token never doubles as a signature of anything else.
  std::string key = Hmac(secret, kKeyLabel);
  absl::MutexLock lock(&key_mutex);
  KeyLocked() = std::move(key);
}

std::string QueryDigest(absl::string_view method, absl::string_view filter,
                        absl::string_view order_by) {
  return Sha256(absl::StrCat(method, "\n", filter, "\n"), order_by).substr(0, 8);
}

std::string EncodePageToken(absl::string_view query_digest,
                            const std::vector<std::string>& last_key) {
  std::string payload(query_digest);
  PutLength(payload, last_key.size());
  for (const std::string& part : last_key) {
    PutLength(payload, part.size());
    payload += part;
  }
  payload += TokenMac(payload);
  return Base64UrlEncode(std::string_view(payload.data(), payload.size()));
}

absl::StatusOr<std::vector<std::string>> DecodePageToken(absl::string_view token,
                                                         absl::string_view query_digest) {
  if (token.empty()) return std::vector<std::string>{};
  if (token.size() > 4096) return BadToken();
  auto decoded = Base64UrlDecode(std::string_view(token.data(), token.size()));
  if (!decoded || decoded->size() < query_digest.size() + kMacBytes) return BadToken();
  absl::string_view payload(decoded->data(), decoded->size() - kMacBytes);
  std::string expected = TokenMac(payload);
  if (CRYPTO_memcmp(expected.data(), decoded->data() + payload.size(), kMacBytes) != 0) {
    return BadToken();
  }
  if (payload.substr(0, query_digest.size()) != query_digest) return BadToken();
  payload.remove_prefix(query_digest.size());
  size_t count;
  if (!GetLength(payload, count) || count > 16) return BadToken();
  std::vector<std::string> key;
  for (size_t i = 0; i < count; ++i) {
    size_t n;
    if (!GetLength(payload, n) || n > payload.size()) return BadToken();
    key.emplace_back(payload.substr(0, n));
    payload.remove_prefix(n);
  }
  if (!payload.empty()) return BadToken();
  return key;
}

}  // namespace dienhinh::platform
