// Ends a unary callback call with an absl::Status, converted once (grpc_status.h). Handlers
// read as: `return Reply(context, DoTheWork(...));`
#ifndef DIENHINH_SERVICES_PLATFORM_API_REPLY_H_
#define DIENHINH_SERVICES_PLATFORM_API_REPLY_H_

#include <grpcpp/grpcpp.h>

#include "absl/status/status.h"
#include "services/platform/auth/authenticator.h"
#include "services/platform/status/grpc_status.h"

namespace dienhinh::platform {

inline grpc::ServerUnaryReactor* Reply(grpc::CallbackServerContext* context,
                                       const absl::Status& status) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(ToGrpcStatus(status));
  return reactor;
}

// The common shape of a handler: authenticate the call (UNAUTHENTICATED otherwise), then reply
// with what `work(caller)` returns.
template <typename Work>
grpc::ServerUnaryReactor* ReplyAuthenticated(grpc::CallbackServerContext* context,
                                             const Authenticator& authenticator, Work&& work) {
  absl::StatusOr<Caller> caller = authenticator.Authenticate(*context);
  if (!caller.ok()) return Reply(context, caller.status());
  return Reply(context, work(*caller));
}

}  // namespace dienhinh::platform

#endif  // DIENHINH_SERVICES_PLATFORM_API_REPLY_H_
