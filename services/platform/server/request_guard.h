// Refuses, before any handler acts on it, a request that dienhinh must not act on, and answers
// INVALID_ARGUMENT with google.rpc details instead of what gRPC would say:
//  - a request that does not parse (a string field holding invalid UTF-8, messages nested past
//    protobuf's recursion limit of 100, bytes that are not the message): gRPC 1.51's callback
//    server answers UNIMPLEMENTED with no message and never runs the handler; the guard only
//    rewrites that answer (reason REQUEST_UNPARSABLE).
//  - a request that carries fields this server does not know (a newer client, a typo'd field
//    number): protobuf keeps them as unknown fields and the handler would silently ignore them.
//    The guard walks the message's unknown field sets and names each one, by number and path, as
//    a BadRequest field violation (reason UNKNOWN_FIELD).
// A server interceptor cannot stop a handler from running, so for a unary or server-streaming
// call the guard removes the call's `authorization` header before the handler sees the request:
// every dienhinh handler authenticates before it does anything, so the handler refuses the call
// untouched and the guard replaces that answer with its own. For a message inside a client
// stream (ImportRecords) the guard cancels the call instead, which such handlers treat as
// "apply nothing"; the client then sees CANCELLED.
//
//  - a request larger than the service's --max_message_bytes: INVALID_ARGUMENT (reason
//    REQUEST_TOO_LARGE), naming the field that makes it large ("nomination.description", the
//    largest field at each level) and both sizes. gRPC's core refuses a message before any C++
//    code runs, with RESOURCE_EXHAUSTED and no details, so ServiceHost lets the core read up to
//    TransportReceiveLimit() (twice the limit) and the guard refuses what lies between. Past
//    that the core's refusal stands: a stranger cannot make the server buffer an unbounded
//    message just to be told it is too large.
//
// Installed by ServiceHost on every service, for the methods under "/dienhinh." (gRPC's health
// and reflection services receive raw byte buffers, not generated messages).
#ifndef DIENHINH_SERVICES_PLATFORM_SERVER_REQUEST_GUARD_H_
#define DIENHINH_SERVICES_PLATFORM_SERVER_REQUEST_GUARD_H_

#include <cstdint>
#include <string>
#include <vector>

#include <google/protobuf/message.h>
#include <grpcpp/support/server_interceptor.h>

#include "services/platform/status/error_details.h"

namespace dienhinh::platform {

class RequestGuardFactory final : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  // Guards the methods whose full name ("/package.Service/Method") starts with `method_prefix`;
  // each of them must take generated protobuf messages.
  // A request whose encoded size is over `max_request_bytes` is refused.
  explicit RequestGuardFactory(std::string method_prefix = "/dienhinh.",
                               size_t max_request_bytes = SIZE_MAX);

  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override;

 private:
  std::string method_prefix_;
  size_t max_request_bytes_;
};

// What gRPC's core may read of one request when the service accepts `max_message_bytes`: twice
// that (at most INT_MAX), so the guard can answer for a request over the limit.
int TransportReceiveLimit(int max_message_bytes);

// At most this many unknown fields are named in one answer (a request full of them is refused
// the same; the list is for a person reading it).
inline constexpr size_t kMaxNamedUnknownFields = 20;

// Every unknown field in `message` and in the messages inside it, as violations whose field is
// the path of the message holding it and `#number` ("nomination.evidence[2].#17", or "#17" at
// the top), at most kMaxNamedUnknownFields of them. Empty when there is none.
std::vector<FieldViolation> UnknownFieldViolations(const google::protobuf::Message& message);

// The path to what makes `message` large: its largest set field, and inside that (a message, or
// the largest element of a repeated field) the largest again, down to a scalar or string
// ("nomination.evidence[2].note"). Empty for a message with no set field.
std::string LargestFieldPath(const google::protobuf::Message& message);

}  // namespace dienhinh::platform

#endif  // DIENHINH_SERVICES_PLATFORM_SERVER_REQUEST_GUARD_H_
