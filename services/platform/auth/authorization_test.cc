#include "services/platform/auth/authorization.h"

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace dienhinh::platform {
namespace {

using ::testing::HasSubstr;

Caller As(Role role, std::string unit = "") {
  return Caller{"someone", role, std::move(unit), "ninh-kieu"};
}

TEST(RoleNameTest, RoundTripsEveryRoleAndRefusesOthers) {
  for (Role role : {Role::kUnitOfficer, Role::kDepartmentOffice, Role::kCouncilMember,
                    Role::kViewer, Role::kAdmin, Role::kService}) {
    EXPECT_EQ(RoleFromName(RoleName(role)), role);
  }
  EXPECT_EQ(RoleName(Role::kDepartmentOffice), "department_office");
  EXPECT_EQ(RoleFromName("Admin"), std::nullopt);
  EXPECT_EQ(RoleFromName(""), std::nullopt);
}

TEST(RequireRoleTest, AllowsListedRolesAndNamesTheNeededOnes) {
  EXPECT_TRUE(RequireRole(As(Role::kAdmin), {Role::kDepartmentOffice, Role::kAdmin}).ok());
  absl::Status denied = RequireRole(As(Role::kViewer), {Role::kDepartmentOffice, Role::kAdmin});
  EXPECT_EQ(denied.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(denied.message(), HasSubstr("department_office or admin"));
  EXPECT_THAT(denied.message(), HasSubstr("viewer"));
  EXPECT_EQ(RequireRole(As(Role::kAdmin), {}).code(), absl::StatusCode::kPermissionDenied);
}

TEST(CanWriteUnitTest, OfficeAndAdminAnyUnitOfficerOnlyItsOwn) {
  EXPECT_TRUE(CanWriteUnit(As(Role::kAdmin), "U1"));
  EXPECT_TRUE(CanWriteUnit(As(Role::kDepartmentOffice), "U1"));
  EXPECT_TRUE(CanWriteUnit(As(Role::kUnitOfficer, "U1"), "U1"));
  EXPECT_FALSE(CanWriteUnit(As(Role::kUnitOfficer, "U1"), "U2"));
  EXPECT_FALSE(CanWriteUnit(As(Role::kUnitOfficer, "U1"), "U10"));
  EXPECT_FALSE(CanWriteUnit(As(Role::kUnitOfficer, ""), ""));  // no unit never matches
  EXPECT_FALSE(CanWriteUnit(As(Role::kViewer), "U1"));
  EXPECT_FALSE(CanWriteUnit(As(Role::kCouncilMember), "U1"));
  EXPECT_FALSE(CanWriteUnit(As(Role::kService), "U1"));
}

TEST(CanReadUnitTest, EveryoneButUnitOfficersReadsAnyUnit) {
  for (Role role : {Role::kViewer, Role::kService, Role::kCouncilMember, Role::kDepartmentOffice,
                    Role::kAdmin}) {
    EXPECT_TRUE(CanReadUnit(As(role), "U2")) << RoleName(role);
  }
  EXPECT_TRUE(CanReadUnit(As(Role::kUnitOfficer, "U1"), "U1"));
  EXPECT_FALSE(CanReadUnit(As(Role::kUnitOfficer, "U1"), "U2"));
  EXPECT_FALSE(CanReadUnit(As(Role::kUnitOfficer, ""), ""));
}

TEST(RequireUnitTest, DenialsArePermissionDeniedNamingTheUnit) {
  EXPECT_TRUE(RequireWriteUnit(As(Role::kUnitOfficer, "U1"), "U1").ok());
  absl::Status denied = RequireWriteUnit(As(Role::kUnitOfficer, "U1"), "U2");
  EXPECT_EQ(denied.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(denied.message(), HasSubstr("\"U2\""));
  EXPECT_EQ(RequireReadUnit(As(Role::kUnitOfficer, "U1"), "U2").code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(RequireReadUnit(As(Role::kViewer), "U2").ok());
}

}  // namespace
}  // namespace dienhinh::platform
