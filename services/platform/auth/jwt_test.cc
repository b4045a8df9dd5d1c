#include "services/platform/auth/jwt.h"

#include <openssl/evp.h>

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/platform/auth/base64url.h"

namespace dienhinh::platform {
namespace {

using ::testing::HasSubstr;

const std::string kSecret = "0123456789abcdef0123456789abcdef-test";
const absl::Time kNow = absl::FromUnixSeconds(1750000000);

JwtClaims SomeClaims() {
  JwtClaims claims;
  claims.subject = "nguyen.van.a";
  claims.role = "unit_officer";
  claims.unit = "THPT-CVL";
  claims.site = "ninh-kieu";
  claims.issued_at = kNow - absl::Minutes(1);
  claims.expires_at = kNow + absl::Hours(1);
  return claims;
}

JwtKeySet Hs256Keys(const std::string& kid = "local", const std::string& secret = kSecret) {
  JwtKeySet keys;
  EXPECT_TRUE(keys.AddHs256(kid, secret).ok());
  return keys;
}

std::string Hs256Signature(std::string_view secret, std::string_view input) {
  unsigned char mac[32];
  size_t size = 0;
  EXPECT_NE(EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA256", nullptr, secret.data(), secret.size(),
                      reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac,
                      sizeof(mac), &size),
            nullptr);
  return std::string(reinterpret_cast<const char*>(mac), size);
}

// A token assembled by hand, for what MintToken would never produce.
std::string Forge(std::string_view header_json, std::string_view payload_json,
                  std::string_view secret) {
  std::string input =
      absl::StrCat(Base64UrlEncode(header_json), ".", Base64UrlEncode(payload_json));
  return absl::StrCat(input, ".", Base64UrlEncode(Hs256Signature(secret, input)));
}

const char kGoodPayload[] = R"({"sub":"a","role":"admin","exp":1750003600})";

std::string Mint(const JwtClaims& claims, const SigningKey& key) {
  absl::StatusOr<std::string> token = MintToken(claims, key);
  EXPECT_TRUE(token.ok()) << token.status();
  return token.value_or("");
}

void ExpectRefused(const absl::StatusOr<JwtClaims>& result, std::string_view message) {
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), absl::StatusCode::kUnauthenticated) << result.status();
  EXPECT_THAT(result.status().message(), HasSubstr(message));
}

class JwtTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    key_a_ = std::make_unique<RsaKey>(RsaKey::Generate(2048).value());
    key_b_ = std::make_unique<RsaKey>(RsaKey::Generate(2048).value());
  }
  static void TearDownTestSuite() {
    key_a_.reset();
    key_b_.reset();
  }
  static RsaKey PublicOf(const RsaKey& key) {
    return RsaKey::PublicFromPem(key.PublicPem()).value();
  }

  static std::unique_ptr<RsaKey> key_a_;
  static std::unique_ptr<RsaKey> key_b_;
};
std::unique_ptr<RsaKey> JwtTest::key_a_;
std::unique_ptr<RsaKey> JwtTest::key_b_;

TEST_F(JwtTest, Hs256TokenVerifiesWithItsClaims) {
  const std::string token = Mint(SomeClaims(), SigningKey::Hs256("local", kSecret));
  absl::StatusOr<JwtClaims> claims = VerifyJwt(token, Hs256Keys(), {}, kNow);
  ASSERT_TRUE(claims.ok()) << claims.status();
  EXPECT_EQ(claims->subject, "nguyen.van.a");
  EXPECT_EQ(claims->role, "unit_officer");
  EXPECT_EQ(claims->unit, "THPT-CVL");
  EXPECT_EQ(claims->site, "ninh-kieu");
  EXPECT_EQ(claims->expires_at, kNow + absl::Hours(1));
  EXPECT_EQ(claims->issued_at, kNow - absl::Minutes(1));
  EXPECT_FALSE(claims->not_before.has_value());
}

TEST_F(JwtTest, HeaderNamesAlgorithmAndKeyId) {
  const std::string token = Mint(SomeClaims(), SigningKey::Hs256("local", kSecret));
  std::vector<std::string> parts = absl::StrSplit(token, '.');
  ASSERT_EQ(parts.size(), 3u);
  const std::string header = Base64UrlDecode(parts[0]).value();
  EXPECT_THAT(header, HasSubstr(R"("alg":"HS256")"));
  EXPECT_THAT(header, HasSubstr(R"("kid":"local")"));
  EXPECT_THAT(Base64UrlDecode(parts[1]).value(), HasSubstr(R"("exp":1750003600)"));
}

