#include "services/reporting/reporting_service.h"

namespace dienhinh::reporting {

std::vector<platform::Migration> ReportingMigrations() { return {}; }

}  // namespace dienhinh::reporting
