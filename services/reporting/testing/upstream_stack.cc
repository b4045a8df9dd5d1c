#include "services/reporting/testing/upstream_stack.h"

#include "absl/strings/str_cat.h"
#include "services/platform/events/event_schema.h"

namespace dienhinh::reporting::testing {

constexpr absl::Duration kPollInterval = absl::Milliseconds(100);

UpstreamStack::UpstreamStack(std::string site) : site_(std::move(site)) {}

UpstreamStack::~UpstreamStack() { Stop(); }

absl::Status UpstreamStack::Start() {
  for (const char* source : {"registry", "intake", "evaluation"}) {
    auto feed = std::make_unique<Feed>();
    feed->source = source;
    auto db = platform::testing::OpenTestDatabase(platform::testing::Backend::kSqlite);
    if (!db.ok()) return db.status();
    feed->db = std::move(*db);
    if (absl::Status s = platform::Migrate(*feed->db.db, platform::EventMigrations()); !s.ok()) {
      return s;
    }
    platform::EventLog::Options options;
    options.source = source;
    options.site = site_;
    options.poll_interval = kPollInterval;
    feed->log = std::make_unique<platform::EventLog>(feed->db.db.get(), options);
    feed->service = std::make_unique<platform::EventFeedService>(feed->log.get(), nullptr);
    platform::HostOptions host;
    host.service_name = source;
    host.listen_address = "127.0.0.1:0";
    host.drain_timeout = absl::Seconds(2);
    feed->host = std::make_unique<platform::ServiceHost>(host);
    feed->host->Register(feed->service.get());
    platform::EventFeedService* service = feed->service.get();
    feed->host->OnDrain([service] { service->Drain(); });
    if (absl::Status s = feed->host->Start(); !s.ok()) return s;
    feed->host->SetServing(true);
    feeds_.push_back(std::move(feed));
  }
  return absl::OkStatus();
}

void UpstreamStack::Stop() {
  for (auto& feed : feeds_) {
    if (feed->host) feed->host->Drain();
    feed->host.reset();
    feed->service.reset();
    feed->log.reset();
  }
  feeds_.clear();
}

UpstreamStack::Feed* UpstreamStack::FeedOf(const platform::Event& event) {
  int payload = static_cast<int>(event.payload_case());
  const char* source = payload >= 10 && payload < 30   ? "registry"
                       : payload >= 30 && payload < 40 ? "intake"
                       : payload >= 40 && payload < 50 ? "evaluation"
                                                       : "";
  for (auto& feed : feeds_) {
    if (feed->source == source) return feed.get();
  }
  return nullptr;
}

absl::StatusOr<platform::Event> UpstreamStack::Publish(platform::Event event) {
  Feed* feed = FeedOf(event);
  if (feed == nullptr) return absl::InvalidArgumentError("no upstream feed carries this payload");
  std::shared_ptr<const platform::Event> appended;
  absl::Status status =
      platform::RunInTransaction(*feed->db.db, platform::TxMode::kWrite, [&](platform::Transaction& tx) {
        auto a = feed->log->Append(tx, event);
        if (!a.ok()) return a.status();
        appended = *std::move(a);
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  feed->log->Notify();
  feed->last_sequence = appended->sequence();
  return *appended;
}

std::vector<std::string> UpstreamStack::FeedEntries(bool with_site) const {
  std::vector<std::string> out;
  for (const auto& feed : feeds_) {
    out.push_back(absl::StrCat(feed->source, with_site ? "@" + site_ : "", "=", feed->host->address()));
  }
  return out;
}

int64_t UpstreamStack::LastSequence(const std::string& source) const {
  for (const auto& feed : feeds_) {
    if (feed->source == source) return feed->last_sequence;
  }
  return 0;
}

}  // namespace dienhinh::reporting::testing
