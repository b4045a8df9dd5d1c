#include "services/platform/server/flags.h"

#include <cstdio>
#include <cstdlib>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/reflection.h"
#include "absl/flags/usage.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "services/platform/log/json_log.h"
#include "services/platform/server/worker_pool.h"

ABSL_FLAG(std::string, listen, "", "gRPC listen address (host:port); default per service");
ABSL_FLAG(std::string, metrics_listen, "",
          "Prometheus metrics HTTP address (host:port); default per service, 'off' disables");
ABSL_FLAG(std::string, data_dir, "var", "folder for the SQLite files and the generated JWT key");
ABSL_FLAG(std::string, database, "",
          "database URL: postgres://... for PostgreSQL; empty for SQLite under --data_dir");
ABSL_FLAG(std::string, site, "local",
          "site id written on every event, e.g. can-tho/ninh-kieu; keeps sites apart when merged");
ABSL_FLAG(absl::Duration, drain_timeout, absl::Seconds(10),
          "on SIGTERM/SIGINT, how long in-flight calls may take before they are cancelled");
// Requests are small but for ImportRecords, whose messages the CLI keeps to 256 KiB (1 MiB at
// most, --chunk_size); responses (a List page of up to 1000 resources, an export chunk) share
// the limit. A larger request is INVALID_ARGUMENT naming its largest field; one over twice the
// limit is refused unread by gRPC's core with RESOURCE_EXHAUSTED (request_guard.h).
ABSL_FLAG(int, max_message_bytes, 8 << 20,
          "largest request or response message accepted, in bytes (a larger request is "
          "INVALID_ARGUMENT; over twice this, RESOURCE_EXHAUSTED unread)");
// gRPC's own callback threads (two on 2 cores) only hand calls over: the handlers' waits (an
// fsync, a call to a peer) happen on these (worker_pool.h says how many are needed).
ABSL_FLAG(int, worker_threads, dienhinh::platform::WorkerPool::kDefaultMaxThreads,
          "threads that run the handlers (database work, calls to other services); 0 runs "
          "them on gRPC's callback threads");
// Admission control: a service under more calls than its workers can serve refuses the excess
// at once instead of queueing without bound (memory, and answers ever later).
ABSL_FLAG(int, max_queued_calls, 4096,
          "calls that may wait for a worker thread; past that a call is answered "
          "RESOURCE_EXHAUSTED (reason OVERLOADED) without being worked on");
ABSL_FLAG(std::string, log_level, "info", "debug, info, warning or error");
ABSL_FLAG(std::vector<std::string>, jwt_rs256_public_keys, {},
          "PEM files of RS256 public keys (single sign-on) accepted besides the local HS256 key");

ABSL_FLAG(std::string, tls_cert, "", "PEM certificate chain: serve TLS (with --tls_key)");
ABSL_FLAG(std::string, tls_key, "", "PEM private key of --tls_cert");
ABSL_FLAG(std::string, tls_client_ca, "",
          "PEM CA: require client certificates signed by it (mutual TLS between services)");
ABSL_FLAG(std::string, tls_ca, "", "PEM CA that signed the peers' certificates: call peers over TLS");
ABSL_FLAG(std::string, tls_client_cert, "", "PEM certificate this process presents to its peers");
ABSL_FLAG(std::string, tls_client_key, "", "PEM private key of --tls_client_cert");
ABSL_FLAG(absl::Duration, clock_offset, absl::ZeroDuration(),
          "shift of the business clock (windows, deadlines) from the real time, e.g. -55000h; "
          "for rehearsals and tests only");

namespace dienhinh::platform {

std::vector<char*> ParseFlagsWithEnvironment(int argc, char** argv, const char* usage) {
  absl::SetProgramUsageMessage(usage);
  for (const auto& [name, flag] : absl::GetAllFlags()) {
    std::string env_name = absl::StrCat("DIENHINH_", absl::AsciiStrToUpper(name));
    const char* value = std::getenv(env_name.c_str());
    if (value == nullptr) continue;
    std::string error;
    if (!flag->ParseFrom(value, &error)) {
      std::fprintf(stderr, "%s=%s: %s\n", env_name.c_str(), value, error.c_str());
      std::exit(2);
    }
  }
  return absl::ParseCommandLine(argc, argv);
}

std::string DatabaseUrlFor(const std::string& service) {
  std::string url = absl::GetFlag(FLAGS_database);
  if (!url.empty()) return url;
  return absl::StrCat(absl::GetFlag(FLAGS_data_dir), "/", service, ".db");
}

std::function<absl::Time()> BusinessClockFromFlags() {
  const absl::Duration offset = absl::GetFlag(FLAGS_clock_offset);
  if (offset == absl::ZeroDuration()) return [] { return absl::Now(); };
  LogWarning("business clock shifted from the real time (--clock_offset): windows and "
             "deadlines are judged at the shifted time",
             {{"clock_offset", absl::FormatDuration(offset)},
              {"business_now", absl::FormatTime(absl::Now() + offset)}});
  return [offset] { return absl::Now() + offset; };
}

}  // namespace dienhinh::platform
