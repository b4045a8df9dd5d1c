#include "services/platform/auth/authenticator.h"

#include <grpcpp/server_context.h>
#include <grpcpp/test/server_context_test_spouse.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/platform/auth/base64url.h"
#include "services/platform/auth/jwt.h"
#include "services/platform/auth/verified_token_cache.h"

namespace dienhinh::platform {
namespace {

using ::testing::HasSubstr;

const std::string kSecret = "a shared secret of at least 32 bytes";
const std::string kOldSecret = "the previous secret, also 32 bytes";

// A clock the test moves; shared with the Authenticator's options.
struct TestClock {
  std::atomic<int64_t> unix_seconds{1750000000};
  absl::Time Now() const { return absl::FromUnixSeconds(unix_seconds.load()); }
};

class AuthenticatorTest : public ::testing::Test {
 protected:
  AuthenticatorTest() {
    JwtKeySet keys;
    EXPECT_TRUE(keys.AddHs256("k2", kSecret).ok());
    EXPECT_TRUE(keys.AddHs256("k1", kOldSecret).ok());
    AuthenticatorOptions options;
    options.clock = [this] { return clock_.Now(); };
    authenticator_ = std::make_unique<Authenticator>(std::move(keys), std::move(options));
  }

  JwtClaims Claims(std::string role = "unit_officer") const {
    JwtClaims claims;
    claims.subject = "tran.thi.b";
    claims.role = std::move(role);
    claims.unit = "TH-THOI-AN-1";
    claims.site = "o-mon";
    claims.issued_at = clock_.Now();
    claims.expires_at = clock_.Now() + absl::Hours(1);
    return claims;
  }

  std::string Token(const JwtClaims& claims, const std::string& kid = "k2",
                    const std::string& secret = kSecret) const {
    return MintToken(claims, SigningKey::Hs256(kid, secret)).value();
  }

  void ExpectRefused(const absl::StatusOr<Caller>& result, std::string_view message) const {
    ASSERT_FALSE(result.ok()) << "accepted; expected \"" << message << "\"";
    EXPECT_EQ(result.status().code(), absl::StatusCode::kUnauthenticated) << result.status();
    EXPECT_THAT(result.status().message(), HasSubstr(message));
  }

  absl::StatusOr<Caller> FromHeader(const std::string& value) const {
    return authenticator_->AuthenticateHeader(value);
  }

