// The keys a site accepts token signatures from, each under a key id (`kid`): HS256 shared
// secrets (the embedded default's generated key) and RS256 public keys (a ministry's single
// sign-on). A token's `kid` header picks one key; a token without `kid` is tried against every
// key of its algorithm, which is what lets a site rotate keys: add the new key, keep the old
// one until the tokens it signed have expired, then drop it.
#ifndef DIENHINH_SERVICES_PLATFORM_AUTH_JWT_KEY_SET_H_
#define DIENHINH_SERVICES_PLATFORM_AUTH_JWT_KEY_SET_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "services/platform/auth/rsa_key.h"

namespace dienhinh::platform {

enum class JwtAlgorithm { kHs256, kRs256 };

// "HS256" or "RS256", as in a JWS header's `alg`.
std::string_view JwtAlgorithmName(JwtAlgorithm alg);

// RFC 7518 §3.2: an HMAC key must be at least as long as the hash output.
inline constexpr size_t kMinHs256SecretSize = 32;

struct JwtKey {
  std::string kid;
  JwtAlgorithm alg = JwtAlgorithm::kHs256;
  std::string secret;         // kHs256
  std::optional<RsaKey> rsa;  // kRs256: the public key (a private one is used by its public half)
};

class JwtKeySet {
 public:
  // INVALID_ARGUMENT for an empty kid or a secret shorter than kMinHs256SecretSize;
  // ALREADY_EXISTS when the kid is taken (by a key of either algorithm).
  absl::Status AddHs256(std::string kid, std::string secret);
  absl::Status AddRs256(std::string kid, RsaKey public_key);

  // The keys a token with this header may be verified with. With a kid: exactly that key, or
  // NOT_FOUND "unknown key id", or INVALID_ARGUMENT when that key is for the other algorithm
  // (a token must never choose how its key is used). Without a kid: every key of `alg`,
  // possibly none.
  absl::StatusOr<std::vector<const JwtKey*>> Select(JwtAlgorithm alg, std::string_view kid) const;

  bool empty() const { return keys_.empty(); }
  size_t size() const { return keys_.size(); }

 private:
  const JwtKey* Find(std::string_view kid) const;

  std::vector<JwtKey> keys_;
};

}  // namespace dienhinh::platform

#endif  // DIENHINH_SERVICES_PLATFORM_AUTH_JWT_KEY_SET_H_
