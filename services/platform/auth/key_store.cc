#include "services/platform/auth/key_store.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string_view>
#include <system_error>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "services/platform/auth/jwt.h"

namespace dienhinh::platform {
namespace {

constexpr size_t kGeneratedSecretSize = 32;
// Key and PEM files are small; anything larger is not what we were pointed at.
constexpr off_t kMaxKeyFileSize = 1 << 20;

std::string ErrnoText(int error) { return std::strerror(error); }

std::string KeyPath(const std::string& data_dir) {
  return (std::filesystem::path(data_dir) / kHs256KeyFileName).string();
}

// Closes a file descriptor on every return path.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

absl::StatusOr<std::string> ReadSmallFile(const std::string& path, struct stat* st) {
  Fd fd(open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    const int error = errno;
    std::string message = absl::StrCat("cannot open ", path, ": ", ErrnoText(error));
    return error == ENOENT ? absl::NotFoundError(message) : absl::PermissionDeniedError(message);
  }
  if (fstat(fd.get(), st) != 0) {
    return absl::InternalError(absl::StrCat("cannot stat ", path, ": ", ErrnoText(errno)));
  }
  if (!S_ISREG(st->st_mode)) {
    return absl::FailedPreconditionError(absl::StrCat(path, " is not a regular file"));
  }
  if (st->st_size > kMaxKeyFileSize) {
    return absl::FailedPreconditionError(absl::StrCat(path, " is too large for a key file"));
  }
  std::string text;
  char buf[4096];
  for (;;) {
    const ssize_t n = read(fd.get(), buf, sizeof(buf));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0)
      return absl::InternalError(absl::StrCat("cannot read ", path, ": ", ErrnoText(errno)));
    if (n == 0) break;
    text.append(buf, static_cast<size_t>(n));
    if (text.size() > static_cast<size_t>(kMaxKeyFileSize)) {
      return absl::FailedPreconditionError(absl::StrCat(path, " is too large for a key file"));
    }
  }
  return text;
}

std::string KeyIdOf(std::string_view secret) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  size_t size = 0;
  if (EVP_Q_digest(nullptr, "SHA256", nullptr, secret.data(), secret.size(), digest, &size) != 1) {
    DrainOpenSslErrors();
    return "local";
  }
  return absl::StrCat("local-", absl::BytesToHexString(
                                    absl::string_view(reinterpret_cast<const char*>(digest), 4)));
}

absl::StatusOr<Hs256Key> LoadHs256Key(const std::string& path) {
  struct stat st;
  absl::StatusOr<std::string> text = ReadSmallFile(path, &st);
  if (!text.ok()) return text.status();
  // Whoever can write the key can mint any role; readable-by-group is left to the operator
  // (a Kubernetes secret is mounted 0644 unless told otherwise).
  if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
    return absl::FailedPreconditionError(
        absl::StrCat(path, " is writable by group or others; chmod 600 it"));
  }
  absl::string_view hex = absl::StripAsciiWhitespace(*text);
  if (hex.empty() || hex.size() % 2 != 0 ||
      hex.find_first_not_of("0123456789abcdefABCDEF") != absl::string_view::npos) {
    return absl::FailedPreconditionError(absl::StrCat(path, " does not hold a hex key"));
  }
  Hs256Key key;
  key.secret = absl::HexStringToBytes(hex);
  if (key.secret.size() < kMinHs256SecretSize) {
    return absl::FailedPreconditionError(absl::StrCat(
        path, " holds ", key.secret.size(), " bytes; at least ", kMinHs256SecretSize, " needed"));
  }
  key.kid = KeyIdOf(key.secret);
  return key;
}

absl::Status WriteAll(int fd, std::string_view data, const std::string& path) {
  while (!data.empty()) {
    const ssize_t n = write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0)
      return absl::InternalError(absl::StrCat("cannot write ", path, ": ", ErrnoText(errno)));
    data.remove_prefix(static_cast<size_t>(n));
  }
  return absl::OkStatus();
}

