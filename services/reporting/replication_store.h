// Replication records (nhân rộng) in the database: a record is created in one transaction with
// its ReplicationRecorded event, its audit row and the remembered response of its request id.
#ifndef DIENHINH_SERVICES_REPORTING_REPLICATION_STORE_H_
#define DIENHINH_SERVICES_REPORTING_REPLICATION_STORE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "dienhinh/reporting/v1/reporting_service.pb.h"
#include "services/platform/auth/caller.h"
#include "services/platform/events/event_log.h"
#include "services/platform/storage/database.h"
#include "services/reporting/list_requests.h"
#include "services/reporting/replication_rules.h"

namespace dienhinh::reporting {

inline constexpr char kReasonModelNotRecognised[] = "MODEL_NOT_RECOGNISED";
inline constexpr char kReasonModelRevoked[] = "MODEL_REVOKED";

struct ReplicationPage {
  std::vector<v1::ReplicationRecord> records;
  std::vector<std::string> next_after;  // empty on the last page
};

class ReplicationStore {
 public:
  ReplicationStore(platform::Database* db, platform::EventLog* events);

  // Records that a unit took up a model. The request is valid and authorized for the adopting
  // unit. FAILED_PRECONDITION when the model is not recognised (MODEL_NOT_RECOGNISED), its
  // recognition was revoked (MODEL_REVOKED), or the adopting unit is not known (UNIT_NOT_KNOWN).
  absl::StatusOr<v1::ReplicationRecord> Create(const platform::Caller& caller,
                                               const v1::CreateReplicationRecordRequest& request,
                                               absl::Time now);

  absl::StatusOr<ReplicationPage> List(const ReplicationQuery& query);

  // Every record of a plan, with the model's category and nominee, for the stats.
  static absl::StatusOr<std::vector<ReplicationFacts>> LoadFacts(platform::Transaction& tx,
                                                                 const std::string& plan);

 private:
  platform::Database* db_;
  platform::EventLog* events_;
};

}  // namespace dienhinh::reporting

#endif  // DIENHINH_SERVICES_REPORTING_REPLICATION_STORE_H_
