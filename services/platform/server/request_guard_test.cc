// The request guard on a real server at 127.0.0.1:0, in front of a tiny stand-in service (gRPC's
// health protocol, implemented here with the callback API like every dienhinh service): a request
// that does not parse or carries unknown fields is INVALID_ARGUMENT with google.rpc details, and
// the handler never acts on it. The handler "acts" (counts) only for an authenticated call, as
// every dienhinh handler authenticates before doing anything.
#include "services/platform/server/request_guard.h"

#include <atomic>
#include <limits>
#include <memory>

#include <google/protobuf/unknown_field_set.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "grpc/health/v1/health.grpc.pb.h"

namespace dienhinh::platform {
namespace {

using grpc::health::v1::Health;
using grpc::health::v1::HealthCheckRequest;
using grpc::health::v1::HealthCheckResponse;

constexpr int kMaxRequestBytes = 64 * 1024;

bool Authenticated(grpc::CallbackServerContext* context) {
  return context->client_metadata().count("authorization") > 0;
}

class CountingHealth final : public Health::CallbackService {
 public:
  grpc::ServerUnaryReactor* Check(grpc::CallbackServerContext* context, const HealthCheckRequest*,
                                  HealthCheckResponse* response) override {
    auto* reactor = context->DefaultReactor();
    if (!Authenticated(context)) {
      reactor->Finish(grpc::Status(grpc::StatusCode::UNAUTHENTICATED, "no token"));
      return reactor;
    }
    ++acted;
    response->set_status(HealthCheckResponse::SERVING);
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }

  grpc::ServerWriteReactor<HealthCheckResponse>* Watch(grpc::CallbackServerContext* context,
                                                       const HealthCheckRequest*) override {
    class Ending final : public grpc::ServerWriteReactor<HealthCheckResponse> {
     public:
      explicit Ending(grpc::Status status) { Finish(status); }
      void OnDone() override { delete this; }
    };
    if (!Authenticated(context)) {
      return new Ending(grpc::Status(grpc::StatusCode::UNAUTHENTICATED, "no token"));
    }
    ++acted;
    return new Ending(grpc::Status::OK);
  }

  std::atomic<int> acted{0};
};

class GuardedServer {
 public:
  explicit GuardedServer(const std::string& prefix) {
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port_);
    // As ServiceHost does it.
    builder.SetMaxReceiveMessageSize(TransportReceiveLimit(kMaxRequestBytes));
    builder.RegisterService(&service_);
    std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> guards;
    guards.push_back(std::make_unique<RequestGuardFactory>(prefix, kMaxRequestBytes));
    builder.experimental().SetInterceptorCreators(std::move(guards));
    server_ = builder.BuildAndStart();
    channel_ = grpc::CreateChannel(absl::StrCat("127.0.0.1:", port_),
                                   grpc::InsecureChannelCredentials());
    stub_ = Health::NewStub(channel_);
  }
  ~GuardedServer() { server_->Shutdown(std::chrono::system_clock::now()); }

  grpc::Status Check(const HealthCheckRequest& request) {
    grpc::ClientContext context;
    context.AddMetadata("authorization", "Bearer test");
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    HealthCheckResponse response;
    return stub_->Check(&context, request, &response);
  }

  grpc::Status Watch(const HealthCheckRequest& request) {
    grpc::ClientContext context;
    context.AddMetadata("authorization", "Bearer test");
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    auto reader = stub_->Watch(&context, request);
    HealthCheckResponse response;
    while (reader->Read(&response)) {
    }
    return reader->Finish();
  }

  int acted() const { return service_.acted; }

