// What every service's main does, in one place: open the database and migrate it, start the
// event log and the EventFeed, load the token keys, serve on the host with health, reflection
// and metrics, follow upstream feeds, and on SIGTERM/SIGINT drain and stop in order.
//
// A service's main is then: build RuntimeOptions (from flags, or by hand in tests), create
// the runtime, construct the service's gRPC classes over runtime->db() and runtime->events(),
// Register them, add consumers, Start (or Run to block until a signal).
#ifndef DIENHINH_SERVICES_PLATFORM_RUNTIME_SERVICE_RUNTIME_H_
#define DIENHINH_SERVICES_PLATFORM_RUNTIME_SERVICE_RUNTIME_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/platform/auth/authenticator.h"
#include "services/platform/events/event_consumer.h"
#include "services/platform/events/event_feed_service.h"
#include "services/platform/events/event_log.h"
#include "services/platform/runtime/event_metrics.h"
#include "services/platform/server/service_host.h"
#include "services/platform/server/tls.h"
#include "services/platform/storage/database.h"

namespace dienhinh::platform {

struct RuntimeOptions {
  std::string service_name;     // "registry", "intake", "evaluation", "reporting"
  std::string listen_address;   // "127.0.0.1:50051"; port 0 in tests
  std::string metrics_address;  // "127.0.0.1:9101"; "off" for none
  std::string data_dir;         // where the HS256 key lives (and SQLite files by default)
  std::string database_url;     // SQLite path or postgres://...
  std::string site = "local";
  std::vector<std::string> rs256_public_keys;  // "kid=path" or "path"
  absl::Duration drain_timeout = absl::Seconds(10);
  int max_message_bytes = 8 << 20;
  // The host's WorkerPool: where handlers do their work.
  int worker_threads = WorkerPool::kDefaultMaxThreads;
  int max_queued_calls = WorkerPool::kDefaultMaxQueued;  // calls waiting for a worker, at most
  bool sqlite_full_sync = true;
  ServerTlsFiles server_tls;  // plaintext when empty
  ClientTlsFiles client_tls;  // how this service calls its peers and follows their feeds
  // The service's own schema, versions from 100 (the platform's are 1-99).
  std::vector<Migration> migrations;
};

// RuntimeOptions from the platform flags (and DIENHINH_* environment), with the service's
// default addresses when --listen / --metrics_listen are not given.
RuntimeOptions RuntimeOptionsFromFlags(const std::string& service_name,
                                       const std::string& default_listen,
                                       const std::string& default_metrics);

// A service's whole schema: the platform's tables (event log, request and audit bookkeeping),
// then the service's own migrations. What Create applies; tests of a store apply it too.
std::vector<Migration> ServiceSchema(const std::vector<Migration>& own);

class ServiceRuntime {
 public:
  static absl::StatusOr<std::unique_ptr<ServiceRuntime>> Create(RuntimeOptions options);
  ~ServiceRuntime();

  Database& db() { return *db_; }
  EventLog& events() { return *events_; }
  const Authenticator& authenticator() const { return *authenticator_; }
  // Where handlers do their work, off gRPC's callback threads (api/reply.h); drained by Stop
  // once the server has stopped taking calls.
  WorkerPool& workers() { return host_->workers(); }
  // Where a lookup (a read by key: one row, or a bounded batch) does its work. On gRPC's own
  // thread when the database's reads are local (Database::reads_are_local): there the hop to a
  // worker and back costs more than the read (GetUnit: 75 µs of CPU per call on a worker, 45 µs
  // inline). On the workers otherwise. Lists and searches, which may scan, and every write stay
  // on workers().
  WorkerPool& lookups() { return db_->reads_are_local() ? inline_ : workers(); }
  const RuntimeOptions& options() const { return options_; }
  // A token this service presents to its peers (role service, subject = service name),
  // signed with the data directory's key.
  std::string ServiceToken() const { return service_token_; }

  // A channel to a peer service with this service's client credentials (TLS when configured),
  // keepalive, and message limits. Calls on it still need a deadline and ServiceToken().
  std::shared_ptr<grpc::Channel> NewChannel(const std::string& target) const;

  // Before Start. The service must outlive the runtime's Stop.
  void Register(grpc::Service* service);
  // Follows another service's feed; the cursor is stored under `name`. Started by Start.
  void AddConsumer(std::string name, std::string target, EventConsumer::Handler handler,
                   std::function<void()> after_commit = nullptr);

  // Serves (health SERVING once everything is up) and starts the consumers.
  absl::Status Start();
  int port() const { return host_->port(); }
  std::string address() const { return host_->address(); }
  // Health NOT_SERVING, feeds end, in-flight calls finish (up to the drain timeout),
  // consumers stop. Idempotent.
  void Stop();
  // Start, wait for SIGTERM or SIGINT, Stop. Returns the process exit code.
  int Run();

 private:
  explicit ServiceRuntime(RuntimeOptions options) : options_(std::move(options)) {}

  RuntimeOptions options_;
  std::unique_ptr<Database> db_;
  std::unique_ptr<EventLog> events_;
  std::unique_ptr<Authenticator> authenticator_;
  std::string service_token_;
  std::shared_ptr<grpc::ChannelCredentials> channel_credentials_;
  std::unique_ptr<EventFeedService> feed_;
  std::unique_ptr<ServiceHost> host_;
  WorkerPool inline_{0};  // no threads: runs each task on the thread that submits it
  std::vector<std::unique_ptr<EventConsumer>> consumers_;
  std::shared_ptr<EventMetrics> event_metrics_;
  bool stopped_ = false;
};

}  // namespace dienhinh::platform

#endif  // DIENHINH_SERVICES_PLATFORM_RUNTIME_SERVICE_RUNTIME_H_
