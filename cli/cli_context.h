// What every subcommand needs: the parsed command line (flags and positional words), the
// service channels from --registry/--intake/--evaluation/--reporting (or DIENHINH_*_ADDRESS,
// or the defaults of scripts/run), the bearer token, TLS, and a deadline for each call.
#ifndef DIENHINH_CLI_CLI_CONTEXT_H_
#define DIENHINH_CLI_CLI_CONTEXT_H_

#include <chrono>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "absl/status/statusor.h"
#include "cli/table_printer.h"

namespace dienhinh::cli {

// The command line split into `--name value` / `--name=value` flags and positional words.
// Flags named in `switches` take no value (`--validate_only`).
struct CommandLine {
  std::map<std::string, std::string> flags;
  std::vector<std::string> words;

  bool Has(const std::string& name) const { return flags.count(name) > 0; }
  std::string Get(const std::string& name, const std::string& fallback = "") const;
};
absl::StatusOr<CommandLine> ParseCommandLine(const std::vector<std::string>& args,
                                             const std::set<std::string>& switches);

enum class Service { kRegistry, kIntake, kEvaluation, kReporting };

class CliContext {
 public:
  explicit CliContext(CommandLine line) : line_(std::move(line)) {}

  const CommandLine& line() const { return line_; }
  // The channel to `service`, made once; an error when the TLS files are bad.
  absl::StatusOr<std::shared_ptr<grpc::Channel>> Channel(Service service);
  // A stub of `GrpcService` (e.g. evaluation::v1::EvaluationService) on the channel to
  // `service`.
  template <typename GrpcService>
  absl::StatusOr<std::unique_ptr<typename GrpcService::Stub>> NewStub(Service service) {
    auto channel = Channel(service);
    if (!channel.ok()) return channel.status();
    return GrpcService::NewStub(*channel);
  }
  // The address used for `service`: flag, then environment, then the default.
  std::string Address(Service service) const;
  // Sets the bearer token and a deadline on `context` (--timeout seconds, default 30).
  void Prepare(grpc::ClientContext& context) const;
  // --format, default table; an INVALID_ARGUMENT status for an unknown name.
  absl::StatusOr<OutputFormat> Format() const;
  // The plan a report or decision is about: --plan ("can-tho-2019-2020" or "plans/..."), then
  // DIENHINH_PLAN, then the one plan the evaluation service serves (an error naming the
  // choices when it serves several).
  absl::StatusOr<std::string> Plan();

 private:
  std::string Token() const;

  CommandLine line_;
  std::map<Service, std::shared_ptr<grpc::Channel>> channels_;
};

}  // namespace dienhinh::cli

#endif  // DIENHINH_CLI_CLI_CONTEXT_H_
