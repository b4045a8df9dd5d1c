// The event flow as Prometheus sees it, read at each scrape rather than kept in gauges: the
// newest sequence this service's log holds, and for each feed it follows the position it has
// applied, whether its subscription is open, and how many events it parked. An operator reads
// a consumer's lag as the upstream's dienhinh_event_log_last_sequence minus this position.
#ifndef DIENHINH_SERVICES_PLATFORM_RUNTIME_EVENT_METRICS_H_
#define DIENHINH_SERVICES_PLATFORM_RUNTIME_EVENT_METRICS_H_

#include <memory>
#include <vector>

#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

#include "absl/synchronization/mutex.h"
#include "services/platform/events/event_consumer.h"
#include "services/platform/events/event_log.h"

namespace dienhinh::platform {

class EventMetrics : public prometheus::Collectable {
 public:
  // Neither the log nor the consumers are owned: the runtime calls Detach() before it
  // destroys them, and a scrape after that reports nothing.
  EventMetrics(EventLog* log, std::vector<EventConsumer*> consumers)
      : log_(log), consumers_(std::move(consumers)) {}

  std::vector<prometheus::MetricFamily> Collect() const override;
  void Detach();

 private:
  mutable absl::Mutex mutex_;
  EventLog* log_ ABSL_GUARDED_BY(mutex_);
  std::vector<EventConsumer*> consumers_ ABSL_GUARDED_BY(mutex_);
};

}  // namespace dienhinh::platform

#endif  // DIENHINH_SERVICES_PLATFORM_RUNTIME_EVENT_METRICS_H_
