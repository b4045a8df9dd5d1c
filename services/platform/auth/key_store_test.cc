#include "services/platform/auth/key_store.h"

#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/platform/auth/authenticator.h"
#include "services/platform/auth/jwt.h"

namespace dienhinh::platform {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

class KeyStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "dh-key-store-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    root_ = pattern;
  }
  void TearDown() override { fs::remove_all(root_); }

  std::string DataDir() const { return (root_ / "var").string(); }
  std::string KeyFile() const { return (root_ / "var" / kHs256KeyFileName).string(); }

  static std::string ReadFile(const std::string& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }
  void WriteFile(const std::string& path, const std::string& text, mode_t mode) {
    fs::create_directories(fs::path(path).parent_path());
    std::ofstream(path) << text;
    ASSERT_EQ(chmod(path.c_str(), mode), 0);
  }

  fs::path root_;
};

TEST_F(KeyStoreTest, CreatesTheKeyOnceWithMode0600) {
  absl::StatusOr<Hs256Key> first = LoadOrCreateHs256Key(DataDir());
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->secret.size(), 32u);
  EXPECT_THAT(first->kid, ::testing::MatchesRegex("local-[0-9a-f]{8}"));

  struct stat st;
  ASSERT_EQ(stat(KeyFile().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600);
  const std::string contents = ReadFile(KeyFile());
  EXPECT_THAT(contents, ::testing::MatchesRegex("[0-9a-f]{64}\n"));

  absl::StatusOr<Hs256Key> second = LoadOrCreateHs256Key(DataDir());
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->secret, first->secret);
  EXPECT_EQ(second->kid, first->kid);
  EXPECT_EQ(ReadFile(KeyFile()), contents);  // not rewritten

  // No temporary files are left behind.
  int entries = 0;
  for ([[maybe_unused]] const auto& entry : fs::directory_iterator(DataDir())) ++entries;
  EXPECT_EQ(entries, 1);
}

TEST_F(KeyStoreTest, ConcurrentFirstStartsAgreeOnOneKey) {
  std::vector<std::string> secrets(6);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < secrets.size(); ++i) {
    threads.emplace_back([&, i] {
      absl::StatusOr<Hs256Key> key = LoadOrCreateHs256Key(DataDir());
      if (key.ok()) secrets[i] = key->secret;
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (const std::string& secret : secrets) {
    EXPECT_EQ(secret.size(), 32u);
    EXPECT_EQ(secret, secrets[0]);
  }
}

TEST_F(KeyStoreTest, AnOperatorsHexKeyIsLoaded) {
  WriteFile(KeyFile(), std::string(80, 'a') + "\n", 0600);
  absl::StatusOr<Hs256Key> key = LoadOrCreateHs256Key(DataDir());
  ASSERT_TRUE(key.ok()) << key.status();
  EXPECT_EQ(key->secret, std::string(40, '\xaa'));
}

TEST_F(KeyStoreTest, RefusesUnsafeOrBrokenKeyFiles) {
  WriteFile(KeyFile(), std::string(64, 'a'), 0620);
  EXPECT_THAT(LoadOrCreateHs256Key(DataDir()).status().message(), HasSubstr("writable"));
  WriteFile(KeyFile(), "not hex at all", 0600);
  EXPECT_EQ(LoadOrCreateHs256Key(DataDir()).status().code(), absl::StatusCode::kFailedPrecondition);
  WriteFile(KeyFile(), std::string(32, 'a'), 0600);  // 16 bytes
  EXPECT_THAT(LoadOrCreateHs256Key(DataDir()).status().message(), HasSubstr("at least 32"));
  // A broken key is reported, never silently replaced by a new one.
  EXPECT_EQ(ReadFile(KeyFile()), std::string(32, 'a'));
}

TEST_F(KeyStoreTest, MintedTokenAuthenticatesWithTheDataDirKeys) {
  TokenRequest request;
  request.role = Role::kUnitOfficer;
  request.subject = "le.van.c";
  request.unit = "THCS-AN-BINH";
  request.site = "ninh-kieu";
  request.lifetime = absl::Hours(2);
  const absl::Time now = absl::Now();
  absl::StatusOr<std::string> token = MintTokenWithDataDirKey(DataDir(), request, now);
  ASSERT_TRUE(token.ok()) << token.status();

  absl::StatusOr<JwtKeySet> keys = LoadJwtKeySet(DataDir(), {});
  ASSERT_TRUE(keys.ok()) << keys.status();
  absl::StatusOr<JwtClaims> claims = VerifyJwt(*token, *keys, {}, now);
  ASSERT_TRUE(claims.ok()) << claims.status();
  EXPECT_EQ(claims->role, "unit_officer");
  EXPECT_EQ(claims->expires_at, absl::FromUnixSeconds(absl::ToUnixSeconds(now + absl::Hours(2))));

  Authenticator authenticator(*std::move(keys));
  absl::StatusOr<Caller> caller = authenticator.AuthenticateHeader("Bearer " + *token);
  ASSERT_TRUE(caller.ok()) << caller.status();
  EXPECT_EQ(caller->subject, "le.van.c");
  EXPECT_EQ(caller->role, Role::kUnitOfficer);
  EXPECT_EQ(caller->unit, "THCS-AN-BINH");
  EXPECT_EQ(caller->site, "ninh-kieu");
}

TEST_F(KeyStoreTest, MintingRefusesIncompleteRequests) {
  TokenRequest request;
  request.role = Role::kUnitOfficer;
  request.subject = "x";
  EXPECT_EQ(MintTokenWithDataDirKey(DataDir(), request).status().code(),
            absl::StatusCode::kInvalidArgument);
  request.role = Role::kAdmin;
  request.lifetime = absl::ZeroDuration();
  EXPECT_EQ(MintTokenWithDataDirKey(DataDir(), request).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(KeyStoreTest, LoadsRs256PublicKeysByPath) {
  RsaKey pair = RsaKey::Generate().value();
  const std::string path = (root_ / "sso-2025.pem").string();
  WriteFile(path, pair.PublicPem(), 0644);

  JwtClaims claims;
  claims.subject = "sso-user";
  claims.role = "department_office";
  claims.expires_at = absl::Now() + absl::Hours(1);

  // A plain path: the kid is the file name without its extension.
  absl::StatusOr<JwtKeySet> by_path = LoadJwtKeySet("", {path});
  ASSERT_TRUE(by_path.ok()) << by_path.status();
  const std::string token = MintToken(claims, SigningKey::Rs256("sso-2025", pair)).value();
  EXPECT_TRUE(VerifyJwt(token, *by_path, {}, absl::Now()).ok());

  absl::StatusOr<JwtKeySet> named = LoadJwtKeySet(DataDir(), {"moet=" + path});
  ASSERT_TRUE(named.ok()) << named.status();
  EXPECT_EQ(named->size(), 2u);
  EXPECT_TRUE(
      VerifyJwt(MintToken(claims, SigningKey::Rs256("moet", pair)).value(), *named, {}, absl::Now())
          .ok());

  EXPECT_EQ(LoadRs256PublicKey((root_ / "missing.pem").string()).status().code(),
            absl::StatusCode::kNotFound);
  const std::string private_path = (root_ / "private.pem").string();
  WriteFile(private_path, pair.PrivatePem(), 0600);
  EXPECT_EQ(LoadRs256PublicKey(private_path).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_FALSE(LoadJwtKeySet("", {}).ok());  // nothing to verify with
}

}  // namespace
}  // namespace dienhinh::platform
