// What the reporting service's List and Get methods ask for, read from their `filter`,
// `order_by`, `page_size` and `page_token`: plain values for the rules and the stores. Anything
// not understood is INVALID_ARGUMENT with a field violation naming the request field. No gRPC,
// no SQL.
#ifndef DIENHINH_SERVICES_REPORTING_LIST_REQUESTS_H_
#define DIENHINH_SERVICES_REPORTING_LIST_REQUESTS_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "dienhinh/reporting/v1/reporting_service.pb.h"
#include "services/reporting/compliance_rules.h"
#include "services/reporting/replication_rules.h"
#include "services/reporting/summary_rules.h"

namespace dienhinh::reporting {

// Keyset paging over any list: how many, and after which sort key.
struct PageRequest {
  int page_size = 100;
  std::vector<std::string> after;  // empty for the first page
  std::string digest;              // of method, filter and order, for the next token
};

struct ComplianceRequest {
  ComplianceFilter filter;
  ComplianceOrder order = ComplianceOrder::kUnitDisplayName;
  PageRequest page;
};
// Filter fields: district, kind, level, status, site. Orders: unit_display_name, district,
// days_overdue desc.
absl::StatusOr<ComplianceRequest> ParseComplianceRequest(const v1::ListComplianceRequest& request);
// The same filter, as ExportReport takes it.
absl::StatusOr<ComplianceFilter> ParseComplianceFilter(const std::string& filter);

// Filter fields: district, category, level, site.
absl::StatusOr<SummaryFilter> ParseSummaryFilter(const std::string& filter);

struct RecognisedModelRequest {
  RecognisedModelFilter filter;
  RecognisedModelOrder order = RecognisedModelOrder::kNomineeDisplayName;
  PageRequest page;
};
// Filter fields: district, category, field, level, school_year, site. Orders:
// nominee_display_name, decision_date, adoptions desc.
absl::StatusOr<RecognisedModelRequest> ParseRecognisedModelRequest(
    const v1::ListRecognisedModelsRequest& request);
absl::StatusOr<RecognisedModelFilter> ParseRecognisedModelFilter(const std::string& filter);

// Filter fields: district, category.
absl::StatusOr<ReplicationFilter> ParseReplicationStatsFilter(const std::string& filter);

enum class AnnualReportOrder { kFirstFileTime, kUnitDisplayName };
struct AnnualReportQuery {
  std::string unit;  // units/{unit}; empty for every unit (parent units/-)
  std::string plan;
  std::optional<int> start_year;
  std::string district;
  std::optional<int> unit_kind;
  std::optional<int> timeliness;
  std::string site;
  AnnualReportOrder order = AnnualReportOrder::kFirstFileTime;
  PageRequest page;
};
// Parent units/{unit} or units/-. Filter fields: plan, school_year, district, unit_kind,
// timeliness, site. Orders: first_file_time, unit_display_name.
absl::StatusOr<AnnualReportQuery> ParseAnnualReportQuery(const v1::ListAnnualReportsRequest& request);

enum class ReplicationOrder { kAdoptedOnDesc, kCreateTime };
struct ReplicationQuery {
  std::string plan;
  std::string model;
  std::string adopting_unit;
  std::string district;
  ReplicationOrder order = ReplicationOrder::kAdoptedOnDesc;
  PageRequest page;
};
// Filter fields: plan, model, adopting_unit, district. Orders: adopted_on desc, create_time.
absl::StatusOr<ReplicationQuery> ParseReplicationQuery(
    const v1::ListReplicationRecordsRequest& request);

// The window of `entries` (sorted by their `sort_key` member) after `page.after`, at most
// page_size long, and the key to resume after when more follow (empty when none).
template <typename Entry>
std::pair<std::vector<const Entry*>, std::vector<std::string>> TakePage(
    const std::vector<Entry>& entries, const PageRequest& page) {
  std::vector<const Entry*> out;
  size_t i = 0;
  if (!page.after.empty()) {
    while (i < entries.size() && !(page.after < entries[i].sort_key)) ++i;
  }
  for (; i < entries.size() && static_cast<int>(out.size()) < page.page_size; ++i) {
    out.push_back(&entries[i]);
  }
  std::vector<std::string> next;
  if (i < entries.size() && !out.empty()) next = out.back()->sort_key;
  return {std::move(out), std::move(next)};
}

}  // namespace dienhinh::reporting

#endif  // DIENHINH_SERVICES_REPORTING_LIST_REQUESTS_H_
