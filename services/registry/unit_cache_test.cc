// The unit cache's one promise: no read is answered from it with a unit that a write has
// replaced, or is replacing. (That every registry write brackets itself is checked through the
// service: registry_service_test reads a unit, changes its head by a person's write, and reads
// it again.)
#include "services/registry/unit_cache.h"

#include <gtest/gtest.h>

namespace dienhinh::registry {
namespace {

v1::Unit UnitNamed(const std::string& name, const std::string& display_name) {
  v1::Unit unit;
  unit.set_name(name);
  unit.set_display_name(display_name);
  return unit;
}

// What a lookup answers, the generation aside.
std::optional<v1::Unit> Kept(UnitCache& cache, const std::string& name) {
  uint64_t generation = 0;
  return cache.Find(name, &generation);
}

// A read that misses: the generation its result will be handed back with.
uint64_t ReadBegins(UnitCache& cache) {
  uint64_t generation = 0;
  EXPECT_FALSE(cache.Find("units/NOT-KEPT", &generation).has_value());
  return generation;
}

TEST(UnitCacheTest, KeepsWhatWasReadUntilAWrite) {
  UnitCache cache;
  EXPECT_FALSE(Kept(cache, "units/THPT001").has_value());
  cache.Put(ReadBegins(cache), UnitNamed("units/THPT001", "Trường THPT Châu Văn Liêm"));
  auto found = Kept(cache, "units/THPT001");
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->display_name(), "Trường THPT Châu Văn Liêm");
  EXPECT_FALSE(Kept(cache, "units/THPT002").has_value());

  cache.BeginWrite();
  cache.EndWrite();
  EXPECT_FALSE(Kept(cache, "units/THPT001").has_value()) << "a write empties the cache";
}

TEST(UnitCacheTest, WhileAWriteIsOpenNothingIsAnsweredOrKept) {
  UnitCache cache;
  cache.Put(ReadBegins(cache), UnitNamed("units/THPT001", "cũ"));
  cache.BeginWrite();
  EXPECT_FALSE(Kept(cache, "units/THPT001").has_value());
  // A read during the write may have seen its commit or not.
  cache.Put(ReadBegins(cache), UnitNamed("units/THPT001", "cũ"));
  EXPECT_FALSE(Kept(cache, "units/THPT001").has_value());
  cache.EndWrite();
  EXPECT_EQ(cache.size(), 0u);
}

TEST(UnitCacheTest, AReadThatBeganBeforeAWriteIsNotKept) {
  UnitCache cache;
  // The read takes its generation, then reads the old unit; the write begins and commits
  // before the read hands its result back.
  const uint64_t before = ReadBegins(cache);
  cache.BeginWrite();
  cache.EndWrite();
  cache.Put(before, UnitNamed("units/THPT001", "cũ"));
  EXPECT_FALSE(Kept(cache, "units/THPT001").has_value());

  // Even when the read began while the write was open (it may have read the old snapshot).
  cache.BeginWrite();
  const uint64_t during = ReadBegins(cache);
  cache.EndWrite();
  cache.Put(during, UnitNamed("units/THPT001", "cũ"));
  EXPECT_FALSE(Kept(cache, "units/THPT001").has_value());

  // A read that began after the write ended is kept.
  cache.Put(ReadBegins(cache), UnitNamed("units/THPT001", "mới"));
  ASSERT_TRUE(Kept(cache, "units/THPT001").has_value());
  EXPECT_EQ(Kept(cache, "units/THPT001")->display_name(), "mới");
}

TEST(UnitCacheTest, OverlappingWritesKeepItBypassedUntilTheLastEnds) {
  UnitCache cache;
  cache.BeginWrite();
  cache.BeginWrite();
  cache.EndWrite();
  cache.Put(ReadBegins(cache), UnitNamed("units/THPT001", "cũ"));
  EXPECT_FALSE(Kept(cache, "units/THPT001").has_value()) << "one write is still open";
  cache.EndWrite();
  cache.Put(ReadBegins(cache), UnitNamed("units/THPT001", "mới"));
  EXPECT_TRUE(Kept(cache, "units/THPT001").has_value());
}

TEST(UnitCacheTest, StaysWithinItsBound) {
  UnitCache cache(/*max_units=*/3);
  for (int i = 0; i < 10; ++i) {
    cache.Put(ReadBegins(cache), UnitNamed("units/U" + std::to_string(i), "x"));
    EXPECT_LE(cache.size(), 3u);
  }
  EXPECT_TRUE(Kept(cache, "units/U9").has_value()) << "the latest read is kept";
}

TEST(UnitCacheTest, AWriteScopeBracketsEvenAnEarlyReturn) {
  UnitCache cache;
  {
    UnitCacheWriteScope writing(&cache);
    cache.Put(ReadBegins(cache), UnitNamed("units/THPT001", "cũ"));
  }
  EXPECT_FALSE(Kept(cache, "units/THPT001").has_value());
  cache.Put(ReadBegins(cache), UnitNamed("units/THPT001", "mới"));
  EXPECT_TRUE(Kept(cache, "units/THPT001").has_value()) << "the scope closed its write";
  UnitCacheWriteScope no_cache(nullptr);  // a store without a cache: does nothing
}

}  // namespace
}  // namespace dienhinh::registry
