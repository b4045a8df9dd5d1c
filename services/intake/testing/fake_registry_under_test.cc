// The fake registry behind RegistryUnderTest.
#include "services/intake/testing/registry_under_test.h"
#include "services/intake/testing/test_world.h"

namespace dienhinh::intake::testing {
namespace {

class FakeRegistryUnderTest final : public RegistryUnderTest {
 public:
  FakeRegistryUnderTest() {
    fake_.Start();
    for (const auto& unit : TestUnits()) fake_.PutUnit(unit);
    for (const auto& person : TestPersons()) fake_.PutPerson(person);
  }
  std::string address() const override { return fake_.address(); }
  absl::Status PutPerson(const registry::v1::Person& person) override {
    fake_.PutPerson(person);
    return absl::OkStatus();
  }
  absl::Status RemovePerson(const std::string& name) override {
    fake_.RemovePerson(name);
    return absl::OkStatus();
  }
  void Stop() override { fake_.Stop(); }
  FakeRegistry* fake() override { return &fake_; }

 private:
  FakeRegistry fake_;
};

}  // namespace

std::unique_ptr<RegistryUnderTest> StartFakeRegistry() {
  return std::make_unique<FakeRegistryUnderTest>();
}

}  // namespace dienhinh::intake::testing
