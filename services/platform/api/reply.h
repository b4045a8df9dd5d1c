// Ends a unary callback call with an absl::Status, converted once (grpc_status.h). Handlers
// read as: `return Reply(context, DoTheWork(...));`, or, for work that waits (the database, a
// call to another service), `return ReplyAuthenticated(context, authenticator, workers,
// [this, request, response](const Caller& caller) { return DoTheWork(...); });` which runs the
// work on a WorkerPool thread and finishes the call from there (server/worker_pool.h says why).
// A read by key passes the runtime's lookups() as `workers` instead: over SQLite that pool runs
// the work on gRPC's own thread, where it costs less than the hop (ServiceRuntime::lookups).
//
// The work of the pooled forms runs after the handler has returned: it must capture by value
// (the request and response pointers stay valid until the call is finished, the handler's
// local variables do not).
#ifndef DIENHINH_SERVICES_PLATFORM_API_REPLY_H_
#define DIENHINH_SERVICES_PLATFORM_API_REPLY_H_

#include <grpcpp/grpcpp.h>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "services/platform/auth/authenticator.h"
#include "services/platform/server/worker_pool.h"
#include "services/platform/status/error_details.h"
#include "services/platform/status/grpc_status.h"

namespace dienhinh::platform {

inline grpc::ServerUnaryReactor* Reply(grpc::CallbackServerContext* context,
                                       const absl::Status& status) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(ToGrpcStatus(status));
  return reactor;
}

// What a call refused for want of a worker is told (reason OVERLOADED).
inline absl::Status Overloaded(int max_queued) {
  return WithReason(absl::ResourceExhaustedError(absl::StrCat(
                        "the service is overloaded: ", max_queued,
                        " calls already wait for a worker; nothing was done, retry later "
                        "with backoff")),
                    "OVERLOADED");
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

// Replies with what `work()` returns, run on `workers`. A call cancelled while it waited for a
// worker (the client gave up, its deadline passed, the server is draining) is not worked on.
// When the workers' queue is full the call is refused at once, untouched: RESOURCE_EXHAUSTED,
// reason OVERLOADED (a client retries it later, with backoff).
template <typename Work>
grpc::ServerUnaryReactor* Reply(grpc::CallbackServerContext* context, WorkerPool& workers,
                                Work work) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  const bool accepted = workers.TryRun([context, reactor, work = std::move(work)]() mutable {
    if (context->IsCancelled()) {
      reactor->Finish(grpc::Status(grpc::StatusCode::CANCELLED, "cancelled before it was served"));
      return;
    }
    reactor->Finish(ToGrpcStatus(work()));
  });
  if (!accepted) reactor->Finish(ToGrpcStatus(Overloaded(workers.max_queued())));
  return reactor;
}

// Authenticates on the calling (gRPC) thread, which is cheap and refuses bad tokens without a
// hop, then replies with what `work(caller)` returns, run on `workers`.
template <typename Work>
grpc::ServerUnaryReactor* ReplyAuthenticated(grpc::CallbackServerContext* context,
                                             const Authenticator& authenticator,
                                             WorkerPool& workers, Work work) {
  absl::StatusOr<Caller> caller = authenticator.Authenticate(*context);
  if (!caller.ok()) return Reply(context, caller.status());
  return Reply(context, workers,
               [caller = *std::move(caller), work = std::move(work)]() mutable {
                 return work(static_cast<const Caller&>(caller));
               });
}

}  // namespace dienhinh::platform

#endif  // DIENHINH_SERVICES_PLATFORM_API_REPLY_H_
