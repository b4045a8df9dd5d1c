#include "services/platform/runtime/service_runtime.h"

#include <optional>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "services/platform/api/api_schema.h"
#include "services/platform/api/page_token.h"
#include "services/platform/auth/key_store.h"
#include "services/platform/events/event_schema.h"
#include "services/platform/log/json_log.h"
#include "services/platform/server/flags.h"

namespace dienhinh::platform {

RuntimeOptions RuntimeOptionsFromFlags(const std::string& service_name,
                                       const std::string& default_listen,
                                       const std::string& default_metrics) {
  RuntimeOptions options;
  options.service_name = service_name;
  options.listen_address = absl::GetFlag(FLAGS_listen);
  if (options.listen_address.empty()) options.listen_address = default_listen;
  options.metrics_address = absl::GetFlag(FLAGS_metrics_listen);
  if (options.metrics_address.empty()) options.metrics_address = default_metrics;
  options.data_dir = absl::GetFlag(FLAGS_data_dir);
  options.database_url = DatabaseUrlFor(service_name);
  options.site = absl::GetFlag(FLAGS_site);
  options.rs256_public_keys = absl::GetFlag(FLAGS_jwt_rs256_public_keys);
  options.drain_timeout = absl::GetFlag(FLAGS_drain_timeout);
  options.max_message_bytes = absl::GetFlag(FLAGS_max_message_bytes);
  options.worker_threads = absl::GetFlag(FLAGS_worker_threads);
  options.max_queued_calls = absl::GetFlag(FLAGS_max_queued_calls);
  options.server_tls = {absl::GetFlag(FLAGS_tls_cert), absl::GetFlag(FLAGS_tls_key),
                        absl::GetFlag(FLAGS_tls_client_ca)};
  options.client_tls = {absl::GetFlag(FLAGS_tls_ca), absl::GetFlag(FLAGS_tls_client_cert),
                        absl::GetFlag(FLAGS_tls_client_key)};
  return options;
}

std::vector<Migration> ServiceSchema(const std::vector<Migration>& own) {
  std::vector<Migration> schema = EventMigrations();
  for (Migration& m : ApiMigrations()) schema.push_back(std::move(m));
  schema.insert(schema.end(), own.begin(), own.end());
  return schema;
}

absl::StatusOr<std::unique_ptr<ServiceRuntime>> ServiceRuntime::Create(RuntimeOptions options) {
  std::unique_ptr<ServiceRuntime> runtime(new ServiceRuntime(std::move(options)));
  const RuntimeOptions& o = runtime->options_;
  SetLogService(o.service_name);

  DatabaseOptions db_options;
  db_options.url = o.database_url;
  db_options.sqlite_full_sync = o.sqlite_full_sync;
  auto db = Database::Open(db_options);
  if (!db.ok()) return db.status();
  runtime->db_ = std::move(*db);

  if (absl::Status migrated = Migrate(*runtime->db_, ServiceSchema(o.migrations));
      !migrated.ok()) {
    return absl::Status(migrated.code(), absl::StrCat("migrating ", o.service_name,
                                                      " schema: ", migrated.message()));
  }

  // The site's HS256 key, read once: the service verifies with it, mints its own token with it
  // and derives the page-token key from it.
  std::optional<Hs256Key> site_key;
  if (!o.data_dir.empty()) {
    auto loaded = LoadOrCreateHs256Key(o.data_dir);
    if (!loaded.ok()) return loaded.status();
    site_key = std::move(*loaded);
  }
  auto keys = JwtKeySetOf(site_key ? &*site_key : nullptr, o.rs256_public_keys);
  if (!keys.ok()) return keys.status();
  runtime->authenticator_ = std::make_unique<Authenticator>(std::move(*keys));
  if (site_key) {
    // Page tokens are signed with a key derived from the site's: any replica of any service
    // of the site accepts the tokens another issued, and no client can make one.
    SetPageTokenKey(site_key->secret);
    TokenRequest request;
    request.role = Role::kService;
    request.subject = o.service_name;
    request.site = o.site;
    request.lifetime = absl::Hours(24 * 365);
    auto token = MintTokenWithKey(*site_key, request);
    if (!token.ok()) return token.status();
    runtime->service_token_ = *token;
  }

  EventLog::Options log_options;
  log_options.source = o.service_name;
  log_options.site = o.site;
  runtime->events_ = std::make_unique<EventLog>(runtime->db_.get(), log_options);

  const Authenticator* authenticator = runtime->authenticator_.get();
  runtime->feed_ = std::make_unique<EventFeedService>(
      runtime->events_.get(), [authenticator](grpc::CallbackServerContext* context) {
        auto caller = authenticator->Authenticate(*context);
        if (!caller.ok()) return caller.status();
        // The feed carries every change of the service, every unit's: not for unit officers.
        if (caller->role == Role::kUnitOfficer) {
          return absl::PermissionDeniedError(
              "the event feed is for services, the department office, viewers and admins");
        }
        return absl::OkStatus();
      });

  auto server_credentials = MakeServerCredentials(o.server_tls);
  if (!server_credentials.ok()) return server_credentials.status();
  auto channel_credentials = MakeChannelCredentials(o.client_tls);
  if (!channel_credentials.ok()) return channel_credentials.status();
  runtime->channel_credentials_ = *channel_credentials;

  HostOptions host_options;
  host_options.credentials = *server_credentials;
  host_options.service_name = o.service_name;
  host_options.listen_address = o.listen_address;
  host_options.metrics_address = o.metrics_address;
  host_options.drain_timeout = o.drain_timeout;
  host_options.max_message_bytes = o.max_message_bytes;
  host_options.worker_threads = o.worker_threads;
  host_options.max_queued_calls = o.max_queued_calls;
  host_options.caller_namer = [authenticator](absl::string_view authorization) -> std::string {
    if (authorization.empty()) return "";
    auto caller = authenticator->AuthenticateHeader(
        std::string_view(authorization.data(), authorization.size()));
    if (!caller.ok()) return "unauthenticated";
    return absl::StrCat(caller->subject, " (", std::string(RoleName(caller->role)),
                        caller->unit.empty() ? "" : ", " + caller->unit, ")");
  };
  runtime->host_ = std::make_unique<ServiceHost>(host_options);
  runtime->host_->Register(runtime->feed_.get());
  EventFeedService* feed = runtime->feed_.get();
  runtime->host_->OnDrain([feed] { feed->Drain(); });
  return runtime;
}

ServiceRuntime::~ServiceRuntime() { Stop(); }

void ServiceRuntime::Register(grpc::Service* service) { host_->Register(service); }

void ServiceRuntime::AddConsumer(std::string name, std::string target,
                                 EventConsumer::Handler handler,
                                 std::function<void()> after_commit) {
  EventConsumer::Options options;
  options.after_commit = std::move(after_commit);
  options.name = std::move(name);
  options.target = std::move(target);
  options.credentials = channel_credentials_;
  std::string token = service_token_;
  options.bearer_token = [token] { return token; };
  consumers_.push_back(
      std::make_unique<EventConsumer>(db_.get(), std::move(options), std::move(handler)));
}

std::shared_ptr<grpc::Channel> ServiceRuntime::NewChannel(const std::string& target) const {
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_KEEPALIVE_TIME_MS, 30000);
  args.SetInt(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  args.SetInt(GRPC_ARG_MAX_RECEIVE_MESSAGE_LENGTH, options_.max_message_bytes);
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 2000);
  return grpc::CreateCustomChannel(target, channel_credentials_, args);
}

absl::Status ServiceRuntime::Start() {
  if (absl::Status started = host_->Start(); !started.ok()) return started;
  std::vector<EventConsumer*> consumers;
  for (auto& consumer : consumers_) consumers.push_back(consumer.get());
  event_metrics_ = std::make_shared<EventMetrics>(events_.get(), std::move(consumers));
  host_->AddCollectable(event_metrics_);
  for (auto& consumer : consumers_) consumer->Start();
  host_->SetServing(true);
  return absl::OkStatus();
}

void ServiceRuntime::Stop() {
  if (stopped_) return;
  stopped_ = true;
  if (host_) host_->Drain();
  if (event_metrics_) event_metrics_->Detach();
  for (auto& consumer : consumers_) consumer->Stop();
  events_.reset();
}

int ServiceRuntime::Run() {
  if (absl::Status started = Start(); !started.ok()) {
    LogError("cannot start", {{"error", started.ToString()}});
    return 1;
  }
  std::string signal = WaitForTerminationSignal();
  LogInfo("stopping", {{"signal", signal}});
  Stop();
  return 0;
}

}  // namespace dienhinh::platform
