// Runs one service's gRPC server with what every dienhinh service has: the callback API,
// grpc.health.v1 (NOT_SERVING until the service says it is ready, and again while draining),
// server reflection, Prometheus metrics over HTTP, one JSON log line per call, message size
// limits, and a graceful drain within a deadline.
//
//   ServiceHost host(options);
//   host.Register(&registry_service);
//   if (auto s = host.Start(); !s.ok()) ...
//   host.SetServing(true);          // after migrations, consumers started, ...
//   WaitForTerminationSignal();
//   host.Drain();
#ifndef DIENHINH_SERVICES_PLATFORM_SERVER_SERVICE_HOST_H_
#define DIENHINH_SERVICES_PLATFORM_SERVER_SERVICE_HOST_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <grpcpp/grpcpp.h>
#include <prometheus/registry.h>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "services/platform/server/call_observer.h"
#include "services/platform/server/worker_pool.h"

namespace prometheus {
class Exposer;
}

namespace dienhinh::platform {

struct HostOptions {
  std::string service_name;      // "registry", ... (logs, metrics)
  std::string listen_address;    // "127.0.0.1:50051"; port 0 picks a free one (tests)
  std::string metrics_address;   // "127.0.0.1:9101"; empty or "off": no metrics endpoint
  int max_message_bytes = 8 << 20;
  absl::Duration drain_timeout = absl::Seconds(10);
  // Threads that run the handlers' work off gRPC's callback threads (worker_pool.h).
  int worker_threads = WorkerPool::kDefaultMaxThreads;
  // Calls that may wait for a worker; past that a call is RESOURCE_EXHAUSTED (OVERLOADED).
  int max_queued_calls = WorkerPool::kDefaultMaxQueued;
  // Insecure when null; TLS / mutual TLS credentials otherwise.
  std::shared_ptr<grpc::ServerCredentials> credentials;
  CallerNamer caller_namer;
};

class ServiceHost {
 public:
  explicit ServiceHost(HostOptions options);
  ~ServiceHost();
  ServiceHost(const ServiceHost&) = delete;
  ServiceHost& operator=(const ServiceHost&) = delete;

  // Before Start. The service must outlive the host.
  void Register(grpc::Service* service);
  // Called first thing on Drain, before the server stops taking calls: long-lived streams
  // (event feeds) end themselves here so the drain does not wait for them.
  void OnDrain(std::function<void()> callback);

  absl::Status Start();
  // The port actually bound (useful with port 0).
  int port() const { return port_; }
  std::string address() const;

  void SetServing(bool serving);
  // Health NOT_SERVING, stream callbacks, then stops taking calls and waits for the in-flight
  // ones up to the drain timeout (cancelling what is left), then for the workers to finish
  // their tasks. Safe to call twice.
  void Drain();

  // Where handlers run their work (api/reply.h). Usable from construction on; after Drain a
  // task runs on the thread that submits it.
  WorkerPool& workers() { return workers_; }

  const std::shared_ptr<prometheus::Registry>& metrics() const { return metrics_; }
  // Adds metrics read at each scrape (after Start; nothing when metrics are off).
  void AddCollectable(const std::shared_ptr<prometheus::Collectable>& collectable);
  // The metrics endpoint's bound port (useful with port 0); 0 when there is none.
  int metrics_port() const;
  const HostOptions& options() const { return options_; }

 private:
  HostOptions options_;
  std::vector<grpc::Service*> services_;
  std::vector<std::function<void()>> drain_callbacks_;
  std::shared_ptr<prometheus::Registry> metrics_;
  std::unique_ptr<prometheus::Exposer> exposer_;
  std::unique_ptr<grpc::Server> server_;
  WorkerPool workers_;
  int port_ = 0;
  bool drained_ = false;
};

// Blocks SIGTERM and SIGINT in this thread and in every thread started after it, so that
// WaitForTerminationSignal receives them. Call first thing in main.
void BlockTerminationSignals();
// Waits for SIGTERM or SIGINT and returns its name.
std::string WaitForTerminationSignal();

}  // namespace dienhinh::platform

#endif  // DIENHINH_SERVICES_PLATFORM_SERVER_SERVICE_HOST_H_
