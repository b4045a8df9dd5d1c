// The real registry service (services/registry) behind RegistryUnderTest: its own runtime on
// 127.0.0.1:0 and its own database, seeded through its gRPC API as an administrator would.
// Built only when the registry_service library is part of the build (DH_HAVE_REGISTRY_SERVICE).
#include "services/intake/testing/registry_under_test.h"

#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "services/intake/testing/test_world.h"
#include "services/platform/auth/key_store.h"
#include "services/platform/status/grpc_status.h"

#ifdef DH_HAVE_REGISTRY_SERVICE
#include "services/registry/registry_service.h"
#endif

namespace dienhinh::intake::testing {

#ifdef DH_HAVE_REGISTRY_SERVICE
namespace {

using Stub = registry::v1::RegistryService::Stub;

class RealRegistryUnderTest final : public RegistryUnderTest {
 public:
  absl::Status Start(platform::testing::Backend backend, const std::string& data_dir) {
    auto database = platform::testing::OpenTestDatabase(backend);
    if (!database.ok()) return database.status();
    database->db.reset();  // the runtime opens its own connections
    platform::RuntimeOptions options;
    options.service_name = "registry";
    options.listen_address = "127.0.0.1:0";
    options.metrics_address = "off";
    options.data_dir = data_dir;
    options.database_url = database->url;
    options.sqlite_full_sync = false;
    options.drain_timeout = absl::Seconds(1);
    options.migrations = registry::RegistryMigrations();
    auto runtime = platform::ServiceRuntime::Create(options);
    if (!runtime.ok()) return runtime.status();
    runtime_ = std::move(*runtime);
    service_ = std::make_unique<registry::RegistryService>(runtime_.get());
    runtime_->Register(service_.get());
    if (absl::Status s = runtime_->Start(); !s.ok()) return s;
    stub_ = registry::v1::RegistryService::NewStub(
        grpc::CreateChannel(runtime_->address(), grpc::InsecureChannelCredentials()));
    platform::TokenRequest admin;
    admin.role = platform::Role::kAdmin;
    admin.subject = "seeder";
    auto token = platform::MintTokenWithDataDirKey(data_dir, admin);
    if (!token.ok()) return token.status();
    token_ = *token;
    return Seed();
  }

  ~RealRegistryUnderTest() override { Stop(); }

  std::string address() const override { return address_; }

  absl::Status PutPerson(const registry::v1::Person& person) override {
    registry::v1::UpdatePersonRequest request;
    *request.mutable_person() = person;
    for (const char* path : {"display_name", "unit", "post", "staff_category",
                             "holds_leadership_post", "head_of"}) {
      request.mutable_update_mask()->add_paths(path);
    }
    request.set_allow_missing(true);
    registry::v1::Person response;
    return Call(&Stub::UpdatePerson, request, &response);
  }

  absl::Status RemovePerson(const std::string& name) override {
    registry::v1::DeletePersonRequest request;
    request.set_name(name);
    google::protobuf::Empty response;
    return Call(&Stub::DeletePerson, request, &response);
  }

  void Stop() override {
    if (runtime_ != nullptr) runtime_->Stop();
  }

 private:
  template <typename Request, typename Response>
  absl::Status Call(grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
                    const Request& request, Response* response) {
    grpc::ClientContext context;
    context.AddMetadata("authorization", "Bearer " + token_);
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    return platform::FromGrpcStatus((stub_.get()->*method)(&context, request, response));
  }

  absl::Status Seed() {
    address_ = runtime_->address();
    registry::v1::CreateDistrictRequest district;
    district.mutable_district()->set_display_name("Quận Ninh Kiều");
    district.mutable_district()->set_province("Thành phố Cần Thơ");
    district.set_district_id("916");
    registry::v1::District created_district;
    if (absl::Status s = Call(&Stub::CreateDistrict, district, &created_district); !s.ok()) {
      return s;
    }
    // Test units come parent first.
    for (const auto& unit : TestUnits()) {
      registry::v1::CreateUnitRequest request;
      *request.mutable_unit() = unit;
      request.set_unit_id(unit.name().substr(std::string("units/").size()));
      registry::v1::Unit created;
      if (absl::Status s = Call(&Stub::CreateUnit, request, &created); !s.ok()) {
        return absl::Status(s.code(), absl::StrCat("seeding ", unit.name(), ": ", s.message()));
      }
    }
    for (const auto& person : TestPersons()) {
      registry::v1::CreatePersonRequest request;
      *request.mutable_person() = person;
      request.set_person_id(person.name().substr(std::string("persons/").size()));
      registry::v1::Person created;
      if (absl::Status s = Call(&Stub::CreatePerson, request, &created); !s.ok()) {
        return absl::Status(s.code(), absl::StrCat("seeding ", person.name(), ": ", s.message()));
      }
    }
    return absl::OkStatus();
  }

  std::unique_ptr<platform::ServiceRuntime> runtime_;
  std::unique_ptr<registry::RegistryService> service_;
  std::unique_ptr<Stub> stub_;
  std::string token_;
  std::string address_;
};

}  // namespace

bool HaveRealRegistry() { return true; }

std::unique_ptr<RegistryUnderTest> StartRealRegistry(platform::testing::Backend backend,
                                                     const std::string& data_dir) {
  auto registry = std::make_unique<RealRegistryUnderTest>();
  absl::Status started = registry->Start(backend, data_dir);
  if (!started.ok()) {
    ADD_FAILURE() << "the real registry did not start: " << started;
    return nullptr;
  }
  return registry;
}

#else

bool HaveRealRegistry() { return false; }

std::unique_ptr<RegistryUnderTest> StartRealRegistry(platform::testing::Backend,
                                                     const std::string&) {
  return nullptr;
}

#endif  // DH_HAVE_REGISTRY_SERVICE

}  // namespace dienhinh::intake::testing
