#include "services/platform/auth/caller.h"

#include <array>
#include <utility>

namespace dienhinh::platform {
namespace {

constexpr std::array<std::pair<Role, std::string_view>, 6> kRoleNames = {{
    {Role::kUnitOfficer, "unit_officer"},
    {Role::kDepartmentOffice, "department_office"},
    {Role::kCouncilMember, "council_member"},
    {Role::kViewer, "viewer"},
    {Role::kAdmin, "admin"},
    {Role::kService, "service"},
}};

}  // namespace

std::string_view RoleName(Role role) {
  for (const auto& [r, name] : kRoleNames) {
    if (r == role) return name;
  }
  return "unknown";
}

std::optional<Role> RoleFromName(std::string_view name) {
  for (const auto& [role, n] : kRoleNames) {
    if (n == name) return role;
  }
  return std::nullopt;
}

}  // namespace dienhinh::platform
