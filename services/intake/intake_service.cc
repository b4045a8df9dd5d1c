#include "services/intake/intake_service.h"

namespace dienhinh::intake {

std::vector<platform::Migration> IntakeMigrations() { return {}; }

}  // namespace dienhinh::intake
