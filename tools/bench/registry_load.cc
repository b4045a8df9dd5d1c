#include "tools/bench/registry_load.h"

#include <memory>

#include "dienhinh/registry/v1/registry_service.grpc.pb.h"
#include "tools/bench/calls.h"

namespace dienhinh::bench {
namespace {

using registry::v1::RegistryService;

struct GetUnitSlot {
  std::unique_ptr<grpc::ClientContext> context;
  registry::v1::GetUnitRequest request;
  registry::v1::Unit response;
  size_t next = 0;
};

struct ListUnitsSlot {
  std::unique_ptr<grpc::ClientContext> context;
  registry::v1::ListUnitsRequest request;
  registry::v1::ListUnitsResponse response;
};

}  // namespace

ClosedLoopResult RunGetUnitLoad(const std::string& target, const std::string& token,
                                const ClosedLoopOptions& options,
                                const std::vector<std::string>& names) {
  auto stub = RegistryService::NewStub(LoopbackChannel(target));
  std::vector<GetUnitSlot> slots(options.in_flight);
  for (size_t i = 0; i < slots.size(); ++i) slots[i].next = i * names.size() / slots.size();
  return RunClosedLoop(options, [&](int slot, ClosedLoopDone done) {
    if (names.empty()) return false;
    GetUnitSlot& s = slots[slot];
    s.request.set_name(names[s.next]);
    s.next = (s.next + 1) % names.size();
    s.context = NewCallContext(token);
    stub->async()->GetUnit(s.context.get(), &s.request, &s.response, std::move(done));
    return true;
  });
}

ClosedLoopResult RunListUnitsLoad(const std::string& target, const std::string& token,
                                  const ClosedLoopOptions& options, int page_size) {
  auto stub = RegistryService::NewStub(LoopbackChannel(target));
  std::vector<ListUnitsSlot> slots(options.in_flight);
  return RunClosedLoop(options, [&](int slot, ClosedLoopDone done) {
    ListUnitsSlot& s = slots[slot];
    s.request.set_page_size(page_size);
    // The previous page's token; empty after the last page (or at first), which starts over.
    s.request.set_page_token(s.response.next_page_token());
    s.context = NewCallContext(token);
    stub->async()->ListUnits(s.context.get(), &s.request, &s.response, std::move(done));
    return true;
  });
}

}  // namespace dienhinh::bench
