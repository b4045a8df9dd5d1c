// Reads of the registry under load: GetUnit over a list of unit names, and ListUnits paging
// through the whole directory (each slot follows its own next_page_token, starting over at the
// end), the two reads every other service and every client screen make most.
#ifndef DIENHINH_TOOLS_BENCH_REGISTRY_LOAD_H_
#define DIENHINH_TOOLS_BENCH_REGISTRY_LOAD_H_

#include <string>
#include <vector>

#include "tools/bench/closed_loop.h"

namespace dienhinh::bench {

// Slot i starts at names[i * names.size() / in_flight] and walks on, so the slots read
// different units.
ClosedLoopResult RunGetUnitLoad(const std::string& target, const std::string& token,
                                const ClosedLoopOptions& options,
                                const std::vector<std::string>& names);

ClosedLoopResult RunListUnitsLoad(const std::string& target, const std::string& token,
                                  const ClosedLoopOptions& options, int page_size);

}  // namespace dienhinh::bench

#endif  // DIENHINH_TOOLS_BENCH_REGISTRY_LOAD_H_
