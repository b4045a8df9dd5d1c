#include "services/platform/auth/verified_token_cache.h"

namespace dienhinh::platform {

std::optional<Caller> VerifiedTokenCache::Lookup(std::string_view token, absl::Time now) {
  if (capacity_ == 0) return std::nullopt;
  absl::MutexLock lock(&mu_);
  auto it = index_.find(token);
  if (it == index_.end()) return std::nullopt;
  Order::iterator entry = it->second;
  if (now > entry->valid_until) {
    index_.erase(it);
    order_.erase(entry);
    return std::nullopt;
  }
  order_.splice(order_.begin(), order_, entry);
  return entry->caller;
}

void VerifiedTokenCache::Insert(std::string_view token, const Caller& caller,
                                absl::Time valid_until) {
  if (capacity_ == 0) return;
  absl::MutexLock lock(&mu_);
  if (auto it = index_.find(token); it != index_.end()) {
    it->second->caller = caller;
    it->second->valid_until = valid_until;
    order_.splice(order_.begin(), order_, it->second);
    return;
  }
  while (order_.size() >= capacity_) {
    index_.erase(order_.back().token);
    order_.pop_back();
  }
  order_.push_front(Entry{std::string(token), caller, valid_until});
  index_.emplace(order_.front().token, order_.begin());
}

size_t VerifiedTokenCache::size() const {
  absl::MutexLock lock(&mu_);
  return order_.size();
}

}  // namespace dienhinh::platform
