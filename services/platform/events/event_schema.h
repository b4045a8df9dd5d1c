// The tables every service has for its events: the outbox it publishes from, and the cursors
// and dead letters of the feeds it consumes. Migration versions 1-9 belong to the platform;
// services number theirs from 100.
#ifndef DIENHINH_SERVICES_PLATFORM_EVENTS_EVENT_SCHEMA_H_
#define DIENHINH_SERVICES_PLATFORM_EVENTS_EVENT_SCHEMA_H_

#include <vector>

#include "services/platform/storage/database.h"

namespace dienhinh::platform {

std::vector<Migration> EventMigrations();

}  // namespace dienhinh::platform

#endif  // DIENHINH_SERVICES_PLATFORM_EVENTS_EVENT_SCHEMA_H_
