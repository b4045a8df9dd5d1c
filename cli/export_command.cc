// `dienhinh export KIND --out FILE`: streams a report from the reporting service into a file
// (CSV with BOM for spreadsheets, JSON, or HTML for printing), with a progress line. The file
// appears only when the whole export arrived: chunks go to FILE.part, renamed at the end, so a
// broken connection never leaves a file that looks complete.
#include <cstdio>
#include <fstream>
#include <iostream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/flag_values.h"
#include "dienhinh/reporting/v1/reporting_service.grpc.pb.h"
#include "services/platform/status/error_details.h"
#include "services/platform/status/grpc_status.h"

namespace dienhinh::cli {
namespace {

namespace rpv1 = dienhinh::reporting::v1;

constexpr char kUsage[] =
    "dienhinh export compliance|urge-list|summary|recognised-models|replication --out FILE "
    "[.csv|.json|.html] [--file_format csv|json|html] [--year 2019-2020] [--plan P] [--filter F]";

// The file format: --file_format, else the extension of --out.
absl::StatusOr<rpv1::ExportFormat> FileFormat(const CommandLine& line) {
  std::string word = line.Get("file_format");
  if (word.empty()) {
    const std::string out = line.Get("out");
    size_t dot = out.rfind('.');
    word = dot == std::string::npos ? "" : out.substr(dot + 1);
  }
  if (word.empty()) {
    return platform::InvalidField("file_format", "name --out FILE.csv, .json or .html, or give "
                                                 "--file_format");
  }
  auto format = ParseEnumWord("file_format", rpv1::ExportFormat_descriptor(), "EXPORT_FORMAT_",
                              word);
  if (!format.ok()) return format.status();
  return static_cast<rpv1::ExportFormat>(*format);
}

}  // namespace

int RunExportCommand(CliContext& context) {
  const CommandLine& line = context.line();
  if (line.words.size() != 2 || !line.Has("out")) return UsageError(kUsage);
  std::string kind_word = line.words[1] == "models" ? "recognised-models" : line.words[1];
  auto kind = ParseEnumWord("kind", rpv1::ReportKind_descriptor(), "REPORT_KIND_", kind_word);
  if (!kind.ok()) return ReportError(kind.status());
  auto format = FileFormat(line);
  if (!format.ok()) return ReportError(format.status());
  rpv1::ExportReportRequest request;
  request.set_kind(static_cast<rpv1::ReportKind>(*kind));
  request.set_format(*format);
  auto plan = context.Plan();
  if (!plan.ok()) return ReportError(plan.status());
  request.set_plan(*plan);
  if (line.Has("year")) {
    auto year = ParseSchoolYear("year", line.Get("year"));
    if (!year.ok()) return ReportError(year.status());
    *request.mutable_school_year() = *year;
  }
  request.set_filter(line.Get("filter"));

  auto stub = context.NewStub<rpv1::ReportingService>(Service::kReporting);
  if (!stub.ok()) return ReportError(stub.status());
  const std::string out = line.Get("out");
  const std::string part = out + ".part";
  std::ofstream file(part, std::ios::binary | std::ios::trunc);
  if (!file) return ReportError(platform::InvalidField("out", "cannot write " + part));

  grpc::ClientContext call;
  context.Prepare(call);
  auto reader = (*stub)->ExportReport(&call, request);
  rpv1::ExportChunk chunk;
  int64_t total = -1, written = 0, bytes = 0;
  while (reader->Read(&chunk)) {
    if (chunk.has_metadata()) total = chunk.metadata().total_rows();
    file.write(chunk.data().data(), static_cast<std::streamsize>(chunk.data().size()));
    bytes += static_cast<int64_t>(chunk.data().size());
    written = chunk.rows_written();
    std::cerr << "\rexporting " << kind_word << ": " << written << "/"
              << (total < 0 ? std::string("?") : absl::StrCat(total)) << " rows" << std::flush;
  }
  std::cerr << "\n";
  absl::Status status = platform::FromGrpcStatus(reader->Finish());
  file.close();
  if (status.ok() && !file) status = absl::InternalError("could not write " + part);
  if (status.ok() && std::rename(part.c_str(), out.c_str()) != 0) {
    status = absl::InternalError("could not rename " + part + " to " + out);
  }
  if (!status.ok()) {
    std::remove(part.c_str());
    return ReportError(status);
  }
  std::cout << out << ": " << written << " rows, " << bytes << " bytes\n";
  return kExitOk;
}

}  // namespace dienhinh::cli
