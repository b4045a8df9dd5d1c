// Configuration shared by every service: flags, each also settable by an environment variable
// DIENHINH_<FLAG NAME IN UPPER CASE> (e.g. --listen and DIENHINH_LISTEN). A flag on the command
// line wins over the environment; the environment wins over the default. Services define their
// own flags (peer addresses, the plan file) with ABSL_FLAG and get the same treatment.
#ifndef DIENHINH_SERVICES_PLATFORM_SERVER_FLAGS_H_
#define DIENHINH_SERVICES_PLATFORM_SERVER_FLAGS_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/flags/declare.h"
#include "absl/status/status.h"
#include "absl/time/time.h"

ABSL_DECLARE_FLAG(std::string, listen);
ABSL_DECLARE_FLAG(std::string, metrics_listen);
ABSL_DECLARE_FLAG(std::string, data_dir);
ABSL_DECLARE_FLAG(std::string, database);
ABSL_DECLARE_FLAG(std::string, site);
ABSL_DECLARE_FLAG(absl::Duration, drain_timeout);
ABSL_DECLARE_FLAG(int, max_message_bytes);
ABSL_DECLARE_FLAG(int, worker_threads);
ABSL_DECLARE_FLAG(int, max_queued_calls);
ABSL_DECLARE_FLAG(std::string, log_level);
ABSL_DECLARE_FLAG(std::vector<std::string>, jwt_rs256_public_keys);
ABSL_DECLARE_FLAG(std::string, tls_cert);
ABSL_DECLARE_FLAG(std::string, tls_key);
ABSL_DECLARE_FLAG(std::string, tls_client_ca);
ABSL_DECLARE_FLAG(std::string, tls_ca);
ABSL_DECLARE_FLAG(std::string, tls_client_cert);
ABSL_DECLARE_FLAG(std::string, tls_client_key);
ABSL_DECLARE_FLAG(absl::Duration, clock_offset);

namespace dienhinh::platform {

// Applies DIENHINH_* environment variables to the flags, then parses the command line.
// Exits with a message on an unknown flag or a value that does not parse.
std::vector<char*> ParseFlagsWithEnvironment(int argc, char** argv, const char* usage);

// The database URL of a service: --database when given, otherwise a SQLite file
// <data_dir>/<service>.db.
std::string DatabaseUrlFor(const std::string& service);

// The clock the business rules read (nomination windows, report deadlines, days overdue): the
// real time shifted by --clock_offset. A non-zero offset is for rehearsals and tests (a drill
// of the 1 June deadline in November, a year's flow replayed in minutes) and is logged as a
// warning at start; tokens, events and logs always carry the real time.
std::function<absl::Time()> BusinessClockFromFlags();

}  // namespace dienhinh::platform

#endif  // DIENHINH_SERVICES_PLATFORM_SERVER_FLAGS_H_
