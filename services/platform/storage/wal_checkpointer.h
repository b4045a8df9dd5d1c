// Checkpoints a SQLite database's write-ahead log on a thread of its own.
//
// SQLite's autocheckpoint runs inside the COMMIT that grows the WAL past its threshold: the
// writer copies a thousand pages into the database file and fsyncs it before that COMMIT
// returns, and the next write waits. A service that writes in large batches (evaluation
// recording 200 evaluations a transaction) spent a third of each commit so, with its other
// core idle. The checkpointer replaces the writer connection's autocheckpoint: the writer's WAL
// hook only wakes this thread, which checkpoints (PASSIVE: never waits for the writer or the
// readers) on a connection of its own while the writer goes on.
//
// A PASSIVE checkpoint copies what was committed when it started. The WAL restarts from its
// beginning only when a write transaction starts with every frame copied, which a writer that
// keeps committing might never give it; so past `inline_pages` the writer checkpoints in its
// own COMMIT again, as SQLite would, and the WAL stays bounded whatever the load.
#ifndef DIENHINH_SERVICES_PLATFORM_STORAGE_WAL_CHECKPOINTER_H_
#define DIENHINH_SERVICES_PLATFORM_STORAGE_WAL_CHECKPOINTER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"

struct sqlite3;

namespace dienhinh::platform {

struct WalCheckpointOptions {
  // The thread checkpoints each time the WAL has grown by this many pages (SQLite's own
  // autocheckpoint default). Not after every COMMIT past it: under steady load the writer
  // rarely lets a checkpoint finish before its next write, the log then does not restart, and
  // a checkpoint (and its fsync of the database file) per COMMIT doubled intake's fsyncs.
  int background_pages = 1000;
  // The WAL size past which the writer's COMMIT checkpoints itself, as without this class.
  int inline_pages = 16000;
};

struct WalCheckpointStats {
  int64_t requested = 0;   // times a COMMIT woke the thread
  int64_t background = 0;  // checkpoints the thread ran
  int64_t inline_ = 0;     // checkpoints a COMMIT ran (the WAL past inline_pages)
};

class WalCheckpointer {
 public:
  // Opens a connection of its own to the database file `path` (already in WAL mode) and
  // installs itself as `writer`'s WAL hook. `writer` must outlive the checkpointer.
  static absl::StatusOr<std::unique_ptr<WalCheckpointer>> Start(const std::string& path,
                                                               sqlite3* writer, bool full_sync,
                                                               const WalCheckpointOptions& options);
  // Gives the writer back SQLite's autocheckpoint (at background_pages), stops the thread
  // and closes its connection.
  ~WalCheckpointer();
  WalCheckpointer(const WalCheckpointer&) = delete;
  WalCheckpointer& operator=(const WalCheckpointer&) = delete;

  WalCheckpointStats stats() const;

 private:
  WalCheckpointer(sqlite3* own, sqlite3* writer, const WalCheckpointOptions& options);
  // SQLite's WAL hook: runs on the writer's thread after each COMMIT, `pages` the WAL's size.
  static int AfterCommit(void* self, sqlite3* db, const char* schema, int pages);
  void Loop();

  sqlite3* const own_;
  sqlite3* const writer_;
  const WalCheckpointOptions options_;
  mutable absl::Mutex mu_;
  bool wanted_ ABSL_GUARDED_BY(mu_) = false;
  // The WAL size at the last COMMIT, and the size at which the next one wakes the thread.
  int last_pages_ ABSL_GUARDED_BY(mu_) = 0;
  int wake_at_pages_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  WalCheckpointStats stats_ ABSL_GUARDED_BY(mu_);
  std::thread thread_;
};

}  // namespace dienhinh::platform

#endif  // DIENHINH_SERVICES_PLATFORM_STORAGE_WAL_CHECKPOINTER_H_
