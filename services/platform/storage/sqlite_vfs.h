// SQLite's file layer as dienhinh configures it: two VFSs wrapping the default (unix) one, and
// the sub-journal kept in memory.
//
// - Long writes are split (and reads, which the unix VFS only asserts on). The unix VFS writes at
//   most 128 KiB - 1 bytes per call: it masks the length with 0x1ffff, so a longer write comes
//   back short and SQLite reports a full disk. SQLite itself issues such writes when a sub-journal kept in memory
//   spills to a file (it writes its chunks, each as large as the spill threshold, in one call
//   each). That is why raising the threshold failed in the fourth session; with the split it
//   works, and it is raised.
// - The sub-journal stays in memory up to 4 MiB. A write transaction runs in a savepoint of the
//   group commit's outer transaction, and SQLite keeps the original of every page it changes in
//   a sub-journal: by default in memory up to 64 KiB, then in a temporary file. One nomination
//   touches ~20 pages (80 KiB), so every commit group created, wrote and deleted a file in
//   /var/tmp (thirteenth session, strace of intake under load: a file and ~120 writes to it per
//   commit group).
// - The WAL's writes are gathered, on the second VFS only. SQLite writes each WAL frame with two
//   write() calls (its 24-byte header, then the page). For the WAL file, the gathering VFS keeps
//   consecutive writes in a buffer and hands them to the kernel in one write when SQLite syncs
//   the log, reads it, asks its size, truncates or closes it, or writes somewhere not contiguous
//   (or when the buffer holds 124 KiB). That is safe only where each commit syncs the WAL, i.e.
//   synchronous=FULL: the commit's sync writes the frames before SQLite publishes them in the
//   WAL index, so no other connection looks for a frame still in the buffer, and a process
//   killed after a commit returned has written (and synced) all of it. Under NORMAL a commit
//   does not sync, so the driver opens only a FULL writer on it.
//
// ConfigureSqlite must run before SQLite initializes (the first open does): the spill threshold
// can only be set then. The splitting VFS becomes the process's default, so that every
// connection (a test's raw one, the checkpointer's) can spill its sub-journal. When SQLite was
// already initialized, the threshold stays at 64 KiB and the VFSs are still registered.
#ifndef DIENHINH_SERVICES_PLATFORM_STORAGE_SQLITE_VFS_H_
#define DIENHINH_SERVICES_PLATFORM_STORAGE_SQLITE_VFS_H_

#include <cstdint>

namespace dienhinh::platform {

// Once per process (later calls do nothing). False if SQLite has no default VFS to wrap.
bool ConfigureSqlite();

// The name of the WAL-gathering VFS for sqlite3_open_v2 (ConfigureSqlite first); nullptr if
// it could not be registered.
const char* WalGatheringVfsName();

// Process-wide counts, for tests and benchmarks.
struct SqliteVfsStats {
  int64_t wal_writes_requested = 0;  // WAL writes SQLite asked the gathering VFS for
  int64_t wal_writes_issued = 0;     // the writes they became
  int64_t long_writes_split = 0;     // writes over 128 KiB - 1 bytes, on either VFS
};
SqliteVfsStats SqliteVfsStatsNow();

}  // namespace dienhinh::platform

#endif  // DIENHINH_SERVICES_PLATFORM_STORAGE_SQLITE_VFS_H_