TEST_F(JwtTest, OneFlippedSignatureByteIsABadSignature) {
  const std::string token = Mint(SomeClaims(), SigningKey::Hs256("local", kSecret));
  std::vector<std::string> parts = absl::StrSplit(token, '.');
  std::string signature = Base64UrlDecode(parts[2]).value();
  signature[7] ^= 0x01;
  const std::string tampered =
      absl::StrCat(parts[0], ".", parts[1], ".", Base64UrlEncode(signature));
  ExpectRefused(VerifyJwt(tampered, Hs256Keys(), {}, kNow), "bad signature");
}

TEST_F(JwtTest, ChangedPayloadIsABadSignature) {
  const std::string token = Mint(SomeClaims(), SigningKey::Hs256("local", kSecret));
  std::vector<std::string> parts = absl::StrSplit(token, '.');
  std::string payload = Base64UrlDecode(parts[1]).value();
  payload.replace(payload.find("unit_officer"), 12, "admin");
  const std::string tampered = absl::StrCat(parts[0], ".", Base64UrlEncode(payload), ".", parts[2]);
  ExpectRefused(VerifyJwt(tampered, Hs256Keys(), {}, kNow), "bad signature");
}

TEST_F(JwtTest, WrongSecretIsABadSignature) {
  const std::string token =
      Mint(SomeClaims(), SigningKey::Hs256("local", "another secret of thirty-two bytes!"));
  ExpectRefused(VerifyJwt(token, Hs256Keys(), {}, kNow), "bad signature");
}

TEST_F(JwtTest, ExpiryIsCheckedWithLeeway) {
  JwtClaims claims = SomeClaims();
  claims.expires_at = kNow - absl::Seconds(30);  // within the 60 s leeway
  EXPECT_TRUE(
      VerifyJwt(Mint(claims, SigningKey::Hs256("local", kSecret)), Hs256Keys(), {}, kNow).ok());
  claims.expires_at = kNow - absl::Seconds(61);
  ExpectRefused(VerifyJwt(Mint(claims, SigningKey::Hs256("local", kSecret)), Hs256Keys(), {}, kNow),
                "token expired");
  JwtVerifyOptions strict;
  strict.leeway = absl::ZeroDuration();
  claims.expires_at = kNow - absl::Seconds(1);
  ExpectRefused(
      VerifyJwt(Mint(claims, SigningKey::Hs256("local", kSecret)), Hs256Keys(), strict, kNow),
      "token expired");
}

TEST_F(JwtTest, NotBeforeIsHonoured) {
  JwtClaims claims = SomeClaims();
  claims.not_before = kNow + absl::Minutes(5);
  ExpectRefused(VerifyJwt(Mint(claims, SigningKey::Hs256("local", kSecret)), Hs256Keys(), {}, kNow),
                "not valid yet");
  claims.not_before = kNow + absl::Seconds(30);
  EXPECT_TRUE(
      VerifyJwt(Mint(claims, SigningKey::Hs256("local", kSecret)), Hs256Keys(), {}, kNow).ok());
}

TEST_F(JwtTest, ExpiryIsRequired) {
  const std::string token =
      Forge(R"({"alg":"HS256","kid":"local"})", R"({"sub":"a","role":"admin"})", kSecret);
  ExpectRefused(VerifyJwt(token, Hs256Keys(), {}, kNow), "no expiry");
  const std::string text_exp =
      Forge(R"({"alg":"HS256"})", R"({"sub":"a","role":"admin","exp":"1750003600"})", kSecret);
  ExpectRefused(VerifyJwt(text_exp, Hs256Keys(), {}, kNow), "\"exp\" is not a time");
}

TEST_F(JwtTest, AlgNoneAndOtherAlgorithmsAreRefused) {
  // An unsigned token: header, payload and an empty signature.
  const std::string none = absl::StrCat(Base64UrlEncode(R"({"alg":"none","typ":"JWT"})"), ".",
                                        Base64UrlEncode(kGoodPayload), ".");
  ExpectRefused(VerifyJwt(none, Hs256Keys(), {}, kNow), "unsupported token algorithm \"none\"");
  // Even when signed with the right secret, only the exact names are accepted.
  for (const char* alg : {"none", "None", "hs256", "HS384", "HS512", "PS256", "ES256"}) {
    const std::string token =
        Forge(absl::StrCat(R"({"alg":")", alg, R"("})"), kGoodPayload, kSecret);
    ExpectRefused(VerifyJwt(token, Hs256Keys(), {}, kNow), "unsupported token algorithm");
  }
  ExpectRefused(VerifyJwt(Forge(R"({"typ":"JWT"})", kGoodPayload, kSecret), Hs256Keys(), {}, kNow),
                "unsupported token algorithm");
}

