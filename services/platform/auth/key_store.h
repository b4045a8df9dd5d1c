// Where a site's token keys live. The embedded default needs no setup: on first start a
// service creates `<data_dir>/jwt-hs256.key` (32 random bytes from OpenSSL, hex, mode 0600)
// and every later start, and every tool on the same data directory, loads the same key. RS256
// public keys of a single sign-on issuer are read from PEM files named by path.
//
// Minting from the data directory key is what `scripts/run` uses to write var/admin.token,
// what `dienhinh-mint-token` prints and what the CLI's `token mint` will call.
#ifndef DIENHINH_SERVICES_PLATFORM_AUTH_KEY_STORE_H_
#define DIENHINH_SERVICES_PLATFORM_AUTH_KEY_STORE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/platform/auth/caller.h"
#include "services/platform/auth/jwt_key_set.h"
#include "services/platform/auth/rsa_key.h"

namespace dienhinh::platform {

inline constexpr char kHs256KeyFileName[] = "jwt-hs256.key";

struct Hs256Key {
  // "local-" and 8 hex digits of the secret's SHA-256: the same file always gives the same
  // id, and a replaced file a different one, so tokens signed by an old key fail as
  // "unknown key id" rather than "bad signature".
  std::string kid;
  std::string secret;  // the raw bytes
};

// Loads `<data_dir>/jwt-hs256.key`, creating the directory and the key when absent. Two
// processes starting at once end up with the same key: the file appears whole (written to a
// temporary name, then linked into place) and whoever links second loads the winner's.
// FAILED_PRECONDITION for a key file that others may write, is not hex, or is shorter than
// 32 bytes.
absl::StatusOr<Hs256Key> LoadOrCreateHs256Key(const std::string& data_dir);

// Reads an RS256 public key (or certificate) from a PEM file.
absl::StatusOr<RsaKey> LoadRs256PublicKey(const std::string& path);

// The keys a service verifies with: the data directory's HS256 key (skipped when `data_dir`
// is empty, for a site that accepts only single sign-on tokens) and one RS256 key per entry
// of `rs256_keys`, each "kid=path" or just "path" (then the kid is the file name without
// its extension).
absl::StatusOr<JwtKeySet> LoadJwtKeySet(const std::string& data_dir,
                                        const std::vector<std::string>& rs256_keys);
// The same, with the HS256 key already loaded (null for none), so that a service verifies,
// mints its own token and signs page tokens with one reading of the key file.
absl::StatusOr<JwtKeySet> JwtKeySetOf(const Hs256Key* hs256,
                                      const std::vector<std::string>& rs256_keys);

struct TokenRequest {
  Role role = Role::kViewer;
  std::string subject;
  std::string unit;  // required for a unit officer
  std::string site;
  absl::Duration lifetime = absl::Hours(24);
  std::string issuer;  // `iss`, when the site checks one
};

// A token signed with the data directory's key (created when absent), issued at `now`.
absl::StatusOr<std::string> MintTokenWithDataDirKey(const std::string& data_dir,
                                                    const TokenRequest& request,
                                                    absl::Time now = absl::Now());
// A token signed with `key`, issued at `now`.
absl::StatusOr<std::string> MintTokenWithKey(const Hs256Key& key, const TokenRequest& request,
                                             absl::Time now = absl::Now());

}  // namespace dienhinh::platform

#endif  // DIENHINH_SERVICES_PLATFORM_AUTH_KEY_STORE_H_
