#include "services/platform/server/request_guard.h"

#include <algorithm>
#include <limits>

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

// The encoded size of `field` in `message`, and of its largest element when it is repeated.
struct FieldSize {
  size_t total = 0;
  size_t largest = 0;
  int largest_index = -1;
};

size_t ElementSize(const Message& message, const FieldDescriptor* field, int index) {
  const Reflection* reflection = message.GetReflection();
  std::string scratch;
  switch (field->cpp_type()) {
    case FieldDescriptor::CPPTYPE_MESSAGE:
      return index < 0 ? reflection->GetMessage(message, field).ByteSizeLong()
                       : reflection->GetRepeatedMessage(message, field, index).ByteSizeLong();
    case FieldDescriptor::CPPTYPE_STRING:
      return index < 0 ? reflection->GetStringReference(message, field, &scratch).size()
                       : reflection->GetRepeatedStringReference(message, field, index, &scratch)
                             .size();
    default:
      return 8;  // a scalar: never what makes a request large, but it counts
  }
}

FieldSize SizeOf(const Message& message, const FieldDescriptor* field) {
  FieldSize size;
  if (!field->is_repeated()) {
    size.total = size.largest = ElementSize(message, field, -1);
    return size;
  }
  int count = message.GetReflection()->FieldSize(message, field);
  for (int i = 0; i < count; ++i) {
    size_t n = ElementSize(message, field, i);
    size.total += n;
    if (size.largest_index < 0 || n > size.largest) {
      size.largest = n;
      size.largest_index = i;
    }
  }
  return size;
}

absl::Status TooLarge(const Message& message, size_t size, size_t limit) {
  std::string field = LargestFieldPath(message);
  std::string text = absl::StrCat("the request is ", size, " bytes, over this server's limit of ",
                                  limit, " (--max_message_bytes); nothing was done");
  if (!field.empty()) absl::StrAppend(&text, "; the largest part is ", field);
  return WithReason(
      InvalidArgument(text, {{field.empty() ? std::string("request") : field,
                              absl::StrCat("makes the request larger than ", limit,
                                           " bytes; send less in one request")}}),
      "REQUEST_TOO_LARGE");
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
  RequestGuard(ServerRpcInfo* info, bool guarded, size_t max_request_bytes)
      : info_(info), guarded_(guarded), max_request_bytes_(max_request_bytes) {}

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
    if (max_request_bytes_ != SIZE_MAX) {
      size_t size = message->ByteSizeLong();
      if (size > max_request_bytes_) {
        Refuse(methods, TooLarge(*message, size, max_request_bytes_));
        return;
      }
    }
    std::vector<FieldViolation> violations = UnknownFieldViolations(*message);
    if (violations.empty()) return;
    Refuse(methods, UnknownFields(*message, violations));
  }

  void Refuse(grpc::experimental::InterceptorBatchMethods* methods, absl::Status refusal) {
    refusal_ = std::move(refusal);
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
  size_t max_request_bytes_;
  absl::Status refusal_;
};

}  // namespace

std::vector<FieldViolation> UnknownFieldViolations(const Message& message) {
  std::vector<FieldViolation> out;
  CollectUnknown(message, "", out);
  return out;
}

std::string LargestFieldPath(const Message& message) {
  std::string path;
  const Message* at = &message;
  // Protobuf parses at most 100 levels; the bound only guards against a cycle of reasoning.
  for (int depth = 0; at != nullptr && depth < 100; ++depth) {
    const Reflection* reflection = at->GetReflection();
    std::vector<const FieldDescriptor*> fields;
    reflection->ListFields(*at, &fields);
    const FieldDescriptor* largest = nullptr;
    FieldSize largest_size;
    for (const FieldDescriptor* field : fields) {
      FieldSize size = SizeOf(*at, field);
      if (largest == nullptr || size.total > largest_size.total) {
        largest = field;
        largest_size = size;
      }
    }
    if (largest == nullptr) break;
    if (!largest->is_repeated()) {
      path = Join(path, largest->name());
      at = largest->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE
               ? &reflection->GetMessage(*at, largest)
               : nullptr;
      continue;
    }
    path = Join(path, absl::StrCat(largest->name(), "[", largest_size.largest_index, "]"));
    at = largest->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE
             ? &reflection->GetRepeatedMessage(*at, largest, largest_size.largest_index)
             : nullptr;
  }
  return path;
}

int TransportReceiveLimit(int max_message_bytes) {
  constexpr int64_t kMax = std::numeric_limits<int>::max();
  return static_cast<int>(std::min<int64_t>(2 * static_cast<int64_t>(max_message_bytes), kMax));
}

RequestGuardFactory::RequestGuardFactory(std::string method_prefix, size_t max_request_bytes)
    : method_prefix_(std::move(method_prefix)), max_request_bytes_(max_request_bytes) {}

grpc::experimental::Interceptor* RequestGuardFactory::CreateServerInterceptor(
    ServerRpcInfo* info) {
  bool guarded = info->method() != nullptr && absl::StartsWith(info->method(), method_prefix_);
  return new RequestGuard(info, guarded, max_request_bytes_);
}

}  // namespace dienhinh::platform
