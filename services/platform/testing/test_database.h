// Fresh databases for tests, on both backends, so that every store test runs on SQLite and
// on PostgreSQL. PostgreSQL comes from DIENHINH_TEST_POSTGRES_URL (scripts/with-postgres sets
// it); each test gets its own schema there, so tests never see each other's rows.
#ifndef DIENHINH_SERVICES_PLATFORM_TESTING_TEST_DATABASE_H_
#define DIENHINH_SERVICES_PLATFORM_TESTING_TEST_DATABASE_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "services/platform/storage/database.h"

namespace dienhinh::platform::testing {

enum class Backend { kSqlite, kPostgres };

std::string BackendName(Backend backend);

struct TestDatabase {
  std::unique_ptr<Database> db;
  std::string url;  // to open the same database again (a restarted service, a child process)
};

// A new empty database. For PostgreSQL without DIENHINH_TEST_POSTGRES_URL, the status is
// UNAVAILABLE with a message; callers skip the test then, unless DIENHINH_REQUIRE_POSTGRES=1
// says PostgreSQL must be there (CI), in which case they fail: see SkipOrFail.
absl::StatusOr<TestDatabase> OpenTestDatabase(Backend backend);

// True when the test must fail rather than skip because PostgreSQL is missing.
bool PostgresRequired();

// A fresh folder under the system's temporary directory.
std::string MakeTempDir();

}  // namespace dienhinh::platform::testing

// In a test body: opens a fresh database of `backend` into `var` (a TestDatabase), skipping
// or failing as above when PostgreSQL is not available.
#define DH_OPEN_TEST_DATABASE_OR_SKIP(var, backend)                                        \
  ::dienhinh::platform::testing::TestDatabase var;                                          \
  {                                                                                         \
    auto opened_ = ::dienhinh::platform::testing::OpenTestDatabase(backend);               \
    if (!opened_.ok()) {                                                                    \
      if (backend == ::dienhinh::platform::testing::Backend::kPostgres &&                   \
          !::dienhinh::platform::testing::PostgresRequired() &&                             \
          opened_.status().code() == absl::StatusCode::kUnavailable) {                      \
        GTEST_SKIP() << opened_.status().message();                                        \
      }                                                                                     \
      FAIL() << opened_.status();                                                           \
    }                                                                                       \
    var = std::move(*opened_);                                                              \
  }

#endif  // DIENHINH_SERVICES_PLATFORM_TESTING_TEST_DATABASE_H_
