// The real `dienhinh` binary against a real registry on 127.0.0.1:0 (SQLite in a temp dir) with
// real tokens: import (happy path, re-import, rejection with every row error, no token) and
// token mint (a token the registry accepts; a bad request).
#include <gtest/gtest.h>

#include <fstream>

#include "absl/strings/str_cat.h"
#include "cli/testing/cli_runner.h"
#include "services/platform/auth/key_store.h"
#include "services/platform/testing/test_database.h"
#include "services/registry/registry_service.h"

namespace dienhinh::cli {
namespace {

using platform::testing::Backend;
using testing::CliRun;

class CommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    DH_OPEN_TEST_DATABASE_OR_SKIP(database, Backend::kSqlite);
    data_dir_ = platform::testing::MakeTempDir();
    work_dir_ = platform::testing::MakeTempDir();
    platform::RuntimeOptions options;
    options.service_name = "registry";
    options.listen_address = "127.0.0.1:0";
    options.metrics_address = "off";
    options.data_dir = data_dir_;
    options.database_url = database.url;
    options.sqlite_full_sync = false;
    options.drain_timeout = absl::Seconds(1);
    options.migrations = registry::RegistryMigrations();
    auto runtime = platform::ServiceRuntime::Create(options);
    ASSERT_TRUE(runtime.ok()) << runtime.status();
    runtime_ = std::move(*runtime);
    service_ = std::make_unique<registry::RegistryService>(runtime_.get());
    runtime_->Register(service_.get());
    ASSERT_TRUE(runtime_->Start().ok());
    platform::TokenRequest request;
    request.role = platform::Role::kAdmin;
    request.subject = "cli-test-admin";
    auto token = platform::MintTokenWithDataDirKey(data_dir_, request);
    ASSERT_TRUE(token.ok()) << token.status();
    token_file_ = Write("admin.token", *token + "\n");
  }

  void TearDown() override {
    if (runtime_) runtime_->Stop();
  }

  std::string Write(const std::string& name, const std::string& content) {
    return testing::WriteTestFile(work_dir_, name, content);
  }

  // Runs the binary with `args` plus the registry's address; no token unless the args give one.
  CliRun Dienhinh(std::vector<std::string> args) {
    args.insert(args.end(), {"--registry", runtime_->address()});
    return testing::RunCli(DH_CLI_BINARY, args, work_dir_);
  }

  std::string data_dir_;
  std::string work_dir_;
  std::string token_file_;
  std::unique_ptr<platform::ServiceRuntime> runtime_;
  std::unique_ptr<registry::RegistryService> service_;
};

constexpr char kUnitsHeader[] =
    "Mã đơn vị,Tên đơn vị,Loại đơn vị,Cấp học,Mã đơn vị cấp trên,Mã quận huyện\n";

TEST_F(CommandTest, ImportsUnitsInChunksAndReimportsUnchanged) {
  std::string csv = Write("units.csv", absl::StrCat(
      kUnitsHeader, "SGDDT,Sở Giáo dục và Đào tạo thành phố Cần Thơ,Sở,,,\n"));
  CliRun first = Dienhinh({"import", "units", csv, "--token_file", token_file_, "--chunk_size", "7"});
  ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
  EXPECT_NE(first.out.find("imported 1 rows: created 1, updated 0, unchanged 0"),
            std::string::npos) << first.out;
  EXPECT_NE(first.err.find("bytes (100%)"), std::string::npos) << first.err;

  CliRun again = Dienhinh({"import", "units", csv, "--token_file", token_file_, "--format", "json"});
  ASSERT_EQ(again.exit_code, 0) << again.out << again.err;
  EXPECT_NE(again.out.find("\"outcome\": \"imported\""), std::string::npos) << again.out;
  EXPECT_NE(again.out.find("\"created\": 0, \"updated\": 0, \"unchanged\": 1"),
            std::string::npos) << again.out;
}