TEST_F(JwtTest, GarbageIsMalformed) {
  for (const char* garbage :
       {"abc", "a.b", "a.b.c", "...", "a.b.c.d.e", "eyJhbGciOiJIUzI1NiJ9..", "e30.e30.AAAA"}) {
    absl::StatusOr<JwtClaims> result = VerifyJwt(garbage, Hs256Keys(), {}, kNow);
    EXPECT_EQ(result.status().code(), absl::StatusCode::kUnauthenticated) << garbage;
  }
  ExpectRefused(VerifyJwt(std::string(kMaxJwtSize + 1, 'a'), Hs256Keys(), {}, kNow), "too large");
  ExpectRefused(VerifyJwt("", Hs256Keys(), {}, kNow), "empty token");
}

TEST_F(JwtTest, CriticalHeaderExtensionsAreRefused) {
  const std::string token =
      Forge(R"({"alg":"HS256","crit":["exp"],"exp":1})", kGoodPayload, kSecret);
  ExpectRefused(VerifyJwt(token, Hs256Keys(), {}, kNow), "critical");
}

TEST_F(JwtTest, UnknownKeyIdIsRefused) {
  const std::string token = Mint(SomeClaims(), SigningKey::Hs256("retired", kSecret));
  ExpectRefused(VerifyJwt(token, Hs256Keys("local"), {}, kNow), "unknown key id \"retired\"");
}

TEST_F(JwtTest, WithoutKidEveryKeyOfTheAlgorithmIsTried) {
  JwtKeySet keys;
  ASSERT_TRUE(keys.AddHs256("old", "the old secret, thirty-two bytes long").ok());
  ASSERT_TRUE(keys.AddHs256("new", kSecret).ok());
  EXPECT_TRUE(VerifyJwt(Mint(SomeClaims(), SigningKey::Hs256("", kSecret)), keys, {}, kNow).ok());
  EXPECT_TRUE(
      VerifyJwt(Mint(SomeClaims(), SigningKey::Hs256("", "the old secret, thirty-two bytes long")),
                keys, {}, kNow)
          .ok());
}

TEST_F(JwtTest, Rs256VerifiesWithThePublicKey) {
  JwtKeySet keys;
  ASSERT_TRUE(keys.AddRs256("sso", PublicOf(*key_a_)).ok());
  const std::string token = Mint(SomeClaims(), SigningKey::Rs256("sso", *key_a_));
  absl::StatusOr<JwtClaims> claims = VerifyJwt(token, keys, {}, kNow);
  ASSERT_TRUE(claims.ok()) << claims.status();
  EXPECT_EQ(claims->subject, "nguyen.van.a");
  EXPECT_EQ(claims->unit, "THPT-CVL");
  // No kid: the RS256 keys are tried.
  EXPECT_TRUE(VerifyJwt(Mint(SomeClaims(), SigningKey::Rs256("", *key_a_)), keys, {}, kNow).ok());
}

TEST_F(JwtTest, Rs256SignedByAnotherKeyIsRefused) {
  JwtKeySet keys;
  ASSERT_TRUE(keys.AddRs256("sso", PublicOf(*key_a_)).ok());
  ExpectRefused(VerifyJwt(Mint(SomeClaims(), SigningKey::Rs256("sso", *key_b_)), keys, {}, kNow),
                "bad signature");
  ExpectRefused(VerifyJwt(Mint(SomeClaims(), SigningKey::Rs256("", *key_b_)), keys, {}, kNow),
                "bad signature");
}

