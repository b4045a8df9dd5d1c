#include "tools/bench/report_queries.h"

#include <memory>
#include <vector>

#include "dienhinh/reporting/v1/reporting_service.grpc.pb.h"
#include "tools/bench/calls.h"

namespace dienhinh::bench {
namespace {

using reporting::v1::ReportingService;

template <typename Response>
struct QuerySlot {
  std::unique_ptr<grpc::ClientContext> context;
  Response response;
};

}  // namespace

ClosedLoopResult RunSummaryLoad(const std::string& target, const std::string& token,
                                const ClosedLoopOptions& options, const std::string& plan,
                                int64_t* nominations) {
  auto stub = ReportingService::NewStub(LoopbackChannel(target));
  reporting::v1::GetSummaryRequest request;
  request.set_plan(plan);
  std::vector<QuerySlot<reporting::v1::Summary>> slots(options.in_flight);
  ClosedLoopResult result = RunClosedLoop(options, [&](int slot, ClosedLoopDone done) {
    auto& s = slots[slot];
    s.context = NewCallContext(token);
    stub->async()->GetSummary(s.context.get(), &request, &s.response, std::move(done));
    return true;
  });
  if (nominations != nullptr) *nominations = slots.front().response.total().nominations();
  return result;
}

ClosedLoopResult RunComplianceLoad(const std::string& target, const std::string& token,
                                   const ClosedLoopOptions& options, const std::string& plan,
                                   int school_year_start, int page_size, int64_t* units) {
  auto stub = ReportingService::NewStub(LoopbackChannel(target));
  reporting::v1::ListComplianceRequest request;
  request.set_plan(plan);
  request.mutable_school_year()->set_start_year(school_year_start);
  request.set_page_size(page_size);
  std::vector<QuerySlot<reporting::v1::ListComplianceResponse>> slots(options.in_flight);
  ClosedLoopResult result = RunClosedLoop(options, [&](int slot, ClosedLoopDone done) {
    auto& s = slots[slot];
    s.context = NewCallContext(token);
    stub->async()->ListCompliance(s.context.get(), &request, &s.response, std::move(done));
    return true;
  });
  if (units != nullptr) *units = slots.front().response.totals().units();
  return result;
}

}  // namespace dienhinh::bench
