// The host on a real server at 127.0.0.1:0: health is NOT_SERVING until the service says it is
// ready, metrics count calls by method and code over HTTP, and an address in use is a clear
// error rather than a crash.
#include "services/platform/server/service_host.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "grpc/health/v1/health.grpc.pb.h"

namespace dienhinh::platform {
namespace {

using grpc::health::v1::HealthCheckResponse;

grpc::Status CheckHealth(int port, const std::string& service, HealthCheckResponse* response) {
  auto channel = grpc::CreateChannel(absl::StrCat("127.0.0.1:", port),
                                     grpc::InsecureChannelCredentials());
  auto stub = grpc::health::v1::Health::NewStub(channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  grpc::health::v1::HealthCheckRequest request;
  request.set_service(service);
  return stub->Check(&context, request, response);
}

HealthCheckResponse::ServingStatus Health(int port) {
  HealthCheckResponse response;
  grpc::Status status = CheckHealth(port, "", &response);
  EXPECT_TRUE(status.ok()) << status.error_message();
  return response.status();
}

// A plain HTTP GET on loopback; returns the whole response.
std::string HttpGet(int port, const std::string& path) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    close(fd);
    return "";
  }
  std::string request = absl::StrCat("GET ", path, " HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n");
  (void)!write(fd, request.data(), request.size());
  std::string response;
  char buffer[4096];
  ssize_t n;
  while ((n = read(fd, buffer, sizeof buffer)) > 0) response.append(buffer, n);
  close(fd);
  return response;
}

HostOptions TestOptions() {
  HostOptions options;
  options.service_name = "test";
  options.listen_address = "127.0.0.1:0";
  options.metrics_address = "127.0.0.1:0";
  options.drain_timeout = absl::Seconds(1);
  return options;
}

TEST(ServiceHostTest, HealthIsNotServingUntilReady) {
  ServiceHost host(TestOptions());
  ASSERT_TRUE(host.Start().ok());
  EXPECT_EQ(Health(host.port()), HealthCheckResponse::NOT_SERVING);
  host.SetServing(true);
  EXPECT_EQ(Health(host.port()), HealthCheckResponse::SERVING);
  host.SetServing(false);
  EXPECT_EQ(Health(host.port()), HealthCheckResponse::NOT_SERVING);
}

TEST(ServiceHostTest, MetricsCountCallsByMethodAndCode) {
  ServiceHost host(TestOptions());
  ASSERT_TRUE(host.Start().ok());
  host.SetServing(true);
  for (int i = 0; i < 3; ++i) Health(host.port());
  HealthCheckResponse response;
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(CheckHealth(host.port(), "no.such.Service", &response).error_code(),
              grpc::StatusCode::NOT_FOUND);
  }
  ASSERT_GT(host.metrics_port(), 0);
  std::string page = HttpGet(host.metrics_port(), "/metrics");
  EXPECT_NE(page.find("dienhinh_grpc_server_calls_total{code=\"OK\",method=\"/grpc.health.v1.Health/Check\"} 3"),
            std::string::npos)
      << page;
  EXPECT_NE(page.find("dienhinh_grpc_server_calls_total{code=\"NOT_FOUND\",method=\"/grpc.health.v1.Health/Check\"} 2"),
            std::string::npos)
      << page;
  EXPECT_NE(page.find("dienhinh_grpc_server_call_seconds_count{method=\"/grpc.health.v1.Health/Check\"} 5"),
            std::string::npos)
      << page;
  EXPECT_NE(page.find("dienhinh_grpc_server_call_seconds_bucket"), std::string::npos);
}

TEST(ServiceHostTest, AnAddressInUseIsAnError) {
  ServiceHost first(TestOptions());
  ASSERT_TRUE(first.Start().ok());
  HostOptions options = TestOptions();
  options.listen_address = absl::StrCat("127.0.0.1:", first.port());
  options.metrics_address = "off";
  ServiceHost second(options);
  absl::Status started = second.Start();
  EXPECT_EQ(started.code(), absl::StatusCode::kUnavailable) << started;
}

}  // namespace
}  // namespace dienhinh::platform
