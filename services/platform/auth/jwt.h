// JSON Web Tokens in compact JWS form (RFC 7519, RFC 7515): verifying a bearer token and
// minting one. Only HS256 (HMAC-SHA256 with a shared secret) and RS256 (RSA PKCS#1 v1.5 with
// SHA-256) are accepted; `alg: none` and every other algorithm are refused, and the key set,
// not the token, decides which key and algorithm go together.
//
// Verification checks the signature before it reads the payload, then the claims: `exp` is
// required, `nbf` is honoured when present, `iss` and `aud` are compared when configured.
// Every failure is UNAUTHENTICATED with a short message that is safe to send to the caller.
#ifndef DIENHINH_SERVICES_PLATFORM_AUTH_JWT_H_
#define DIENHINH_SERVICES_PLATFORM_AUTH_JWT_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/platform/auth/jwt_key_set.h"
#include "services/platform/auth/rsa_key.h"

namespace dienhinh::platform {

// Tokens longer than this are refused before any parsing: a bearer token with the claims
// used here is a few hundred bytes, and the limit bounds what a caller can make us hold.
inline constexpr size_t kMaxJwtSize = 8192;

// The claims dienhinh reads. `role` stays a string here: whether it names a Role is the
// Authenticator's question, and a minting test must be able to write a wrong one.
struct JwtClaims {
  std::string subject;  // sub
  std::string role;
  std::string unit;
  std::string site;
  absl::Time expires_at = absl::InfinitePast();  // exp; required
  std::optional<absl::Time> issued_at;           // iat
  std::optional<absl::Time> not_before;          // nbf
  std::string issuer;                            // iss; empty when absent
  std::vector<std::string> audience;             // aud (a string or a list in the token)
};

struct JwtVerifyOptions {
  // Allowed clock difference between the issuer and us, for `exp` and `nbf`.
  absl::Duration leeway = absl::Seconds(60);
  std::string issuer;    // when set, `iss` must equal it
  std::string audience;  // when set, `aud` must be it or contain it
};

// Verifies `token` with `keys` as of `now` and returns its claims.
absl::StatusOr<JwtClaims> VerifyJwt(std::string_view token, const JwtKeySet& keys,
                                    const JwtVerifyOptions& options, absl::Time now);

// The key a token is minted with. Its kid goes into the header so the verifier picks the key
// directly; an empty kid is left out.
struct SigningKey {
  static SigningKey Hs256(std::string kid, std::string secret);
  // `private_key` must hold a private half.
  static SigningKey Rs256(std::string kid, RsaKey private_key);

  JwtAlgorithm alg = JwtAlgorithm::kHs256;
  std::string kid;
  std::string secret;
  std::optional<RsaKey> private_key;
};

// A signed compact token carrying `claims` (times written as whole Unix seconds).
// INVALID_ARGUMENT when the claims lack `sub` or `exp`, or the key is unusable.
absl::StatusOr<std::string> MintToken(const JwtClaims& claims, const SigningKey& key);

}  // namespace dienhinh::platform

#endif  // DIENHINH_SERVICES_PLATFORM_AUTH_JWT_H_
