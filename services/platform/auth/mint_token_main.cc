// dienhinh-mint-token: prints a bearer token signed with a data directory's HS256 key
// (created when absent), for scripts and operators of the embedded default.
//
//   dienhinh-mint-token --data_dir=var --role=admin --subject=admin [--unit=..] [--site=..]
//                       [--ttl=24h] [--issuer=..]
#include <cstdio>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "services/platform/auth/caller.h"
#include "services/platform/auth/key_store.h"

ABSL_FLAG(std::string, data_dir, "var", "data directory holding jwt-hs256.key");
ABSL_FLAG(std::string, role, "",
          "unit_officer, department_office, council_member, viewer, admin or service");
ABSL_FLAG(std::string, subject, "", "who the token stands for (the `sub` claim)");
ABSL_FLAG(std::string, unit, "", "the caller's unit code (required for unit_officer)");
ABSL_FLAG(std::string, site, "", "the site (district or city stack) the token is for");
ABSL_FLAG(absl::Duration, ttl, absl::Hours(24), "lifetime, e.g. 30m, 24h, 720h");
ABSL_FLAG(std::string, issuer, "", "the `iss` claim, when the site checks one");

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "prints a token signed with <data_dir>/jwt-hs256.key\n"
      "  dienhinh-mint-token --data_dir=var --role=admin --subject=admin [--unit=U] "
      "[--site=S] [--ttl=24h]");
  std::vector<char*> rest = absl::ParseCommandLine(argc, argv);
  if (rest.size() > 1) {
    std::cerr << "dienhinh-mint-token: unexpected argument \"" << rest[1] << "\"\n";
    return 2;
  }
  const std::string role_name = absl::GetFlag(FLAGS_role);
  std::optional<dienhinh::platform::Role> role = dienhinh::platform::RoleFromName(role_name);
  if (!role.has_value()) {
    std::cerr << "dienhinh-mint-token: --role must be one of unit_officer, department_office, "
                 "council_member, viewer, admin, service (got \""
              << role_name << "\")\n";
    return 2;
  }
  dienhinh::platform::TokenRequest request;
  request.role = *role;
  request.subject = absl::GetFlag(FLAGS_subject);
  request.unit = absl::GetFlag(FLAGS_unit);
  request.site = absl::GetFlag(FLAGS_site);
  request.lifetime = absl::GetFlag(FLAGS_ttl);
  request.issuer = absl::GetFlag(FLAGS_issuer);
  if (request.subject.empty()) {
    std::cerr << "dienhinh-mint-token: --subject is required\n";
    return 2;
  }

  absl::StatusOr<std::string> token =
      dienhinh::platform::MintTokenWithDataDirKey(absl::GetFlag(FLAGS_data_dir), request);
  if (!token.ok()) {
    std::cerr << "dienhinh-mint-token: " << token.status().ToString() << "\n";
    return 1;
  }
  std::cout << *token << "\n";
  return 0;
}
