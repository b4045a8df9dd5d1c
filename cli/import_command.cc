// `dienhinh import KIND FILE`: streams a CSV file to the registry's ImportRecords in chunks,
// with a progress line on stderr, and prints what the registry made of it. A rejected file
// prints every row error as "line N, column C: message" and exits 3.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "dienhinh/registry/v1/registry_service.grpc.pb.h"
#include "services/platform/ids/ulid.h"
#include "services/platform/status/error_details.h"
#include "services/platform/status/grpc_status.h"

namespace dienhinh::cli {
namespace {

namespace rv1 = dienhinh::registry::v1;

constexpr char kUsage[] =
    "dienhinh import units|persons|unit-records|person-records FILE "
    "[--school_year YYYY] [--validate_only] [--request_id ID] [--lang vi|en] [--format json]";

bool KindFromWord(const std::string& word, rv1::ImportKind* kind) {
  if (word == "units") *kind = rv1::IMPORT_KIND_UNITS;
  else if (word == "persons") *kind = rv1::IMPORT_KIND_PERSONS;
  else if (word == "unit-records") *kind = rv1::IMPORT_KIND_UNIT_YEARLY_RECORDS;
  else if (word == "person-records") *kind = rv1::IMPORT_KIND_PERSON_YEARLY_RECORDS;
  else return false;
  return true;
}

const char* OutcomeWord(rv1::ImportRecordsResponse::Outcome outcome) {
  switch (outcome) {
    case rv1::ImportRecordsResponse::OUTCOME_IMPORTED: return "imported";
    case rv1::ImportRecordsResponse::OUTCOME_VALIDATED: return "validated";
    case rv1::ImportRecordsResponse::OUTCOME_REJECTED: return "rejected";
    default: return "unknown";
  }
}

}  // namespace

int RunImportCommand(CliContext& context) {
  const CommandLine& line = context.line();
  rv1::ImportKind kind;
  if (line.words.size() != 3 || !KindFromWord(line.words[1], &kind)) return UsageError(kUsage);
  const std::string& file_name = line.words[2];
  auto format = context.Format();
  if (!format.ok()) return ReportError(format.status());

  std::ifstream file(file_name, std::ios::binary);
  if (!file) {
    std::cerr << "error: cannot read " << file_name << "\n";
    return kExitUsage;
  }
  std::stringstream buffer;
  buffer << file.rdbuf();
  const std::string csv = buffer.str();

  rv1::ImportRecordsRequest header;
  header.mutable_header()->set_kind(kind);
  header.mutable_header()->set_validate_only(line.Has("validate_only"));
  header.mutable_header()->set_request_id(line.Get("request_id", platform::NewUlid()));
  header.mutable_header()->set_file_name(file_name);
  // The registry imports only when exactly this many bytes arrive (a cut stream imports nothing).
  header.mutable_header()->set_file_bytes(static_cast<int64_t>(csv.size()));
  if (line.Has("school_year")) {
    int year = 0;
    if (!absl::SimpleAtoi(line.Get("school_year"), &year) || year < 1900 || year > 2999) {
      return ReportError(platform::InvalidField(
          "school_year", "give the year the school year starts in, e.g. 2024 for 2024-2025"));
    }
    header.mutable_header()->mutable_school_year()->set_start_year(year);
  }
  int64_t chunk_size = 256 * 1024;
  if (line.Has("chunk_size") &&
      (!absl::SimpleAtoi(line.Get("chunk_size"), &chunk_size) || chunk_size <= 0 ||
       chunk_size > 1024 * 1024)) {
    return ReportError(platform::InvalidField("chunk_size", "give bytes between 1 and 1048576"));
  }

  auto stub = context.NewStub<rv1::RegistryService>(Service::kRegistry);
  if (!stub.ok()) return ReportError(stub.status());
  grpc::ClientContext call;
  context.Prepare(call);
  rv1::ImportRecordsResponse response;
  auto writer = (*stub)->ImportRecords(&call, &response);
  bool open = writer->Write(header);
  for (size_t sent = 0; open && sent < csv.size();) {
    size_t size = std::min(csv.size() - sent, static_cast<size_t>(chunk_size));
    rv1::ImportRecordsRequest part;
    part.set_csv_chunk(csv.substr(sent, size));
    open = writer->Write(part);
    sent += size;
    std::cerr << "\rsending " << file_name << ": " << sent << "/" << csv.size() << " bytes ("
              << (csv.empty() ? 100 : sent * 100 / csv.size()) << "%)" << std::flush;
  }
  if (!csv.empty()) std::cerr << "\n";
  writer->WritesDone();
  absl::Status status = platform::FromGrpcStatus(writer->Finish());
  if (!status.ok()) return ReportError(status);

  const bool english = line.Get("lang") == "en";
  if (*format == OutputFormat::kJson) {
    std::string out = absl::StrCat("{\"file\": ", JsonQuote(file_name), ", \"outcome\": \"",
                                   OutcomeWord(response.outcome()), "\", \"rows\": ",
                                   response.rows(), ", \"created\": ", response.created(),
                                   ", \"updated\": ", response.updated(),
                                   ", \"unchanged\": ", response.unchanged(), ", \"errors\": [");
    for (int i = 0; i < response.errors_size(); ++i) {
      const rv1::RowError& error = response.errors(i);
      absl::StrAppend(&out, i == 0 ? "" : ", ", "{\"line\": ", error.line(),
                      ", \"column\": ", JsonQuote(error.column()),
                      ", \"value\": ", JsonQuote(error.value()), ", \"message\": ",
                      JsonQuote(english ? error.message().en() : error.message().vi()), "}");
    }
    std::cout << out << "]}\n";
  } else if (response.outcome() != rv1::ImportRecordsResponse::OUTCOME_REJECTED) {
    std::cout << file_name << ": " << OutcomeWord(response.outcome()) << " " << response.rows()
              << " rows: created " << response.created() << ", updated " << response.updated()
              << ", unchanged " << response.unchanged() << "\n";
  }
  if (response.outcome() == rv1::ImportRecordsResponse::OUTCOME_REJECTED) {
    std::cerr << file_name << ": rejected, nothing was changed; " << response.errors_size()
              << " error(s) to fix:\n";
    for (const rv1::RowError& error : response.errors()) {
      const std::string& message = english ? error.message().en() : error.message().vi();
      std::cerr << "line " << error.line() << ", column "
                << (error.column().empty() ? "(row)" : error.column()) << ": " << message;
      if (!error.value().empty()) std::cerr << " (value: \"" << error.value() << "\")";
      std::cerr << "\n";
    }
    return kExitInvalidArgument;
  }
  return kExitOk;
}

}  // namespace dienhinh::cli
