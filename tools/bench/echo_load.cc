#include "tools/bench/echo_load.h"

#include <memory>
#include <vector>

#include "bench/echo.grpc.pb.h"
#include "tools/bench/calls.h"

namespace dienhinh::bench {
namespace {

struct EchoSlot {
  std::unique_ptr<grpc::ClientContext> context;
  EchoResponse response;
};

}  // namespace

ClosedLoopResult RunEchoLoad(const std::string& target, const ClosedLoopOptions& options,
                             int payload_bytes) {
  auto stub = EchoService::NewStub(LoopbackChannel(target));
  EchoRequest request;
  request.set_payload(std::string(static_cast<size_t>(payload_bytes), 'x'));
  std::vector<EchoSlot> slots(options.in_flight);
  return RunClosedLoop(options, [&](int slot, ClosedLoopDone done) {
    EchoSlot& s = slots[slot];
    s.context = NewCallContext("");
    stub->async()->Echo(s.context.get(), &request, &s.response, std::move(done));
    return true;
  });
}

}  // namespace dienhinh::bench