TEST_F(JwtTest, Hs256WithTheRsaPublicKeyAsSecretIsRefused) {
  // The classic algorithm confusion: the attacker knows the public key and signs an HS256
  // token with its PEM text as the HMAC secret.
  const std::string pem = key_a_->PublicPem();
  JwtKeySet rsa_only;
  ASSERT_TRUE(rsa_only.AddRs256("sso", PublicOf(*key_a_)).ok());
  ExpectRefused(VerifyJwt(Mint(SomeClaims(), SigningKey::Hs256("sso", pem)), rsa_only, {}, kNow),
                "not an HS256 key");
  ExpectRefused(VerifyJwt(Mint(SomeClaims(), SigningKey::Hs256("", pem)), rsa_only, {}, kNow),
                "no HS256 key");
  // With an HS256 key configured too, the PEM is still never used as a secret.
  JwtKeySet both = Hs256Keys();
  ASSERT_TRUE(both.AddRs256("sso", PublicOf(*key_a_)).ok());
  ExpectRefused(VerifyJwt(Mint(SomeClaims(), SigningKey::Hs256("", pem)), both, {}, kNow),
                "bad signature");
}

TEST_F(JwtTest, IssuerAndAudienceAreCheckedWhenConfigured) {
  JwtClaims claims = SomeClaims();
  claims.issuer = "https://sso.moet.gov.vn";
  claims.audience = {"dienhinh", "other"};
  const std::string token = Mint(claims, SigningKey::Hs256("local", kSecret));
  JwtVerifyOptions options;
  options.issuer = "https://sso.moet.gov.vn";
  options.audience = "dienhinh";
  absl::StatusOr<JwtClaims> verified = VerifyJwt(token, Hs256Keys(), options, kNow);
  ASSERT_TRUE(verified.ok()) << verified.status();
  EXPECT_EQ(verified->audience, (std::vector<std::string>{"dienhinh", "other"}));

  options.issuer = "https://sso.example";
  ExpectRefused(VerifyJwt(token, Hs256Keys(), options, kNow), "another issuer");
  options.issuer = "https://sso.moet.gov.vn";
  options.audience = "emis";
  ExpectRefused(VerifyJwt(token, Hs256Keys(), options, kNow), "another audience");
  // A token without aud does not pass an audience check.
  options.issuer.clear();
  options.audience = "dienhinh";
  ExpectRefused(VerifyJwt(Mint(SomeClaims(), SigningKey::Hs256("local", kSecret)), Hs256Keys(),
                          options, kNow),
                "another audience");
}

TEST_F(JwtTest, ClaimsOfTheWrongTypeAreMalformed) {
  const std::string token =
      Forge(R"({"alg":"HS256"})", R"({"sub":42,"role":"admin","exp":1750003600})", kSecret);
  ExpectRefused(VerifyJwt(token, Hs256Keys(), {}, kNow), "\"sub\" is not a string");
  const std::string no_sub =
      Forge(R"({"alg":"HS256"})", R"({"role":"admin","exp":1750003600})", kSecret);
  ExpectRefused(VerifyJwt(no_sub, Hs256Keys(), {}, kNow), "no subject");
  const std::string array_payload = Forge(R"({"alg":"HS256"})", R"([1,2])", kSecret);
  ExpectRefused(VerifyJwt(array_payload, Hs256Keys(), {}, kNow), "not a JSON object");
}

TEST_F(JwtTest, MintingRefusesIncompleteClaimsAndWeakKeys) {
  JwtClaims no_exp = SomeClaims();
  no_exp.expires_at = absl::InfinitePast();
  EXPECT_EQ(MintToken(no_exp, SigningKey::Hs256("k", kSecret)).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(MintToken(SomeClaims(), SigningKey::Hs256("k", "short")).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(MintToken(SomeClaims(), SigningKey::Rs256("k", PublicOf(*key_a_))).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(JwtTest, KeySetRefusesShortSecretsAndDuplicateIds) {
  JwtKeySet keys;
  EXPECT_EQ(keys.AddHs256("k", "too short").code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(keys.AddHs256("", kSecret).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(keys.AddHs256("k", kSecret).ok());
  EXPECT_EQ(keys.AddRs256("k", PublicOf(*key_a_)).code(), absl::StatusCode::kAlreadyExists);
}

TEST_F(JwtTest, PublicKeyLoaderRefusesPrivateKeysAndJunk) {
  EXPECT_FALSE(RsaKey::PublicFromPem(key_a_->PrivatePem()).ok());
  EXPECT_FALSE(RsaKey::PublicFromPem("not a pem").ok());
  absl::StatusOr<RsaKey> round_trip = RsaKey::PrivateFromPem(key_a_->PrivatePem());
  ASSERT_TRUE(round_trip.ok()) << round_trip.status();
  EXPECT_EQ(round_trip->PublicPem(), key_a_->PublicPem());
  EXPECT_EQ(round_trip->bits(), 2048);
}

}  // namespace
}  // namespace dienhinh::platform
