// Turns a call's `authorization: Bearer <JWT>` metadata into a Caller. Services call
// Authenticate first in every handler but health; any failure is UNAUTHENTICATED with a
// message that says what was wrong ("missing bearer token", "bad signature",
// "token expired", "unknown role ...") and never echoes the token.
//
// Verified tokens are cached (bounded, until they expire), so a client that reuses one token
// costs one signature check, not one per call. The key set is fixed at construction; to
// rotate keys, build a new Authenticator with the old and new keys both present.
#ifndef DIENHINH_SERVICES_PLATFORM_AUTH_AUTHENTICATOR_H_
#define DIENHINH_SERVICES_PLATFORM_AUTH_AUTHENTICATOR_H_

#include <grpcpp/server_context.h>

#include <functional>
#include <optional>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/platform/auth/caller.h"
#include "services/platform/auth/jwt.h"
#include "services/platform/auth/jwt_key_set.h"
#include "services/platform/auth/verified_token_cache.h"

namespace dienhinh::platform {

struct AuthenticatorOptions {
  JwtVerifyOptions verify;
  // Distinct tokens remembered; 0 turns the cache off.
  size_t cache_capacity = 1024;
  // The time tokens are checked against; absl::Now when empty (tests move it).
  std::function<absl::Time()> clock;
};

class Authenticator {
 public:
  explicit Authenticator(JwtKeySet keys, AuthenticatorOptions options = {});
  Authenticator(const Authenticator&) = delete;
  Authenticator& operator=(const Authenticator&) = delete;

  // Reads the `authorization` entry of the call's metadata.
  absl::StatusOr<Caller> Authenticate(const grpc::ServerContextBase& context) const;
  // `authorization` is the metadata value ("Bearer eyJ..."), nullopt when the call had none.
  absl::StatusOr<Caller> AuthenticateHeader(std::optional<std::string_view> authorization) const;
  // A bare token, as the CLI or a test holds it.
  absl::StatusOr<Caller> AuthenticateToken(std::string_view token) const;

 private:
  absl::Time Now() const;

  const JwtKeySet keys_;
  const AuthenticatorOptions options_;
  mutable VerifiedTokenCache cache_;
};

// The token in an `authorization` value: the scheme "Bearer" (any case), one or more spaces,
// then the token. UNAUTHENTICATED otherwise.
absl::StatusOr<std::string_view> BearerToken(std::string_view authorization);

}  // namespace dienhinh::platform

#endif  // DIENHINH_SERVICES_PLATFORM_AUTH_AUTHENTICATOR_H_
