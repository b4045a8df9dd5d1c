// How every subcommand reports a failed call or a misuse.
#include <iostream>

#include "cli/commands.h"
#include "cli/exit_codes.h"

namespace dienhinh::cli {

int ReportError(const absl::Status& status) {
  std::cerr << DescribeError(status) << "\n";
  return ExitCodeFor(status);
}

int UsageError(const std::string& usage) {
  std::cerr << "usage: " << usage << "\n";
  return kExitUsage;
}

}  // namespace dienhinh::cli
