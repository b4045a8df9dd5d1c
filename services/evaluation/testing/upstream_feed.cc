#include "services/evaluation/testing/upstream_feed.h"

#include "services/platform/events/event_schema.h"
#include "services/platform/testing/test_database.h"

namespace dienhinh::evaluation::testing {

absl::StatusOr<std::unique_ptr<UpstreamFeed>> UpstreamFeed::Start(const std::string& source,
                                                                  std::vector<grpc::Service*> services) {
  std::unique_ptr<UpstreamFeed> feed(new UpstreamFeed());
  feed->dir_ = platform::testing::MakeTempDir();
  platform::DatabaseOptions db_options;
  db_options.url = feed->dir_ + "/" + source + ".db";
  db_options.sqlite_full_sync = false;
  auto db = platform::Database::Open(db_options);
  if (!db.ok()) return db.status();
  feed->db_ = std::move(*db);
  if (absl::Status s = platform::Migrate(*feed->db_, platform::EventMigrations()); !s.ok()) return s;
  feed->log_ = std::make_unique<platform::EventLog>(
      feed->db_.get(), platform::EventLog::Options{.source = source, .site = "test-site",
                                                   .poll_interval = absl::Milliseconds(50)});
  feed->feed_ = std::make_unique<platform::EventFeedService>(feed->log_.get(), nullptr);
  platform::HostOptions options;
  options.service_name = source;
  options.listen_address = "127.0.0.1:0";
  options.drain_timeout = absl::Seconds(2);
  feed->host_ = std::make_unique<platform::ServiceHost>(options);
  feed->host_->Register(feed->feed_.get());
  for (grpc::Service* service : services) feed->host_->Register(service);
  platform::EventFeedService* events = feed->feed_.get();
  feed->host_->OnDrain([events] { events->Drain(); });
  if (absl::Status s = feed->host_->Start(); !s.ok()) return s;
  feed->host_->SetServing(true);
  return feed;
}

UpstreamFeed::~UpstreamFeed() {
  if (host_) host_->Drain();
  host_.reset();
  feed_.reset();
  log_.reset();
}

absl::StatusOr<platform::Event> UpstreamFeed::Publish(platform::Event event) {
  platform::Event appended;
  absl::Status s = platform::RunInTransaction(*db_, platform::TxMode::kWrite, [&](platform::Transaction& tx) {
    auto a = log_->Append(tx, event);
    if (!a.ok()) return a.status();
    appended = **a;
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  log_->Notify();
  return appended;
}

}  // namespace dienhinh::evaluation::testing
