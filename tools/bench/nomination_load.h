// Nominations under load: the requests come from a JSON Lines file (one
// dienhinh.intake.v1.CreateNominationRequest in proto3 JSON per line, as bench.py writes it from
// the generated national set), each used once, since intake allows one active nomination per
// nominee, category and plan.
#ifndef DIENHINH_TOOLS_BENCH_NOMINATION_LOAD_H_
#define DIENHINH_TOOLS_BENCH_NOMINATION_LOAD_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "dienhinh/intake/v1/intake_service.pb.h"
#include "tools/bench/closed_loop.h"

namespace dienhinh::bench {

absl::StatusOr<std::vector<intake::v1::CreateNominationRequest>> ReadNominationRequests(
    const std::string& path);

// A nomination as CreateNomination left it: what Submit needs.
struct Draft {
  std::string name;
  std::string etag;
  std::string request_id;  // the create's; the submit's is derived from it
};

// Create then Submit, one pair per operation, until the duration ends or the requests run
// out. A pair counts only when the submission is acknowledged, i.e. committed durably; the
// names of those go to `acknowledged` (when not null) for the durability check.
ClosedLoopResult RunCreateSubmitLoad(const std::string& target, const std::string& token,
                                     const ClosedLoopOptions& options,
                                     const std::vector<intake::v1::CreateNominationRequest>& requests,
                                     std::vector<std::string>* acknowledged);

// Creates a draft of every request (the lag phase submits them later at a steady rate).
// Returns the drafts in request order; failed creates are left out (and counted in `result`).
std::vector<Draft> CreateDrafts(const std::string& target, const std::string& token,
                                int in_flight,
                                const std::vector<intake::v1::CreateNominationRequest>& requests,
                                ClosedLoopResult* result);

// The request id of the submission that follows the create with `create_request_id`.
std::string SubmitRequestId(const std::string& create_request_id);

}  // namespace dienhinh::bench

#endif  // DIENHINH_TOOLS_BENCH_NOMINATION_LOAD_H_
