// How intake asks the registry (dienhinh.registry.v1.RegistryService) about a nomination's
// nominee and nominating unit: batch gets with allow_missing, every call with a deadline and
// this service's own token; a person and their unit in one call (include_units), or in two
// when the registry is of an earlier release. Persons asked for while such a call is in flight
// go together in the next one (PersonBatcher). Intake owns no copy of the registry's data; it
// asks at each create, update and submission, so a nomination is judged against the registry
// as it is then.
//
// When the registry cannot answer in time (down, unreachable, overloaded, past the deadline)
// the lookup fails UNAVAILABLE, and the caller writes nothing.
#ifndef DIENHINH_SERVICES_INTAKE_REGISTRY_CLIENT_H_
#define DIENHINH_SERVICES_INTAKE_REGISTRY_CLIENT_H_

#include <atomic>
#include <functional>
#include <memory>
#include <string>

#include <grpcpp/grpcpp.h>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "dienhinh/registry/v1/registry_service.grpc.pb.h"
#include "services/intake/nomination_rules.h"
#include "services/intake/person_batcher.h"

namespace dienhinh::intake {

class RegistryClient {
 public:
  // `token` gives the bearer token for each call (the runtime's ServiceToken).
  RegistryClient(std::shared_ptr<grpc::Channel> channel, std::function<std::string()> token,
                 absl::Duration deadline);

  // What the registry knows about `nominee` (units/... or persons/...) and `nominating_unit`.
  // Missing resources are left unset in the result, not errors.
  absl::StatusOr<RegistryFacts> LookUp(const std::string& nominee,
                                       const std::string& nominating_unit) const;

 private:
  // A unit, or a person and the nominating unit, in two calls: BatchGetPersons, BatchGetUnits.
  absl::StatusOr<RegistryFacts> LookUpApart(const std::string& nominee,
                                            const std::string& nominating_unit) const;
  void Prepare(grpc::ClientContext& context) const;
  absl::Status FromCall(const grpc::Status& status, const char* method) const;

  std::unique_ptr<registry::v1::RegistryService::Stub> stub_;
  std::function<std::string()> token_;
  absl::Duration deadline_;
  // Set once the registry has refused include_units (it predates it).
  mutable std::atomic<bool> units_apart_{false};
  // Persons with their units (include_units), many lookups to a call.
  mutable PersonBatcher persons_;
};

}  // namespace dienhinh::intake

#endif  // DIENHINH_SERVICES_INTAKE_REGISTRY_CLIENT_H_
