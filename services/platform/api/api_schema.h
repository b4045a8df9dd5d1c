// Tables the API helpers keep in every service's database: the request log (idempotency) and
// the audit trail. Platform migration version 2 (services number theirs from 100).
#ifndef DIENHINH_SERVICES_PLATFORM_API_API_SCHEMA_H_
#define DIENHINH_SERVICES_PLATFORM_API_API_SCHEMA_H_

#include <vector>

#include "services/platform/storage/database.h"

namespace dienhinh::platform {

std::vector<Migration> ApiMigrations();

}  // namespace dienhinh::platform

#endif  // DIENHINH_SERVICES_PLATFORM_API_API_SCHEMA_H_
