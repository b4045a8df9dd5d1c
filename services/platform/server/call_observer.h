// Watches every call a server handles, without the handlers' help: one JSON log line per call
// (method, code, duration, caller, request id, peer) and Prometheus metrics (calls by method and
// code, a latency histogram by method). Installed as a gRPC server interceptor by ServiceHost.
#ifndef DIENHINH_SERVICES_PLATFORM_SERVER_CALL_OBSERVER_H_
#define DIENHINH_SERVICES_PLATFORM_SERVER_CALL_OBSERVER_H_

#include <array>
#include <atomic>
#include <functional>
#include <memory>
#include <string>

#include <grpcpp/support/server_interceptor.h>
#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"

namespace dienhinh::platform {

// Names who is calling, for the logs, from the value of the `authorization` header (empty
// when absent). It must not fail the call: authentication is the handler's job.
using CallerNamer = std::function<std::string(absl::string_view authorization)>;

class CallObserverFactory final : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  CallObserverFactory(std::shared_ptr<prometheus::Registry> registry, CallerNamer caller_namer);

  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override;

  void Record(const std::string& method, int code, double seconds);
  const CallerNamer& caller_namer() const { return caller_namer_; }

 private:
  // A method's metrics, found once: Family::Add builds a label map, hashes it and locks the
  // family, which on a short call costs as much as the rest of its bookkeeping.
  struct MethodMetrics {
    prometheus::Histogram* latency = nullptr;
    std::array<std::atomic<prometheus::Counter*>, 17> calls{};  // by status code, 0-16
  };
  MethodMetrics& MetricsOf(const std::string& method);

  std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Family<prometheus::Counter>& calls_;
  prometheus::Family<prometheus::Histogram>& latency_;
  CallerNamer caller_namer_;
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, std::unique_ptr<MethodMetrics>> methods_ ABSL_GUARDED_BY(mu_);
};

}  // namespace dienhinh::platform

#endif  // DIENHINH_SERVICES_PLATFORM_SERVER_CALL_OBSERVER_H_
