// Text-level pieces of the PostgreSQL driver that need no server: rewriting the '?'
// placeholders services write into PostgreSQL's $1..$n, and the SQLSTATE → status-code table.
// Kept apart from the driver so they are tested directly.
#ifndef DIENHINH_SERVICES_PLATFORM_STORAGE_POSTGRES_SQL_H_
#define DIENHINH_SERVICES_PLATFORM_STORAGE_POSTGRES_SQL_H_

#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace dienhinh::platform {

struct PostgresStatement {
  std::string sql;       // with $1..$n in place of '?'
  int placeholders = 0;  // n
};

// Replaces every '?' outside string literals ('...', E'...', $tag$...$tag$), quoted
// identifiers and comments (-- and nested /* */) by $1, $2, ... in order. A '?' meant as a
// jsonb operator cannot be written through this interface.
PostgresStatement RewritePlaceholders(std::string_view sql);

// The status code for a SQLSTATE (the five-character error code PostgreSQL reports).
absl::StatusCode StatusCodeForSqlState(std::string_view sqlstate);

// Whether an error with this SQLSTATE means the session is gone (the server shut the
// connection): such a connection must be replaced, never reused.
bool SqlStateEndsSession(std::string_view sqlstate);

}  // namespace dienhinh::platform

#endif  // DIENHINH_SERVICES_PLATFORM_STORAGE_POSTGRES_SQL_H_
