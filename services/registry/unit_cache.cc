#include "services/registry/unit_cache.h"

namespace dienhinh::registry {

std::optional<v1::Unit> UnitCache::Find(const std::string& name, uint64_t* generation) {
  std::shared_ptr<const v1::Unit> found;
  {
    absl::MutexLock lock(&mu_);
    *generation = generation_;
    if (open_writes_ > 0) return std::nullopt;
    auto it = units_.find(name);
    if (it == units_.end()) return std::nullopt;
    found = it->second;
  }
  return *found;  // copied outside the lock
}

void UnitCache::Put(uint64_t generation, const v1::Unit& unit) {
  auto kept = std::make_shared<const v1::Unit>(unit);
  absl::MutexLock lock(&mu_);
  if (open_writes_ > 0 || generation != generation_) return;
  if (units_.size() >= max_units_) units_.clear();
  units_[unit.name()] = std::move(kept);
}

void UnitCache::BeginWrite() {
  absl::MutexLock lock(&mu_);
  ++open_writes_;
  ForgetLocked();
}

void UnitCache::EndWrite() {
  absl::MutexLock lock(&mu_);
  --open_writes_;
  // Reads that began while the write was open may have seen it or not: what they read is
  // refused by the generation, and nothing was kept meanwhile.
  ForgetLocked();
}

size_t UnitCache::size() {
  absl::MutexLock lock(&mu_);
  return units_.size();
}

void UnitCache::ForgetLocked() {
  ++generation_;
  units_.clear();
}

}  // namespace dienhinh::registry
