// `dienhinh nominations create|get|list|submit|withdraw`: a nomination from a text-proto or
// JSON file (by extension), and its lifecycle on the intake service.
#include <fstream>
#include <iostream>
#include <sstream>

#include <google/protobuf/text_format.h>
#include <google/protobuf/util/json_util.h>

#include "absl/strings/match.h"
#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "dienhinh/intake/v1/intake_service.grpc.pb.h"
#include "services/platform/ids/ulid.h"
#include "services/platform/status/error_details.h"
#include "services/platform/status/grpc_status.h"

namespace dienhinh::cli {
namespace {

namespace iv1 = dienhinh::intake::v1;
using Stub = iv1::IntakeService::Stub;

constexpr char kUsage[] =
    "dienhinh nominations create FILE.textproto|FILE.json [--request_id ID] | get NAME | "
    "list [--filter F] | submit NAME --etag E [--override_window --reason R] | "
    "withdraw NAME --etag E --reason R";

absl::Status ReadNomination(const std::string& path, iv1::Nomination* nomination) {
  std::ifstream file(path);
  if (!file) return platform::InvalidField("file", "cannot read " + path);
  std::stringstream content;
  content << file.rdbuf();
  if (absl::EndsWith(path, ".json")) {
    auto status = google::protobuf::util::JsonStringToMessage(content.str(), nomination);
    if (!status.ok()) {
      return platform::InvalidField("file", path + " is not a Nomination in JSON: " +
                                                std::string(status.message()));
    }
    return absl::OkStatus();
  }
  if (absl::EndsWith(path, ".textproto") || absl::EndsWith(path, ".txtpb")) {
    if (!google::protobuf::TextFormat::ParseFromString(content.str(), nomination)) {
      return platform::InvalidField("file", path + " is not a Nomination in text format");
    }
    return absl::OkStatus();
  }
  return platform::InvalidField("file", "name the file .textproto or .json");
}

std::string StateWord(iv1::Nomination::State state) {
  switch (state) {
    case iv1::Nomination::STATE_DRAFT: return "draft";
    case iv1::Nomination::STATE_SUBMITTED: return "submitted";
    case iv1::Nomination::STATE_WITHDRAWN: return "withdrawn";
    default: return "unspecified";
  }
}

void PrintNomination(const iv1::Nomination& nomination, OutputFormat format) {
  if (format == OutputFormat::kJson) {
    std::string json;
    google::protobuf::util::JsonPrintOptions options;
    options.add_whitespace = true;
    (void)google::protobuf::util::MessageToJsonString(nomination, &json, options);
    std::cout << json;
    return;
  }
  Table table({"name", "state", "nominee", "unit", "etag"});
  table.AddRow({nomination.name(), StateWord(nomination.state()),
                nomination.nominee_display_name().empty() ? nomination.nominee()
                                                          : nomination.nominee_display_name(),
                nomination.nominating_unit(), nomination.etag()});
  std::cout << table.Render(format);
}

}  // namespace

int RunNominationCommands(CliContext& context) {
  const CommandLine& line = context.line();
  if (line.words.size() < 2) return UsageError(kUsage);
  auto format = context.Format();
  if (!format.ok()) return ReportError(format.status());
  auto channel = context.Channel(Service::kIntake);
  if (!channel.ok()) return ReportError(channel.status());
  auto stub = iv1::IntakeService::NewStub(*channel);
  grpc::ClientContext call;
  context.Prepare(call);
  const std::string& verb = line.words[1];
  iv1::Nomination result;
  grpc::Status status;

  if (verb == "create" && line.words.size() == 3) {
    iv1::CreateNominationRequest request;
    absl::Status read = ReadNomination(line.words[2], request.mutable_nomination());
    if (!read.ok()) return ReportError(read);
    request.set_request_id(line.Get("request_id", platform::NewUlid()));
    status = stub->CreateNomination(&call, request, &result);
  } else if (verb == "get" && line.words.size() == 3) {
    iv1::GetNominationRequest request;
    request.set_name(line.words[2]);
    status = stub->GetNomination(&call, request, &result);
  } else if (verb == "submit" && line.words.size() == 3) {
    iv1::SubmitNominationRequest request;
    request.set_name(line.words[2]);
    request.set_etag(line.Get("etag"));
    request.set_request_id(line.Get("request_id", platform::NewUlid()));
    request.set_override_window(line.Has("override_window"));
    request.set_override_reason(line.Get("reason"));
    status = stub->SubmitNomination(&call, request, &result);
  } else if (verb == "withdraw" && line.words.size() == 3) {
    iv1::WithdrawNominationRequest request;
    request.set_name(line.words[2]);
    request.set_etag(line.Get("etag"));
    request.set_reason(line.Get("reason"));
    request.set_request_id(line.Get("request_id", platform::NewUlid()));
    status = stub->WithdrawNomination(&call, request, &result);
  } else if (verb == "list" && line.words.size() == 2) {
    iv1::ListNominationsRequest request;
    request.set_filter(line.Get("filter"));
    request.set_page_size(1000);
    iv1::ListNominationsResponse response;
    status = stub->ListNominations(&call, request, &response);
    if (!status.ok()) return ReportError(platform::FromGrpcStatus(status));
    Table table({"name", "state", "nominee", "unit"});
    for (const iv1::Nomination& n : response.nominations()) {
      table.AddRow({n.name(), StateWord(n.state()),
                    n.nominee_display_name().empty() ? n.nominee() : n.nominee_display_name(),
                    n.nominating_unit()});
    }
    std::cout << table.Render(*format);
    return kExitOk;
  } else {
    return UsageError(kUsage);
  }
  if (!status.ok()) return ReportError(platform::FromGrpcStatus(status));
  PrintNomination(result, *format);
  return kExitOk;
}

}  // namespace dienhinh::cli
