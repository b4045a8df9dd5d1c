#include "services/platform/storage/sqlite_vfs.h"

#include <sqlite3.h>

#include <atomic>
#include <cstring>

namespace dienhinh::platform {
namespace {

constexpr char kSplittingName[] = "dienhinh";
constexpr char kGatheringName[] = "dienhinh-wal-gathering";
// What the unix VFS reads or writes in one call at most is 128 KiB - 1 bytes (sqlite_vfs.h);
// longer calls are made in pieces of this (31 pages of 4 KiB).
constexpr int kMaxCall = 31 * 4096;
// The most WAL bytes kept before they are written, whole writes only, so that they leave in one
// call: 30 frames of a 4 KiB page. A commit group of a dozen nominations (~140 frames) takes
// five writes instead of 280.
constexpr int kMaxPending = kMaxCall;
// The sub-journal's size in memory before SQLite spills it to a file (sqlite_vfs.h).
constexpr int kSubJournalInMemoryBytes = 4 << 20;

std::atomic<int64_t> wal_writes_requested{0};
std::atomic<int64_t> wal_writes_issued{0};
std::atomic<int64_t> long_writes_split{0};

// SQLite allocates szOsFile bytes per open file: this header, then the default VFS's own file.
struct WrappedFile {
  sqlite3_file base;
  sqlite3_file* real;
  bool gathers;  // the WAL opened through the gathering VFS
  unsigned char* pending;  // kMaxPending bytes from sqlite3_malloc, allocated on first write
  sqlite3_int64 pending_offset;
  int pending_bytes;
};

sqlite3_vfs* root = nullptr;  // the unix VFS, set once before the wrappers are registered
sqlite3_vfs splitting_vfs;
sqlite3_vfs gathering_vfs;
sqlite3_io_methods methods;

WrappedFile* Wrapped(sqlite3_file* file) { return reinterpret_cast<WrappedFile*>(file); }
sqlite3_file* Real(sqlite3_file* file) { return Wrapped(file)->real; }

int WriteInPieces(sqlite3_file* real, const void* data, int amount, sqlite3_int64 offset) {
  if (amount <= kMaxCall) return real->pMethods->xWrite(real, data, amount, offset);
  long_writes_split.fetch_add(1, std::memory_order_relaxed);
  const auto* bytes = static_cast<const unsigned char*>(data);
  for (int done = 0; done < amount;) {
    const int piece = amount - done < kMaxCall ? amount - done : kMaxCall;
    const int rc = real->pMethods->xWrite(real, bytes + done, piece, offset + done);
    if (rc != SQLITE_OK) return rc;
    done += piece;
  }
  return SQLITE_OK;
}

int ReadInPieces(sqlite3_file* real, void* out, int amount, sqlite3_int64 offset) {
  auto* bytes = static_cast<unsigned char*>(out);
  for (int done = 0; done < amount;) {
    const int piece = amount - done < kMaxCall ? amount - done : kMaxCall;
    // A short read fills the rest of its piece with zeros; the pieces after it are read (and
    // zero-filled) the same way, and the result is still SQLITE_IOERR_SHORT_READ.
    const int rc = real->pMethods->xRead(real, bytes + done, piece, offset + done);
    if (rc != SQLITE_OK) {
      if (rc == SQLITE_IOERR_SHORT_READ && done + piece < amount) {
        std::memset(bytes + done + piece, 0, amount - done - piece);
      }
      return rc;
    }
    done += piece;
  }
  return SQLITE_OK;
}

int IssueWrite(sqlite3_file* real, const void* data, int amount, sqlite3_int64 offset) {
  wal_writes_issued.fetch_add(1, std::memory_order_relaxed);
  return WriteInPieces(real, data, amount, offset);
}

// Writes what is pending. The buffer is empty afterwards even when the write fails: SQLite
// treats the error as its transaction's and rolls back, and the frames are not needed again.
int Flush(WrappedFile* file) {
  if (file->pending_bytes == 0) return SQLITE_OK;
  const int amount = file->pending_bytes;
  file->pending_bytes = 0;
  return IssueWrite(file->real, file->pending, amount, file->pending_offset);
}

int Close(sqlite3_file* file) {
  WrappedFile* wrapped = Wrapped(file);
  const int flushed = Flush(wrapped);
  const int closed = wrapped->real->pMethods->xClose(wrapped->real);
  sqlite3_free(wrapped->pending);
  wrapped->pending = nullptr;
  return flushed != SQLITE_OK ? flushed : closed;
}

int Read(sqlite3_file* file, void* out, int amount, sqlite3_int64 offset) {
  const int flushed = Flush(Wrapped(file));
  if (flushed != SQLITE_OK) return flushed;
  return ReadInPieces(Real(file), out, amount, offset);
}

int Write(sqlite3_file* file, const void* data, int amount, sqlite3_int64 offset) {
  WrappedFile* wrapped = Wrapped(file);
  if (!wrapped->gathers) return WriteInPieces(Real(file), data, amount, offset);
  wal_writes_requested.fetch_add(1, std::memory_order_relaxed);
  const bool follows = offset == wrapped->pending_offset + wrapped->pending_bytes;
  if (wrapped->pending_bytes > 0 &&
      (!follows || wrapped->pending_bytes + amount > kMaxPending)) {
    const int flushed = Flush(wrapped);
    if (flushed != SQLITE_OK) return flushed;
  }
  if (amount > kMaxPending) return IssueWrite(wrapped->real, data, amount, offset);
  if (wrapped->pending == nullptr) {
    wrapped->pending = static_cast<unsigned char*>(sqlite3_malloc(kMaxPending));
    if (wrapped->pending == nullptr) return IssueWrite(wrapped->real, data, amount, offset);
  }
  if (wrapped->pending_bytes == 0) wrapped->pending_offset = offset;
  std::memcpy(wrapped->pending + wrapped->pending_bytes, data, amount);
  wrapped->pending_bytes += amount;
  return SQLITE_OK;
}

int Truncate(sqlite3_file* file, sqlite3_int64 size) {
  const int flushed = Flush(Wrapped(file));
  if (flushed != SQLITE_OK) return flushed;
  return Real(file)->pMethods->xTruncate(Real(file), size);
}

int Sync(sqlite3_file* file, int flags) {
  const int flushed = Flush(Wrapped(file));
  if (flushed != SQLITE_OK) return flushed;
  return Real(file)->pMethods->xSync(Real(file), flags);
}

int FileSize(sqlite3_file* file, sqlite3_int64* size) {
  const int flushed = Flush(Wrapped(file));
  if (flushed != SQLITE_OK) return flushed;
  return Real(file)->pMethods->xFileSize(Real(file), size);
}

int Lock(sqlite3_file* file, int level) { return Real(file)->pMethods->xLock(Real(file), level); }
int Unlock(sqlite3_file* file, int level) {
  return Real(file)->pMethods->xUnlock(Real(file), level);
}
int CheckReservedLock(sqlite3_file* file, int* out) {
  return Real(file)->pMethods->xCheckReservedLock(Real(file), out);
}

// A file control may look at the file's size or contents (size hints, chunk sizes), so it sees
// the file as written.
int FileControl(sqlite3_file* file, int op, void* arg) {
  const int flushed = Flush(Wrapped(file));
  if (flushed != SQLITE_OK) return flushed;
  return Real(file)->pMethods->xFileControl(Real(file), op, arg);
}

int SectorSize(sqlite3_file* file) { return Real(file)->pMethods->xSectorSize(Real(file)); }
int DeviceCharacteristics(sqlite3_file* file) {
  return Real(file)->pMethods->xDeviceCharacteristics(Real(file));
}

// Shared memory and memory mapping exist from version 2 and 3 of the methods on; the unix VFS
// has version 3, which the wrapper's methods declare (ConfigureOnce checks).
int ShmMap(sqlite3_file* file, int region, int size, int extend, void volatile** out) {
  return Real(file)->pMethods->xShmMap(Real(file), region, size, extend, out);
}
int ShmLock(sqlite3_file* file, int offset, int n, int flags) {
  return Real(file)->pMethods->xShmLock(Real(file), offset, n, flags);
}
void ShmBarrier(sqlite3_file* file) { Real(file)->pMethods->xShmBarrier(Real(file)); }
int ShmUnmap(sqlite3_file* file, int delete_flag) {
  return Real(file)->pMethods->xShmUnmap(Real(file), delete_flag);
}
int Fetch(sqlite3_file* file, sqlite3_int64 offset, int amount, void** out) {
  const int flushed = Flush(Wrapped(file));
  if (flushed != SQLITE_OK) return flushed;
  return Real(file)->pMethods->xFetch(Real(file), offset, amount, out);
}
int Unfetch(sqlite3_file* file, sqlite3_int64 offset, void* page) {
  return Real(file)->pMethods->xUnfetch(Real(file), offset, page);
}

int Open(sqlite3_vfs* vfs, sqlite3_filename name, sqlite3_file* file, int flags, int* out_flags) {
  WrappedFile* wrapped = Wrapped(file);
  wrapped->real = reinterpret_cast<sqlite3_file*>(wrapped + 1);
  wrapped->gathers = vfs == &gathering_vfs && (flags & SQLITE_OPEN_WAL) != 0;
  wrapped->pending = nullptr;
  wrapped->pending_offset = 0;
  wrapped->pending_bytes = 0;
  const int rc = root->xOpen(root, name, wrapped->real, flags, out_flags);
  // SQLite calls xClose only on a file whose pMethods is set; the default VFS leaves it unset
  // when its open fails.
  wrapped->base.pMethods = wrapped->real->pMethods != nullptr ? &methods : nullptr;
  return rc;
}

// The rest of the VFS is the default one's, called with the default VFS itself.
int Delete(sqlite3_vfs*, const char* name, int sync_dir) {
  return root->xDelete(root, name, sync_dir);
}
int Access(sqlite3_vfs*, const char* name, int flags, int* out) {
  return root->xAccess(root, name, flags, out);
}
int FullPathname(sqlite3_vfs*, const char* name, int size, char* out) {
  return root->xFullPathname(root, name, size, out);
}
void* DlOpen(sqlite3_vfs*, const char* name) { return root->xDlOpen(root, name); }
void DlError(sqlite3_vfs*, int size, char* out) { root->xDlError(root, size, out); }
void (*DlSym(sqlite3_vfs*, void* handle, const char* symbol))(void) {
  return root->xDlSym(root, handle, symbol);
}
void DlClose(sqlite3_vfs*, void* handle) { root->xDlClose(root, handle); }
int Randomness(sqlite3_vfs*, int size, char* out) { return root->xRandomness(root, size, out); }
int Sleep(sqlite3_vfs*, int micros) { return root->xSleep(root, micros); }
int CurrentTime(sqlite3_vfs*, double* out) { return root->xCurrentTime(root, out); }
int GetLastError(sqlite3_vfs*, int size, char* out) {
  return root->xGetLastError(root, size, out);
}
int CurrentTimeInt64(sqlite3_vfs*, sqlite3_int64* out) {
  return root->xCurrentTimeInt64(root, out);
}
int SetSystemCall(sqlite3_vfs*, const char* name, sqlite3_syscall_ptr call) {
  return root->xSetSystemCall(root, name, call);
}
sqlite3_syscall_ptr GetSystemCall(sqlite3_vfs*, const char* name) {
  return root->xGetSystemCall(root, name);
}
const char* NextSystemCall(sqlite3_vfs*, const char* name) {
  return root->xNextSystemCall(root, name);
}

// A wrapper named `name` around the unix VFS.
sqlite3_vfs Wrapper(const char* name) {
  sqlite3_vfs vfs{};
  vfs.iVersion = 3;
  vfs.szOsFile = static_cast<int>(sizeof(WrappedFile)) + root->szOsFile;
  vfs.mxPathname = root->mxPathname;
  vfs.zName = name;
  vfs.xOpen = Open;
  vfs.xDelete = Delete;
  vfs.xAccess = Access;
  vfs.xFullPathname = FullPathname;
  vfs.xDlOpen = DlOpen;
  vfs.xDlError = DlError;
  vfs.xDlSym = DlSym;
  vfs.xDlClose = DlClose;
  vfs.xRandomness = Randomness;
  vfs.xSleep = Sleep;
  vfs.xCurrentTime = CurrentTime;
  vfs.xGetLastError = GetLastError;
  vfs.xCurrentTimeInt64 = CurrentTimeInt64;
  vfs.xSetSystemCall = SetSystemCall;
  vfs.xGetSystemCall = GetSystemCall;
  vfs.xNextSystemCall = NextSystemCall;
  return vfs;
}

bool ConfigureOnce() {
  // Fails (SQLITE_MISUSE, nothing changed) once SQLite is initialized: the threshold then
  // stays at its default, which the unix VFS writes whole.
  sqlite3_config(SQLITE_CONFIG_STMTJRNL_SPILL, kSubJournalInMemoryBytes);
  root = sqlite3_vfs_find(nullptr);  // initializes SQLite
  if (root == nullptr || root->iVersion < 3) return false;
  methods = sqlite3_io_methods{3,        Close,         Read,        Write,
                               Truncate, Sync,          FileSize,    Lock,
                               Unlock,   CheckReservedLock, FileControl, SectorSize,
                               DeviceCharacteristics, ShmMap, ShmLock, ShmBarrier,
                               ShmUnmap, Fetch,         Unfetch};
  splitting_vfs = Wrapper(kSplittingName);
  gathering_vfs = Wrapper(kGatheringName);
  return sqlite3_vfs_register(&splitting_vfs, /*makeDflt=*/1) == SQLITE_OK &&
         sqlite3_vfs_register(&gathering_vfs, /*makeDflt=*/0) == SQLITE_OK;
}

}  // namespace

bool ConfigureSqlite() {
  static const bool configured = ConfigureOnce();
  return configured;
}

const char* WalGatheringVfsName() { return ConfigureSqlite() ? kGatheringName : nullptr; }

SqliteVfsStats SqliteVfsStatsNow() {
  return {wal_writes_requested.load(std::memory_order_relaxed),
          wal_writes_issued.load(std::memory_order_relaxed),
          long_writes_split.load(std::memory_order_relaxed)};
}

}  // namespace dienhinh::platform
