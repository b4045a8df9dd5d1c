#include "tools/bench/latency_stats.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "services/platform/log/json_log.h"

namespace dienhinh::bench {
namespace {

// The value below which `fraction` of the sorted samples lie (nearest rank).
double Percentile(const std::vector<int64_t>& sorted, double fraction) {
  if (sorted.empty()) return 0;
  size_t rank = static_cast<size_t>(std::ceil(fraction * static_cast<double>(sorted.size())));
  rank = std::clamp<size_t>(rank, 1, sorted.size());
  return static_cast<double>(sorted[rank - 1]);
}

}  // namespace

LatencySummary Summarize(std::vector<int64_t>& micros) {
  LatencySummary s;
  if (micros.empty()) return s;
  std::sort(micros.begin(), micros.end());
  s.count = static_cast<int64_t>(micros.size());
  s.mean_us = std::accumulate(micros.begin(), micros.end(), 0.0) / static_cast<double>(s.count);
  s.p50_us = Percentile(micros, 0.50);
  s.p99_us = Percentile(micros, 0.99);
  s.max_us = static_cast<double>(micros.back());
  return s;
}

JsonObject& JsonObject::Add(absl::string_view key, double value) {
  // JSON has no NaN or infinity; a phase that measured nothing says 0.
  fields_.emplace_back(std::string(key),
                       std::isfinite(value) ? absl::StrFormat("%.3f", value) : std::string("0"));
  return *this;
}

JsonObject& JsonObject::Add(absl::string_view key, int64_t value) {
  fields_.emplace_back(std::string(key), absl::StrCat(value));
  return *this;
}

JsonObject& JsonObject::Add(absl::string_view key, absl::string_view value) {
  std::string text;
  platform::AppendJsonString(text, value);
  fields_.emplace_back(std::string(key), std::move(text));
  return *this;
}

JsonObject& JsonObject::Add(absl::string_view key, const JsonObject& value) {
  fields_.emplace_back(std::string(key), value.Text());
  return *this;
}

JsonObject& JsonObject::Add(absl::string_view key, const LatencySummary& value) {
  JsonObject o;
  o.Add("count", value.count)
      .Add("mean_us", value.mean_us)
      .Add("p50_us", value.p50_us)
      .Add("p99_us", value.p99_us)
      .Add("max_us", value.max_us);
  return Add(key, o);
}

std::string JsonObject::Text() const {
  std::string out = "{";
  for (size_t i = 0; i < fields_.size(); ++i) {
    if (i > 0) out += ", ";
    platform::AppendJsonString(out, fields_[i].first);
    absl::StrAppend(&out, ": ", fields_[i].second);
  }
  return out + "}";
}

}  // namespace dienhinh::bench
