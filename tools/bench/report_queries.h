// What the department office reads from reporting: the summary of a plan (GetSummary, grouped
// by district, category and level) and the compliance list of a plan's school year
// (ListCompliance, first page with its totals over every unit).
#ifndef DIENHINH_TOOLS_BENCH_REPORT_QUERIES_H_
#define DIENHINH_TOOLS_BENCH_REPORT_QUERIES_H_

#include <string>

#include "tools/bench/closed_loop.h"

namespace dienhinh::bench {

// `nominations` (when not null) gets the summary's total count of the last answer, and
// `units` the compliance totals' count of units, to say at what size the latency was measured.
ClosedLoopResult RunSummaryLoad(const std::string& target, const std::string& token,
                                const ClosedLoopOptions& options, const std::string& plan,
                                int64_t* nominations);
ClosedLoopResult RunComplianceLoad(const std::string& target, const std::string& token,
                                   const ClosedLoopOptions& options, const std::string& plan,
                                   int school_year_start, int page_size, int64_t* units);

}  // namespace dienhinh::bench

#endif  // DIENHINH_TOOLS_BENCH_REPORT_QUERIES_H_
