// Replication (nhân rộng): a unit taking up a recognised model. What a record must hold, and
// the counts per model (the models taken up most first) and per district. Plain C++.
#ifndef DIENHINH_SERVICES_REPORTING_REPLICATION_RULES_H_
#define DIENHINH_SERVICES_REPORTING_REPLICATION_RULES_H_

#include <optional>
#include <string>
#include <vector>

#include "dienhinh/reporting/v1/reporting_service.pb.h"
#include "services/platform/status/error_details.h"

namespace dienhinh::reporting {

// Field violations of a create request (paths from the request's root).
void CheckReplicationRecord(const v1::CreateReplicationRecordRequest& request,
                            platform::ViolationList& violations);

// A stored record with what the stats group by.
struct ReplicationFacts {
  v1::ReplicationRecord record;
  ::dienhinh::type::v1::Category category = ::dienhinh::type::v1::CATEGORY_UNSPECIFIED;
  std::string nominee_display_name;  // of the model
};

struct ReplicationFilter {
  std::string district;  // of the adopting unit
  std::optional<::dienhinh::type::v1::Category> category;  // of the model
};

// Per model: records, distinct adopting units and their distinct districts, the most taken-up
// first (ties in Vietnamese order of the nominee, then by name); per district: records and
// distinct models, by district name.
v1::ReplicationStats ComputeReplicationStats(const std::string& plan,
                                             const std::vector<ReplicationFacts>& facts,
                                             const ReplicationFilter& filter);

}  // namespace dienhinh::reporting

#endif  // DIENHINH_SERVICES_REPORTING_REPLICATION_RULES_H_
