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
// Oversized requests never reach it: gRPC's core refuses a message over the server's maximum
// receive size with RESOURCE_EXHAUSTED before any C++ code of the call runs (see ServiceHost).
//
// Installed by ServiceHost on every service, for the methods under "/dienhinh." (gRPC's health
// and reflection services receive raw byte buffers, not generated messages).
#ifndef DIENHINH_SERVICES_PLATFORM_SERVER_REQUEST_GUARD_H_
#define DIENHINH_SERVICES_PLATFORM_SERVER_REQUEST_GUARD_H_

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
  explicit RequestGuardFactory(std::string method_prefix = "/dienhinh.");

  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override;

 private:
  std::string method_prefix_;
};

// At most this many unknown fields are named in one answer (a request full of them is refused
// the same; the list is for a person reading it).
inline constexpr size_t kMaxNamedUnknownFields = 20;

// Every unknown field in `message` and in the messages inside it, as violations whose field is
// the path of the message holding it and `#number` ("nomination.evidence[2].#17", or "#17" at
// the top), at most kMaxNamedUnknownFields of them. Empty when there is none.
std::vector<FieldViolation> UnknownFieldViolations(const google::protobuf::Message& message);

}  // namespace dienhinh::platform

#endif  // DIENHINH_SERVICES_PLATFORM_SERVER_REQUEST_GUARD_H_
