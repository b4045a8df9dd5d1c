// What the department office reads and files on the reporting service: `dienhinh report
// file|get|list` (a unit's annual report on the plan's replication), `compliance` (who filed,
// late, or not at all), `summary` (nominations, qualified, recognised by district, category and
// level) and `models` (the recognised models to replicate).
#include <iostream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/flag_values.h"
#include "cli/message_files.h"
#include "cli/pages.h"
#include "dienhinh/reporting/v1/reporting_service.grpc.pb.h"
#include "services/platform/ids/ulid.h"
#include "services/platform/status/grpc_status.h"

namespace dienhinh::cli {
namespace {

namespace rpv1 = dienhinh::reporting::v1;
using Stub = rpv1::ReportingService::Stub;

constexpr char kReportUsage[] =
    "dienhinh report file UNIT FILE --year 2019-2020 [--plan P] [--etag E] [--change_note N] | "
    "get NAME [--revision R] | list [UNIT] [--filter F]";
constexpr char kComplianceUsage[] =
    "dienhinh compliance --year 2019-2020 [--plan P] [--filter F] [--order_by O]";
constexpr char kSummaryUsage[] =
    "dienhinh summary [--year 2019-2020] [--plan P] [--by district,category,level] [--filter F]";
constexpr char kModelsUsage[] = "dienhinh models [--plan P] [--filter F] [--order_by O]";

std::string LevelWord(type::v1::EducationLevel level) {
  return EnumWord(type::v1::EducationLevel_descriptor(), "EDUCATION_LEVEL_", level);
}

std::string TimelinessWord(rpv1::UnitAnnualReport::Timeliness t) {
  return EnumWord(rpv1::UnitAnnualReport::Timeliness_descriptor(), "TIMELINESS_", t);
}

void AddReportRow(Table& table, const rpv1::UnitAnnualReport& r) {
  table.AddRow({r.name(), r.unit_display_name(), SchoolYearText(r.school_year()),
                absl::StrCat(r.revision()), LocalTimeText(r.first_file_time().seconds()),
                TimelinessWord(r.timeliness()), absl::StrCat(r.days_late()), r.etag()});
}

int RunReport(CliContext& context, Stub& stub, OutputFormat format) {
  const CommandLine& line = context.line();
  const std::string verb = line.words.size() > 1 ? line.words[1] : "";
  Table table({"name", "unit", "school year", "revision", "first filed", "timeliness",
               "days late", "etag"});
  rpv1::UnitAnnualReport result;
  absl::Status status;
  if (verb == "file" && line.words.size() == 4) {
    rpv1::FileAnnualReportRequest request;
    request.set_parent(ResourceName("units", line.words[2]));
    status = ReadMessageFile(line.words[3], request.mutable_annual_report());
    if (!status.ok()) return ReportError(status);
    rpv1::UnitAnnualReport& report = *request.mutable_annual_report();
    if (line.Has("year") || !report.has_school_year()) {
      auto year = ParseSchoolYear("year", line.Get("year"));
      if (!year.ok()) return ReportError(year.status());
      *report.mutable_school_year() = *year;
    }
    if (line.Has("plan") || report.plan().empty()) {
      auto plan = context.Plan();
      if (!plan.ok()) return ReportError(plan.status());
      report.set_plan(*plan);
    }
    request.set_etag(line.Get("etag"));
    request.set_change_note(line.Get("change_note"));
    request.set_request_id(line.Get("request_id", platform::NewUlid()));
    grpc::ClientContext call;
    context.Prepare(call);
    status = platform::FromGrpcStatus(stub.FileAnnualReport(&call, request, &result));
  } else if (verb == "get" && line.words.size() == 3) {
    rpv1::GetAnnualReportRequest request;
    request.set_name(line.words[2]);
    if (line.Has("revision")) {
      auto revision = ParseCount("revision", line.Get("revision"));
      if (!revision.ok()) return ReportError(revision.status());
      request.set_revision(*revision);
    }
    grpc::ClientContext call;
    context.Prepare(call);
    status = platform::FromGrpcStatus(stub.GetAnnualReport(&call, request, &result));
  } else if (verb == "list" && line.words.size() <= 3) {
    status = ForEachPage([&](const std::string& token) -> absl::StatusOr<std::string> {
      rpv1::ListAnnualReportsRequest request;
      request.set_parent(line.words.size() == 3 ? ResourceName("units", line.words[2])
                                                : "units/-");
      request.set_filter(line.Get("filter"));
      request.set_order_by(line.Get("order_by", "unit_display_name"));
      request.set_page_size(1000);
      request.set_page_token(token);
      rpv1::ListAnnualReportsResponse response;
      grpc::ClientContext call;
      context.Prepare(call);
      absl::Status s = platform::FromGrpcStatus(stub.ListAnnualReports(&call, request, &response));
      if (!s.ok()) return s;
      for (const auto& r : response.annual_reports()) AddReportRow(table, r);
      return response.next_page_token();
    });
    if (!status.ok()) return ReportError(status);
    std::cout << table.Render(format);
    return kExitOk;
  } else {
    return UsageError(kReportUsage);
  }
  if (!status.ok()) return ReportError(status);
  if (format == OutputFormat::kJson) {
    std::cout << MessageJson(result);
    return kExitOk;
  }
  AddReportRow(table, result);
  std::cout << table.Render(format);
  return kExitOk;
}

int RunCompliance(CliContext& context, Stub& stub, OutputFormat format) {
  const CommandLine& line = context.line();
  if (line.words.size() != 1 || !line.Has("year")) return UsageError(kComplianceUsage);
  auto year = ParseSchoolYear("year", line.Get("year"));
  if (!year.ok()) return ReportError(year.status());
  auto plan = context.Plan();
  if (!plan.ok()) return ReportError(plan.status());
  rpv1::ListComplianceResponse all;  // every page's rows, the totals and times of the first
  absl::Status status = ForEachPage([&](const std::string& token) -> absl::StatusOr<std::string> {
    rpv1::ListComplianceRequest request;
    request.set_plan(*plan);
    *request.mutable_school_year() = *year;
    request.set_filter(line.Get("filter"));
    request.set_order_by(line.Get("order_by"));
    request.set_page_size(1000);
    request.set_page_token(token);
    rpv1::ListComplianceResponse response;
    grpc::ClientContext call;
    context.Prepare(call);
    absl::Status s = platform::FromGrpcStatus(stub.ListCompliance(&call, request, &response));
    if (!s.ok()) return s;
    if (token.empty()) {
      *all.mutable_totals() = response.totals();
      *all.mutable_due_time() = response.due_time();
      *all.mutable_as_of() = response.as_of();
    }
    for (auto& row : *response.mutable_rows()) *all.add_rows() = std::move(row);
    return response.next_page_token();
  });
  if (!status.ok()) return ReportError(status);
  if (format == OutputFormat::kJson) {
    std::cout << MessageJson(all);
    return kExitOk;
  }
  Table table({"unit", "name", "district", "status", "days late", "days overdue", "filed"});
  for (const rpv1::ComplianceRow& row : all.rows()) {
    table.AddRow({row.unit(), row.unit_display_name(), row.district(),
                  EnumWord(rpv1::ComplianceStatus_descriptor(), "COMPLIANCE_STATUS_", row.status()),
                  absl::StrCat(row.days_late()), absl::StrCat(row.days_overdue()),
                  LocalTimeText(row.file_time().seconds())});
  }
  std::cout << table.Render(format);
  if (format == OutputFormat::kTable) {
    const rpv1::ComplianceTotals& t = all.totals();
    std::cout << t.units() << " units: " << t.on_time() << " on time, " << t.late() << " late, "
              << t.missing() << " missing, " << t.not_due() << " not due (due by "
              // The due time is the first instant after the due day; its last minute reads
              // as the deadline people know ("1 June", not "2 June 00:00").
              << LocalTimeText(all.due_time().seconds() - 1) << ", as of "
              << LocalTimeText(all.as_of().seconds()) << ")\n";
  }
  return kExitOk;
}

int RunSummary(CliContext& context, Stub& stub, OutputFormat format) {
  const CommandLine& line = context.line();
  if (line.words.size() != 1) return UsageError(kSummaryUsage);
  rpv1::GetSummaryRequest request;
  auto plan = context.Plan();
  if (!plan.ok()) return ReportError(plan.status());
  request.set_plan(*plan);
  if (line.Has("year")) {
    auto year = ParseSchoolYear("year", line.Get("year"));
    if (!year.ok()) return ReportError(year.status());
    *request.mutable_school_year() = *year;
  }
  for (const std::string& by : SplitList(line.Get("by"))) {
    auto dimension = ParseEnumWord("by", rpv1::SummaryDimension_descriptor(),
                                   "SUMMARY_DIMENSION_", by);
    if (!dimension.ok()) return ReportError(dimension.status());
    request.add_group_by(static_cast<rpv1::SummaryDimension>(*dimension));
  }
  request.set_filter(line.Get("filter"));
  rpv1::Summary summary;
  grpc::ClientContext call;
  context.Prepare(call);
  absl::Status status = platform::FromGrpcStatus(stub.GetSummary(&call, request, &summary));
  if (!status.ok()) return ReportError(status);
  if (format == OutputFormat::kJson) {
    std::cout << MessageJson(summary);
    return kExitOk;
  }
  Table table({"district", "category", "level", "nominations", "qualified", "recognised",
               "revoked", "qualified %", "recognised %"});
  auto add = [&table](const rpv1::SummaryRow& r, const std::string& label) {
    table.AddRow({label.empty() ? r.district() : label,
                  EnumWord(type::v1::Category_descriptor(), "CATEGORY_", r.category()),
                  LevelWord(r.level()), absl::StrCat(r.nominations()),
                  absl::StrCat(r.qualified()), absl::StrCat(r.recognised()),
                  absl::StrCat(r.revoked()), PercentText(r.qualified_rate_bp()),
                  PercentText(r.recognised_rate_bp())});
  };
  for (const rpv1::SummaryRow& row : summary.rows()) add(row, "");
  add(summary.total(), "total");
  std::cout << table.Render(format);
  return kExitOk;
}

int RunModels(CliContext& context, Stub& stub, OutputFormat format) {
  const CommandLine& line = context.line();
  if (line.words.size() != 1) return UsageError(kModelsUsage);
  auto plan = context.Plan();
  if (!plan.ok()) return ReportError(plan.status());
  Table table({"nominee", "unit", "district", "category", "level", "field", "decision", "date",
               "nomination"});
  absl::Status status = ForEachPage([&](const std::string& token) -> absl::StatusOr<std::string> {
    rpv1::ListRecognisedModelsRequest request;
    request.set_plan(*plan);
    request.set_filter(line.Get("filter"));
    request.set_order_by(line.Get("order_by"));
    request.set_page_size(1000);
    request.set_page_token(token);
    rpv1::ListRecognisedModelsResponse response;
    grpc::ClientContext call;
    context.Prepare(call);
    absl::Status s = platform::FromGrpcStatus(stub.ListRecognisedModels(&call, request, &response));
    if (!s.ok()) return s;
    for (const rpv1::RecognisedModel& m : response.recognised_models()) {
      table.AddRow({m.nominee_display_name(), m.unit_display_name(), m.district(),
                    EnumWord(type::v1::Category_descriptor(), "CATEGORY_", m.category()),
                    LevelWord(m.level()), EnumWord(type::v1::Field_descriptor(), "FIELD_", m.field()),
                    m.decision_number(), DateText(m.decision_date()), m.nomination()});
    }
    return response.next_page_token();
  });
  if (!status.ok()) return ReportError(status);
  std::cout << table.Render(format);
  return kExitOk;
}

}  // namespace

int RunReportingCommands(CliContext& context) {
  auto format = context.Format();
  if (!format.ok()) return ReportError(format.status());
  auto stub = context.NewStub<rpv1::ReportingService>(Service::kReporting);
  if (!stub.ok()) return ReportError(stub.status());
  const std::string& group = context.line().words[0];
  if (group == "report") return RunReport(context, **stub, *format);
  if (group == "compliance") return RunCompliance(context, **stub, *format);
  if (group == "summary") return RunSummary(context, **stub, *format);
  return RunModels(context, **stub, *format);
}

}  // namespace dienhinh::cli
