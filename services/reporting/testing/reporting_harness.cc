#include "services/reporting/testing/reporting_harness.h"

#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "services/platform/auth/key_store.h"
#include "services/reporting/read_model.h"
#include "services/reporting/testing/test_world.h"
#include "services/reporting/upstream_feeds.h"

namespace dienhinh::reporting::testing {

ReportingHarness::~ReportingHarness() {
  StopReporting();
  observer_.reset();
  upstreams_.clear();
  owned_upstreams_.clear();
}

absl::Status ReportingHarness::Start(platform::testing::TestDatabase database,
                                     std::vector<std::string> sites, bool feed_names_with_site) {
  database_ = std::move(database);
  data_dir_ = platform::testing::MakeTempDir();
  now_us_ = absl::ToUnixMicros(VietnamTime(2020, 5, 1));
  for (const std::string& site : sites) {
    owned_upstreams_.push_back(std::make_unique<UpstreamStack>(site));
    upstreams_.push_back(owned_upstreams_.back().get());
    if (absl::Status s = upstreams_.back()->Start(); !s.ok()) return s;
    for (std::string& entry : upstreams_.back()->FeedEntries(feed_names_with_site)) {
      feed_entries_.push_back(std::move(entry));
    }
  }
  return StartReporting();
}

absl::Status ReportingHarness::StartWithFeeds(platform::testing::TestDatabase database,
                                              std::string data_dir,
                                              std::vector<std::string> feed_entries) {
  database_ = std::move(database);
  data_dir_ = std::move(data_dir);
  now_us_ = absl::ToUnixMicros(VietnamTime(2020, 6, 5));
  feed_entries_ = std::move(feed_entries);
  return StartReporting();
}

absl::Status ReportingHarness::StartFollowing(platform::testing::TestDatabase database,
                                              ReportingHarness& other) {
  database_ = std::move(database);
  data_dir_ = platform::testing::MakeTempDir();
  now_us_ = other.now_us_.load();
  upstreams_ = other.upstreams_;
  feed_entries_ = other.feed_entries_;
  return StartReporting();
}

absl::Status ReportingHarness::StartReporting() {
  platform::RuntimeOptions options;
  options.service_name = "reporting";
  options.listen_address = "127.0.0.1:0";
  options.metrics_address = "off";
  options.data_dir = data_dir_;
  options.database_url = database_.url;
  options.site = "can-tho";
  options.drain_timeout = absl::Seconds(2);
  options.migrations = ReportingMigrations();
  auto runtime = platform::ServiceRuntime::Create(options);
  if (!runtime.ok()) return runtime.status();
  runtime_ = std::move(*runtime);

  ReportingOptions reporting;
  reporting.plans = platform::PlanCatalog::FromPlans({TestPlan()});
  reporting.clock = [this] { return absl::FromUnixMicros(now_us_.load()); };
  reporting.export_chunk_bytes = 4096;  // several chunks even for small test files
  service_ = std::make_unique<ReportingService>(runtime_.get(), std::move(reporting));
  runtime_->Register(service_.get());
  auto feeds = ParseUpstreamFeeds(feed_entries_);
  if (!feeds.ok()) return feeds.status();
  FollowUpstreamFeeds(*runtime_, *feeds);
  if (absl::Status s = runtime_->Start(); !s.ok()) return s;
  stub_ = v1::ReportingService::NewStub(
      grpc::CreateChannel(runtime_->address(), grpc::InsecureChannelCredentials()));
  return absl::OkStatus();
}

void ReportingHarness::StopReporting() {
  if (runtime_) runtime_->Stop();
  stub_.reset();
  runtime_.reset();
  service_.reset();
}

void ReportingHarness::Publish(platform::Event event, size_t i) {
  auto published = upstreams_.at(i)->Publish(std::move(event));
  ASSERT_TRUE(published.ok()) << published.status();
}

void ReportingHarness::PublishRegistry(size_t i) {
  for (const auto& d : TestDistricts()) Publish(DistrictChanged(d), i);
  for (const auto& u : TestUnits()) Publish(UnitChanged(u), i);
}

int64_t ReportingHarness::Cursor(const std::string& consumer) {
  if (observer_ == nullptr) {
    auto db = platform::Database::Open({database_.url, 1});
    if (!db.ok()) return -1;
    observer_ = std::move(*db);
  }
  auto tx = observer_->Begin(platform::TxMode::kRead);
  if (!tx.ok()) return -1;
  auto rows = (*tx)->Query("SELECT sequence FROM consumer_cursors WHERE consumer = ?",
                           {platform::SqlParam(consumer)});
  if (!rows.ok() || rows->empty()) return 0;
  return (*rows)[0].Int(0);
}

bool ReportingHarness::WaitForFeeds(absl::Duration timeout) {
  absl::Time deadline = absl::Now() + timeout;
  std::vector<std::pair<std::string, int64_t>> targets;
  for (const std::string& entry : feed_entries_) {
    std::string name = entry.substr(0, entry.find('='));
    std::string source = name.substr(0, name.find('@'));
    for (const auto& upstream : upstreams_) {
      if (name == source || name == absl::StrCat(source, "@", upstream->site())) {
        targets.emplace_back(name, upstream->LastSequence(source));
      }
    }
  }
  while (true) {
    bool done = true;
    for (const auto& [name, sequence] : targets) {
      if (Cursor(name) < sequence) done = false;
    }
    if (done) return true;
    if (absl::Now() > deadline) {
      for (const auto& [name, sequence] : targets) {
        ADD_FAILURE() << "consumer " << name << " is at " << Cursor(name) << ", the feed at " << sequence;
      }
      return false;
    }
    absl::SleepFor(absl::Milliseconds(20));
  }
}

std::string ReportingHarness::Token(platform::Role role, const std::string& subject,
                                    const std::string& unit) {
  platform::TokenRequest request;
  request.role = role;
  request.subject = subject;
  request.unit = unit;
  auto token = platform::MintTokenWithDataDirKey(data_dir_, request);
  EXPECT_TRUE(token.ok()) << token.status();
  return token.ok() ? *token : "";
}

std::unique_ptr<grpc::ClientContext> ReportingHarness::Context(const std::string& token) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
  if (!token.empty()) context->AddMetadata("authorization", "Bearer " + token);
  return context;
}

}  // namespace dienhinh::reporting::testing
