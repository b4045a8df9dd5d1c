// The SQLite driver behind Database: one writer connection (a kWrite transaction holds it from
// BEGIN IMMEDIATE to its end) and a pool of reader connections whose deferred transactions
// read a WAL snapshot while the writer works. ":memory:" uses one connection for everything.
#ifndef DIENHINH_SERVICES_PLATFORM_STORAGE_SQLITE_DATABASE_H_
#define DIENHINH_SERVICES_PLATFORM_STORAGE_SQLITE_DATABASE_H_

#include <memory>
#include <string_view>

#include "absl/status/statusor.h"
#include "services/platform/storage/database.h"

namespace dienhinh::platform {

// Opens (creating it and its folder if missing) the SQLite file at `path`, or a private
// in-memory database for ":memory:". Uses options.pool_size readers and
// options.sqlite_full_sync; options.url is not read.
absl::StatusOr<std::unique_ptr<Database>> OpenSqliteDatabase(std::string_view path,
                                                             const DatabaseOptions& options);

}  // namespace dienhinh::platform

#endif  // DIENHINH_SERVICES_PLATFORM_STORAGE_SQLITE_DATABASE_H_
