// The subcommand groups of `dienhinh`. Each takes the parsed command line (words[0] is the
// group) and returns the process's exit code, having printed results on stdout and errors on
// stderr.
#ifndef DIENHINH_CLI_COMMANDS_H_
#define DIENHINH_CLI_COMMANDS_H_

#include "cli/cli_context.h"

namespace dienhinh::cli {

// dienhinh import units|persons|unit-records|person-records FILE
int RunImportCommand(CliContext& context);
// dienhinh token mint --role R --subject S [--unit U] [--data_dir var]
int RunTokenCommand(CliContext& context);
// dienhinh nominations create|get|update|list|submit|withdraw
int RunNominationCommands(CliContext& context);
// dienhinh evaluations list|explain
int RunEvaluationCommands(CliContext& context);
// dienhinh review accept|reject|list
int RunReviewCommands(CliContext& context);
// dienhinh council recognise|revoke|list
int RunCouncilCommands(CliContext& context);
// dienhinh report file|get|list, compliance, summary, models
int RunReportingCommands(CliContext& context);
// dienhinh export KIND --out FILE
int RunExportCommand(CliContext& context);

// Prints `status` as DescribeError does and returns its exit code.
int ReportError(const absl::Status& status);
// Prints a usage line and returns kExitUsage.
int UsageError(const std::string& usage);

}  // namespace dienhinh::cli

#endif  // DIENHINH_CLI_COMMANDS_H_
