// What a benchmark phase measured, reduced to the figures the table prints (count, rate,
// percentiles), and the one-line JSON the load tool hands to bench.py.
#ifndef DIENHINH_TOOLS_BENCH_LATENCY_STATS_H_
#define DIENHINH_TOOLS_BENCH_LATENCY_STATS_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"

namespace dienhinh::bench {

struct LatencySummary {
  int64_t count = 0;
  double mean_us = 0;
  double p50_us = 0;
  double p99_us = 0;
  double max_us = 0;
};

// Nearest-rank percentiles of `micros` (sorted in place).
LatencySummary Summarize(std::vector<int64_t>& micros);

// A flat JSON object built field by field; values are numbers, strings or nested objects.
class JsonObject {
 public:
  JsonObject& Add(absl::string_view key, double value);
  JsonObject& Add(absl::string_view key, int64_t value);
  JsonObject& Add(absl::string_view key, int value) { return Add(key, static_cast<int64_t>(value)); }
  JsonObject& Add(absl::string_view key, absl::string_view value);
  JsonObject& Add(absl::string_view key, const char* value) {
    return Add(key, absl::string_view(value));
  }
  JsonObject& Add(absl::string_view key, const JsonObject& value);
  // count, mean_us, p50_us, p99_us, max_us under `key`.
  JsonObject& Add(absl::string_view key, const LatencySummary& value);
  std::string Text() const;

 private:
  std::vector<std::pair<std::string, std::string>> fields_;  // key, JSON text of the value
};

}  // namespace dienhinh::bench

#endif  // DIENHINH_TOOLS_BENCH_LATENCY_STATS_H_
