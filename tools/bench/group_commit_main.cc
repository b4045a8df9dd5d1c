// dienhinh-bench-group-commit: durable small write transactions per second from N threads,
// in one run, three ways on the same disk:
//   raw       plain SQLite (WAL, synchronous=FULL): one connection, each thread in turn runs
//             BEGIN IMMEDIATE; INSERT; COMMIT — one fsync per commit, the baseline;
//   driver-1  the platform's SQLite driver with group commit off (max_transactions = 1);
//   driver-g  the driver as services open it, group commit on.
// The configurations take turns for --rounds rounds, so that a disk that slows down or speeds
// up during the run weighs on all three alike; the disk's own fsync rate is probed between.
// Prints a table, and with --json one JSON line per configuration.
#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "services/platform/storage/database.h"
#include "services/platform/storage/sqlite_database.h"
#include "tools/bench/latency_stats.h"

ABSL_FLAG(std::vector<std::string>, threads, (std::vector<std::string>{"1", "32"}),
          "writer thread counts to measure");
ABSL_FLAG(double, seconds, 3.0, "length of each configuration's turn");
ABSL_FLAG(int, rounds, 2, "turns each configuration takes");
ABSL_FLAG(int, row_bytes, 600, "payload of each inserted row");
ABSL_FLAG(std::string, dir, "/tmp", "folder for the database files (the disk under test)");
ABSL_FLAG(bool, json, false, "also print one JSON line per configuration");

namespace dienhinh::bench {
namespace {

constexpr char kSchema[] = "CREATE TABLE IF NOT EXISTS rows (id INTEGER PRIMARY KEY, payload BLOB)";
constexpr char kInsert[] = "INSERT INTO rows (id, payload) VALUES (?, ?)";

// What one configuration measured over all its turns.
struct Tally {
  int64_t commits = 0;
  int64_t errors = 0;
  int64_t durable_commits = 0;  // the driver's count; raw SQLite: one per commit
  absl::Duration elapsed;
  std::vector<int64_t> latencies_us;
};

// Runs `commit_one(thread, id)` from `threads` threads for `seconds`, timing each call.
void Drive(int threads, absl::Duration length, const std::function<bool(int, int64_t)>& commit_one,
           std::atomic<int64_t>* next_id, Tally* tally) {
  std::vector<std::vector<int64_t>> latencies(threads);
  std::vector<int64_t> errors(threads, 0);
  const absl::Time start = absl::Now();
  const absl::Time end = start + length;
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      while (absl::Now() < end) {
        const int64_t id = next_id->fetch_add(1);
        const absl::Time before = absl::Now();
        if (!commit_one(t, id)) {
          ++errors[t];
          continue;
        }
        latencies[t].push_back(absl::ToInt64Microseconds(absl::Now() - before));
      }
    });
  }
  for (std::thread& worker : workers) worker.join();
  tally->elapsed += absl::Now() - start;
  for (int t = 0; t < threads; ++t) {
    tally->commits += static_cast<int64_t>(latencies[t].size());
    tally->errors += errors[t];
    tally->latencies_us.insert(tally->latencies_us.end(), latencies[t].begin(),
                               latencies[t].end());
  }
}

// Plain SQLite with one fsync per commit: the baseline the issue names.
class RawSqlite {
 public:
  explicit RawSqlite(const std::string& path) {
    sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
    sqlite3_exec(db_, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;", nullptr, nullptr,
                 nullptr);
    sqlite3_exec(db_, kSchema, nullptr, nullptr, nullptr);
    sqlite3_prepare_v2(db_, kInsert, -1, &insert_, nullptr);
  }
  ~RawSqlite() {
    sqlite3_finalize(insert_);
    sqlite3_close_v2(db_);
  }

  bool Commit(int64_t id, const std::string& payload) {
    std::lock_guard<std::mutex> lock(mu_);
    if (sqlite3_exec(db_, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) != SQLITE_OK) return false;
    sqlite3_bind_int64(insert_, 1, id);
    sqlite3_bind_blob(insert_, 2, payload.data(), static_cast<int>(payload.size()), SQLITE_STATIC);
    const bool inserted = sqlite3_step(insert_) == SQLITE_DONE;
    sqlite3_reset(insert_);
    if (!inserted) {
      sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
      return false;
    }
    return sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr) == SQLITE_OK;
  }

 private:
  std::mutex mu_;
  sqlite3* db_ = nullptr;
  sqlite3_stmt* insert_ = nullptr;
};

std::unique_ptr<platform::Database> OpenDriver(const std::string& path, int max_transactions) {
  platform::DatabaseOptions options{path, 4};
  platform::SqliteGroupCommitOptions group;
  group.max_transactions = max_transactions;
  auto db = platform::OpenSqliteDatabase(path, options, group);
  if (!db.ok()) {
    std::fprintf(stderr, "cannot open %s: %s\n", path.c_str(), db.status().ToString().c_str());
    std::exit(1);
  }
  absl::Status created = platform::RunInTransaction(
      **db, platform::TxMode::kWrite, [](platform::Transaction& tx) { return tx.ExecuteScript(kSchema); });
  if (!created.ok()) {
    std::fprintf(stderr, "cannot create the table: %s\n", created.ToString().c_str());
    std::exit(1);
  }
  return *std::move(db);
}

// 600-byte appends each followed by fsync, per second: the most commits/s one fsync each can do.
double FsyncRate(const std::string& folder, absl::Duration length) {
  const std::string path = folder + "/fsync-probe";
  const int fd = open(path.c_str(), O_CREAT | O_WRONLY | O_TRUNC, 0600);
  if (fd < 0) return 0;
  const std::string block(600, 'x');
  int64_t count = 0;
  const absl::Time start = absl::Now();
  while (absl::Now() - start < length) {
    if (write(fd, block.data(), block.size()) < 0 || fsync(fd) != 0) break;
    ++count;
  }
  const double rate = count / absl::ToDoubleSeconds(absl::Now() - start);
  close(fd);
  unlink(path.c_str());
  return rate;
}

