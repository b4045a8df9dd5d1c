#include "services/platform/status/grpc_status.h"

#include <gtest/gtest.h>

#include "google/rpc/status.pb.h"
#include "services/platform/status/error_details.h"

namespace dienhinh::platform {
namespace {

TEST(GrpcStatusTest, OkStaysOk) { EXPECT_TRUE(ToGrpcStatus(absl::OkStatus()).ok()); }

TEST(GrpcStatusTest, FieldViolationsTravelAsBadRequest) {
  ViolationList violations;
  violations.Add("vote.votes_for", "must not exceed vote.present (12)");
  violations.Add("school_years[0]", "2030-2031 is not a year of plan can-tho-2019-2020");
  grpc::Status out = ToGrpcStatus(violations.ToStatus());

  EXPECT_EQ(out.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  google::rpc::Status details;
  ASSERT_TRUE(details.ParseFromString(out.error_details()));
  EXPECT_EQ(details.code(), static_cast<int>(grpc::StatusCode::INVALID_ARGUMENT));
  google::rpc::BadRequest bad_request;
  google::rpc::ErrorInfo info;
  bool saw_bad_request = false, saw_info = false;
  for (const auto& any : details.details()) {
    if (any.UnpackTo(&bad_request)) saw_bad_request = true;
    if (any.UnpackTo(&info)) saw_info = true;
  }
  ASSERT_TRUE(saw_bad_request);
  ASSERT_EQ(bad_request.field_violations_size(), 2);
  EXPECT_EQ(bad_request.field_violations(0).field(), "vote.votes_for");
  ASSERT_TRUE(saw_info) << "every error carries an ErrorInfo";
  EXPECT_EQ(info.reason(), "INVALID_ARGUMENT");
  EXPECT_EQ(info.domain(), kErrorDomain);
}

TEST(GrpcStatusTest, ReasonAndViolationsSurviveTheRoundTrip) {
  absl::Status original = WithReason(InvalidField("page_token", "was not issued by this server"),
                                     "BAD_PAGE_TOKEN", {{"resource", "units"}});
  absl::Status back = FromGrpcStatus(ToGrpcStatus(original));
  EXPECT_EQ(back.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ReasonOf(back), "BAD_PAGE_TOKEN");
  auto violations = FieldViolationsOf(back);
  ASSERT_EQ(violations.size(), 1u);
  EXPECT_EQ(violations[0].field, "page_token");
}

TEST(GrpcStatusTest, CodeIsKeptForEveryCanonicalCode) {
  for (int code = 1; code <= 16; ++code) {
    absl::Status s(static_cast<absl::StatusCode>(code), "x");
    EXPECT_EQ(static_cast<int>(ToGrpcStatus(s).error_code()), code);
    EXPECT_EQ(static_cast<int>(FromGrpcStatus(ToGrpcStatus(s)).code()), code);
  }
}

TEST(GrpcStatusTest, GarbageDetailsDoNotCrashTheClient) {
  grpc::Status garbage(grpc::StatusCode::INTERNAL, "boom", std::string("\xff\x01\x02garbage", 10));
  absl::Status back = FromGrpcStatus(garbage);
  EXPECT_EQ(back.code(), absl::StatusCode::kInternal);
  EXPECT_TRUE(FieldViolationsOf(back).empty());
}

}  // namespace
}  // namespace dienhinh::platform
