#include "services/platform/auth/authorization.h"

#include <string>

#include "absl/strings/str_cat.h"

namespace dienhinh::platform {
namespace {

// A unit officer's own unit; an empty code on either side never matches, so a token or a
// request without a unit cannot reach every unit by accident.
bool IsOwnUnit(const Caller& caller, std::string_view unit_code) {
  return !caller.unit.empty() && !unit_code.empty() && caller.unit == unit_code;
}

}  // namespace

absl::Status RequireRole(const Caller& caller, std::initializer_list<Role> allowed) {
  std::string names;
  for (Role role : allowed) {
    if (role == caller.role) return absl::OkStatus();
    absl::StrAppend(&names, names.empty() ? "" : " or ", std::string(RoleName(role)));
  }
  if (names.empty()) names = "(none)";
  return absl::PermissionDeniedError(
      absl::StrCat("needs role ", names, "; caller has ", std::string(RoleName(caller.role))));
}

bool CanWriteUnit(const Caller& caller, std::string_view unit_code) {
  switch (caller.role) {
    case Role::kAdmin:
    case Role::kDepartmentOffice:
      return true;
    case Role::kUnitOfficer:
      return IsOwnUnit(caller, unit_code);
    case Role::kCouncilMember:
    case Role::kViewer:
    case Role::kService:
      return false;
  }
  return false;
}

bool CanReadUnit(const Caller& caller, std::string_view unit_code) {
  switch (caller.role) {
    case Role::kAdmin:
    case Role::kDepartmentOffice:
    case Role::kCouncilMember:
    case Role::kViewer:
    case Role::kService:
      return true;
    case Role::kUnitOfficer:
      return IsOwnUnit(caller, unit_code);
  }
  return false;
}

absl::Status RequireWriteUnit(const Caller& caller, std::string_view unit_code) {
  if (CanWriteUnit(caller, unit_code)) return absl::OkStatus();
  return absl::PermissionDeniedError(absl::StrCat(std::string(RoleName(caller.role)), " \"",
                                                  caller.subject, "\" may not change unit \"",
                                                  std::string(unit_code), "\""));
}

absl::Status RequireReadUnit(const Caller& caller, std::string_view unit_code) {
  if (CanReadUnit(caller, unit_code)) return absl::OkStatus();
  return absl::PermissionDeniedError(absl::StrCat(std::string(RoleName(caller.role)), " \"",
                                                  caller.subject, "\" may not read unit \"",
                                                  std::string(unit_code), "\""));
}

}  // namespace dienhinh::platform
