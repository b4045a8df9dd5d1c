// Ends a unary callback call with an absl::Status, converted once (grpc_status.h). Handlers
// read as: `return Reply(context, DoTheWork(...));`
#ifndef DIENHINH_SERVICES_PLATFORM_API_REPLY_H_
#define DIENHINH_SERVICES_PLATFORM_API_REPLY_H_

#include <grpcpp/grpcpp.h>

#include "absl/status/status.h"
#include "services/platform/status/grpc_status.h"

namespace dienhinh::platform {

inline grpc::ServerUnaryReactor* Reply(grpc::CallbackServerContext* context,
                                       const absl::Status& status) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(ToGrpcStatus(status));
  return reactor;
}

}  // namespace dienhinh::platform

#endif  // DIENHINH_SERVICES_PLATFORM_API_REPLY_H_