int Main() {
  const absl::Duration length = absl::Seconds(absl::GetFlag(FLAGS_seconds));
  const int rounds = absl::GetFlag(FLAGS_rounds);
  const std::string payload(absl::GetFlag(FLAGS_row_bytes), 'p');
  char pattern[] = "dh-group-commit-bench-XXXXXX";
  const std::string folder_template = absl::StrCat(absl::GetFlag(FLAGS_dir), "/", pattern);
  std::vector<char> folder_chars(folder_template.begin(), folder_template.end());
  folder_chars.push_back('\0');
  if (mkdtemp(folder_chars.data()) == nullptr) {
    std::perror("mkdtemp");
    return 1;
  }
  const std::string folder(folder_chars.data());

  std::vector<double> fsync_rates = {FsyncRate(folder, absl::Seconds(1))};
  std::printf("%-9s %7s %12s %10s %10s %12s %10s\n", "config", "threads", "commits/s", "p50 ms",
              "p99 ms", "commits/fsync", "vs raw");
  std::vector<std::string> json_lines;
  for (const std::string& threads_text : absl::GetFlag(FLAGS_threads)) {
    const int threads = std::max(1, std::atoi(threads_text.c_str()));
    const std::string stem = absl::StrCat(folder, "/t", threads);
    RawSqlite raw(stem + "-raw.db");
    std::unique_ptr<platform::Database> single = OpenDriver(stem + "-single.db", 1);
    std::unique_ptr<platform::Database> grouped =
        OpenDriver(stem + "-grouped.db", platform::SqliteGroupCommitOptions().max_transactions);
    auto driver_commit = [&](platform::Database& db) {
      return [&db, &payload](int, int64_t id) {
        return platform::RunInTransaction(db, platform::TxMode::kWrite,
                                          [&](platform::Transaction& tx) {
                                            return tx.Execute(kInsert,
                                                              {id, platform::SqlParam::Blob(payload)})
                                                .status();
                                          })
            .ok();
      };
    };
    struct Config {
      Config(const char* name, std::function<bool(int, int64_t)> commit_one,
             platform::Database* driver)
          : name(name), commit_one(std::move(commit_one)), driver(driver) {}
      const char* name;
      std::function<bool(int, int64_t)> commit_one;
      platform::Database* driver;  // null for raw SQLite
      std::atomic<int64_t> next_id{1};
      Tally tally;
    };
    std::vector<std::unique_ptr<Config>> configs;
    configs.push_back(std::make_unique<Config>(
        "raw", [&](int, int64_t id) { return raw.Commit(id, payload); }, nullptr));
    configs.push_back(std::make_unique<Config>("driver-1", driver_commit(*single), single.get()));
    configs.push_back(std::make_unique<Config>("driver-g", driver_commit(*grouped), grouped.get()));
    for (int round = 0; round < rounds; ++round) {
      for (const std::unique_ptr<Config>& entry : configs) {
        Config& config = *entry;
        const platform::SqliteCommitStats before =
            config.driver != nullptr ? *platform::SqliteCommitStatsOf(*config.driver)
                                     : platform::SqliteCommitStats{};
        const int64_t commits_before = config.tally.commits;
        Drive(threads, length, config.commit_one, &config.next_id, &config.tally);
        if (config.driver != nullptr) {
          config.tally.durable_commits +=
              platform::SqliteCommitStatsOf(*config.driver)->durable_commits -
              before.durable_commits;
        } else {
          config.tally.durable_commits += config.tally.commits - commits_before;
        }
      }
    }
    fsync_rates.push_back(FsyncRate(folder, absl::Seconds(1)));
    const double raw_rate =
        configs[0]->tally.commits / absl::ToDoubleSeconds(configs[0]->tally.elapsed);
    for (const std::unique_ptr<Config>& entry : configs) {
      Config& config = *entry;
      Tally& tally = config.tally;
      const double rate = tally.commits / absl::ToDoubleSeconds(tally.elapsed);
      const LatencySummary latency = Summarize(tally.latencies_us);
      const double per_fsync =
          tally.durable_commits > 0 ? static_cast<double>(tally.commits) / tally.durable_commits : 0;
      std::printf("%-9s %7d %12.0f %10.2f %10.2f %12.1f %9.2fx%s\n", config.name, threads, rate,
                  latency.p50_us / 1000, latency.p99_us / 1000, per_fsync,
                  raw_rate > 0 ? rate / raw_rate : 0,
                  tally.errors > 0 ? absl::StrCat("  (", tally.errors, " errors)").c_str() : "");
      json_lines.push_back(JsonObject()
                               .Add("config", config.name)
                               .Add("threads", threads)
                               .Add("commits_per_s", rate)
                               .Add("commits_per_durable_commit", per_fsync)
                               .Add("errors", tally.errors)
                               .Add("latency", latency)
                               .Text());
    }
  }
  std::string rates;
  for (double rate : fsync_rates) absl::StrAppend(&rates, rates.empty() ? "" : ", ", absl::StrFormat("%.0f", rate));
  std::printf("disk fsync rate (600-byte append + fsync, per s) before/between: %s\n", rates.c_str());
  if (absl::GetFlag(FLAGS_json)) {
    for (const std::string& line : json_lines) std::printf("%s\n", line.c_str());
  }
  std::filesystem::remove_all(folder);
  return 0;
}

}  // namespace
}  // namespace dienhinh::bench

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  return dienhinh::bench::Main();
}
