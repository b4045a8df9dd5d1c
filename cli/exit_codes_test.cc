// Exit codes scripts can branch on, and error text that lists every field violation.
#include "cli/exit_codes.h"

#include <gtest/gtest.h>

#include "cli/cli_context.h"
#include "services/platform/status/error_details.h"
#include "services/platform/status/grpc_status.h"

namespace dienhinh::cli {
namespace {

TEST(ExitCodeTest, MapsEveryCodeFamily) {
  EXPECT_EQ(ExitCodeFor(absl::OkStatus()), 0);
  EXPECT_EQ(ExitCodeFor(absl::InvalidArgumentError("x")), 3);
  EXPECT_EQ(ExitCodeFor(absl::NotFoundError("x")), 4);
  EXPECT_EQ(ExitCodeFor(absl::PermissionDeniedError("x")), 5);
  EXPECT_EQ(ExitCodeFor(absl::UnauthenticatedError("x")), 5);
  EXPECT_EQ(ExitCodeFor(absl::FailedPreconditionError("x")), 6);
  EXPECT_EQ(ExitCodeFor(absl::AbortedError("x")), 6);
  EXPECT_EQ(ExitCodeFor(absl::AlreadyExistsError("x")), 6);
  EXPECT_EQ(ExitCodeFor(absl::UnavailableError("x")), 7);
  EXPECT_EQ(ExitCodeFor(absl::DeadlineExceededError("x")), 7);
  EXPECT_EQ(ExitCodeFor(absl::ResourceExhaustedError("overloaded")), 7);
  EXPECT_EQ(ExitCodeFor(absl::InternalError("x")), 1);
}

TEST(DescribeErrorTest, ListsFieldViolationsFromTheWire) {
  absl::Status sent = platform::InvalidArgument(
      "the nomination is invalid",
      {{"nomination.year", "give the school year"}, {"nomination.unit", "unknown unit"}});
  // Through the same conversion a client sees.
  absl::Status received = platform::FromGrpcStatus(platform::ToGrpcStatus(sent));
  std::string text = DescribeError(received);
  EXPECT_NE(text.find("error: the nomination is invalid"), std::string::npos) << text;
  EXPECT_NE(text.find("\n  nomination.year: give the school year"), std::string::npos) << text;
  EXPECT_NE(text.find("\n  nomination.unit: unknown unit"), std::string::npos) << text;
}

TEST(DescribeErrorTest, PrintsAViolationTheMessageRepeatsOnce) {
  absl::Status status = platform::InvalidArgument(
      "the vote falls short; council_decision.votes_for: 17 of 20 is below 90%",
      {{"council_decision.votes_for", "17 of 20 is below 90%"}});
  EXPECT_EQ(DescribeError(status),
            "error: the vote falls short\n  council_decision.votes_for: 17 of 20 is below 90%");
}

TEST(DescribeErrorTest, HintsAtTheFixForUnauthenticated) {
  EXPECT_NE(DescribeError(absl::UnauthenticatedError("no token")).find("--token"),
            std::string::npos);
}

TEST(CommandLineTest, SplitsFlagsSwitchesAndWords) {
  auto line = ParseCommandLine(
      {"import", "units", "--registry", "127.0.0.1:1", "--validate_only", "f.csv", "--lang=en"},
      {"validate_only"});
  ASSERT_TRUE(line.ok());
  EXPECT_EQ(line->words, (std::vector<std::string>{"import", "units", "f.csv"}));
  EXPECT_EQ(line->Get("registry"), "127.0.0.1:1");
  EXPECT_EQ(line->Get("lang"), "en");
  EXPECT_TRUE(line->Has("validate_only"));
  EXPECT_FALSE(ParseCommandLine({"--token"}, {}).ok());
}

TEST(CliContextTest, AddressFromFlagThenDefault) {
  auto line = ParseCommandLine({"--intake", "127.0.0.1:9"}, {});
  ASSERT_TRUE(line.ok());
  CliContext context(*line);
  EXPECT_EQ(context.Address(Service::kIntake), "127.0.0.1:9");
  if (std::getenv("DIENHINH_REPORTING_ADDRESS") == nullptr) {
    EXPECT_EQ(context.Address(Service::kReporting), "127.0.0.1:50054");
  }
}

}  // namespace
}  // namespace dienhinh::cli
