#include "services/platform/auth/jwt_key_set.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace dienhinh::platform {

std::string_view JwtAlgorithmName(JwtAlgorithm alg) {
  switch (alg) {
    case JwtAlgorithm::kHs256:
      return "HS256";
    case JwtAlgorithm::kRs256:
      return "RS256";
  }
  return "unknown";
}

const JwtKey* JwtKeySet::Find(std::string_view kid) const {
  for (const JwtKey& key : keys_) {
    if (key.kid == kid) return &key;
  }
  return nullptr;
}

absl::Status JwtKeySet::AddHs256(std::string kid, std::string secret) {
  if (kid.empty()) return absl::InvalidArgumentError("an HS256 key needs a key id");
  if (secret.size() < kMinHs256SecretSize) {
    return absl::InvalidArgumentError(absl::StrCat("HS256 key \"", kid, "\" has ", secret.size(),
                                                   " bytes; at least ", kMinHs256SecretSize,
                                                   " needed"));
  }
  if (Find(kid) != nullptr) {
    return absl::AlreadyExistsError(absl::StrCat("key id \"", kid, "\" is used twice"));
  }
  JwtKey key;
  key.kid = std::move(kid);
  key.alg = JwtAlgorithm::kHs256;
  key.secret = std::move(secret);
  keys_.push_back(std::move(key));
  return absl::OkStatus();
}

absl::Status JwtKeySet::AddRs256(std::string kid, RsaKey public_key) {
  if (kid.empty()) return absl::InvalidArgumentError("an RS256 key needs a key id");
  if (Find(kid) != nullptr) {
    return absl::AlreadyExistsError(absl::StrCat("key id \"", kid, "\" is used twice"));
  }
  JwtKey key;
  key.kid = std::move(kid);
  key.alg = JwtAlgorithm::kRs256;
  key.rsa = std::move(public_key);
  keys_.push_back(std::move(key));
  return absl::OkStatus();
}

absl::StatusOr<std::vector<const JwtKey*>> JwtKeySet::Select(JwtAlgorithm alg,
                                                             std::string_view kid) const {
  std::vector<const JwtKey*> selected;
  if (!kid.empty()) {
    const JwtKey* key = Find(kid);
    if (key == nullptr)
      return absl::NotFoundError(absl::StrCat("unknown key id \"", std::string(kid), "\""));
    if (key->alg != alg) {
      return absl::InvalidArgumentError(absl::StrCat("key \"", std::string(kid), "\" is not an ",
                                                     std::string(JwtAlgorithmName(alg)), " key"));
    }
    selected.push_back(key);
    return selected;
  }
  for (const JwtKey& key : keys_) {
    if (key.alg == alg) selected.push_back(&key);
  }
  return selected;
}

}  // namespace dienhinh::platform
