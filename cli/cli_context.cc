// Flags → channels, token and deadlines.
#include "cli/cli_context.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/strings/match.h"
#include "absl/strings/str_join.h"
#include "dienhinh/evaluation/v1/evaluation_service.grpc.pb.h"
#include "services/platform/server/tls.h"
#include "services/platform/status/grpc_status.h"
#include "services/platform/status/error_details.h"

namespace dienhinh::cli {
namespace {

struct ServiceAddress {
  const char* flag;
  const char* env;
  const char* fallback;
};

ServiceAddress AddressOf(Service service) {
  switch (service) {
    case Service::kRegistry: return {"registry", "DIENHINH_REGISTRY_ADDRESS", "127.0.0.1:50051"};
    case Service::kIntake: return {"intake", "DIENHINH_INTAKE_ADDRESS", "127.0.0.1:50052"};
    case Service::kEvaluation:
      return {"evaluation", "DIENHINH_EVALUATION_ADDRESS", "127.0.0.1:50053"};
    case Service::kReporting:
      return {"reporting", "DIENHINH_REPORTING_ADDRESS", "127.0.0.1:50054"};
  }
  return {"registry", "DIENHINH_REGISTRY_ADDRESS", "127.0.0.1:50051"};
}

std::string Env(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? "" : value;
}

}  // namespace

std::string CommandLine::Get(const std::string& name, const std::string& fallback) const {
  auto it = flags.find(name);
  return it == flags.end() ? fallback : it->second;
}

absl::StatusOr<CommandLine> ParseCommandLine(const std::vector<std::string>& args,
                                             const std::set<std::string>& switches) {
  CommandLine line;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--") {
      line.words.insert(line.words.end(), args.begin() + i + 1, args.end());
      break;
    }
    if (arg.size() < 3 || arg.compare(0, 2, "--") != 0) {
      line.words.push_back(arg);
      continue;
    }
    std::string name = arg.substr(2);
    size_t equals = name.find('=');
    if (equals != std::string::npos) {
      line.flags[name.substr(0, equals)] = name.substr(equals + 1);
    } else if (switches.count(name) > 0) {
      line.flags[name] = "true";
    } else if (i + 1 < args.size()) {
      line.flags[name] = args[++i];
    } else {
      return platform::InvalidField(name, absl::StrCat("--", name, " needs a value"));
    }
  }
  return line;
}

std::string CliContext::Address(Service service) const {
  ServiceAddress address = AddressOf(service);
  if (line_.Has(address.flag)) return line_.Get(address.flag);
  std::string from_env = Env(address.env);
  return from_env.empty() ? address.fallback : from_env;
}

absl::StatusOr<std::shared_ptr<grpc::Channel>> CliContext::Channel(Service service) {
  auto it = channels_.find(service);
  if (it != channels_.end()) return it->second;
  platform::ClientTlsFiles files;
  files.ca_file = line_.Get("tls_ca");
  files.cert_file = line_.Get("tls_client_cert");
  files.key_file = line_.Get("tls_client_key");
  auto credentials = platform::MakeChannelCredentials(files);
  if (!credentials.ok()) return credentials.status();
  auto channel = grpc::CreateChannel(Address(service), *credentials);
  channels_[service] = channel;
  return channel;
}

std::string CliContext::Token() const {
  if (line_.Has("token")) return line_.Get("token");
  std::string from_env = Env("DIENHINH_TOKEN");
  if (!from_env.empty()) return from_env;
  std::ifstream file(line_.Get("token_file", "var/admin.token"));
  if (!file) return "";
  std::stringstream content;
  content << file.rdbuf();
  return std::string(absl::StripAsciiWhitespace(content.str()));
}

void CliContext::Prepare(grpc::ClientContext& context) const {
  std::string token = Token();
  if (!token.empty()) context.AddMetadata("authorization", "Bearer " + token);
  double seconds = 30;
  if (line_.Has("timeout") && (!absl::SimpleAtod(line_.Get("timeout"), &seconds) || seconds <= 0)) {
    seconds = 30;
  }
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::milliseconds(static_cast<int64_t>(seconds * 1000)));
}

absl::StatusOr<OutputFormat> CliContext::Format() const {
  auto format = ParseOutputFormat(line_.Get("format", "table"));
  if (!format) return platform::InvalidField("format", "use table, json or csv");
  return *format;
}

absl::StatusOr<std::string> CliContext::Plan() {
  std::string plan = line_.Has("plan") ? line_.Get("plan") : Env("DIENHINH_PLAN");
  if (!plan.empty()) return absl::StartsWith(plan, "plans/") ? plan : "plans/" + plan;
  auto stub = NewStub<evaluation::v1::EvaluationService>(Service::kEvaluation);
  if (!stub.ok()) return stub.status();
  grpc::ClientContext call;
  Prepare(call);
  evaluation::v1::ListPlansRequest request;
  request.set_page_size(100);
  evaluation::v1::ListPlansResponse response;
  absl::Status status = platform::FromGrpcStatus((*stub)->ListPlans(&call, request, &response));
  if (!status.ok()) return status;
  if (response.plans_size() == 1) return response.plans(0).name();
  std::vector<std::string> names;
  for (const auto& p : response.plans()) names.push_back(p.name());
  return platform::InvalidField(
      "plan", names.empty() ? "the evaluation service has no plan"
                            : "give --plan, one of: " + absl::StrJoin(names, ", "));
}

}  // namespace dienhinh::cli
