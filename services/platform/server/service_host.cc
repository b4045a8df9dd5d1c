#include "services/platform/server/service_host.h"

#include <signal.h>

#include <exception>

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <prometheus/exposer.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "services/platform/log/json_log.h"
#include "services/platform/server/request_guard.h"

namespace dienhinh::platform {

ServiceHost::ServiceHost(HostOptions options)
    : options_(std::move(options)),
      metrics_(std::make_shared<prometheus::Registry>()),
      workers_(options_.worker_threads, options_.max_queued_calls) {}

ServiceHost::~ServiceHost() { Drain(); }

void ServiceHost::Register(grpc::Service* service) { services_.push_back(service); }

void ServiceHost::OnDrain(std::function<void()> callback) {
  drain_callbacks_.push_back(std::move(callback));
}

void ServiceHost::AddCollectable(const std::shared_ptr<prometheus::Collectable>& collectable) {
  if (exposer_ != nullptr) exposer_->RegisterCollectable(collectable);
}

absl::Status ServiceHost::Start() {
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();

  if (!options_.metrics_address.empty() && options_.metrics_address != "off") {
    try {
      exposer_ = std::make_unique<prometheus::Exposer>(options_.metrics_address);
      exposer_->RegisterCollectable(metrics_);
    } catch (const std::exception& e) {
      return absl::UnavailableError(
          absl::StrCat("metrics endpoint ", options_.metrics_address, ": ", e.what()));
    }
  }

  grpc::ServerBuilder builder;
  auto credentials = options_.credentials ? options_.credentials : grpc::InsecureServerCredentials();
  builder.AddListeningPort(options_.listen_address, credentials, &port_);
  // Two processes on one port would split the calls between them: refuse instead.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  // The core reads up to twice the limit so the guard can say what is too large (request_guard.h).
  builder.SetMaxReceiveMessageSize(TransportReceiveLimit(options_.max_message_bytes));
  builder.SetMaxSendMessageSize(options_.max_message_bytes);
  // Keep idle streams (event feeds) alive through NATs and load balancers, and let clients
  // ping them.
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS, 30000);
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS, 10000);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  for (grpc::Service* service : services_) builder.RegisterService(service);
  // The guard comes first: a server runs its interceptors in reverse order on what arrives and
  // in order on what leaves, so the observer logs the request as it came and the status as the
  // guard rewrote it.
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> interceptors;
  interceptors.push_back(std::make_unique<RequestGuardFactory>(
      "/dienhinh.", static_cast<size_t>(options_.max_message_bytes)));
  interceptors.push_back(std::make_unique<CallObserverFactory>(metrics_, options_.caller_namer));
  builder.experimental().SetInterceptorCreators(std::move(interceptors));

  server_ = builder.BuildAndStart();
  if (server_ == nullptr || port_ == 0) {
    server_.reset();
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", options_.listen_address, " (in use, or a bad address)"));
  }
  SetServing(false);
  LogInfo("listening", {{"address", address()},
                        {"metrics", exposer_ ? options_.metrics_address : std::string("off")}});
  return absl::OkStatus();
}

std::string ServiceHost::address() const {
  std::string host = options_.listen_address.substr(0, options_.listen_address.rfind(':'));
  return absl::StrCat(host, ":", port_);
}

int ServiceHost::metrics_port() const {
  if (exposer_ == nullptr) return 0;
  std::vector<int> ports = exposer_->GetListeningPorts();
  return ports.empty() ? 0 : ports.front();
}

void ServiceHost::SetServing(bool serving) {
  if (server_ == nullptr || drained_) return;
  server_->GetHealthCheckService()->SetServingStatus(serving);
  if (serving) LogInfo("serving");
}

void ServiceHost::Drain() {
  if (server_ == nullptr || drained_) {
    workers_.Drain();
    return;
  }
  drained_ = true;
  LogInfo("draining", {{"timeout_ms", absl::ToInt64Milliseconds(options_.drain_timeout)}});
  // Shutdown() of the health service turns every status NOT_SERVING and freezes it there.
  server_->GetHealthCheckService()->Shutdown();
  for (auto& callback : drain_callbacks_) callback();
  server_->Shutdown(std::chrono::system_clock::now() +
                    absl::ToChronoMilliseconds(options_.drain_timeout));
  server_->Wait();
  // A unary call is done only once its reactor is finished, and the workers finish them: the
  // server's Shutdown has already waited for every task that answers a call. What is left are
  // tasks just returning; join them so none runs past the objects the services own.
  workers_.Drain();
  LogInfo("stopped");
}

void BlockTerminationSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

std::string WaitForTerminationSignal() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  int signal = 0;
  sigwait(&set, &signal);
  return signal == SIGTERM ? "SIGTERM" : "SIGINT";
}

}  // namespace dienhinh::platform
