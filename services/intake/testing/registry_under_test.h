// The registry an intake test talks to, whichever it is: the fake served from memory, or the
// real registry service (services/registry) on its own database. A test seeds it with the test
// world, changes a person between a draft and its submission, or takes it down.
#ifndef DIENHINH_SERVICES_INTAKE_TESTING_REGISTRY_UNDER_TEST_H_
#define DIENHINH_SERVICES_INTAKE_TESTING_REGISTRY_UNDER_TEST_H_

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "dienhinh/registry/v1/person.pb.h"
#include "services/intake/testing/fake_registry.h"
#include "services/platform/testing/test_database.h"

namespace dienhinh::intake::testing {

class RegistryUnderTest {
 public:
  virtual ~RegistryUnderTest() = default;
  // host:port, on 127.0.0.1.
  virtual std::string address() const = 0;
  // Replaces a person as the registry keeps it.
  virtual absl::Status PutPerson(const registry::v1::Person& person) = 0;
  virtual absl::Status RemovePerson(const std::string& name) = 0;
  // Stops serving: calls to it then fail as to a registry that is down.
  virtual void Stop() = 0;
  // The fake, for tests that slow it or count its calls; null for the real registry.
  virtual FakeRegistry* fake() { return nullptr; }
};

// The fake, started and holding the test world's units and persons.
std::unique_ptr<RegistryUnderTest> StartFakeRegistry();

// Whether this build has the real registry service (services/registry).
bool HaveRealRegistry();
// The real registry service on its own fresh database of `backend`, verifying tokens with
// the key of `data_dir` (the one intake signs its service token with), seeded through its own
// API with the test world. Null with a failed test when it cannot start.
std::unique_ptr<RegistryUnderTest> StartRealRegistry(platform::testing::Backend backend,
                                                     const std::string& data_dir);

}  // namespace dienhinh::intake::testing

#endif  // DIENHINH_SERVICES_INTAKE_TESTING_REGISTRY_UNDER_TEST_H_
