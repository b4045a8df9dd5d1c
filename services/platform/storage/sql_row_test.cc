// SqlRow's accessors: any column index and any cell type give a value, never a crash.
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "services/platform/storage/database.h"

namespace dienhinh::platform {
namespace {

TEST(SqlRowTest, ConvertsBetweenCellTypes) {
  SqlRow row({int64_t{42}, 2.5, std::string("17"), std::string("-0.125"), std::string("chữ"),
              std::monostate()});
  EXPECT_EQ(row.size(), 6);
  EXPECT_EQ(row.Int(0), 42);
  EXPECT_EQ(row.Real(0), 42.0);
  EXPECT_EQ(row.Text(0), "42");
  EXPECT_EQ(row.Int(1), 2);
  EXPECT_EQ(row.Real(1), 2.5);
  EXPECT_EQ(row.Text(1), "2.5");
  EXPECT_EQ(row.Int(2), 17);
  EXPECT_EQ(row.Real(3), -0.125);
  EXPECT_EQ(row.Int(4), 0);
  EXPECT_EQ(row.Real(4), 0.0);
  EXPECT_EQ(row.Text(4), "chữ");
  EXPECT_TRUE(row.IsNull(5));
  EXPECT_FALSE(row.IsNull(0));
}

TEST(SqlRowTest, DoublesOutsideInt64DoNotOverflow) {
  SqlRow row({1e300, -1e300, std::nan(""), std::numeric_limits<double>::infinity()});
  EXPECT_EQ(row.Int(0), std::numeric_limits<int64_t>::max());
  EXPECT_EQ(row.Int(1), std::numeric_limits<int64_t>::min());
  EXPECT_EQ(row.Int(2), 0);
  EXPECT_EQ(row.Int(3), std::numeric_limits<int64_t>::max());
}

TEST(SqlRowTest, TextOfADoubleReadsBackExactly) {
  const double value = 0.1 + 0.2;
  SqlRow row({value});
  SqlRow again({row.Text(0)});
  EXPECT_EQ(again.Real(0), value);
}

TEST(SqlRowTest, OutOfRangeColumnsAreNullAndZero) {
  SqlRow empty({});
  for (int column : {-1, 0, 1, std::numeric_limits<int>::min(), std::numeric_limits<int>::max()}) {
    EXPECT_TRUE(empty.IsNull(column));
    EXPECT_EQ(empty.Int(column), 0);
    EXPECT_EQ(empty.Real(column), 0.0);
    EXPECT_EQ(empty.Text(column), "");
    EXPECT_EQ(empty.Blob(column), "");
  }
}

}  // namespace
}  // namespace dienhinh::platform
