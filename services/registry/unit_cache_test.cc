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

TEST(UnitCacheTest, KeepsWhatWasReadUntilAWrite) {
  UnitCache cache;
  EXPECT_FALSE(cache.Find("units/THPT001").has_value());
  cache.Put(cache.Generation(), UnitNamed("units/THPT001", "Trường THPT Châu Văn Liêm"));
  auto found = cache.Find("units/THPT001");
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->display_name(), "Trường THPT Châu Văn Liêm");
  EXPECT_FALSE(cache.Find("units/THPT002").has_value());

  cache.BeginWrite();
  cache.EndWrite();
  EXPECT_FALSE(cache.Find("units/THPT001").has_value()) << "a write empties the cache";
}

TEST(UnitCacheTest, WhileAWriteIsOpenNothingIsAnsweredOrKept) {
  UnitCache cache;
  cache.Put(cache.Generation(), UnitNamed("units/THPT001", "cũ"));
  cache.BeginWrite();
  EXPECT_FALSE(cache.Find("units/THPT001").has_value());
  // A read during the write may have seen its commit or not.
  cache.Put(cache.Generation(), UnitNamed("units/THPT001", "cũ"));
  EXPECT_FALSE(cache.Find("units/THPT001").has_value());
  cache.EndWrite();
  EXPECT_EQ(cache.size(), 0u);
}

TEST(UnitCacheTest, AReadThatBeganBeforeAWriteIsNotKept) {
  UnitCache cache;
  // The read takes its generation, then reads the old unit; the write begins and commits
  // before the read hands its result back.
  const uint64_t before = cache.Generation();
  cache.BeginWrite();
  cache.EndWrite();
  cache.Put(before, UnitNamed("units/THPT001", "cũ"));
  EXPECT_FALSE(cache.Find("units/THPT001").has_value());

  // Even when the read began while the write was open (it may have read the old snapshot).
  cache.BeginWrite();
  const uint64_t during = cache.Generation();
  cache.EndWrite();
  cache.Put(during, UnitNamed("units/THPT001", "cũ"));
  EXPECT_FALSE(cache.Find("units/THPT001").has_value());

  // A read that began after the write ended is kept.
  cache.Put(cache.Generation(), UnitNamed("units/THPT001", "mới"));
  ASSERT_TRUE(cache.Find("units/THPT001").has_value());
  EXPECT_EQ(cache.Find("units/THPT001")->display_name(), "mới");
}

TEST(UnitCacheTest, OverlappingWritesKeepItBypassedUntilTheLastEnds) {
  UnitCache cache;
  cache.BeginWrite();
  cache.BeginWrite();
  cache.EndWrite();
  cache.Put(cache.Generation(), UnitNamed("units/THPT001", "cũ"));
  EXPECT_FALSE(cache.Find("units/THPT001").has_value()) << "one write is still open";
  cache.EndWrite();
  cache.Put(cache.Generation(), UnitNamed("units/THPT001", "mới"));
  EXPECT_TRUE(cache.Find("units/THPT001").has_value());
}

TEST(UnitCacheTest, StaysWithinItsBound) {
  UnitCache cache(/*max_units=*/3);
  for (int i = 0; i < 10; ++i) {
    cache.Put(cache.Generation(), UnitNamed("units/U" + std::to_string(i), "x"));
    EXPECT_LE(cache.size(), 3u);
  }
  EXPECT_TRUE(cache.Find("units/U9").has_value()) << "the latest read is kept";
}

TEST(UnitCacheTest, AWriteScopeBracketsEvenAnEarlyReturn) {
  UnitCache cache;
  {
    UnitCacheWriteScope writing(&cache);
    cache.Put(cache.Generation(), UnitNamed("units/THPT001", "cũ"));
  }
  EXPECT_FALSE(cache.Find("units/THPT001").has_value());
  cache.Put(cache.Generation(), UnitNamed("units/THPT001", "mới"));
  EXPECT_TRUE(cache.Find("units/THPT001").has_value()) << "the scope closed its write";
  UnitCacheWriteScope no_cache(nullptr);  // a store without a cache: does nothing
}

}  // namespace
}  // namespace dienhinh::registry
