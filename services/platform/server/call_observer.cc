#include "services/platform/server/call_observer.h"

#include <chrono>

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>
#include <grpcpp/server_context.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "services/platform/log/json_log.h"

namespace dienhinh::platform {
namespace {

using grpc::experimental::InterceptionHookPoints;

const char* CodeName(int code) {
  static const char* const kNames[] = {
      "OK",        "CANCELLED",          "UNKNOWN",           "INVALID_ARGUMENT",
      "DEADLINE_EXCEEDED", "NOT_FOUND",   "ALREADY_EXISTS",    "PERMISSION_DENIED",
      "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED",  "OUT_OF_RANGE",
      "UNIMPLEMENTED", "INTERNAL",        "UNAVAILABLE",       "DATA_LOSS",
      "UNAUTHENTICATED"};
  return code >= 0 && code <= 16 ? kNames[code] : "UNKNOWN";
}

std::string MetadataValue(const std::multimap<grpc::string_ref, grpc::string_ref>& metadata,
                          absl::string_view key) {
  for (const auto& [k, v] : metadata) {
    if (absl::string_view(k.data(), k.size()) == key) return std::string(v.data(), v.size());
  }
  return "";
}

class CallObserver final : public grpc::experimental::Interceptor {
 public:
  CallObserver(grpc::experimental::ServerRpcInfo* info, CallObserverFactory* factory)
      : info_(info), factory_(factory), start_(std::chrono::steady_clock::now()) {}

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_INITIAL_METADATA)) {
      const auto* metadata = methods->GetRecvInitialMetadata();
      if (metadata != nullptr) {
        request_id_ = MetadataValue(*metadata, "x-request-id");
        std::string authorization = MetadataValue(*metadata, "authorization");
        caller_ = factory_->caller_namer() ? factory_->caller_namer()(authorization) : "";
      }
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_MESSAGE) &&
        request_id_.empty() && IsProtobufMethod()) {
      // Creating calls carry request_id in the body (AIP-155); show it in the log line.
      auto* message = static_cast<google::protobuf::Message*>(methods->GetRecvMessage());
      if (message != nullptr) {
        const auto* field = message->GetDescriptor()->FindFieldByName("request_id");
        if (field != nullptr && field->type() == google::protobuf::FieldDescriptor::TYPE_STRING &&
            !field->is_repeated()) {
          request_id_ = message->GetReflection()->GetString(*message, field);
        }
      }
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS)) {
      grpc::Status status = methods->GetSendStatus();
      Finish(status.error_code(), status.error_message());
    }
    methods->Proceed();
  }

 private:
  // Only dienhinh's own methods are known to receive generated protobuf messages; gRPC's
  // built-in health service, for one, receives raw byte buffers.
  bool IsProtobufMethod() const {
    return info_->method() != nullptr && absl::StartsWith(info_->method(), "/dienhinh.");
  }

  void Finish(int code, const std::string& message) {
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    std::string method = info_->method() ? info_->method() : "";
    factory_->Record(method, code, seconds);
    LogFields fields = {{"method", method},
                        {"code", std::string(CodeName(code))},
                        {"duration_ms", seconds * 1000.0},
                        {"caller", caller_},
                        {"request_id", request_id_},
                        {"peer", info_->server_context()->peer()}};
    if (code != 0) fields.emplace_back("error", message);
    // Health probes arrive every few seconds from orchestrators; keep them out of info logs.
    bool probe = absl::StartsWith(method, "/grpc.health.") ||
                 absl::StartsWith(method, "/grpc.reflection.");
    Log(probe ? LogLevel::kDebug : LogLevel::kInfo, "call", fields);
  }

  grpc::experimental::ServerRpcInfo* info_;
  CallObserverFactory* factory_;
  std::chrono::steady_clock::time_point start_;
  std::string request_id_;
  std::string caller_;
};

}  // namespace

CallObserverFactory::CallObserverFactory(std::shared_ptr<prometheus::Registry> registry,
                                         CallerNamer caller_namer)
    : registry_(std::move(registry)),
      calls_(prometheus::BuildCounter()
                 .Name("dienhinh_grpc_server_calls_total")
                 .Help("gRPC calls handled, by method and status code")
                 .Register(*registry_)),
      latency_(prometheus::BuildHistogram()
                   .Name("dienhinh_grpc_server_call_seconds")
                   .Help("time from receiving a call to sending its status, by method")
                   .Register(*registry_)),
      caller_namer_(std::move(caller_namer)) {}

grpc::experimental::Interceptor* CallObserverFactory::CreateServerInterceptor(
    grpc::experimental::ServerRpcInfo* info) {
  return new CallObserver(info, this);
}

CallObserverFactory::MethodMetrics& CallObserverFactory::MetricsOf(const std::string& method) {
  {
    absl::ReaderMutexLock lock(&mu_);
    auto it = methods_.find(method);
    if (it != methods_.end()) return *it->second;
  }
  static const prometheus::Histogram::BucketBoundaries kBuckets = {
      0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5};
  absl::MutexLock lock(&mu_);
  std::unique_ptr<MethodMetrics>& slot = methods_[method];
  if (slot == nullptr) {
    slot = std::make_unique<MethodMetrics>();
    slot->latency = &latency_.Add({{"method", method}}, kBuckets);
  }
  return *slot;
}

void CallObserverFactory::Record(const std::string& method, int code, double seconds) {
  MethodMetrics& metrics = MetricsOf(method);
  const size_t index = code >= 0 && code <= 16 ? static_cast<size_t>(code) : 2;  // UNKNOWN
  prometheus::Counter* calls = metrics.calls[index].load(std::memory_order_acquire);
  if (calls == nullptr) {
    // Two threads may both get here: Add returns the same child to both.
    calls = &calls_.Add({{"method", method}, {"code", CodeName(code)}});
    metrics.calls[index].store(calls, std::memory_order_release);
  }
  calls->Increment();
  metrics.latency->Observe(seconds);
}

}  // namespace dienhinh::platform
