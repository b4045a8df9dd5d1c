// The PostgreSQL driver behind Database (libpq): a pool of connections, kWrite transactions at
// SERIALIZABLE, kRead at REPEATABLE READ READ ONLY, statements prepared once per connection.
// A connection the server has dropped is replaced at the next Begin, never reused broken.
#ifndef DIENHINH_SERVICES_PLATFORM_STORAGE_POSTGRES_DATABASE_H_
#define DIENHINH_SERVICES_PLATFORM_STORAGE_POSTGRES_DATABASE_H_

#include <memory>

#include "absl/status/statusor.h"
#include "services/platform/storage/database.h"

namespace dienhinh::platform {

// Opens a pool of options.pool_size connections to options.url (a libpq URI,
// postgres://user@host:port/db?param=value). One connection is made at once, so an
// unreachable server is UNAVAILABLE here; the others are made when first needed. Unless the
// URL says otherwise, connect_timeout is 10 s and TCP keepalives detect a silent peer.
absl::StatusOr<std::unique_ptr<Database>> OpenPostgresDatabase(const DatabaseOptions& options);

}  // namespace dienhinh::platform

#endif  // DIENHINH_SERVICES_PLATFORM_STORAGE_POSTGRES_DATABASE_H_
