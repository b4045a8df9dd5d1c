// The reporting service following the real registry service (services/registry) over its
// EventFeed on 127.0.0.1:0: units created through the registry's API appear in compliance with
// the names, districts, kinds and site the registry's events carry. This checks the event
// contract against the other side's code, not against payloads the test wrote itself.
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "dienhinh/registry/v1/registry_service.grpc.pb.h"
#include "services/platform/auth/key_store.h"
#include "services/platform/testing/test_database.h"
#include "services/registry/registry_service.h"
#include "services/reporting/testing/reporting_harness.h"
#include "services/reporting/testing/test_world.h"

namespace dienhinh::reporting {
namespace {

using platform::Role;

class RealRegistryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    data_dir_ = platform::testing::MakeTempDir();
    platform::RuntimeOptions options;
    options.service_name = "registry";
    options.listen_address = "127.0.0.1:0";
    options.metrics_address = "off";
    options.data_dir = data_dir_;
    options.database_url = data_dir_ + "/registry.db";
    options.site = "can-tho/ninh-kieu";
    options.drain_timeout = absl::Seconds(2);
    options.migrations = registry::RegistryMigrations();
    auto runtime = platform::ServiceRuntime::Create(options);
    ASSERT_TRUE(runtime.ok()) << runtime.status();
    registry_runtime_ = std::move(*runtime);
    registry_ = std::make_unique<registry::RegistryService>(registry_runtime_.get());
    registry_runtime_->Register(registry_.get());
    ASSERT_TRUE(registry_runtime_->Start().ok());
    registry_stub_ = registry::v1::RegistryService::NewStub(
        grpc::CreateChannel(registry_runtime_->address(), grpc::InsecureChannelCredentials()));

    DH_OPEN_TEST_DATABASE_OR_SKIP(db, platform::testing::Backend::kSqlite);
    ASSERT_TRUE(reporting_
                    .StartWithFeeds(std::move(db), data_dir_,
                                    {absl::StrCat("registry=", registry_runtime_->address())})
                    .ok());
  }

  void TearDown() override {
    reporting_.StopReporting();
    if (registry_runtime_) registry_runtime_->Stop();
  }

  std::unique_ptr<grpc::ClientContext> Context() {
    return reporting_.Context(reporting_.Token(Role::kAdmin, "quantri"));
  }

  void CreateDistrict(const registry::v1::District& district) {
    registry::v1::CreateDistrictRequest request;
    *request.mutable_district() = district;
    request.mutable_district()->clear_name();
    request.set_district_id(district.name().substr(std::string("districts/").size()));
    request.set_request_id(absl::StrCat("d-", request.district_id()));
    registry::v1::District response;
    grpc::Status s = registry_stub_->CreateDistrict(Context().get(), request, &response);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }

  void CreateUnit(const registry::v1::Unit& unit) {
    registry::v1::CreateUnitRequest request;
    *request.mutable_unit() = unit;
    request.mutable_unit()->clear_name();
    request.set_unit_id(unit.name().substr(std::string("units/").size()));
    request.set_request_id(absl::StrCat("u-", request.unit_id()));
    registry::v1::Unit response;
    grpc::Status s = registry_stub_->CreateUnit(Context().get(), request, &response);
    ASSERT_TRUE(s.ok()) << unit.name() << ": " << s.error_message();
  }

  std::string data_dir_;
  std::unique_ptr<platform::ServiceRuntime> registry_runtime_;
  std::unique_ptr<registry::RegistryService> registry_;
  std::unique_ptr<registry::v1::RegistryService::Stub> registry_stub_;
  testing::ReportingHarness reporting_;
};

TEST_F(RealRegistryTest, UnitsCreatedInTheRegistryMustReport) {
  for (const auto& d : testing::TestDistricts()) CreateDistrict(d);
  for (const auto& u : testing::TestUnits()) CreateUnit(u);

  // The registry's feed is followed live; wait (up to 10 s) for the four reporting units.
  v1::ListComplianceRequest request;
  request.set_plan(testing::kPlanName);
  request.mutable_school_year()->set_start_year(2019);
  v1::ListComplianceResponse compliance;
  absl::Time deadline = absl::Now() + absl::Seconds(10);
  do {
    compliance.Clear();
    grpc::Status s = reporting_.stub().ListCompliance(Context().get(), request, &compliance);
    ASSERT_TRUE(s.ok()) << s.error_message();
    if (compliance.totals().units() == 4) break;
    absl::SleepFor(absl::Milliseconds(50));
  } while (absl::Now() < deadline);

  std::map<std::string, v1::ComplianceRow> rows;
  for (const auto& row : compliance.rows()) rows[row.unit()] = row;
  ASSERT_EQ(rows.size(), 4u) << compliance.DebugString();
  for (const std::string& name : testing::ReportingUnitNames()) ASSERT_EQ(rows.count(name), 1u) << name;
  const v1::ComplianceRow& chau_van_liem = rows["units/THPT001"];
  EXPECT_EQ(chau_van_liem.unit_display_name(), "Trường THPT Châu Văn Liêm");
  EXPECT_EQ(chau_van_liem.district(), "districts/916");
  EXPECT_EQ(chau_van_liem.kind(), type::v1::UNIT_KIND_SCHOOL);
  EXPECT_EQ(chau_van_liem.level(), type::v1::EDUCATION_LEVEL_UPPER_SECONDARY);
  EXPECT_EQ(chau_van_liem.site(), "can-tho/ninh-kieu");
  EXPECT_EQ(chau_van_liem.status(), v1::COMPLIANCE_STATUS_MISSING);
}

}  // namespace
}  // namespace dienhinh::reporting