TEST_F(CommandTest, RejectedImportPrintsEveryRowErrorAndExits3) {
  std::string csv = Write("bad.csv", absl::StrCat(
      kUnitsHeader, "SGDDT,Sở Giáo dục và Đào tạo thành phố Cần Thơ,Sở,,,\n",
      "THPT001,Trường THPT Châu Văn Liêm,Trường,Đại học,SGDDT,\n",
      "TH002,Trường Tiểu học Mạc Đĩnh Chi,Trường,Mẫu giáo lớn,SGDDT,\n"));
  CliRun run = Dienhinh({"import", "units", csv, "--token_file", token_file_, "--lang", "en"});
  EXPECT_EQ(run.exit_code, 3) << run.out << run.err;
  EXPECT_NE(run.err.find("line 3, column Cấp học: "), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("line 4, column Cấp học: "), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("nothing was changed"), std::string::npos) << run.err;
  // Nothing was imported: the good row comes in as created on a fixed file.
  std::string fixed = Write("fixed.csv", absl::StrCat(
      kUnitsHeader, "SGDDT,Sở Giáo dục và Đào tạo thành phố Cần Thơ,Sở,,,\n"));
  CliRun ok = Dienhinh({"import", "units", fixed, "--token_file", token_file_});
  ASSERT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_NE(ok.out.find("created 1,"), std::string::npos) << ok.out;
}

TEST_F(CommandTest, ImportWithoutTokenExits5AndSaysHowToFix) {
  std::string csv = Write("units.csv", absl::StrCat(kUnitsHeader, "SGDDT,Sở GD&ĐT,Sở,,,\n"));
  CliRun run = Dienhinh({"import", "units", csv, "--token_file", work_dir_ + "/missing.token"});
  EXPECT_EQ(run.exit_code, 5) << run.out << run.err;
  EXPECT_NE(run.err.find("--token"), std::string::npos) << run.err;
}

TEST_F(CommandTest, ImportUsageErrors) {
  EXPECT_EQ(Dienhinh({"import", "schools", "x.csv"}).exit_code, 2);
  EXPECT_EQ(Dienhinh({"import", "units", work_dir_ + "/none.csv"}).exit_code, 2);
  EXPECT_EQ(Dienhinh({"frobnicate"}).exit_code, 2);
}

TEST_F(CommandTest, UnavailableServiceExits7) {
  std::string csv = Write("units.csv", absl::StrCat(kUnitsHeader, "SGDDT,Sở GD&ĐT,Sở,,,\n"));
  // Port 1 on loopback has nobody listening.
  CliRun run = testing::RunCli(DH_CLI_BINARY,
                               {"import", "units", csv, "--token", "x", "--timeout", "3",
                                "--registry", "127.0.0.1:1"},
                               work_dir_);
  EXPECT_EQ(run.exit_code, 7) << run.err;
}

TEST_F(CommandTest, MintedTokenIsAcceptedByTheService) {
  CliRun mint = Dienhinh({"token", "mint", "--role", "admin", "--subject", "operator",
                       "--data_dir", data_dir_});
  ASSERT_EQ(mint.exit_code, 0) << mint.err;
  std::string token = mint.out.substr(0, mint.out.find('\n'));
  ASSERT_FALSE(token.empty());
  std::string csv = Write("units.csv", absl::StrCat(kUnitsHeader, "SGDDT,Sở GD&ĐT,Sở,,,\n"));
  CliRun run = Dienhinh({"import", "units", csv, "--token", token});
  EXPECT_EQ(run.exit_code, 0) << run.err;
}

TEST_F(CommandTest, MintRejectsAnIncompleteRequestWithEveryViolation) {
  CliRun run = Dienhinh({"token", "mint", "--role", "unit_officer", "--data_dir", data_dir_});
  EXPECT_EQ(run.exit_code, 3) << run.err;
  EXPECT_NE(run.err.find("  subject: "), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("  unit: "), std::string::npos) << run.err;
  EXPECT_TRUE(run.out.empty()) << run.out;
  // No key in the directory: nothing is minted, and no key is made that no service trusts.
  CliRun nokey = Dienhinh({"token", "mint", "--role", "viewer", "--subject", "a", "--data_dir",
                           work_dir_ + "/nowhere"});
  EXPECT_EQ(nokey.exit_code, 6) << nokey.err;
  EXPECT_NE(nokey.err.find("--data_dir"), std::string::npos) << nokey.err;
  EXPECT_FALSE(std::ifstream(work_dir_ + "/nowhere/jwt-hs256.key").good());
  EXPECT_TRUE(nokey.out.empty());
}

}  // namespace
}  // namespace dienhinh::cli