// Creates the key file whole, or returns ALREADY_EXISTS when another process was first.
absl::Status CreateHs256KeyFile(const std::string& data_dir, const std::string& path) {
  unsigned char secret[kGeneratedSecretSize];
  if (RAND_bytes(secret, sizeof(secret)) != 1) {
    return absl::InternalError(absl::StrCat("RAND_bytes failed: ", DrainOpenSslErrors()));
  }
  const std::string contents =
      absl::StrCat(absl::BytesToHexString(
                       absl::string_view(reinterpret_cast<const char*>(secret), sizeof(secret))),
                   "\n");
  OPENSSL_cleanse(secret, sizeof(secret));

  std::string temp = (std::filesystem::path(data_dir) / ".jwt-hs256.key.XXXXXX").string();
  // mkstemp creates the file 0600 and owned by us; nothing else can open it before the link.
  Fd fd(mkstemp(temp.data()));
  if (fd.get() < 0) {
    return absl::PermissionDeniedError(
        absl::StrCat("cannot create a file in ", data_dir, ": ", ErrnoText(errno)));
  }
  absl::Status written = WriteAll(fd.get(), contents, temp);
  if (written.ok() && (fchmod(fd.get(), 0600) != 0 || fsync(fd.get()) != 0)) {
    written = absl::InternalError(absl::StrCat("cannot sync ", temp, ": ", ErrnoText(errno)));
  }
  if (!written.ok()) {
    unlink(temp.c_str());
    return written;
  }
  // link() fails when the name exists, so the first creator wins and the file is never seen
  // half written, unlike open(O_CREAT | O_EXCL) followed by a write.
  const int linked = link(temp.c_str(), path.c_str());
  const int link_error = errno;
  unlink(temp.c_str());
  if (linked != 0) {
    if (link_error == EEXIST) return absl::AlreadyExistsError(path);
    return absl::PermissionDeniedError(
        absl::StrCat("cannot create ", path, ": ", ErrnoText(link_error)));
  }
  // Make the new name durable too, so a crash cannot lose a key tokens were minted with.
  Fd dir(open(data_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir.get() >= 0) fsync(dir.get());
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<Hs256Key> LoadOrCreateHs256Key(const std::string& data_dir) {
  if (data_dir.empty()) return absl::InvalidArgumentError("no data directory given");
  const std::string path = KeyPath(data_dir);
  absl::StatusOr<Hs256Key> key = LoadHs256Key(path);
  if (key.ok() || !absl::IsNotFound(key.status())) return key;

  std::error_code error;
  std::filesystem::create_directories(data_dir, error);
  if (error) {
    return absl::PermissionDeniedError(
        absl::StrCat("cannot create data directory ", data_dir, ": ", error.message()));
  }
  absl::Status created = CreateHs256KeyFile(data_dir, path);
  if (!created.ok() && !absl::IsAlreadyExists(created)) return created;
  return LoadHs256Key(path);
}

absl::StatusOr<RsaKey> LoadRs256PublicKey(const std::string& path) {
  struct stat st;
  absl::StatusOr<std::string> pem = ReadSmallFile(path, &st);
  if (!pem.ok()) return pem.status();
  absl::StatusOr<RsaKey> key = RsaKey::PublicFromPem(*pem);
  if (!key.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": ", key.status().message()));
  }
  return key;
}

absl::StatusOr<JwtKeySet> LoadJwtKeySet(const std::string& data_dir,
                                        const std::vector<std::string>& rs256_keys) {
  if (data_dir.empty()) return JwtKeySetOf(nullptr, rs256_keys);
  absl::StatusOr<Hs256Key> hs256 = LoadOrCreateHs256Key(data_dir);
  if (!hs256.ok()) return hs256.status();
  return JwtKeySetOf(&*hs256, rs256_keys);
}

absl::StatusOr<JwtKeySet> JwtKeySetOf(const Hs256Key* hs256,
                                      const std::vector<std::string>& rs256_keys) {
  JwtKeySet keys;
  if (hs256 != nullptr) {
    if (absl::Status s = keys.AddHs256(hs256->kid, hs256->secret); !s.ok()) return s;
  }
  for (const std::string& spec : rs256_keys) {
    std::string kid;
    std::string path;
    if (const size_t eq = spec.find('='); eq != std::string::npos) {
      kid = spec.substr(0, eq);
      path = spec.substr(eq + 1);
    } else {
      path = spec;
      kid = std::filesystem::path(spec).stem().string();
    }
    if (kid.empty() || path.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("RS256 key \"", spec, "\" is neither kid=path nor a path"));
    }
    absl::StatusOr<RsaKey> key = LoadRs256PublicKey(path);
    if (!key.ok()) return key.status();
    if (absl::Status s = keys.AddRs256(kid, *std::move(key)); !s.ok()) return s;
  }
  if (keys.empty()) return absl::InvalidArgumentError("no token keys configured");
  return keys;
}

absl::StatusOr<std::string> MintTokenWithDataDirKey(const std::string& data_dir,
                                                    const TokenRequest& request, absl::Time now) {
  absl::StatusOr<Hs256Key> key = LoadOrCreateHs256Key(data_dir);
  if (!key.ok()) return key.status();
  return MintTokenWithKey(*key, request, now);
}

absl::StatusOr<std::string> MintTokenWithKey(const Hs256Key& key, const TokenRequest& request,
                                             absl::Time now) {
  if (request.subject.empty()) return absl::InvalidArgumentError("a token needs a subject");
  if (request.role == Role::kUnitOfficer && request.unit.empty()) {
    return absl::InvalidArgumentError("a unit officer token needs a unit");
  }
  if (request.lifetime <= absl::ZeroDuration() || request.lifetime == absl::InfiniteDuration()) {
    return absl::InvalidArgumentError("a token lifetime must be positive and finite");
  }

  JwtClaims claims;
  claims.subject = request.subject;
  claims.role = std::string(RoleName(request.role));
  claims.unit = request.unit;
  claims.site = request.site;
  claims.issuer = request.issuer;
  claims.issued_at = now;
  claims.expires_at = now + request.lifetime;
  return MintToken(claims, SigningKey::Hs256(key.kid, key.secret));
}

}  // namespace dienhinh::platform
