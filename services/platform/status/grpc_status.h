// The one place where absl::Status becomes grpc::Status and back. Servers convert what a
// handler returns with ToGrpcStatus; clients convert what a call returns with FromGrpcStatus.
// The google.rpc.Status in the details always carries an ErrorInfo (reason, domain), and the
// BadRequest field violations when the handler gave them.
#ifndef DIENHINH_SERVICES_PLATFORM_STATUS_GRPC_STATUS_H_
#define DIENHINH_SERVICES_PLATFORM_STATUS_GRPC_STATUS_H_

#include <grpcpp/support/status.h>

#include "absl/status/status.h"

namespace dienhinh::platform {

grpc::Status ToGrpcStatus(const absl::Status& status);
absl::Status FromGrpcStatus(const grpc::Status& status);

}  // namespace dienhinh::platform

#endif  // DIENHINH_SERVICES_PLATFORM_STATUS_GRPC_STATUS_H_
