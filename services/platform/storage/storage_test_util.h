// Assertions on absl::Status for the storage tests (Abseil 20220623 ships no gtest matchers),
// and SQL that fills SQLite pages.
#ifndef DIENHINH_SERVICES_PLATFORM_STORAGE_STORAGE_TEST_UTIL_H_
#define DIENHINH_SERVICES_PLATFORM_STORAGE_STORAGE_TEST_UTIL_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"

namespace dienhinh::platform::testing_util {

inline absl::Status StatusOf(const absl::Status& status) { return status; }
template <typename T>
absl::Status StatusOf(const absl::StatusOr<T>& value) {
  return value.status();
}

// Inserts `pages` rows of ~4 KiB into table `pages (payload BLOB)`: one page each at SQLite's
// default page size.
inline std::string InsertPagesSql(int pages) {
  return absl::StrCat(
      "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ", pages,
      ") INSERT INTO pages (payload) SELECT randomblob(4000) FROM n");
}

}  // namespace dienhinh::platform::testing_util

// Each evaluates `expr` once.
#define DH_ASSERT_OK(expr)                                                          \
  do {                                                                              \
    const absl::Status dh_status_ = ::dienhinh::platform::testing_util::StatusOf(expr); \
    ASSERT_TRUE(dh_status_.ok()) << dh_status_;                                     \
  } while (false)

#define DH_EXPECT_CODE(expr, expected_code)                                         \
  do {                                                                              \
    const absl::Status dh_status_ = ::dienhinh::platform::testing_util::StatusOf(expr); \
    EXPECT_EQ(dh_status_.code(), (expected_code)) << dh_status_;                    \
  } while (false)

#endif  // DIENHINH_SERVICES_PLATFORM_STORAGE_STORAGE_TEST_UTIL_H_
