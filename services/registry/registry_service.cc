#include "services/registry/registry_service.h"

namespace dienhinh::registry {

std::vector<platform::Migration> RegistryMigrations() { return {}; }

}  // namespace dienhinh::registry
