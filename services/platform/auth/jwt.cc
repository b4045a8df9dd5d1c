#include "services/platform/auth/jwt.h"

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include <cmath>
#include <cstdint>
#include <memory>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "services/platform/auth/base64url.h"
#include "services/platform/auth/hmac_sha256.h"

namespace dienhinh::platform {
namespace {

using google::protobuf::Struct;
using google::protobuf::Value;

constexpr size_t kHs256Size = kHmacSha256Size;
// NumericDate values outside [0, year 9999] are refused rather than converted.
constexpr double kMaxNumericDate = 253402300799.0;

struct MdCtxFree {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;

absl::Status Unauthenticated(const std::string& message) {
  return absl::UnauthenticatedError(message);
}

absl::StatusOr<Struct> ParseJsonObject(std::string_view json) {
  Struct object;
  const auto status = google::protobuf::util::JsonStringToMessage(
      google::protobuf::StringPiece(json.data(), json.size()), &object);
  if (!status.ok()) return absl::InvalidArgumentError(std::string(status.message()));
  return object;
}

const Value* Field(const Struct& object, const std::string& name) {
  auto it = object.fields().find(name);
  return it == object.fields().end() ? nullptr : &it->second;
}

// Reads an optional string member; an error names the claim when it is not a string.
absl::Status ReadString(const Struct& object, const std::string& name, std::string* out) {
  const Value* value = Field(object, name);
  if (value == nullptr) return absl::OkStatus();
  if (value->kind_case() != Value::kStringValue) {
    return Unauthenticated(absl::StrCat("malformed token: \"", name, "\" is not a string"));
  }
  *out = value->string_value();
  return absl::OkStatus();
}

absl::Status ReadTime(const Struct& object, const std::string& name,
                      std::optional<absl::Time>* out) {
  const Value* value = Field(object, name);
  if (value == nullptr) return absl::OkStatus();
  if (value->kind_case() != Value::kNumberValue || !std::isfinite(value->number_value()) ||
      value->number_value() < 0 || value->number_value() > kMaxNumericDate) {
    return Unauthenticated(absl::StrCat("malformed token: \"", name, "\" is not a time"));
  }
  *out = absl::FromUnixSeconds(static_cast<int64_t>(std::floor(value->number_value())));
  return absl::OkStatus();
}

absl::StatusOr<JwtClaims> ReadClaims(const Struct& payload) {
  JwtClaims claims;
  absl::Status s;
  if (!(s = ReadString(payload, "sub", &claims.subject)).ok()) return s;
  if (!(s = ReadString(payload, "role", &claims.role)).ok()) return s;
  if (!(s = ReadString(payload, "unit", &claims.unit)).ok()) return s;
  if (!(s = ReadString(payload, "site", &claims.site)).ok()) return s;
  if (!(s = ReadString(payload, "iss", &claims.issuer)).ok()) return s;
  std::optional<absl::Time> exp;
  if (!(s = ReadTime(payload, "exp", &exp)).ok()) return s;
  if (!(s = ReadTime(payload, "nbf", &claims.not_before)).ok()) return s;
  if (!(s = ReadTime(payload, "iat", &claims.issued_at)).ok()) return s;
  if (!exp.has_value()) return Unauthenticated("token has no expiry (\"exp\")");
  claims.expires_at = *exp;
  if (claims.subject.empty()) return Unauthenticated("token has no subject (\"sub\")");

  if (const Value* aud = Field(payload, "aud"); aud != nullptr) {
    if (aud->kind_case() == Value::kStringValue) {
      claims.audience.push_back(aud->string_value());
    } else if (aud->kind_case() == Value::kListValue) {
      for (const Value& item : aud->list_value().values()) {
        if (item.kind_case() != Value::kStringValue) {
          return Unauthenticated("malformed token: \"aud\" holds a non-string");
        }
        claims.audience.push_back(item.string_value());
      }
    } else {
      return Unauthenticated("malformed token: \"aud\" is neither a string nor a list");
    }
  }
  return claims;
}

absl::Status CheckClaims(const JwtClaims& claims, const JwtVerifyOptions& options, absl::Time now) {
  if (now > claims.expires_at + options.leeway) return Unauthenticated("token expired");
  if (claims.not_before.has_value() && now + options.leeway < *claims.not_before) {
    return Unauthenticated("token not valid yet");
  }
  if (!options.issuer.empty() && claims.issuer != options.issuer) {
    return Unauthenticated("token from another issuer");
  }
  if (!options.audience.empty()) {
    bool found = false;
    for (const std::string& aud : claims.audience) found = found || aud == options.audience;
    if (!found) return Unauthenticated("token for another audience");
  }
  return absl::OkStatus();
}

bool VerifyHs256(std::string_view signing_input, std::string_view signature,
                 const std::string& secret) {
  unsigned char expected[kHs256Size];
  if (signature.size() != kHs256Size || !HmacSha256(secret, signing_input, expected)) {
    return false;
  }
  // Constant time: a timing difference would tell a forger how many leading bytes are right.
  return CRYPTO_memcmp(expected, signature.data(), kHs256Size) == 0;
}

bool VerifyRs256(std::string_view signing_input, std::string_view signature, const RsaKey& key) {
  MdCtxPtr ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;  // owned by ctx
  if (ctx == nullptr ||
      EVP_DigestVerifyInit_ex(ctx.get(), &pctx, "SHA256", nullptr, nullptr, key.pkey(), nullptr) !=
          1 ||
      EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) != 1) {
    DrainOpenSslErrors();
    return false;
  }
  const int result = EVP_DigestVerify(
      ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
      reinterpret_cast<const unsigned char*>(signing_input.data()), signing_input.size());
  // A mismatch leaves an entry on this thread's error queue; do not let it pile up.
  if (result != 1) DrainOpenSslErrors();
  return result == 1;
}

absl::StatusOr<std::string> SignRs256(std::string_view signing_input, const RsaKey& key) {
  MdCtxPtr ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;
  size_t size = 0;
  const auto* data = reinterpret_cast<const unsigned char*>(signing_input.data());
  if (ctx == nullptr ||
      EVP_DigestSignInit_ex(ctx.get(), &pctx, "SHA256", nullptr, nullptr, key.pkey(), nullptr) !=
          1 ||
      EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &size, data, signing_input.size()) != 1) {
    return absl::InternalError(absl::StrCat("RS256 signing failed: ", DrainOpenSslErrors()));
  }
  std::string signature(size, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &size, data,
                     signing_input.size()) != 1) {
    return absl::InternalError(absl::StrCat("RS256 signing failed: ", DrainOpenSslErrors()));
  }
  signature.resize(size);
  return signature;
}

