// A closed-loop load: `in_flight` slots, each starting its next operation the moment its last
// one ends, for a fixed time. This is how the issue's targets are phrased ("with 32 calls in
// flight"): the rate it reaches is the server's capacity at that concurrency, and the latency
// is what each caller waits under it.
//
//   ClosedLoopResult r = RunClosedLoop({.in_flight = 32, .duration = absl::Seconds(5)},
//       [&](int slot, ClosedLoopDone done) {
//         stub->async()->Echo(ctx, &req, &resp, done);   // done(status) exactly once
//         return true;                                   // false: no more work for this slot
//       });
#ifndef DIENHINH_TOOLS_BENCH_CLOSED_LOOP_H_
#define DIENHINH_TOOLS_BENCH_CLOSED_LOOP_H_

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "absl/time/time.h"
#include "tools/bench/latency_stats.h"

namespace dienhinh::bench {

using ClosedLoopDone = std::function<void(const grpc::Status&)>;
// Starts one operation of `slot` (its calls are async and may chain) and calls `done` exactly
// once when the operation ends, from any thread. Returns false, without calling `done`, when
// there is no more work; the slot then stops. A slot's operations never overlap, so state kept
// per slot needs no lock.
using Operation = std::function<bool(int slot, ClosedLoopDone done)>;

struct ClosedLoopOptions {
  int in_flight = 32;
  absl::Duration duration = absl::Seconds(5);
  // A slot whose operation fails stops (used while a service is killed on purpose); otherwise
  // it goes on with its next operation.
  bool stop_slot_on_error = false;
};

struct ClosedLoopResult {
  int64_t ok = 0;
  int64_t errors = 0;
  // From the first start to the last operation's end (the tail after the duration included).
  double seconds = 0;
  // The load tool's own CPU (user + system, every thread) over the same span: what the client
  // side took of the machine, which on two cores the services did not have.
  double cpu_seconds = 0;
  LatencySummary latency;  // of the operations that succeeded
  std::map<std::string, int64_t> errors_by_code;
  std::string first_error;

  double rate() const { return seconds > 0 ? static_cast<double>(ok) / seconds : 0; }
  // ok, errors, seconds, cpu_s, rate, latency, errors by code, first error.
  JsonObject ToJson() const;
};

ClosedLoopResult RunClosedLoop(const ClosedLoopOptions& options, const Operation& operation);

// The name of a gRPC status code, for error counts.
std::string CodeName(grpc::StatusCode code);

}  // namespace dienhinh::bench

#endif  // DIENHINH_TOOLS_BENCH_CLOSED_LOOP_H_
