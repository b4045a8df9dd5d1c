#include "services/platform/server/request_guard.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/unknown_field_set.h>
#include <grpcpp/server_context.h>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "services/platform/status/grpc_status.h"

namespace dienhinh::platform {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;
using google::protobuf::UnknownField;
using grpc::experimental::InterceptionHookPoints;
using grpc::experimental::ServerRpcInfo;

const char* WireTypeName(UnknownField::Type type) {
  switch (type) {
    case UnknownField::TYPE_VARINT: return "varint";
    case UnknownField::TYPE_FIXED32: return "fixed32";
    case UnknownField::TYPE_FIXED64: return "fixed64";
    case UnknownField::TYPE_LENGTH_DELIMITED: return "length-delimited";
    case UnknownField::TYPE_GROUP: return "group";
  }
  return "unknown";
}

std::string Join(const std::string& path, const std::string& part) {
  return path.empty() ? part : absl::StrCat(path, ".", part);
}

void CollectUnknown(const Message& message, const std::string& path,
                    std::vector<FieldViolation>& out) {
  const Reflection* reflection = message.GetReflection();
  const auto& unknown = reflection->GetUnknownFields(message);
  for (int i = 0; i < unknown.field_count() && out.size() < kMaxNamedUnknownFields; ++i) {
    const UnknownField& field = unknown.field(i);
    out.push_back({Join(path, absl::StrCat("#", field.number())),
                   absl::StrCat("field number ", field.number(), " (", WireTypeName(field.type()),
                                ") is not a field of ", message.GetDescriptor()->full_name(),
                                " on this server; remove it, or call a server that knows it")});
  }
  std::vector<const FieldDescriptor*> fields;
  reflection->ListFields(message, &fields);
  for (const FieldDescriptor* field : fields) {
    if (out.size() >= kMaxNamedUnknownFields) return;
    if (field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) continue;
    if (!field->is_repeated()) {
      CollectUnknown(reflection->GetMessage(message, field), Join(path, field->name()), out);
      continue;
    }
    int size = reflection->FieldSize(message, field);
    for (int i = 0; i < size && out.size() < kMaxNamedUnknownFields; ++i) {
      CollectUnknown(reflection->GetRepeatedMessage(message, field, i),
                     Join(path, absl::StrCat(field->name(), "[", i, "]")), out);
    }
  }
}

// "/dienhinh.registry.v1.RegistryService/ListUnits" -> its request type's full name, or the
// method itself when the descriptor pool does not know it.
std::string RequestTypeOf(const char* method) {
  if (method == nullptr) return "the request message";
  std::string full = absl::StrReplaceAll(absl::string_view(method).substr(1), {{"/", "."}});
  const auto* descriptor =
      google::protobuf::DescriptorPool::generated_pool()->FindMethodByName(full);
  return descriptor != nullptr ? descriptor->input_type()->full_name()
                               : absl::StrCat("the request of ", method);
}

absl::Status Unparsable(const char* method) {
  return WithReason(
      InvalidArgument(
          absl::StrCat("the request is not a valid ", RequestTypeOf(method),
                       ": a string field holds invalid UTF-8, messages are nested deeper than "
                       "protobuf's limit of 100, or the bytes are not this message; nothing was "
                       "done"),
          {}),
      "REQUEST_UNPARSABLE");
}

absl::Status UnknownFields(const Message& message, const std::vector<FieldViolation>& violations) {
  std::string text = absl::StrCat("the request carries fields that ",
                                  message.GetDescriptor()->full_name(),
                                  " does not have on this server (a newer client, or a wrong "
                                  "field number); nothing was done");
  for (const FieldViolation& v : violations) absl::StrAppend(&text, "; ", v.field);
  return WithReason(InvalidArgument(text, violations), "UNKNOWN_FIELD");
}

class RequestGuard final : public grpc::experimental::Interceptor {
 public:
  RequestGuard(ServerRpcInfo* info, bool guarded) : info_(info), guarded_(guarded) {}

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (guarded_) {
      if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_MESSAGE)) {
        Inspect(methods);
      }
      if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS) &&
          !refusal_.ok()) {
        methods->ModifySendStatus(ToGrpcStatus(refusal_));
      }
    }
    methods->Proceed();
  }

 private:
  // Unary and server-streaming calls carry one request, parsed before the handler is chosen.
  bool SingleRequest() const {
    return info_->type() == ServerRpcInfo::Type::UNARY ||
           info_->type() == ServerRpcInfo::Type::SERVER_STREAMING;
  }

  void Inspect(grpc::experimental::InterceptorBatchMethods* methods) {
    if (!refusal_.ok()) return;
    const auto* message = static_cast<const Message*>(methods->GetRecvMessage());
    if (message == nullptr) {
      // The one request did not parse: gRPC will not run the handler and answers by itself.
      // In a client stream a message that does not parse looks exactly like the end of the
      // stream here (gRPC 1.51 gives no way to tell them apart), so nothing is said of it.
      if (SingleRequest()) refusal_ = Unparsable(info_->method());
      return;
    }
    std::vector<FieldViolation> violations = UnknownFieldViolations(*message);
    if (violations.empty()) return;
    refusal_ = UnknownFields(*message, violations);
    if (SingleRequest() &&
        methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_INITIAL_METADATA)) {
      // The handler still runs; without credentials it refuses the call before doing anything.
      methods->GetRecvInitialMetadata()->erase("authorization");
    } else {
      info_->server_context()->TryCancel();
    }
  }

  ServerRpcInfo* info_;
  bool guarded_;
  absl::Status refusal_;
};

}  // namespace

std::vector<FieldViolation> UnknownFieldViolations(const Message& message) {
  std::vector<FieldViolation> out;
  CollectUnknown(message, "", out);
  return out;
}

RequestGuardFactory::RequestGuardFactory(std::string method_prefix)
    : method_prefix_(std::move(method_prefix)) {}

grpc::experimental::Interceptor* RequestGuardFactory::CreateServerInterceptor(
    ServerRpcInfo* info) {
  bool guarded = info->method() != nullptr && absl::StartsWith(info->method(), method_prefix_);
  return new RequestGuard(info, guarded);
}

}  // namespace dienhinh::platform
