// An RSA key held by OpenSSL: the public half verifies RS256 tokens from a single sign-on
// issuer; the private half signs them (tests, and a site that issues its own RS256 tokens).
// Keys are immutable once loaded and shared by pointer, so one key can serve every thread.
#ifndef DIENHINH_SERVICES_PLATFORM_AUTH_RSA_KEY_H_
#define DIENHINH_SERVICES_PLATFORM_AUTH_RSA_KEY_H_

#include <openssl/types.h>

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace dienhinh::platform {

class RsaKey {
 public:
  // Reads a public key: "PUBLIC KEY" (SubjectPublicKeyInfo), "RSA PUBLIC KEY" (PKCS#1) or a
  // "CERTIFICATE" whose key is taken. A private key PEM is refused here, so a
  // misconfigured path never puts a signing key where only a verifying key belongs.
  static absl::StatusOr<RsaKey> PublicFromPem(std::string_view pem);
  // Reads a private key ("PRIVATE KEY" or "RSA PRIVATE KEY", unencrypted).
  static absl::StatusOr<RsaKey> PrivateFromPem(std::string_view pem);
  // A fresh key pair (tests and tools; 2048 bits is the floor accepted anywhere here).
  static absl::StatusOr<RsaKey> Generate(int bits = 2048);

  bool has_private() const { return has_private_; }
  int bits() const;
  // The public half as a "PUBLIC KEY" PEM.
  std::string PublicPem() const;
  // The private half as a PKCS#8 "PRIVATE KEY" PEM; empty when there is none.
  std::string PrivatePem() const;

  EVP_PKEY* pkey() const { return pkey_.get(); }

 private:
  RsaKey(std::shared_ptr<EVP_PKEY> pkey, bool has_private)
      : pkey_(std::move(pkey)), has_private_(has_private) {}

  std::shared_ptr<EVP_PKEY> pkey_;
  bool has_private_ = false;
};

// The text of OpenSSL's error queue for this thread (and clears it), for status messages.
std::string DrainOpenSslErrors();

}  // namespace dienhinh::platform

#endif  // DIENHINH_SERVICES_PLATFORM_AUTH_RSA_KEY_H_
