// dienhinh-bench-echo-server: the echo service the benchmark calls the limit of this machine,
// served with the same gRPC, build type and callback API as the dienhinh services.
//
//   --platform_host=false (default): a bare gRPC server with the services' channel settings;
//     the baseline every service figure is divided by.
//   --platform_host=true: served through services/platform's ServiceHost like a real service
//     (call observer interceptor, Prometheus metrics, one JSON log line per call on stderr,
//     health, reflection), to show what the platform alone costs per call; --call_log=false
//     drops the per-call log line to tell its share.
//
// Prints "listening HOST:PORT" on stdout once serving; stops on SIGTERM or SIGINT.
#include <cstdio>
#include <memory>
#include <string>

#include <grpcpp/grpcpp.h>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/synchronization/mutex.h"
#include "bench/echo.grpc.pb.h"
#include "services/platform/log/json_log.h"
#include "services/platform/server/service_host.h"

ABSL_FLAG(std::string, listen, "127.0.0.1:0", "address to serve on; port 0 picks a free one");
ABSL_FLAG(bool, platform_host, false, "serve through the services' platform ServiceHost");
ABSL_FLAG(std::string, metrics_listen, "off", "with --platform_host: Prometheus address or off");
ABSL_FLAG(bool, call_log, true,
          "with --platform_host: log each call at info, as the services do; false logs warnings "
          "only, to show what the call log costs");

namespace dienhinh::bench {
namespace {

class EchoServiceImpl final : public EchoService::CallbackService {
  grpc::ServerUnaryReactor* Echo(grpc::CallbackServerContext* context, const EchoRequest* request,
                                 EchoResponse* response) override {
    response->set_payload(request->payload());
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }
};

// The channel settings of services/platform/server/service_host.cc, without the rest.
std::unique_ptr<grpc::Server> StartBare(const std::string& address, grpc::Service* service,
                                        int* port) {
  grpc::ServerBuilder builder;
  builder.AddListeningPort(address, grpc::InsecureServerCredentials(), port);
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.SetMaxReceiveMessageSize(8 << 20);
  builder.SetMaxSendMessageSize(8 << 20);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS, 30000);
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS, 10000);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  builder.RegisterService(service);
  return builder.BuildAndStart();
}

std::string HostOf(const std::string& address) { return address.substr(0, address.rfind(':')); }

int Main() {
  platform::BlockTerminationSignals();
  const std::string address = absl::GetFlag(FLAGS_listen);
  EchoServiceImpl service;
  if (absl::GetFlag(FLAGS_platform_host)) {
    platform::SetLogService("bench-echo");
    if (!absl::GetFlag(FLAGS_call_log)) platform::SetLogLevel(platform::LogLevel::kWarning);
    platform::HostOptions options;
    options.service_name = "bench-echo";
    options.listen_address = address;
    options.metrics_address = absl::GetFlag(FLAGS_metrics_listen);
    platform::ServiceHost host(options);
    host.Register(&service);
    if (absl::Status s = host.Start(); !s.ok()) {
      std::fprintf(stderr, "dienhinh-bench-echo-server: %s\n", s.ToString().c_str());
      return 1;
    }
    host.SetServing(true);
    std::printf("listening %s\n", host.address().c_str());
    std::fflush(stdout);
    platform::WaitForTerminationSignal();
    host.Drain();
    return 0;
  }
  int port = 0;
  std::unique_ptr<grpc::Server> server = StartBare(address, &service, &port);
  if (server == nullptr || port == 0) {
    std::fprintf(stderr, "dienhinh-bench-echo-server: cannot listen on %s\n", address.c_str());
    return 1;
  }
  std::printf("listening %s:%d\n", HostOf(address).c_str(), port);
  std::fflush(stdout);
  platform::WaitForTerminationSignal();
  server->Shutdown();
  return 0;
}

}  // namespace
}  // namespace dienhinh::bench

int main(int argc, char** argv) {
  // As in the services' mains: Debian's Abseil leaves the mutex deadlock detector on, and gRPC
  // locks absl mutexes on every call, so a baseline with it on would not be the limit.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  absl::ParseCommandLine(argc, argv);
  return dienhinh::bench::Main();
}