  TestClock clock_;
  std::unique_ptr<Authenticator> authenticator_;
};

TEST_F(AuthenticatorTest, GoodTokenGivesTheCallerOfItsClaims) {
  absl::StatusOr<Caller> caller = FromHeader("Bearer " + Token(Claims()));
  ASSERT_TRUE(caller.ok()) << caller.status();
  EXPECT_EQ(caller->subject, "tran.thi.b");
  EXPECT_EQ(caller->role, Role::kUnitOfficer);
  EXPECT_EQ(caller->unit, "TH-THOI-AN-1");
  EXPECT_EQ(caller->site, "o-mon");
}

TEST_F(AuthenticatorTest, ReadsTheAuthorizationMetadataOfACall) {
  grpc::ServerContext context;
  grpc::testing::ServerContextTestSpouse spouse(&context);
  spouse.AddClientMetadata("x-request-id", "r-1");
  ExpectRefused(authenticator_->Authenticate(context), "missing bearer token");

  spouse.AddClientMetadata("authorization", "Bearer " + Token(Claims("admin")));
  absl::StatusOr<Caller> caller = authenticator_->Authenticate(context);
  ASSERT_TRUE(caller.ok()) << caller.status();
  EXPECT_EQ(caller->role, Role::kAdmin);

  // Two authorization entries are ambiguous: refuse rather than pick one.
  spouse.AddClientMetadata("authorization", "Bearer " + Token(Claims("viewer")));
  ExpectRefused(authenticator_->Authenticate(context), "more than one authorization");
}

TEST_F(AuthenticatorTest, MissingOrNonBearerHeadersAreRefused) {
  ExpectRefused(authenticator_->AuthenticateHeader(std::nullopt), "missing bearer token");
  ExpectRefused(FromHeader(""), "missing bearer token");
  ExpectRefused(FromHeader("Bearer "), "missing bearer token");
  ExpectRefused(FromHeader("Bearer"), "not a bearer token");
  ExpectRefused(FromHeader("Basic dXNlcjpwYXNz"), "not a bearer token");
  ExpectRefused(FromHeader(Token(Claims())), "not a bearer token");
  ExpectRefused(FromHeader("Bearer a b"), "malformed bearer token");
  // The scheme is case-insensitive (RFC 7235).
  EXPECT_TRUE(FromHeader("bearer " + Token(Claims())).ok());
  EXPECT_TRUE(FromHeader("BEARER  " + Token(Claims())).ok());
}

TEST_F(AuthenticatorTest, GarbageIsRefused) {
  ExpectRefused(FromHeader("Bearer garbage"), "malformed token");
  ExpectRefused(FromHeader("Bearer a.b.c"), "malformed token");
}

TEST_F(AuthenticatorTest, FlippedByteIsABadSignature) {
  std::vector<std::string> parts = absl::StrSplit(Token(Claims()), '.');
  std::string signature = Base64UrlDecode(parts[2]).value();
  signature.back() ^= 0x80;
  ExpectRefused(
      FromHeader(absl::StrCat("Bearer ", parts[0], ".", parts[1], ".", Base64UrlEncode(signature))),
      "bad signature");
}

TEST_F(AuthenticatorTest, ExpiredTokenIsRefused) {
  JwtClaims claims = Claims();
  claims.expires_at = clock_.Now() - absl::Minutes(5);
  ExpectRefused(FromHeader("Bearer " + Token(claims)), "token expired");
}

TEST_F(AuthenticatorTest, AlgNoneIsRefused) {
  const std::string token =
      absl::StrCat(Base64UrlEncode(R"({"alg":"none"})"), ".",
                   Base64UrlEncode(R"({"sub":"x","role":"admin","exp":1750003600})"), ".");
  ExpectRefused(FromHeader("Bearer " + token), "unsupported token algorithm \"none\"");
}

TEST_F(AuthenticatorTest, UnknownKeyIdIsRefused) {
  ExpectRefused(FromHeader("Bearer " + Token(Claims(), "k9")), "unknown key id \"k9\"");
}

TEST_F(AuthenticatorTest, WrongRoleStringIsRefused) {
  ExpectRefused(FromHeader("Bearer " + Token(Claims("superuser"))), "unknown role \"superuser\"");
  ExpectRefused(FromHeader("Bearer " + Token(Claims("Admin"))), "unknown role \"Admin\"");
  ExpectRefused(FromHeader("Bearer " + Token(Claims(""))), "no role");
}

TEST_F(AuthenticatorTest, UnitOfficerWithoutUnitIsRefused) {
  JwtClaims claims = Claims();
  claims.unit.clear();
  ExpectRefused(FromHeader("Bearer " + Token(claims)), "has no unit");
}

TEST_F(AuthenticatorTest, OldAndNewKeysBothVerifyDuringRotation) {
  EXPECT_TRUE(FromHeader("Bearer " + Token(Claims(), "k1", kOldSecret)).ok());
  EXPECT_TRUE(FromHeader("Bearer " + Token(Claims(), "k2", kSecret)).ok());
  EXPECT_TRUE(FromHeader("Bearer " + Token(Claims(), "", kOldSecret)).ok());
  // The kid picks the key: the old key's id with the new secret is a bad signature.
  ExpectRefused(FromHeader("Bearer " + Token(Claims(), "k1", kSecret)), "bad signature");
}

TEST_F(AuthenticatorTest, CachedTokenStillExpires) {
  const std::string header = "Bearer " + Token(Claims());
  ASSERT_TRUE(FromHeader(header).ok());
  ASSERT_TRUE(FromHeader(header).ok());  // served from the cache
  clock_.unix_seconds += absl::ToInt64Seconds(absl::Hours(1) + absl::Seconds(30));
  EXPECT_TRUE(FromHeader(header).ok());  // inside the leeway
  clock_.unix_seconds += 60;
  ExpectRefused(FromHeader(header), "token expired");
}

TEST_F(AuthenticatorTest, ConcurrentCallsAgree) {
  std::vector<std::string> headers;
  for (int i = 0; i < 8; ++i) {
    JwtClaims claims = Claims("viewer");
    claims.subject = absl::StrCat("viewer-", i);
    headers.push_back("Bearer " + Token(claims));
  }
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        const size_t n = static_cast<size_t>((i + t) % headers.size());
        absl::StatusOr<Caller> caller = FromHeader(headers[n]);
        if (!caller.ok() || caller->subject != absl::StrCat("viewer-", n)) ++failures;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
}

Caller Named(std::string subject) {
  Caller caller;
  caller.subject = std::move(subject);
  return caller;
}

TEST(VerifiedTokenCacheTest, ServesUntilValidUntil) {
  VerifiedTokenCache cache(4);
  const absl::Time t0 = absl::FromUnixSeconds(1000);
  cache.Insert("tok", Named("s"), t0 + absl::Seconds(10));
  ASSERT_TRUE(cache.Lookup("tok", t0).has_value());
  EXPECT_EQ(cache.Lookup("tok", t0)->subject, "s");
  EXPECT_TRUE(cache.Lookup("tok", t0 + absl::Seconds(10)).has_value());
  EXPECT_FALSE(cache.Lookup("tok", t0 + absl::Seconds(11)).has_value());
  EXPECT_EQ(cache.size(), 0u);  // an expired entry is dropped when found
  EXPECT_FALSE(cache.Lookup("other", t0).has_value());
}

TEST(VerifiedTokenCacheTest, IsBoundedAndEvictsTheLeastRecentlyUsed) {
  VerifiedTokenCache cache(3);
  const absl::Time t0 = absl::FromUnixSeconds(1000);
  const absl::Time later = t0 + absl::Hours(1);
  for (const char* token : {"a", "b", "c"}) cache.Insert(token, Named(token), later);
  ASSERT_TRUE(cache.Lookup("a", t0).has_value());  // "b" is now the least recently used
  cache.Insert("d", Named("d"), later);
  EXPECT_EQ(cache.size(), 3u);
  EXPECT_FALSE(cache.Lookup("b", t0).has_value());
  EXPECT_TRUE(cache.Lookup("a", t0).has_value());
  EXPECT_TRUE(cache.Lookup("c", t0).has_value());
  EXPECT_TRUE(cache.Lookup("d", t0).has_value());
  for (int i = 0; i < 100; ++i) cache.Insert(absl::StrCat("t", i), Named("t"), later);
  EXPECT_EQ(cache.size(), 3u);
}

TEST(VerifiedTokenCacheTest, ZeroCapacityCachesNothing) {
  VerifiedTokenCache cache(0);
  cache.Insert("tok", Named("s"), absl::InfiniteFuture());
  EXPECT_FALSE(cache.Lookup("tok", absl::FromUnixSeconds(0)).has_value());
}

}  // namespace
}  // namespace dienhinh::platform
