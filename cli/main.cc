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
    "  import units|persons|unit-records|person-records FILE [--validate_only]\n"
    "  nominations create FILE.textproto|FILE.json | create --category C --nominee N ...\n"
    "              | get NAME | list [--filter F]\n"
    "              | update NAME FILE --etag E [--fields a,b]\n"
    "              | submit NAME --etag E [--override_window --reason R]\n"
    "              | withdraw NAME --etag E --reason R\n"
    "  evaluations list [NOMINATION] [--filter F] [--all_versions]\n"
    "              | explain NOMINATION [--criteria G1,I2] [--lang en]\n"
    "  review accept|reject NOMINATION CRITERION [--comment C] | list [NOMINATION]\n"
    "  council recognise NOMINATION --number N --date D --title T --members M --present P\n"
    "              --votes_for V [--award_form F --authority L] | list\n"
    "          | revoke DECISION --reason R --legal_basis B --number N --date D\n"
    "  report file UNIT FILE --year 2019-2020 | get NAME | list [UNIT]\n"
    "  compliance --year 2019-2020 [--filter F]\n"
    "  summary [--year 2019-2020] [--by district,category,level]\n"
    "  models [--filter F]\n"
    "  export compliance|urge-list|summary|models|replication --out FILE.csv|.json|.html\n"
    "  token mint --role ROLE --subject WHO [--unit CODE] [--data_dir var]\n"
    "flags: --registry --intake --evaluation --reporting ADDRESS (or DIENHINH_*_ADDRESS),\n"
    "       --token T | --token_file F (default var/admin.token) | DIENHINH_TOKEN,\n"
    "       --plan P (or DIENHINH_PLAN; default: the one plan served),\n"
    "       --tls_ca --tls_client_cert --tls_client_key FILE, --timeout SECONDS,\n"
    "       --format table|json|csv\n"
    "exit codes: 0 ok, 2 usage, 3 invalid argument, 4 not found, 5 permission or\n"
    "            authentication, 6 failed precondition or conflict, 7 unavailable, 1 other\n";

}  // namespace

int main(int argc, char** argv) {
  using namespace dienhinh::cli;
  std::vector<std::string> args(argv + 1, argv + argc);
  auto line = ParseCommandLine(args, {"validate_only", "override_window", "all_versions", "help"});
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
  if (group == "evaluations") return RunEvaluationCommands(context);
  if (group == "review") return RunReviewCommands(context);
  if (group == "council") return RunCouncilCommands(context);
  if (group == "report" || group == "compliance" || group == "summary" || group == "models") {
    return RunReportingCommands(context);
  }
  if (group == "export") return RunExportCommand(context);
  std::cerr << "unknown command \"" << group << "\"\n" << kUsage;
  return kExitUsage;
}
