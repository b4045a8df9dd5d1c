// A bounded cache of tokens already verified, so a hot path does not repeat an RSA
// verification on every call a client makes with the same token. Keyed by the exact token
// text: a hit means these very bytes passed verification before. An entry is served only
// until the token's expiry (plus the leeway verification allowed); past that the caller
// verifies again and gets the proper "token expired". Least recently used entries go first
// when the cache is full. Safe for concurrent use.
#ifndef DIENHINH_SERVICES_PLATFORM_AUTH_VERIFIED_TOKEN_CACHE_H_
#define DIENHINH_SERVICES_PLATFORM_AUTH_VERIFIED_TOKEN_CACHE_H_

#include <list>
#include <optional>
#include <string>
#include <string_view>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "services/platform/auth/caller.h"

namespace dienhinh::platform {

class VerifiedTokenCache {
 public:
  // A capacity of 0 disables the cache.
  explicit VerifiedTokenCache(size_t capacity) : capacity_(capacity) {}
  VerifiedTokenCache(const VerifiedTokenCache&) = delete;
  VerifiedTokenCache& operator=(const VerifiedTokenCache&) = delete;

  // The caller `token` verified as, while `now` is not past its `valid_until`.
  std::optional<Caller> Lookup(std::string_view token, absl::Time now);
  void Insert(std::string_view token, const Caller& caller, absl::Time valid_until);

  size_t size() const;

 private:
  struct Entry {
    std::string token;
    Caller caller;
    absl::Time valid_until;
  };
  using Order = std::list<Entry>;  // most recently used first

  const size_t capacity_;
  mutable absl::Mutex mu_;
  Order order_ ABSL_GUARDED_BY(mu_);
  // Keys view the token held by the list node, which never moves.
  absl::flat_hash_map<std::string_view, Order::iterator> index_ ABSL_GUARDED_BY(mu_);
};

}  // namespace dienhinh::platform

#endif  // DIENHINH_SERVICES_PLATFORM_AUTH_VERIFIED_TOKEN_CACHE_H_
