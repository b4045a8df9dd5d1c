// The echo baseline: Echo calls with a fixed payload against tools/bench's echo server.
#ifndef DIENHINH_TOOLS_BENCH_ECHO_LOAD_H_
#define DIENHINH_TOOLS_BENCH_ECHO_LOAD_H_

#include <string>

#include "tools/bench/closed_loop.h"

namespace dienhinh::bench {

ClosedLoopResult RunEchoLoad(const std::string& target, const ClosedLoopOptions& options,
                             int payload_bytes);

}  // namespace dienhinh::bench

#endif  // DIENHINH_TOOLS_BENCH_ECHO_LOAD_H_
