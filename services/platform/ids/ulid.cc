#include "services/platform/ids/ulid.h"

#include <cstdint>

#include "absl/random/random.h"
#include "absl/time/clock.h"

namespace dienhinh::platform {
namespace {

constexpr char kAlphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

}  // namespace

std::string NewUlid() { return NewUlid(absl::Now()); }

std::string NewUlid(absl::Time time) {
  thread_local absl::BitGen bits;
  // 128 bits: 48 bits of Unix milliseconds, then 80 random bits. Written as 26 base32
  // characters (130 bits, the top two zero), most significant first, so ids sort by time.
  uint64_t millis = static_cast<uint64_t>(absl::ToUnixMillis(time)) & ((uint64_t{1} << 48) - 1);
  uint64_t high = (millis << 16) | (absl::Uniform<uint64_t>(bits) & 0xFFFF);
  uint64_t low = absl::Uniform<uint64_t>(bits);
  std::string out(26, '0');
  for (int i = 25; i >= 0; --i) {
    out[i] = kAlphabet[low & 31];
    low = (low >> 5) | ((high & 31) << 59);
    high >>= 5;
  }
  return out;
}

bool IsUlid(absl::string_view id) {
  if (id.size() != 26) return false;
  if (id[0] > '7') return false;  // 48-bit time: first character at most 7
  for (char c : id) {
    bool ok = false;
    for (const char* a = kAlphabet; *a; ++a) ok |= (*a == c);
    if (!ok) return false;
  }
  return true;
}

}  // namespace dienhinh::platform
