// TLS and mutual TLS between services, with a CA and certificates made by openssl for the test:
// a client with a certificate the CA signed gets in; a plaintext client, a client without a
// certificate, and one whose certificate another CA signed are refused; a consumer follows a
// feed over mutual TLS.
#include <cstdlib>

#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "dienhinh/events/v1/event.grpc.pb.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "services/platform/events/event_schema.h"
#include "services/platform/runtime/service_runtime.h"
#include "services/platform/testing/test_database.h"

namespace dienhinh::platform {
namespace {

class TlsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    certs_ = new std::string(testing::MakeTempDir());
    std::string command = absl::StrCat(DH_MAKE_TEST_CERTS, " ", *certs_);
    ASSERT_EQ(std::system(command.c_str()), 0) << "openssl could not make the test certificates";
  }

  void SetUp() override {
    data_dir_ = testing::MakeTempDir();
    RuntimeOptions options;
    options.service_name = "intake";
    options.listen_address = "127.0.0.1:0";
    options.metrics_address = "off";
    options.data_dir = data_dir_;
    options.database_url = data_dir_ + "/intake.db";
    options.drain_timeout = absl::Seconds(1);
    options.server_tls = {Cert("server.pem"), Cert("server.key"), Cert("ca.pem")};
    auto runtime = ServiceRuntime::Create(options);
    ASSERT_TRUE(runtime.ok()) << runtime.status();
    runtime_ = std::move(*runtime);
    ASSERT_TRUE(runtime_->Start().ok());
  }

  static std::string Cert(const std::string& name) { return *certs_ + "/" + name; }

  // Health over a channel with `credentials`; the gRPC code of the outcome.
  grpc::StatusCode HealthWith(std::shared_ptr<grpc::ChannelCredentials> credentials) {
    auto channel = grpc::CreateChannel(absl::StrCat("127.0.0.1:", runtime_->port()), credentials);
    auto stub = grpc::health::v1::Health::NewStub(channel);
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(3));
    grpc::health::v1::HealthCheckResponse response;
    return stub->Check(&context, grpc::health::v1::HealthCheckRequest(), &response).error_code();
  }

  static std::string* certs_;
  std::string data_dir_;
  std::unique_ptr<ServiceRuntime> runtime_;
};

std::string* TlsTest::certs_ = nullptr;

TEST_F(TlsTest, AClientWithACertificateFromTheCaGetsIn) {
  auto credentials = MakeChannelCredentials({Cert("ca.pem"), Cert("client.pem"), Cert("client.key")});
  ASSERT_TRUE(credentials.ok()) << credentials.status();
  EXPECT_EQ(HealthWith(*credentials), grpc::StatusCode::OK);
}

TEST_F(TlsTest, ClientsWithoutAValidCertificateAreRefused) {
  EXPECT_NE(HealthWith(grpc::InsecureChannelCredentials()), grpc::StatusCode::OK) << "plaintext";
  auto no_cert = MakeChannelCredentials({Cert("ca.pem"), "", ""});
  ASSERT_TRUE(no_cert.ok());
  EXPECT_NE(HealthWith(*no_cert), grpc::StatusCode::OK) << "TLS without a client certificate";
  auto stranger =
      MakeChannelCredentials({Cert("ca.pem"), Cert("stranger.pem"), Cert("stranger.key")});
  ASSERT_TRUE(stranger.ok());
  EXPECT_NE(HealthWith(*stranger), grpc::StatusCode::OK) << "a certificate another CA signed";
  auto wrong_server_ca =
      MakeChannelCredentials({Cert("other-ca.pem"), Cert("client.pem"), Cert("client.key")});
  ASSERT_TRUE(wrong_server_ca.ok());
  EXPECT_NE(HealthWith(*wrong_server_ca), grpc::StatusCode::OK)
      << "the client must not trust a server its CA did not sign";
}

TEST_F(TlsTest, AConsumerFollowsAFeedOverMutualTls) {
  ASSERT_TRUE(RunInTransaction(runtime_->db(), TxMode::kWrite, [&](Transaction& tx) {
                return runtime_->events().Append(tx, Event()).status();
              }).ok());
  runtime_->events().Notify();
  auto consumer_db = testing::OpenTestDatabase(testing::Backend::kSqlite);
  ASSERT_TRUE(consumer_db.ok());
  std::vector<Migration> schema = EventMigrations();
  ASSERT_TRUE(Migrate(*consumer_db->db, schema).ok());
  EventConsumer::Options options;
  options.name = "intake";
  options.target = absl::StrCat("127.0.0.1:", runtime_->port());
  options.credentials = *MakeChannelCredentials({Cert("ca.pem"), Cert("client.pem"), Cert("client.key")});
  std::string token = runtime_->ServiceToken();
  options.bearer_token = [token] { return token; };
  EventConsumer consumer(consumer_db->db.get(), options,
                         [](Transaction&, const Event&) { return absl::OkStatus(); });
  consumer.Start();
  EXPECT_TRUE(consumer.WaitForCursor(1, absl::Seconds(10))) << consumer.cursor();
}

TEST(TlsFilesTest, HalfAPairIsRefused) {
  EXPECT_EQ(MakeServerCredentials({"cert.pem", "", ""}).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(MakeServerCredentials({"", "", "ca.pem"}).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(MakeServerCredentials({"/no/such.pem", "/no/such.key", ""}).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(MakeChannelCredentials({"", "client.pem", "client.key"}).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace dienhinh::platform
