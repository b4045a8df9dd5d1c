// The reports as the rules compute them from what the stores hold, each read inside one
// transaction the caller holds (a List call and an export read the same way, so an exported
// file shows what the API shows).
#ifndef DIENHINH_SERVICES_REPORTING_REPORT_READS_H_
#define DIENHINH_SERVICES_REPORTING_REPORT_READS_H_

#include <optional>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "dienhinh/reporting/v1/reporting_service.pb.h"
#include "services/platform/plan/plan_file.h"
#include "services/platform/storage/database.h"
#include "services/reporting/compliance_rules.h"
#include "services/reporting/replication_rules.h"
#include "services/reporting/summary_rules.h"

namespace dienhinh::reporting {

absl::StatusOr<ComplianceSheet> ReadCompliance(platform::Transaction& tx, const platform::Plan& plan,
                                               int start_year, absl::Time now,
                                               const ComplianceFilter& filter, ComplianceOrder order);

// The totals of every year of the plan (for the chart over the years).
absl::StatusOr<std::vector<std::pair<int, v1::ComplianceTotals>>> ReadComplianceByYear(
    platform::Transaction& tx, const platform::Plan& plan, absl::Time now,
    const ComplianceFilter& filter);

// The summary with as_of set to the newest upstream event applied, from the counts the read
// model keeps (summary_counts.h): its cost follows the plan's districts, categories and levels,
// not its nominations.
absl::StatusOr<v1::Summary> ReadSummary(platform::Transaction& tx, const platform::Plan& plan,
                                        std::optional<int> start_year,
                                        const std::vector<v1::SummaryDimension>& group_by,
                                        const SummaryFilter& filter);

// The total of every year of the plan.
absl::StatusOr<std::vector<std::pair<int, v1::SummaryRow>>> ReadSummaryByYear(
    platform::Transaction& tx, const platform::Plan& plan, const SummaryFilter& filter);

absl::StatusOr<std::vector<RecognisedModelEntry>> ReadRecognisedModels(
    platform::Transaction& tx, const platform::Plan& plan, const RecognisedModelFilter& filter,
    RecognisedModelOrder order);

// The stats, and the records they count (filtered the same way), oldest take-up first.
absl::StatusOr<std::pair<v1::ReplicationStats, std::vector<v1::ReplicationRecord>>> ReadReplication(
    platform::Transaction& tx, const platform::Plan& plan, const ReplicationFilter& filter);

}  // namespace dienhinh::reporting

#endif  // DIENHINH_SERVICES_REPORTING_REPORT_READS_H_
