// `dienhinh token mint`: signs a token with the site's key from the data directory. Only who
// can read that key file (an operator of the site) can mint; the services check nothing more.
#include <fstream>
#include <iostream>

#include "absl/strings/numbers.h"
#include "absl/time/time.h"
#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "services/platform/auth/caller.h"
#include "services/platform/auth/key_store.h"
#include "services/platform/status/error_details.h"

namespace dienhinh::cli {

int RunTokenCommand(CliContext& context) {
  const CommandLine& line = context.line();
  constexpr char kUsage[] =
      "dienhinh token mint --role ROLE --subject WHO [--unit CODE] [--site SITE] "
      "[--hours 24] [--data_dir var]";
  if (line.words.size() != 2 || line.words[1] != "mint") return UsageError(kUsage);
  std::vector<platform::FieldViolation> violations;
  auto role = platform::RoleFromName(line.Get("role"));
  if (!role) {
    violations.push_back({"role",
                          "give one of unit_officer, department_office, council_member, viewer, "
                          "admin, service"});
  }
  if (line.Get("subject").empty()) {
    violations.push_back({"subject", "give who the token is for, e.g. --subject nguyen.van.a"});
  }
  if (role && *role == platform::Role::kUnitOfficer && line.Get("unit").empty()) {
    violations.push_back({"unit", "a unit officer's token needs --unit with the unit code"});
  }
  int hours = 24;
  if (line.Has("hours") && (!absl::SimpleAtoi(line.Get("hours"), &hours) || hours <= 0 ||
                            hours > 24 * 366)) {
    violations.push_back({"hours", "give whole hours between 1 and 8784"});
  }
  if (!violations.empty()) {
    return ReportError(platform::InvalidArgument("the token request is incomplete", violations));
  }
  // The key must already be there: minting would otherwise create a fresh key that no running
  // service trusts, and hand out a token that fails everywhere.
  const std::string data_dir = line.Get("data_dir", "var");
  const std::string key_file = data_dir + "/" + platform::kHs256KeyFileName;
  if (!std::ifstream(key_file).good()) {
    return ReportError(absl::FailedPreconditionError(
        "no site key at " + key_file +
        ": give --data_dir with the services' data directory (start them once to create it)"));
  }
  platform::TokenRequest request;
  request.role = *role;
  request.subject = line.Get("subject");
  request.unit = line.Get("unit");
  request.site = line.Get("site");
  request.lifetime = absl::Hours(hours);
  auto token = platform::MintTokenWithDataDirKey(data_dir, request);
  if (!token.ok()) return ReportError(token.status());
  std::cout << *token << "\n";
  return kExitOk;
}

}  // namespace dienhinh::cli
