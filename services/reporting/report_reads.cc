#include "services/reporting/report_reads.h"

#include "google/protobuf/util/time_util.h"
#include "services/reporting/annual_report_store.h"
#include "services/reporting/read_model_queries.h"
#include "services/reporting/replication_store.h"
#include "services/reporting/summary_counts.h"

namespace dienhinh::reporting {

absl::StatusOr<ComplianceSheet> ReadCompliance(platform::Transaction& tx, const platform::Plan& plan,
                                               int start_year, absl::Time now,
                                               const ComplianceFilter& filter, ComplianceOrder order) {
  auto units = LoadUnitsBoundBy(tx, plan);
  if (!units.ok()) return units.status();
  auto reports = AnnualReportStore::FiledReports(tx, plan.name(), start_year);
  if (!reports.ok()) return reports.status();
  return BuildCompliance(plan, start_year, *units, *reports, now, filter, order);
}

absl::StatusOr<std::vector<std::pair<int, v1::ComplianceTotals>>> ReadComplianceByYear(
    platform::Transaction& tx, const platform::Plan& plan, absl::Time now,
    const ComplianceFilter& filter) {
  auto units = LoadUnitsBoundBy(tx, plan);
  if (!units.ok()) return units.status();
  std::vector<std::pair<int, v1::ComplianceTotals>> out;
  for (const auto& year : plan.school_years()) {
    auto reports = AnnualReportStore::FiledReports(tx, plan.name(), year.start_year());
    if (!reports.ok()) return reports.status();
    auto sheet = BuildCompliance(plan, year.start_year(), *units, *reports, now, filter,
                                 ComplianceOrder::kUnitDisplayName);
    if (!sheet.ok()) return sheet.status();
    out.emplace_back(year.start_year(), sheet->totals);
  }
  return out;
}

absl::StatusOr<v1::Summary> ReadSummary(platform::Transaction& tx, const platform::Plan& plan,
                                        std::optional<int> start_year,
                                        const std::vector<v1::SummaryDimension>& group_by,
                                        const SummaryFilter& filter) {
  auto cells = LoadSummaryCells(tx, plan.name(), start_year, filter);
  if (!cells.ok()) return cells.status();
  v1::Summary summary = SummarizeCells(plan.name(), start_year, group_by, *cells, filter);
  auto newest = NewestEventTime(tx);
  if (!newest.ok()) return newest.status();
  if (*newest) {
    *summary.mutable_as_of() = ::google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(
        absl::ToUnixMicros(**newest));
  }
  return summary;
}

absl::StatusOr<std::vector<std::pair<int, v1::SummaryRow>>> ReadSummaryByYear(
    platform::Transaction& tx, const platform::Plan& plan, const SummaryFilter& filter) {
  std::vector<std::pair<int, v1::SummaryRow>> out;
  for (const auto& year : plan.school_years()) {
    auto cells = LoadSummaryCells(tx, plan.name(), year.start_year(), filter);
    if (!cells.ok()) return cells.status();
    v1::Summary s = SummarizeCells(plan.name(), year.start_year(), {}, *cells, filter);
    out.emplace_back(year.start_year(), s.total());
  }
  return out;
}

absl::StatusOr<std::vector<RecognisedModelEntry>> ReadRecognisedModels(
    platform::Transaction& tx, const platform::Plan& plan, const RecognisedModelFilter& filter,
    RecognisedModelOrder order) {
  auto models = LoadRecognisedModels(tx, plan.name());
  if (!models.ok()) return models.status();
  return SelectRecognisedModels(std::move(*models), filter, order);
}

absl::StatusOr<std::pair<v1::ReplicationStats, std::vector<v1::ReplicationRecord>>> ReadReplication(
    platform::Transaction& tx, const platform::Plan& plan, const ReplicationFilter& filter) {
  auto facts = ReplicationStore::LoadFacts(tx, plan.name());
  if (!facts.ok()) return facts.status();
  std::vector<v1::ReplicationRecord> records;
  for (const ReplicationFacts& f : *facts) {
    if (!filter.district.empty() && f.record.district() != filter.district) continue;
    if (filter.category && f.category != *filter.category) continue;
    records.push_back(f.record);
  }
  return std::make_pair(ComputeReplicationStats(plan.name(), *facts, filter), std::move(records));
}

}  // namespace dienhinh::reporting
