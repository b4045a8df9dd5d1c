// Who is calling: the identity a verified bearer token gives a request. Services receive a
// Caller from the Authenticator and decide with it (see authorization.h); they never look at
// the token itself.
#ifndef DIENHINH_SERVICES_PLATFORM_AUTH_CALLER_H_
#define DIENHINH_SERVICES_PLATFORM_AUTH_CALLER_H_

#include <optional>
#include <string>
#include <string_view>

namespace dienhinh::platform {

// The roles of DESIGN.md. The claim string of each is in the comment; it is what a token's
// `role` claim carries and what the CLI and `dienhinh-mint-token --role` accept.
enum class Role {
  kUnitOfficer,  // "unit_officer": cán bộ phụ trách thi đua (a unit's emulation officer)
  kDepartmentOffice,  // "department_office": Văn phòng Sở (the department's office)
  kCouncilMember,     // "council_member": Hội đồng Thi đua - Khen thưởng (the council)
  kViewer,            // "viewer": reads everything, changes nothing
  kAdmin,             // "admin": operators of a site
  kService,           // "service": another system (EMIS, HR, a peer service)
};

// The claim string of a role, e.g. "unit_officer".
std::string_view RoleName(Role role);
// The role a claim string names; nullopt for anything else (matching is exact: "Admin" is
// not a role).
std::optional<Role> RoleFromName(std::string_view name);

struct Caller {
  std::string subject;  // `sub`: the person or system, as the issuer names it
  Role role = Role::kViewer;
  std::string unit;  // `unit`: the unit code the caller belongs to; empty when none
  std::string site;  // `site`: the deployment (district or city stack) that issued it
};

}  // namespace dienhinh::platform

#endif  // DIENHINH_SERVICES_PLATFORM_AUTH_CALLER_H_
