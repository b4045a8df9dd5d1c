// The five exportable reports as documents (export_document.h): what each shows as headline
// figures, table columns and charts, in the words a clerk sends up. Plain C++ over the rules'
// results: no gRPC, no SQL.
#ifndef DIENHINH_SERVICES_REPORTING_REPORT_DOCUMENTS_H_
#define DIENHINH_SERVICES_REPORTING_REPORT_DOCUMENTS_H_

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "dienhinh/reporting/v1/reporting_service.pb.h"
#include "services/platform/plan/plan_file.h"
#include "services/reporting/compliance_rules.h"
#include "services/reporting/export_document.h"
#include "services/reporting/summary_rules.h"

namespace dienhinh::reporting {

struct ExportContext {
  const platform::Plan* plan = nullptr;
  std::optional<int> start_year;  // nullopt: the plan's whole period
  absl::Time generated_at;
  std::map<std::string, std::string> district_names;  // districts/{d} -> display name
  std::map<std::string, std::string> unit_names;      // units/{u} -> display name
};

// Compliance, or (urge_list) only the units whose report is missing, longest overdue first
// within each district. `by_year`: the totals of each plan year, for the chart over the years.
ReportDocument ComplianceDocument(const ExportContext& context, const ComplianceSheet& sheet,
                                  bool urge_list,
                                  const std::vector<std::pair<int, v1::ComplianceTotals>>& by_year);

// `summary` grouped by district × category × level; `by_year`: the totals of each plan year.
ReportDocument SummaryDocument(const ExportContext& context, const v1::Summary& summary,
                               const std::vector<std::pair<int, v1::SummaryRow>>& by_year);

ReportDocument RecognisedModelsDocument(const ExportContext& context,
                                        const std::vector<RecognisedModelEntry>& models);

ReportDocument ReplicationDocument(const ExportContext& context,
                                   const std::vector<v1::ReplicationRecord>& records,
                                   const v1::ReplicationStats& stats);

}  // namespace dienhinh::reporting

#endif  // DIENHINH_SERVICES_REPORTING_REPORT_DOCUMENTS_H_
