// `dienhinh`: the command clerks and administrators type. Parses the command line and hands it
// to the subcommand group; the groups live in their own files.
#include <iostream>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/exit_codes.h"

namespace {

constexpr char kUsage[] =
    "usage: dienhinh GROUP COMMAND [ARGS] [FLAGS]\n"
    "  import units|persons|unit-records|person-records FILE\n"
    "  nominations create FILE.textproto|FILE.json | get NAME | list [--filter F]\n"
    "              | submit NAME --etag E [--override_window --reason R]\n"
    "              | withdraw NAME --etag E --reason R\n"
    "  token mint --role ROLE --subject WHO [--unit CODE] [--data_dir var]\n"
    "flags: --registry --intake --evaluation --reporting ADDRESS (or DIENHINH_*_ADDRESS),\n"
    "       --token T | --token_file F (default var/admin.token) | DIENHINH_TOKEN,\n"
    "       --tls_ca --tls_client_cert --tls_client_key FILE, --timeout SECONDS,\n"
    "       --format table|json|csv\n"
    "exit codes: 0 ok, 2 usage, 3 invalid argument, 4 not found, 5 permission or\n"
    "            authentication, 6 failed precondition or conflict, 7 unavailable, 1 other\n";

}  // namespace

int main(int argc, char** argv) {
  using namespace dienhinh::cli;
  std::vector<std::string> args(argv + 1, argv + argc);
  auto line = ParseCommandLine(args, {"validate_only", "override_window", "help"});
  if (!line.ok()) return ReportError(line.status());
  if (line->words.empty() || line->Has("help")) {
    std::cerr << kUsage;
    return line->Has("help") ? kExitOk : kExitUsage;
  }
  CliContext context(*line);
  const std::string& group = line->words[0];
  if (group == "import") return RunImportCommand(context);
  if (group == "token") return RunTokenCommand(context);
  if (group == "nominations") return RunNominationCommands(context);
  std::cerr << "unknown command \"" << group << "\"\n" << kUsage;
  return kExitUsage;
}
