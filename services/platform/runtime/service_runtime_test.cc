// A service process's platform on a real server at 127.0.0.1:0: health says NOT_SERVING until
// ready and SERVING after, needs no token; every other call needs a valid bearer token;
// drain ends open streams. (Reflection is checked from Python: tests/smoke.)
#include "services/platform/runtime/service_runtime.h"

#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "dienhinh/events/v1/event.grpc.pb.h"
#include "services/platform/auth/key_store.h"
#include "services/platform/testing/test_database.h"
#include "grpc/health/v1/health.grpc.pb.h"

namespace dienhinh::platform {
namespace {

class ServiceRuntimeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    data_dir_ = testing::MakeTempDir();
    RuntimeOptions options;
    options.service_name = "registry";
    options.listen_address = "127.0.0.1:0";
    options.metrics_address = "off";
    options.data_dir = data_dir_;
    options.database_url = data_dir_ + "/registry.db";
    options.drain_timeout = absl::Seconds(2);
    auto runtime = ServiceRuntime::Create(options);
    ASSERT_TRUE(runtime.ok()) << runtime.status();
    runtime_ = std::move(*runtime);
  }

  std::shared_ptr<grpc::Channel> Channel() {
    return grpc::CreateChannel(runtime_->address(), grpc::InsecureChannelCredentials());
  }

  std::string Token(Role role, absl::Duration lifetime = absl::Hours(1),
                    absl::Time now = absl::Now()) {
    TokenRequest request;
    request.role = role;
    request.subject = "tester";
    request.unit = role == Role::kUnitOfficer ? "THPT001" : "";
    request.lifetime = lifetime;
    auto token = MintTokenWithDataDirKey(data_dir_, request, now);
    EXPECT_TRUE(token.ok()) << token.status();
    return *token;
  }

  // Opens a feed subscription with `authorization` (none when empty) and returns how it ends
  // or OK when it is still open after a short while. Both of the feed's methods must answer
  // alike: when they differ, the result says so.
  grpc::StatusCode Subscribe(const std::string& authorization) {
    grpc::StatusCode single = SubscribeWith<events::v1::SubscribeRequest, events::v1::Event>(
        authorization, &events::v1::EventFeed::Stub::Subscribe);
    grpc::StatusCode batches =
        SubscribeWith<events::v1::SubscribeBatchesRequest, events::v1::EventBatch>(
            authorization, &events::v1::EventFeed::Stub::SubscribeBatches);
    EXPECT_EQ(single, batches) << "Subscribe and SubscribeBatches answer differently";
    return single == batches ? single : grpc::StatusCode::UNKNOWN;
  }

  template <typename Request, typename Message, typename Method>
  grpc::StatusCode SubscribeWith(const std::string& authorization, Method method) {
    auto stub = events::v1::EventFeed::NewStub(Channel());
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(700));
    if (!authorization.empty()) context.AddMetadata("authorization", authorization);
    auto reader = ((*stub).*method)(&context, Request());
    Message message;
    while (reader->Read(&message)) {
    }
    grpc::StatusCode code = reader->Finish().error_code();
    // An accepted subscription stays open until our deadline.
    return code == grpc::StatusCode::DEADLINE_EXCEEDED ? grpc::StatusCode::OK : code;
  }

  grpc::health::v1::HealthCheckResponse::ServingStatus Health() {
    auto stub = grpc::health::v1::Health::NewStub(Channel());
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    grpc::health::v1::HealthCheckResponse response;
    grpc::Status status = stub->Check(&context, grpc::health::v1::HealthCheckRequest(), &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response.status();
  }

  std::string data_dir_;
  std::unique_ptr<ServiceRuntime> runtime_;
};

TEST_F(ServiceRuntimeTest, HealthNeedsNoTokenAndTurnsServingWhenStarted) {
  ASSERT_TRUE(runtime_->Start().ok());
  EXPECT_EQ(Health(), grpc::health::v1::HealthCheckResponse::SERVING);
}