absl::StatusOr<std::string> ToJson(const Struct& object) {
  std::string json;
  const auto status = google::protobuf::util::MessageToJsonString(object, &json);
  if (!status.ok()) return absl::InternalError(std::string(status.message()));
  return json;
}

Value StringValue(const std::string& text) {
  Value value;
  value.set_string_value(text);
  return value;
}

Value NumberValue(absl::Time time) {
  Value value;
  value.set_number_value(static_cast<double>(absl::ToUnixSeconds(time)));
  return value;
}

}  // namespace

absl::StatusOr<JwtClaims> VerifyJwt(std::string_view token, const JwtKeySet& keys,
                                    const JwtVerifyOptions& options, absl::Time now) {
  if (token.empty()) return Unauthenticated("empty token");
  if (token.size() > kMaxJwtSize) return Unauthenticated("token too large");
  std::vector<std::string_view> parts;
  for (absl::string_view part :
       absl::StrSplit(absl::string_view(token.data(), token.size()), '.')) {
    parts.emplace_back(part.data(), part.size());
  }
  if (parts.size() != 3) {
    return Unauthenticated("malformed token: not three dot-separated parts");
  }
  std::optional<std::string> header_json = Base64UrlDecode(parts[0]);
  if (!header_json.has_value()) return Unauthenticated("malformed token: header is not base64url");
  absl::StatusOr<Struct> header = ParseJsonObject(*header_json);
  if (!header.ok()) return Unauthenticated("malformed token: header is not a JSON object");

  std::string alg_name;
  std::string kid;
  if (absl::Status s = ReadString(*header, "alg", &alg_name); !s.ok()) return s;
  if (absl::Status s = ReadString(*header, "kid", &kid); !s.ok()) return s;
  // Both are echoed in error messages; a real one is short.
  if (kid.size() > 128) return Unauthenticated("malformed token: key id too long");
  if (alg_name.size() > 16) alg_name = alg_name.substr(0, 16) + "...";
  JwtAlgorithm alg;
  if (alg_name == "HS256") {
    alg = JwtAlgorithm::kHs256;
  } else if (alg_name == "RS256") {
    alg = JwtAlgorithm::kRs256;
  } else {
    return Unauthenticated(absl::StrCat("unsupported token algorithm \"", alg_name, "\""));
  }
  // RFC 7515 §4.1.11: extensions we do not understand must make the token invalid.
  if (Field(*header, "crit") != nullptr) {
    return Unauthenticated("token has critical header extensions");
  }

  absl::StatusOr<std::vector<const JwtKey*>> candidates = keys.Select(alg, kid);
  if (!candidates.ok()) return Unauthenticated(std::string(candidates.status().message()));
  if (candidates->empty()) {
    return Unauthenticated(absl::StrCat("no ", alg_name, " key is configured"));
  }

  std::optional<std::string> signature = Base64UrlDecode(parts[2]);
  if (!signature.has_value() || signature->empty()) {
    return Unauthenticated("malformed token: signature is not base64url");
  }
  // The signature covers the encoded header and payload exactly as sent.
  const std::string_view signing_input = token.substr(0, parts[0].size() + 1 + parts[1].size());
  bool verified = false;
  for (const JwtKey* key : *candidates) {
    verified = alg == JwtAlgorithm::kHs256 ? VerifyHs256(signing_input, *signature, key->secret)
                                           : VerifyRs256(signing_input, *signature, *key->rsa);
    if (verified) break;
  }
  if (!verified) return Unauthenticated("bad signature");

  // Only a payload whose signature holds is parsed.
  std::optional<std::string> payload_json = Base64UrlDecode(parts[1]);
  if (!payload_json.has_value()) {
    return Unauthenticated("malformed token: payload is not base64url");
  }
  absl::StatusOr<Struct> payload = ParseJsonObject(*payload_json);
  if (!payload.ok()) return Unauthenticated("malformed token: payload is not a JSON object");
  absl::StatusOr<JwtClaims> claims = ReadClaims(*payload);
  if (!claims.ok()) return claims.status();
  if (absl::Status s = CheckClaims(*claims, options, now); !s.ok()) return s;
  return claims;
}

