// The real `dienhinh nominations` against a real intake service on 127.0.0.1:0 (SQLite, the
// test plan, its clock inside the windows) backed by intake's fake registry: create from a
// text-proto file, get, list, submit with the etag; a stale etag exits 6, an unknown
// nomination 4, a file of the wrong kind 3.
#include <gtest/gtest.h>

#include <sstream>

#include <google/protobuf/text_format.h>

#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "cli/testing/cli_runner.h"

#include "services/intake/intake_service.h"
#include "services/intake/nomination_store.h"
#include "services/intake/testing/registry_under_test.h"
#include "services/intake/testing/test_world.h"
#include "services/platform/auth/key_store.h"
#include "services/platform/testing/test_database.h"

namespace dienhinh::cli {
namespace {

using platform::testing::Backend;
using testing::CliRun;

// The value of `column` in the first data row of CSV the command printed (no quoted fields).
std::string Cell(const std::string& csv, const std::string& column) {
  std::istringstream lines(csv);
  std::string header, row;
  std::getline(lines, header);
  std::getline(lines, row);
  std::vector<std::string> names = absl::StrSplit(absl::StripSuffix(header, "\r"), ',');
  std::vector<std::string> cells = absl::StrSplit(absl::StripSuffix(row, "\r"), ',');
  for (size_t i = 0; i < names.size() && i < cells.size(); ++i) {
    if (names[i] == column) return cells[i];
  }
  return "";
}

class NominationCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    DH_OPEN_TEST_DATABASE_OR_SKIP(database, Backend::kSqlite);
    data_dir_ = platform::testing::MakeTempDir();
    work_dir_ = platform::testing::MakeTempDir();
    registry_ = intake::testing::StartFakeRegistry();
    platform::RuntimeOptions options;
    options.service_name = "intake";
    options.listen_address = "127.0.0.1:0";
    options.metrics_address = "off";
    options.data_dir = data_dir_;
    options.database_url = database.url;
    options.drain_timeout = absl::Seconds(1);
    options.migrations = intake::IntakeMigrations();
    auto runtime = platform::ServiceRuntime::Create(options);
    ASSERT_TRUE(runtime.ok()) << runtime.status();
    runtime_ = std::move(*runtime);
    intake::IntakeOptions intake;
    intake.plans = platform::PlanCatalog::FromPlans({intake::testing::TestPlan()});
    intake.registry_address = registry_->address();
    intake.registry_deadline = absl::Seconds(2);
    intake.clock = [] { return intake::testing::WindowOpenTime(); };
    service_ = std::make_unique<intake::IntakeService>(runtime_.get(), std::move(intake));
    runtime_->Register(service_.get());
    ASSERT_TRUE(runtime_->Start().ok());
    platform::TokenRequest request;
    request.role = platform::Role::kAdmin;
    request.subject = "cli-test-admin";
    auto token = platform::MintTokenWithDataDirKey(data_dir_, request);
    ASSERT_TRUE(token.ok()) << token.status();
    token_ = *token;
  }

  void TearDown() override {
    if (runtime_) runtime_->Stop();
  }

  std::string Write(const std::string& name, const std::string& content) {
    return testing::WriteTestFile(work_dir_, name, content);
  }

  CliRun Dienhinh(std::vector<std::string> args) {
    args.insert(args.end(), {"--intake", runtime_->address(), "--token", token_});
    return testing::RunCli(DH_CLI_BINARY, args, work_dir_);
  }

  std::string data_dir_;
  std::string work_dir_;
  std::string token_;
  std::unique_ptr<intake::testing::RegistryUnderTest> registry_;
  std::unique_ptr<platform::ServiceRuntime> runtime_;
  std::unique_ptr<intake::IntakeService> service_;
};

TEST_F(NominationCommandTest, CreateGetListSubmitFromATextProtoFile) {
  std::string text;
  ASSERT_TRUE(google::protobuf::TextFormat::PrintToString(
      intake::testing::InstitutionNomination(), &text));
  std::string file = Write("school.textproto", text);
  CliRun created = Dienhinh({"nominations", "create", file, "--format", "csv"});
  ASSERT_EQ(created.exit_code, 0) << created.err;
  std::string name = Cell(created.out, "name");
  std::string etag = Cell(created.out, "etag");
  ASSERT_FALSE(name.empty()) << created.out;
  EXPECT_EQ(Cell(created.out, "state"), "draft") << created.out;

  CliRun got = Dienhinh({"nominations", "get", name, "--format", "json"});
  ASSERT_EQ(got.exit_code, 0) << got.err;
  EXPECT_NE(got.out.find("\"name\": \"" + name + "\""), std::string::npos) << got.out;

  CliRun listed = Dienhinh({"nominations", "list", "--format", "csv"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_NE(listed.out.find(name + ",draft,"), std::string::npos) << listed.out;

  CliRun stale = Dienhinh({"nominations", "submit", name, "--etag", "\"stale\""});
  EXPECT_EQ(stale.exit_code, 6) << stale.out << stale.err;

  CliRun submitted = Dienhinh({"nominations", "submit", name, "--etag", etag, "--format", "csv"});
  ASSERT_EQ(submitted.exit_code, 0) << submitted.err;
  EXPECT_EQ(Cell(submitted.out, "state"), "submitted") << submitted.out;
}

TEST_F(NominationCommandTest, ErrorsMapToExitCodes) {
  EXPECT_EQ(Dienhinh({"nominations", "get", "nominations/01ARZ3NDEKTSV4RRFFQ69G5FAV"}).exit_code, 4);
  CliRun wrong = Dienhinh({"nominations", "create", Write("n.yaml", "x: 1")});
  EXPECT_EQ(wrong.exit_code, 3);
  EXPECT_NE(wrong.err.find("  file: "), std::string::npos) << wrong.err;
  CliRun bad_json = Dienhinh({"nominations", "create", Write("n.json", "{\"nope\": 1}")});
  EXPECT_EQ(bad_json.exit_code, 3) << bad_json.err;
}

}  // namespace
}  // namespace dienhinh::cli
