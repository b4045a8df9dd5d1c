// How the load tool reaches a service: one channel per target on loopback (plaintext, as
// scripts/run serves), and a context per call with the bearer token and a deadline.
#ifndef DIENHINH_TOOLS_BENCH_CALLS_H_
#define DIENHINH_TOOLS_BENCH_CALLS_H_

#include <memory>
#include <string>

#include <grpcpp/grpcpp.h>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace dienhinh::bench {

std::shared_ptr<grpc::Channel> LoopbackChannel(const std::string& target);

// A fresh context (gRPC contexts serve one call) carrying `token` when it is not empty.
std::unique_ptr<grpc::ClientContext> NewCallContext(const std::string& token,
                                                    absl::Duration deadline = absl::Seconds(30));

// The token in `path` without surrounding white space; empty path: no token.
absl::StatusOr<std::string> ReadToken(const std::string& path);

}  // namespace dienhinh::bench

#endif  // DIENHINH_TOOLS_BENCH_CALLS_H_
