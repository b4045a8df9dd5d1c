// Unit annual reports in the database: each filing is one transaction holding the report's new
// revision, the revision history row, the AnnualReportFiled event, the audit row and the
// remembered response of its request id (so a retry makes no second revision).
#ifndef DIENHINH_SERVICES_REPORTING_ANNUAL_REPORT_STORE_H_
#define DIENHINH_SERVICES_REPORTING_ANNUAL_REPORT_STORE_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "dienhinh/reporting/v1/reporting_service.pb.h"
#include "services/platform/auth/caller.h"
#include "services/platform/events/event_log.h"
#include "services/platform/plan/plan_file.h"
#include "services/platform/storage/database.h"
#include "services/reporting/compliance_rules.h"
#include "services/reporting/list_requests.h"

namespace dienhinh::reporting {

// ErrorInfo reasons clients may branch on.
inline constexpr char kReasonUnitNotKnown[] = "UNIT_NOT_KNOWN";
inline constexpr char kReasonAnnualReportNotFound[] = "ANNUAL_REPORT_NOT_FOUND";

struct AnnualReportPage {
  std::vector<v1::UnitAnnualReport> reports;
  std::vector<std::string> next_after;  // empty on the last page
};

class AnnualReportStore {
 public:
  AnnualReportStore(platform::Database* db, platform::EventLog* events);

  // Files (revision 1) or amends (the next revision) the report the request names, at `now`.
  // The request is valid (CheckFiling) and authorized. FAILED_PRECONDITION (UNIT_NOT_KNOWN)
  // when the registry's feed has not brought the unit; ABORTED when the etag is stale.
  absl::StatusOr<v1::UnitAnnualReport> File(const platform::Caller& caller,
                                            const v1::FileAnnualReportRequest& request,
                                            const platform::Plan& plan, absl::Time now);

  // The latest revision (revision 0) or an earlier one, with the revisions before it as
  // history. NOT_FOUND when there is no such report or revision.
  absl::StatusOr<v1::UnitAnnualReport> Get(const std::string& name, int revision);

  // Latest revisions, without history.
  absl::StatusOr<AnnualReportPage> List(const AnnualReportQuery& query);

  // The reports filed for a plan and year, by unit name, as compliance reads them.
  static absl::StatusOr<std::map<std::string, FiledReport>> FiledReports(platform::Transaction& tx,
                                                                         const std::string& plan,
                                                                         int start_year);

 private:
  platform::Database* db_;
  platform::EventLog* events_;
};

}  // namespace dienhinh::reporting

#endif  // DIENHINH_SERVICES_REPORTING_ANNUAL_REPORT_STORE_H_
