// ReportingService.ExportReport: the report read in one transaction, laid out as a document
// (report_documents.h), rendered as CSV, JSON or HTML, and streamed in chunks. The first chunk
// carries what the file is; each chunk says how many rows are in the file up to its end.
#include <algorithm>
#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "services/platform/api/reply.h"
#include "services/platform/auth/authorization.h"
#include "services/platform/status/error_details.h"
#include "services/platform/status/grpc_status.h"
#include "services/reporting/annual_report_rules.h"
#include "services/reporting/list_requests.h"
#include "services/reporting/read_model_queries.h"
#include "services/reporting/report_documents.h"
#include "services/reporting/report_reads.h"
#include "services/reporting/reporting_service.h"

namespace dienhinh::reporting {
namespace {

using platform::Caller;
using platform::Role;
using platform::Transaction;

// Writes prepared chunks one after another; deletes itself when the call is done. Created
// idle: Send or Fail starts it, from any thread (gRPC holds what a reactor starts before the
// handler has returned it, and replays it once bound).
class ChunkWriter final : public grpc::ServerWriteReactor<v1::ExportChunk> {
 public:
  void Send(std::vector<v1::ExportChunk> chunks) {
    chunks_ = std::move(chunks);
    Next();
  }
  void Fail(const absl::Status& status) { Finish(platform::ToGrpcStatus(status)); }

  void OnWriteDone(bool ok) override {
    if (!ok) {
      // The client went away (or the server is draining): nothing more to send.
      Finish(grpc::Status(grpc::StatusCode::CANCELLED, "the export stream was interrupted"));
      return;
    }
    Next();
  }
  void OnDone() override { delete this; }

 private:
  void Next() {
    if (next_ == chunks_.size()) {
      Finish(grpc::Status::OK);
      return;
    }
    StartWrite(&chunks_[next_++]);
  }

