#include "services/platform/runtime/event_metrics.h"

#include <algorithm>
#include <string>

namespace dienhinh::platform {
namespace {

prometheus::MetricFamily Family(std::string name, std::string help, prometheus::MetricType type) {
  prometheus::MetricFamily family;
  family.name = std::move(name);
  family.help = std::move(help);
  family.type = type;
  return family;
}

prometheus::ClientMetric Labelled(const EventConsumer& consumer) {
  prometheus::ClientMetric metric;
  metric.label = {{"consumer", consumer.name()}, {"target", consumer.target()}};
  return metric;
}

}  // namespace

void EventMetrics::Detach() {
  absl::MutexLock lock(&mutex_);
  log_ = nullptr;
  consumers_.clear();
}

std::vector<prometheus::MetricFamily> EventMetrics::Collect() const {
  absl::MutexLock lock(&mutex_);
  if (log_ == nullptr) return {};
  auto last = Family("dienhinh_event_log_last_sequence",
                     "sequence of the newest event in this service's log (0 when empty)",
                     prometheus::MetricType::Gauge);
  prometheus::ClientMetric head;
  head.gauge.value = static_cast<double>(log_->LastSequence());
  last.metric.push_back(head);

  auto position = Family("dienhinh_event_consumer_position",
                         "sequence of the last upstream event applied (or parked) and committed",
                         prometheus::MetricType::Gauge);
  auto connected = Family("dienhinh_event_consumer_connected",
                          "1 while the subscription to the upstream feed is open",
                          prometheus::MetricType::Gauge);
  auto parked = Family("dienhinh_event_consumer_dead_letters_total",
                       "events parked as dead letters since the process started",
                       prometheus::MetricType::Counter);
  for (EventConsumer* consumer : consumers_) {
    prometheus::ClientMetric p = Labelled(*consumer);
    p.gauge.value = static_cast<double>(std::max<int64_t>(consumer->cursor(), 0));
    position.metric.push_back(p);
    prometheus::ClientMetric c = Labelled(*consumer);
    c.gauge.value = consumer->connected() ? 1 : 0;
    connected.metric.push_back(c);
    prometheus::ClientMetric d = Labelled(*consumer);
    d.counter.value = static_cast<double>(consumer->dead_letters());
    parked.metric.push_back(d);
  }
  std::vector<prometheus::MetricFamily> families = {last};
  if (!consumers_.empty()) {
    families.push_back(position);
    families.push_back(connected);
    families.push_back(parked);
  }
  return families;
}

}  // namespace dienhinh::platform
