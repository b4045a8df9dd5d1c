// Watches every call a server handles, without the handlers' help: one JSON log line per call
// (method, code, duration, caller, request id, peer) and Prometheus metrics (calls by method and
// code, a latency histogram by method). Installed as a gRPC server interceptor by ServiceHost.
#ifndef DIENHINH_SERVICES_PLATFORM_SERVER_CALL_OBSERVER_H_
#define DIENHINH_SERVICES_PLATFORM_SERVER_CALL_OBSERVER_H_

#include <functional>
#include <memory>
#include <string>

#include <grpcpp/support/server_interceptor.h>
#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include "absl/strings/string_view.h"

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
  std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Family<prometheus::Counter>& calls_;
  prometheus::Family<prometheus::Histogram>& latency_;
  CallerNamer caller_namer_;
};

}  // namespace dienhinh::platform

#endif  // DIENHINH_SERVICES_PLATFORM_SERVER_CALL_OBSERVER_H_