  std::vector<v1::ExportChunk> chunks_;
  size_t next_ = 0;
};

struct FileFormat {
  const char* content_type;
  const char* extension;
};

FileFormat FormatOf(v1::ExportFormat format) {
  switch (format) {
    case v1::EXPORT_FORMAT_CSV: return {"text/csv; charset=utf-8", "csv"};
    case v1::EXPORT_FORMAT_JSON: return {"application/json", "json"};
    default: return {"text/html; charset=utf-8", "html"};
  }
}

std::vector<v1::ExportChunk> Chunk(const std::string& file, const ReportDocument& document,
                                   v1::ExportMetadata metadata, int chunk_bytes) {
  std::vector<v1::ExportChunk> chunks;
  const int64_t rows = static_cast<int64_t>(document.json_rows.size());
  metadata.set_total_rows(rows);
  size_t offset = 0;
  do {
    size_t length = std::min(file.size() - offset, static_cast<size_t>(chunk_bytes));
    v1::ExportChunk chunk;
    chunk.set_data(file.substr(offset, length));
    offset += length;
    if (chunks.empty()) *chunk.mutable_metadata() = metadata;
    // Rows are spread evenly over the file; the last chunk holds them all.
    chunk.set_rows_written(offset == file.size() ? rows
                                                 : static_cast<int64_t>(rows * offset / file.size()));
    chunks.push_back(std::move(chunk));
  } while (offset < file.size());
  return chunks;
}

}  // namespace

grpc::ServerWriteReactor<v1::ExportChunk>* ReportingService::ExportReport(
    grpc::CallbackServerContext* context, const v1::ExportReportRequest* request) {
  auto* writer = new ChunkWriter();
  auto caller = runtime_->authenticator().Authenticate(*context);
  if (!caller.ok()) {
    writer->Fail(caller.status());
    return writer;
  }
  // Reading and laying out a report takes a while: on the workers, not gRPC's callback thread.
  runtime_->workers().Run([this, context, request, writer, caller = *std::move(caller)] {
    if (context->IsCancelled()) {
      writer->Fail(absl::CancelledError("cancelled before it was served"));
      return;
    }
    auto chunks = Export(caller, *request);
    if (!chunks.ok()) {
      writer->Fail(chunks.status());
      return;
    }
    writer->Send(std::move(*chunks));
  });
  return writer;
}

absl::StatusOr<std::vector<v1::ExportChunk>> ReportingService::Export(
    const Caller& caller, const v1::ExportReportRequest& request) {
  platform::ViolationList violations;
  if (request.kind() == v1::REPORT_KIND_UNSPECIFIED || !v1::ReportKind_IsValid(request.kind())) {
    violations.Add("kind", "is required: compliance, urge list, summary, recognised models or replication");
  }
  if (request.format() == v1::EXPORT_FORMAT_UNSPECIFIED || !v1::ExportFormat_IsValid(request.format())) {
    violations.Add("format", "is required: CSV, JSON or HTML");
  }
  const platform::Plan* plan = nullptr;
  if (auto found = PlanOf(request.plan(), "plan"); found.ok()) {
    plan = *found;
  } else {
    for (const auto& v : platform::FieldViolationsOf(found.status())) violations.Add(v.field, v.description);
  }
  const bool per_unit = request.kind() == v1::REPORT_KIND_COMPLIANCE ||
                        request.kind() == v1::REPORT_KIND_URGE_LIST;
  std::optional<int> year;
  if (request.has_school_year() && request.school_year().start_year() != 0) {
    year = request.school_year().start_year();
    if (plan != nullptr) {
      const auto& years = plan->school_years();
      if (std::none_of(years.begin(), years.end(),
                       [&](const auto& y) { return y.start_year() == *year; })) {
        violations.Add("school_year", absl::StrCat(SchoolYearText(*year), " is not a year of ", plan->name()));
      }
    }
  } else if (per_unit) {
    violations.Add("school_year", "is required for compliance and the urge list");
  }
  if (per_unit && plan != nullptr && !plan->has_annual_report()) {
    violations.Add("plan", absl::StrCat(plan->name(), " asks for no annual report"));
  }
  if (!violations.empty()) return violations.ToStatus("the export request has invalid fields");

  if (per_unit && caller.role == Role::kUnitOfficer) {
    return platform::WithReason(
        absl::PermissionDeniedError(absl::StrCat(
            "unit_officer \"", caller.subject,
            "\" may not export the compliance of every unit: it is the department office's list")),
        "PERMISSION_DENIED");
  }

  ExportContext context;
  context.plan = plan;
  context.start_year = year;
  context.generated_at = Now();
  ReportDocument document;
  absl::Status read = platform::RunInTransaction(runtime_->db(), platform::TxMode::kRead, [&](Transaction& tx) {
    auto districts = LoadDistrictNames(tx);
    if (!districts.ok()) return districts.status();
    context.district_names = std::move(*districts);
    auto units = LoadUnits(tx);
    if (!units.ok()) return units.status();
    for (const RegisteredUnit& u : *units) context.unit_names.emplace(u.name, u.display_name);
    switch (request.kind()) {
      case v1::REPORT_KIND_COMPLIANCE:
      case v1::REPORT_KIND_URGE_LIST: {
        auto filter = ParseComplianceFilter(request.filter());
        if (!filter.ok()) return filter.status();
        auto sheet = ReadCompliance(tx, *plan, *year, context.generated_at, *filter,
                                    ComplianceOrder::kUnitDisplayName);
        if (!sheet.ok()) return sheet.status();
        std::vector<std::pair<int, v1::ComplianceTotals>> by_year;
        if (request.kind() == v1::REPORT_KIND_COMPLIANCE) {
          auto years = ReadComplianceByYear(tx, *plan, context.generated_at, *filter);
          if (!years.ok()) return years.status();
          by_year = std::move(*years);
        }
        document = ComplianceDocument(context, *sheet, request.kind() == v1::REPORT_KIND_URGE_LIST,
                                      by_year);
        return absl::OkStatus();
      }
      case v1::REPORT_KIND_SUMMARY: {
        auto filter = ParseSummaryFilter(request.filter());
        if (!filter.ok()) return filter.status();
        auto summary = ReadSummary(tx, *plan, year, {}, *filter);
        if (!summary.ok()) return summary.status();
        auto by_year = ReadSummaryByYear(tx, *plan, *filter);
        if (!by_year.ok()) return by_year.status();
        document = SummaryDocument(context, *summary, *by_year);
        return absl::OkStatus();
      }
      case v1::REPORT_KIND_RECOGNISED_MODELS: {
        auto filter = ParseRecognisedModelFilter(request.filter());
        if (!filter.ok()) return filter.status();
        if (year) filter->start_year = year;
        auto models = ReadRecognisedModels(tx, *plan, *filter, RecognisedModelOrder::kNomineeDisplayName);
        if (!models.ok()) return models.status();
        document = RecognisedModelsDocument(context, *models);
        return absl::OkStatus();
      }
      case v1::REPORT_KIND_REPLICATION: {
        auto filter = ParseReplicationStatsFilter(request.filter());
        if (!filter.ok()) return filter.status();
        auto replication = ReadReplication(tx, *plan, *filter);
        if (!replication.ok()) return replication.status();
        document = ReplicationDocument(context, replication->second, replication->first);
        return absl::OkStatus();
      }
      default:
        return absl::InvalidArgumentError("unknown report kind");
    }
  });
  if (!read.ok()) return read;

  std::string file;
  switch (request.format()) {
    case v1::EXPORT_FORMAT_CSV: file = RenderCsv(document); break;
    case v1::EXPORT_FORMAT_JSON: file = RenderJson(document); break;
    default: file = RenderHtml(document); break;
  }
  FileFormat format = FormatOf(request.format());
  v1::ExportMetadata metadata;
  metadata.set_content_type(format.content_type);
  metadata.set_file_name(absl::StrCat(document.file_stem, ".", format.extension));
  metadata.set_kind(request.kind());
  metadata.set_format(request.format());
  return Chunk(file, document, std::move(metadata), std::max(1024, options_.export_chunk_bytes));
}

}  // namespace dienhinh::reporting