TEST_F(ServiceRuntimeTest, CallsWithoutAValidTokenAreUnauthenticated) {
  ASSERT_TRUE(runtime_->Start().ok());
  EXPECT_EQ(Subscribe(""), grpc::StatusCode::UNAUTHENTICATED) << "no token";
  EXPECT_EQ(Subscribe("Basic dXNlcjpwYXNz"), grpc::StatusCode::UNAUTHENTICATED) << "not bearer";
  EXPECT_EQ(Subscribe("Bearer not.a.jwt"), grpc::StatusCode::UNAUTHENTICATED) << "garbage";

  std::string good = Token(Role::kService);
  std::string forged = good;
  forged[forged.size() - 3] = forged[forged.size() - 3] == 'A' ? 'B' : 'A';
  EXPECT_EQ(Subscribe("Bearer " + forged), grpc::StatusCode::UNAUTHENTICATED) << "bad signature";

  std::string expired = Token(Role::kService, absl::Minutes(5), absl::Now() - absl::Hours(2));
  EXPECT_EQ(Subscribe("Bearer " + expired), grpc::StatusCode::UNAUTHENTICATED) << "expired";

  EXPECT_EQ(Subscribe("Bearer " + good), grpc::StatusCode::OK);
  EXPECT_EQ(Subscribe("Bearer " + Token(Role::kUnitOfficer)), grpc::StatusCode::PERMISSION_DENIED)
      << "the whole feed is not for a unit officer";
}

TEST_F(ServiceRuntimeTest, AKeyFromAnotherSiteIsRefused) {
  ASSERT_TRUE(runtime_->Start().ok());
  std::string other_site = testing::MakeTempDir();
  TokenRequest request;
  request.role = Role::kAdmin;
  request.subject = "intruder";
  auto token = MintTokenWithDataDirKey(other_site, request);
  ASSERT_TRUE(token.ok());
  EXPECT_EQ(Subscribe("Bearer " + *token), grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(ServiceRuntimeTest, DrainEndsOpenFeedsPromptly) {
  ASSERT_TRUE(runtime_->Start().ok());
  auto stub = events::v1::EventFeed::NewStub(Channel());
  grpc::ClientContext context;
  context.AddMetadata("authorization", "Bearer " + Token(Role::kService));
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  auto reader = stub->Subscribe(&context, events::v1::SubscribeRequest());
  absl::SleepFor(absl::Milliseconds(200));
  absl::Time start = absl::Now();
  runtime_->Stop();
  events::v1::Event event;
  while (reader->Read(&event)) {
  }
  EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_LT(absl::Now() - start, absl::Seconds(2)) << "the open stream must not hold the drain";
}

// What /metrics shows of the event flow: the log's newest sequence, and per consumer its
// committed position and whether it is connected; nothing once the runtime detaches it.
TEST_F(ServiceRuntimeTest, EventMetricsReadTheLogAndTheConsumers) {
  for (int i = 0; i < 3; ++i) {
    absl::Status appended = RunInTransaction(runtime_->db(), TxMode::kWrite, [&](Transaction& tx) {
      events::v1::Event event;
      event.set_request_id(absl::StrCat("metrics-", i));
      return runtime_->events().Append(tx, event).status();
    });
    ASSERT_TRUE(appended.ok()) << appended;
  }
  // The log's tail learns of commits when told (services notify after each commit) or polls.
  runtime_->events().Notify();
  absl::Time deadline = absl::Now() + absl::Seconds(5);
  while (runtime_->events().LastSequence() < 3 && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(10));
  }
  EventConsumer::Options options;
  options.name = "intake";
  options.target = "127.0.0.1:1";  // never started: position 0, not connected
  EventConsumer consumer(&runtime_->db(), options,
                         [](Transaction&, const events::v1::Event&) { return absl::OkStatus(); });
  EventMetrics metrics(&runtime_->events(), {&consumer});
  std::vector<prometheus::MetricFamily> families = metrics.Collect();
  ASSERT_EQ(families.size(), 4u);
  EXPECT_EQ(families[0].name, "dienhinh_event_log_last_sequence");
  EXPECT_EQ(families[0].metric.at(0).gauge.value, 3);
  EXPECT_EQ(families[1].name, "dienhinh_event_consumer_position");
  EXPECT_EQ(families[1].metric.at(0).gauge.value, 0);
  EXPECT_EQ(families[1].metric.at(0).label.at(0).value, "intake");
  EXPECT_EQ(families[2].metric.at(0).gauge.value, 0);  // not connected
  EXPECT_EQ(families[3].metric.at(0).counter.value, 0);
  metrics.Detach();
  EXPECT_TRUE(metrics.Collect().empty());
}

}  // namespace
}  // namespace dienhinh::platform
