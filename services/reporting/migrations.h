// The reporting service's schema, versions from 100 (the platform's are 1-99): the read models
// it keeps from the registry, intake and evaluation feeds, and what it owns itself (unit annual
// reports with their revisions, replication records).
#ifndef DIENHINH_SERVICES_REPORTING_MIGRATIONS_H_
#define DIENHINH_SERVICES_REPORTING_MIGRATIONS_H_

#include <vector>

#include "services/platform/storage/database.h"

namespace dienhinh::reporting {

std::vector<platform::Migration> ReportingMigrations();

}  // namespace dienhinh::reporting

#endif  // DIENHINH_SERVICES_REPORTING_MIGRATIONS_H_
