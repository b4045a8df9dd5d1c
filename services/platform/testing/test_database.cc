#include "services/platform/testing/test_database.h"

#include <stdlib.h>

#include <cstdlib>
#include <string>

#include "absl/random/random.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace dienhinh::platform::testing {

std::string BackendName(Backend backend) {
  return backend == Backend::kSqlite ? "Sqlite" : "Postgres";
}

bool PostgresRequired() {
  const char* required = std::getenv("DIENHINH_REQUIRE_POSTGRES");
  return required != nullptr && std::string(required) == "1";
}

std::string MakeTempDir() {
  const char* base = std::getenv("TMPDIR");
  std::string pattern = absl::StrCat(base ? base : "/tmp", "/dienhinh-test-XXXXXX");
  if (mkdtemp(pattern.data()) == nullptr) return "/tmp";
  return pattern;
}

absl::StatusOr<TestDatabase> OpenTestDatabase(Backend backend) {
  TestDatabase out;
  if (backend == Backend::kSqlite) {
    out.url = MakeTempDir() + "/test.db";
  } else {
    const char* base = std::getenv("DIENHINH_TEST_POSTGRES_URL");
    if (base == nullptr || *base == '\0') {
      return absl::UnavailableError(
          "DIENHINH_TEST_POSTGRES_URL is not set: run under scripts/with-postgres");
    }
    absl::BitGen bits;
    std::string schema = absl::StrCat("t_", absl::Uniform<uint64_t>(bits));
    DatabaseOptions admin_options;
    admin_options.url = base;
    admin_options.pool_size = 1;
    auto admin = Database::Open(admin_options);
    if (!admin.ok()) return admin.status();
    {
      auto tx = (*admin)->Begin(TxMode::kWrite);
      if (!tx.ok()) return tx.status();
      if (auto s = (*tx)->ExecuteScript(absl::StrCat("CREATE SCHEMA ", schema)); !s.ok()) return s;
      if (auto s = (*tx)->Commit(); !s.ok()) return s;
    }
    out.url = absl::StrCat(base, absl::StrContains(base, "?") ? "&" : "?",
                           "options=-csearch_path%3D", schema);
  }
  DatabaseOptions options;
  options.url = out.url;
  auto db = Database::Open(options);
  if (!db.ok()) return db.status();
  out.db = std::move(*db);
  return out;
}

}  // namespace dienhinh::platform::testing
