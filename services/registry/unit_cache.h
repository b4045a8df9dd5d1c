// The units GetUnit read lately, kept in memory so that the next read of the same unit skips
// the database (a read transaction and a parse: ~15 µs of a ~55 µs call, BENCHMARKS.md).
//
// Units are read far more often than they change (intake, evaluation and the CLI look them up
// on every call; they change by import and the odd edit), so the rule is blunt and easy to
// trust: every registry write empties the cache, and while any write is open the cache is
// bypassed, so no read can be answered from it with what a committing write is replacing.
// A person's write counts too: it may change a unit's head.
//
// A read that misses takes a generation number before its read transaction begins and hands
// it back with what it read; when any write began or ended meanwhile, what it read may be the
// old value and is not kept.
//
// Only correct while this process is the database's only writer (Database::sole_writer():
// SQLite, one process per service). Over PostgreSQL another replica writes unseen, and the
// registry makes no cache.
#ifndef DIENHINH_SERVICES_REGISTRY_UNIT_CACHE_H_
#define DIENHINH_SERVICES_REGISTRY_UNIT_CACHE_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "dienhinh/registry/v1/unit.pb.h"

namespace dienhinh::registry {

class UnitCache {
 public:
  // A country has ~50,000 units; past `max_units` the cache starts again empty.
  explicit UnitCache(size_t max_units = 65536) : max_units_(max_units) {}

  // The unit, or nullopt when it is not kept or a write is open; then `generation` is what to
  // hand to Put with what the read transaction, begun after this call, finds.
  std::optional<v1::Unit> Find(const std::string& name, uint64_t* generation);
  // Keeps `unit` unless a write began since Find gave `generation`, or one is open.
  void Put(uint64_t generation, const v1::Unit& unit);

  // Brackets every write transaction, whatever its outcome (WriteScope does both).
  void BeginWrite();
  void EndWrite();

  size_t size();

 private:
  void ForgetLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const size_t max_units_;
  absl::Mutex mu_;
  uint64_t generation_ ABSL_GUARDED_BY(mu_) = 0;
  int open_writes_ ABSL_GUARDED_BY(mu_) = 0;
  absl::flat_hash_map<std::string, std::shared_ptr<const v1::Unit>> units_ ABSL_GUARDED_BY(mu_);
};

// BeginWrite on construction, EndWrite on destruction; a null cache does nothing.
class UnitCacheWriteScope {
 public:
  explicit UnitCacheWriteScope(UnitCache* cache) : cache_(cache) {
    if (cache_ != nullptr) cache_->BeginWrite();
  }
  ~UnitCacheWriteScope() {
    if (cache_ != nullptr) cache_->EndWrite();
  }
  UnitCacheWriteScope(const UnitCacheWriteScope&) = delete;
  UnitCacheWriteScope& operator=(const UnitCacheWriteScope&) = delete;

 private:
  UnitCache* cache_;
};

}  // namespace dienhinh::registry

#endif  // DIENHINH_SERVICES_REGISTRY_UNIT_CACHE_H_
