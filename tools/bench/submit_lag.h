// The lag from submitting a nomination to the rest of the system knowing it: to its evaluation
// existing (followed live on evaluation's event feed) and to reporting's summary counting it
// (GetSummary polled back to back), at a steady submission rate.
//
// The drafts are made first (not timed), then submitted open-loop at `rate` per second:
// submission i is sent at start + i / rate whatever the earlier ones are doing, as independent
// clerks would, so a slow service shows as growing lag instead of a politely lower rate. The
// lag of a submission runs from the moment it is sent.
//
// The summary only says how many nominations it counts, so the k-th acknowledged submission
// (in acknowledgement order, which is commit order up to calls that overlap) is counted at the
// first poll that answers at least k more than before the phase. Give the phase a plan of its
// own so that nothing else moves that count.
#ifndef DIENHINH_TOOLS_BENCH_SUBMIT_LAG_H_
#define DIENHINH_TOOLS_BENCH_SUBMIT_LAG_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "dienhinh/intake/v1/intake_service.pb.h"
#include "tools/bench/latency_stats.h"

namespace dienhinh::bench {

struct SubmitLagOptions {
  std::string intake_target;
  std::string evaluation_target;
  std::string reporting_target;
  std::string token;
  double rate = 1000;                       // submissions per second
  absl::Duration duration = absl::Seconds(5);
  int draft_in_flight = 32;
  int64_t evaluation_after = 0;             // evaluation's feed position to follow from
  std::string summary_plan;                 // plans/{plan} whose summary counts the phase
  absl::Duration settle_timeout = absl::Seconds(60);
  absl::Duration poll_interval = absl::Milliseconds(1);
  // Submissions in flight before sending waits: high enough that a slow intake shows as
  // queueing (lag), not as a lower sending rate.
  int max_outstanding = 50000;
};

JsonObject RunSubmitLag(const SubmitLagOptions& options,
                        const std::vector<intake::v1::CreateNominationRequest>& requests);

}  // namespace dienhinh::bench

#endif  // DIENHINH_TOOLS_BENCH_SUBMIT_LAG_H_