 private:
  CountingHealth service_;
  int port_ = 0;
  std::unique_ptr<grpc::Server> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<Health::Stub> stub_;
};

google::rpc::Status DetailsOf(const grpc::Status& status) {
  google::rpc::Status details;
  EXPECT_TRUE(details.ParseFromString(status.error_details())) << status.error_message();
  return details;
}

std::string ReasonIn(const google::rpc::Status& details) {
  for (const auto& any : details.details()) {
    google::rpc::ErrorInfo info;
    if (any.UnpackTo(&info)) return info.reason();
  }
  return "";
}

std::vector<std::string> ViolatedFields(const google::rpc::Status& details) {
  std::vector<std::string> fields;
  for (const auto& any : details.details()) {
    google::rpc::BadRequest bad;
    if (!any.UnpackTo(&bad)) continue;
    for (const auto& v : bad.field_violations()) fields.push_back(v.field());
  }
  return fields;
}

HealthCheckRequest WithUnknownField(int number) {
  HealthCheckRequest request;
  request.set_service("registry");
  request.GetReflection()->MutableUnknownFields(&request)->AddVarint(number, 1);
  return request;
}

TEST(RequestGuardTest, AGoodRequestReachesTheHandler) {
  GuardedServer server("/grpc.health.v1.");
  HealthCheckRequest request;
  request.set_service("registry");
  grpc::Status status = server.Check(request);
  EXPECT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(server.acted(), 1);
}

TEST(RequestGuardTest, AnUnknownFieldIsInvalidArgumentAndNothingIsDone) {
  GuardedServer server("/grpc.health.v1.");
  grpc::Status status = server.Check(WithUnknownField(999));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << status.error_message();
  EXPECT_TRUE(absl::StrContains(status.error_message(), "#999")) << status.error_message();
  EXPECT_TRUE(absl::StrContains(status.error_message(), "grpc.health.v1.HealthCheckRequest"))
      << status.error_message();
  google::rpc::Status details = DetailsOf(status);
  EXPECT_EQ(details.code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ReasonIn(details), "UNKNOWN_FIELD");
  EXPECT_EQ(ViolatedFields(details), std::vector<std::string>{"#999"});
  EXPECT_EQ(server.acted(), 0);
}

TEST(RequestGuardTest, AnUnknownFieldInAServerStreamIsRefusedToo) {
  GuardedServer server("/grpc.health.v1.");
  grpc::Status status = server.Watch(WithUnknownField(7));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << status.error_message();
  EXPECT_EQ(ViolatedFields(DetailsOf(status)), std::vector<std::string>{"#7"});
  EXPECT_EQ(server.acted(), 0);
}

TEST(RequestGuardTest, InvalidUtf8IsInvalidArgumentAndNothingIsDone) {
  GuardedServer server("/grpc.health.v1.");
  HealthCheckRequest request;
  request.set_service("\xff\xfe not UTF-8");  // the client's protobuf logs this, and sends it
  grpc::Status status = server.Check(request);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << status.error_message();
  EXPECT_TRUE(absl::StrContains(status.error_message(),
                                "not a valid grpc.health.v1.HealthCheckRequest"))
      << status.error_message();
  EXPECT_EQ(ReasonIn(DetailsOf(status)), "REQUEST_UNPARSABLE");
  EXPECT_EQ(server.acted(), 0);
}

TEST(RequestGuardTest, NestingPastTheRecursionLimitIsInvalidArgument) {
  GuardedServer server("/grpc.health.v1.");
  HealthCheckRequest request;
  auto* set = request.GetReflection()->MutableUnknownFields(&request);
  for (int depth = 0; depth < 150; ++depth) set = set->AddGroup(5);
  grpc::Status status = server.Check(request);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << status.error_message();
  EXPECT_EQ(ReasonIn(DetailsOf(status)), "REQUEST_UNPARSABLE");
  EXPECT_EQ(server.acted(), 0);
}

TEST(RequestGuardTest, ARequestAtTheLimitReachesTheHandler) {
  GuardedServer server("/grpc.health.v1.");
  HealthCheckRequest request;
  request.set_service(std::string(kMaxRequestBytes - 4, 'x'));  // tag and length: 4 bytes
  ASSERT_EQ(request.ByteSizeLong(), static_cast<size_t>(kMaxRequestBytes));
  grpc::Status status = server.Check(request);
  EXPECT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(server.acted(), 1);
}

TEST(RequestGuardTest, AnOversizedRequestIsInvalidArgumentNamingTheField) {
  GuardedServer server("/grpc.health.v1.");
  HealthCheckRequest request;
  request.set_service(std::string(kMaxRequestBytes + 1, 'x'));
  grpc::Status status = server.Check(request);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << status.error_message();
  EXPECT_TRUE(absl::StrContains(status.error_message(), absl::StrCat("limit of ", kMaxRequestBytes)))
      << status.error_message();
  google::rpc::Status details = DetailsOf(status);
  EXPECT_EQ(ReasonIn(details), "REQUEST_TOO_LARGE");
  EXPECT_EQ(ViolatedFields(details), std::vector<std::string>{"service"});
  EXPECT_EQ(server.acted(), 0);
}

TEST(RequestGuardTest, AnOversizedServerStreamRequestIsRefusedToo) {
  GuardedServer server("/grpc.health.v1.");
  HealthCheckRequest request;
  request.set_service(std::string(kMaxRequestBytes + 1, 'x'));
  grpc::Status status = server.Watch(request);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << status.error_message();
  EXPECT_EQ(ReasonIn(DetailsOf(status)), "REQUEST_TOO_LARGE");
  EXPECT_EQ(server.acted(), 0);
}

// Past twice the limit gRPC's core refuses the message unread, before any interceptor runs:
// the code stays gRPC's, and the server never holds the whole of it.
TEST(RequestGuardTest, ARequestOverTwiceTheLimitIsRefusedByGrpcBeforeTheHandler) {
  GuardedServer server("/grpc.health.v1.");
  HealthCheckRequest request;
  request.set_service(std::string(2 * kMaxRequestBytes + 1, 'x'));
  grpc::Status status = server.Check(request);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << status.error_message();
  EXPECT_EQ(server.acted(), 0);
}

TEST(RequestGuardTest, TheLargestFieldIsFollowedDownToAString) {
  google::rpc::BadRequest request;
  request.add_field_violations()->set_field("a");
  auto* big = request.add_field_violations();
  big->set_field("b");
  big->set_description(std::string(300, 'x'));
  request.add_field_violations()->set_description("short");
  EXPECT_EQ(LargestFieldPath(request), "field_violations[1].description");
  EXPECT_EQ(LargestFieldPath(google::rpc::BadRequest()), "");
}

TEST(RequestGuardTest, TheTransportLimitIsTwiceTheRequestLimitAndNeverOverflows) {
  EXPECT_EQ(TransportReceiveLimit(8 << 20), 16 << 20);
  EXPECT_EQ(TransportReceiveLimit(std::numeric_limits<int>::max()),
            std::numeric_limits<int>::max());
}

TEST(RequestGuardTest, MethodsOutsideThePrefixAreLeftAlone) {
  GuardedServer server("/dienhinh.");
  grpc::Status status = server.Check(WithUnknownField(999));
  EXPECT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(server.acted(), 1);
}

TEST(RequestGuardTest, UnknownFieldsAreNamedByTheirPath) {
  google::rpc::BadRequest request;
  request.add_field_violations()->set_field("a");
  auto* second = request.add_field_violations();
  second->set_field("b");
  second->GetReflection()->MutableUnknownFields(second)->AddFixed32(7, 1);
  request.GetReflection()->MutableUnknownFields(&request)->AddLengthDelimited(9, "x");
  std::vector<FieldViolation> violations = UnknownFieldViolations(request);
  ASSERT_EQ(violations.size(), 2u);
  EXPECT_EQ(violations[0].field, "#9");
  EXPECT_EQ(violations[1].field, "field_violations[1].#7");
  EXPECT_TRUE(absl::StrContains(violations[1].description, "google.rpc.BadRequest.FieldViolation"))
      << violations[1].description;
  EXPECT_TRUE(UnknownFieldViolations(google::rpc::BadRequest()).empty());
}

}  // namespace
}  // namespace dienhinh::platform
