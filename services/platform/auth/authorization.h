// The access rules every service shares, on a Caller the Authenticator produced. A unit
// officer reads and writes only its own unit's data; the department office and admins write
// any unit; viewers, services and the council read any unit. Services add their own rules
// (who may vote, who may decide) on top, with RequireRole.
#ifndef DIENHINH_SERVICES_PLATFORM_AUTH_AUTHORIZATION_H_
#define DIENHINH_SERVICES_PLATFORM_AUTH_AUTHORIZATION_H_

#include <initializer_list>
#include <string_view>

#include "absl/status/status.h"
#include "services/platform/auth/caller.h"

namespace dienhinh::platform {

// OK when the caller has one of `allowed`; otherwise PERMISSION_DENIED naming the roles that
// would do ("needs role admin or department_office; caller has viewer").
absl::Status RequireRole(const Caller& caller, std::initializer_list<Role> allowed);

// Whether the caller may change records of the unit with code `unit_code`.
bool CanWriteUnit(const Caller& caller, std::string_view unit_code);
// Whether the caller may read records of the unit with code `unit_code`.
bool CanReadUnit(const Caller& caller, std::string_view unit_code);

// CanWriteUnit / CanReadUnit as a status: PERMISSION_DENIED naming the unit when refused.
absl::Status RequireWriteUnit(const Caller& caller, std::string_view unit_code);
absl::Status RequireReadUnit(const Caller& caller, std::string_view unit_code);

}  // namespace dienhinh::platform

#endif  // DIENHINH_SERVICES_PLATFORM_AUTH_AUTHORIZATION_H_
