#include "services/platform/storage/wal_checkpointer.h"

#include <pthread.h>
#include <sqlite3.h>

#include <utility>

#include "absl/strings/str_cat.h"

namespace dienhinh::platform {

absl::StatusOr<std::unique_ptr<WalCheckpointer>> WalCheckpointer::Start(
    const std::string& path, sqlite3* writer, bool full_sync, const WalCheckpointOptions& options) {
  sqlite3* own = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &own, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
                                 nullptr);
  if (rc != SQLITE_OK) {
    absl::Status error = absl::UnavailableError(absl::StrCat(
        "sqlite: open ", path, " for checkpoints: ", own ? sqlite3_errmsg(own) : sqlite3_errstr(rc)));
    sqlite3_close_v2(own);
    return error;
  }
  // The database file is fsynced after a checkpoint under either setting; FULL also syncs
  // the WAL's header when the log restarts, as the writer does.
  const char* pragma = full_sync ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL";
  if (sqlite3_exec(own, pragma, nullptr, nullptr, nullptr) != SQLITE_OK) {
    absl::Status error = absl::InternalError(absl::StrCat("sqlite: ", sqlite3_errmsg(own)));
    sqlite3_close_v2(own);
    return error;
  }
  auto checkpointer = std::unique_ptr<WalCheckpointer>(new WalCheckpointer(own, writer, options));
  checkpointer->thread_ = std::thread([self = checkpointer.get()] { self->Loop(); });
  // Replaces the writer's autocheckpoint (itself a WAL hook).
  sqlite3_wal_hook(writer, &WalCheckpointer::AfterCommit, checkpointer.get());
  return checkpointer;
}

WalCheckpointer::WalCheckpointer(sqlite3* own, sqlite3* writer, const WalCheckpointOptions& options)
    : own_(own), writer_(writer), options_(options), wake_at_pages_(options.background_pages) {}

WalCheckpointer::~WalCheckpointer() {
  sqlite3_wal_autocheckpoint(writer_, options_.background_pages);
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  thread_.join();
  sqlite3_close_v2(own_);
}

WalCheckpointStats WalCheckpointer::stats() const {
  absl::MutexLock lock(&mu_);
  return stats_;
}

int WalCheckpointer::AfterCommit(void* self, sqlite3* db, const char* schema, int pages) {
  auto* checkpointer = static_cast<WalCheckpointer*>(self);
  if (pages >= checkpointer->options_.inline_pages) {
    // The thread has not kept up (or the writer never paused for it): checkpoint here, between
    // this COMMIT and the next, so the next write transaction can restart the log.
    sqlite3_wal_checkpoint_v2(db, schema, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    absl::MutexLock lock(&checkpointer->mu_);
    ++checkpointer->stats_.inline_;
    return SQLITE_OK;
  }
  absl::MutexLock lock(&checkpointer->mu_);
  // A smaller log than at the last COMMIT has restarted (a checkpoint had copied all of it).
  if (pages < checkpointer->last_pages_) {
    checkpointer->wake_at_pages_ = checkpointer->options_.background_pages;
  }
  checkpointer->last_pages_ = pages;
  if (pages >= checkpointer->wake_at_pages_) {
    checkpointer->wanted_ = true;
    ++checkpointer->stats_.requested;
    checkpointer->wake_at_pages_ = pages + checkpointer->options_.background_pages;
  }
  return SQLITE_OK;
}

void WalCheckpointer::Loop() {
  pthread_setname_np(pthread_self(), "dh-checkpoint");
  while (true) {
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(
          +[](WalCheckpointer* c) ABSL_EXCLUSIVE_LOCKS_REQUIRED(c->mu_) {
            return c->wanted_ || c->stopping_;
          },
          this));
      if (stopping_) return;
      wanted_ = false;
    }
    // Errors are left to the next try and, past inline_pages, to the writer's own checkpoint:
    // a checkpoint that fails loses nothing (the WAL keeps every committed frame).
    if (sqlite3_wal_checkpoint_v2(own_, nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr) ==
        SQLITE_OK) {
      absl::MutexLock lock(&mu_);
      ++stats_.background;
    }
  }
}

}  // namespace dienhinh::platform
