#include "services/platform/auth/rsa_key.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace dienhinh::platform {
namespace {

constexpr int kMinRsaBits = 2048;
// Far above any key or certificate chain; keeps the int casts OpenSSL needs safe.
constexpr size_t kMaxPemSize = 1 << 20;

struct BioFree {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
using BioPtr = std::unique_ptr<BIO, BioFree>;

struct OpenSslFree {
  void operator()(void* p) const { OPENSSL_free(p); }
};

std::shared_ptr<EVP_PKEY> Own(EVP_PKEY* pkey) {
  return std::shared_ptr<EVP_PKEY>(pkey, EVP_PKEY_free);
}

BioPtr ReadOnlyBio(std::string_view text) {
  return BioPtr(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
}

// A passphrase callback that refuses: without it OpenSSL would prompt on the terminal for
// an encrypted key, which a service must never do.
int NoPassphrase(char*, int, int, void*) { return -1; }

absl::Status CheckRsa(EVP_PKEY* pkey) {
  if (EVP_PKEY_is_a(pkey, "RSA") != 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("key is ", EVP_PKEY_get0_type_name(pkey), ", not RSA"));
  }
  if (EVP_PKEY_get_bits(pkey) < kMinRsaBits) {
    return absl::InvalidArgumentError(absl::StrCat("RSA key has ", EVP_PKEY_get_bits(pkey),
                                                   " bits; at least ", kMinRsaBits, " needed"));
  }
  return absl::OkStatus();
}

std::string BioText(BIO* bio) {
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  return size > 0 ? std::string(data, static_cast<size_t>(size)) : std::string();
}

}  // namespace

std::string DrainOpenSslErrors() {
  std::string text;
  while (unsigned long code = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(code, buf, sizeof(buf));
    if (!text.empty()) text += "; ";
    text += buf;
  }
  return text.empty() ? "no OpenSSL error" : text;
}

absl::StatusOr<RsaKey> RsaKey::PublicFromPem(std::string_view pem) {
  if (pem.size() > kMaxPemSize) return absl::InvalidArgumentError("key text is too large");
  BioPtr bio = ReadOnlyBio(pem);
  if (bio == nullptr) return absl::ResourceExhaustedError("BIO_new_mem_buf failed");
  char* raw_name = nullptr;
  char* raw_header = nullptr;
  unsigned char* raw_der = nullptr;
  long der_size = 0;
  if (PEM_read_bio(bio.get(), &raw_name, &raw_header, &raw_der, &der_size) != 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("no PEM block in the key text: ", DrainOpenSslErrors()));
  }
  std::unique_ptr<char, OpenSslFree> name(raw_name);
  std::unique_ptr<char, OpenSslFree> header(raw_header);
  std::unique_ptr<unsigned char, OpenSslFree> der(raw_der);
  const std::string label(name.get());

  const unsigned char* p = der.get();
  EVP_PKEY* pkey = nullptr;
  if (label == "PUBLIC KEY") {
    pkey = d2i_PUBKEY(nullptr, &p, der_size);
  } else if (label == "RSA PUBLIC KEY") {
    pkey = d2i_PublicKey(EVP_PKEY_RSA, nullptr, &p, der_size);
  } else if (label == "CERTIFICATE") {
    X509* cert = d2i_X509(nullptr, &p, der_size);
    if (cert != nullptr) {
      pkey = X509_get_pubkey(cert);
      X509_free(cert);
    }
  } else {
    return absl::InvalidArgumentError(
        absl::StrCat("PEM block is \"", label, "\"; a public key or certificate is needed"));
  }
  if (pkey == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot read the ", label, ": ", DrainOpenSslErrors()));
  }
  std::shared_ptr<EVP_PKEY> owned = Own(pkey);
  if (absl::Status s = CheckRsa(pkey); !s.ok()) return s;
  return RsaKey(std::move(owned), /*has_private=*/false);
}

absl::StatusOr<RsaKey> RsaKey::PrivateFromPem(std::string_view pem) {
  if (pem.size() > kMaxPemSize) return absl::InvalidArgumentError("key text is too large");
  BioPtr bio = ReadOnlyBio(pem);
  if (bio == nullptr) return absl::ResourceExhaustedError("BIO_new_mem_buf failed");
  EVP_PKEY* pkey = PEM_read_bio_PrivateKey(bio.get(), nullptr, NoPassphrase, nullptr);
  if (pkey == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot read an unencrypted private key: ", DrainOpenSslErrors()));
  }
  std::shared_ptr<EVP_PKEY> owned = Own(pkey);
  if (absl::Status s = CheckRsa(pkey); !s.ok()) return s;
  return RsaKey(std::move(owned), /*has_private=*/true);
}

absl::StatusOr<RsaKey> RsaKey::Generate(int bits) {
  if (bits < kMinRsaBits) {
    return absl::InvalidArgumentError(absl::StrCat("at least ", kMinRsaBits, " bits needed"));
  }
  EVP_PKEY* pkey = EVP_RSA_gen(static_cast<unsigned>(bits));
  if (pkey == nullptr) {
    return absl::InternalError(absl::StrCat("RSA key generation failed: ", DrainOpenSslErrors()));
  }
  return RsaKey(Own(pkey), /*has_private=*/true);
}

int RsaKey::bits() const { return EVP_PKEY_get_bits(pkey_.get()); }

std::string RsaKey::PublicPem() const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (bio == nullptr || PEM_write_bio_PUBKEY(bio.get(), pkey_.get()) != 1) {
    DrainOpenSslErrors();
    return "";
  }
  return BioText(bio.get());
}

std::string RsaKey::PrivatePem() const {
  if (!has_private_) return "";
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (bio == nullptr || PEM_write_bio_PrivateKey(bio.get(), pkey_.get(), nullptr, nullptr, 0,
                                                 nullptr, nullptr) != 1) {
    DrainOpenSslErrors();
    return "";
  }
  return BioText(bio.get());
}

}  // namespace dienhinh::platform