SigningKey SigningKey::Hs256(std::string kid, std::string secret) {
  SigningKey key;
  key.alg = JwtAlgorithm::kHs256;
  key.kid = std::move(kid);
  key.secret = std::move(secret);
  return key;
}

SigningKey SigningKey::Rs256(std::string kid, RsaKey private_key) {
  SigningKey key;
  key.alg = JwtAlgorithm::kRs256;
  key.kid = std::move(kid);
  key.private_key = std::move(private_key);
  return key;
}

absl::StatusOr<std::string> MintToken(const JwtClaims& claims, const SigningKey& key) {
  if (claims.subject.empty()) return absl::InvalidArgumentError("a token needs a subject");
  if (claims.expires_at == absl::InfinitePast() || claims.expires_at == absl::InfiniteFuture()) {
    return absl::InvalidArgumentError("a token needs a finite expiry");
  }
  if (key.alg == JwtAlgorithm::kHs256 && key.secret.size() < kMinHs256SecretSize) {
    return absl::InvalidArgumentError(
        absl::StrCat("HS256 secret must have at least ", kMinHs256SecretSize, " bytes"));
  }
  if (key.alg == JwtAlgorithm::kRs256 &&
      (!key.private_key.has_value() || !key.private_key->has_private())) {
    return absl::InvalidArgumentError("RS256 minting needs a private key");
  }

  Struct header;
  (*header.mutable_fields())["alg"] = StringValue(std::string(JwtAlgorithmName(key.alg)));
  (*header.mutable_fields())["typ"] = StringValue("JWT");
  if (!key.kid.empty()) (*header.mutable_fields())["kid"] = StringValue(key.kid);

  Struct payload;
  auto& fields = *payload.mutable_fields();
  fields["sub"] = StringValue(claims.subject);
  if (!claims.role.empty()) fields["role"] = StringValue(claims.role);
  if (!claims.unit.empty()) fields["unit"] = StringValue(claims.unit);
  if (!claims.site.empty()) fields["site"] = StringValue(claims.site);
  if (!claims.issuer.empty()) fields["iss"] = StringValue(claims.issuer);
  fields["exp"] = NumberValue(claims.expires_at);
  if (claims.issued_at.has_value()) fields["iat"] = NumberValue(*claims.issued_at);
  if (claims.not_before.has_value()) fields["nbf"] = NumberValue(*claims.not_before);
  if (claims.audience.size() == 1) {
    fields["aud"] = StringValue(claims.audience.front());
  } else if (!claims.audience.empty()) {
    for (const std::string& aud : claims.audience) {
      *fields["aud"].mutable_list_value()->add_values() = StringValue(aud);
    }
  }

  absl::StatusOr<std::string> header_json = ToJson(header);
  if (!header_json.ok()) return header_json.status();
  absl::StatusOr<std::string> payload_json = ToJson(payload);
  if (!payload_json.ok()) return payload_json.status();
  std::string token =
      absl::StrCat(Base64UrlEncode(*header_json), ".", Base64UrlEncode(*payload_json));

  std::string signature;
  if (key.alg == JwtAlgorithm::kHs256) {
    unsigned char mac[kHs256Size];
    if (!HmacSha256(key.secret, token, mac)) {
      return absl::InternalError(absl::StrCat("HMAC-SHA256 failed: ", DrainOpenSslErrors()));
    }
    signature.assign(reinterpret_cast<const char*>(mac), kHs256Size);
  } else {
    absl::StatusOr<std::string> rsa_signature = SignRs256(token, *key.private_key);
    if (!rsa_signature.ok()) return rsa_signature.status();
    signature = *std::move(rsa_signature);
  }
  absl::StrAppend(&token, ".", Base64UrlEncode(signature));
  return token;
}

}  // namespace dienhinh::platform
