// Where evaluation gets the registry's facts: units, persons and yearly records by name, in
// batches (BatchGet* RPCs, at most 1000 names a call), each call with a deadline and the
// service's own token. An interface, so tests can give facts without a registry.
#ifndef DIENHINH_SERVICES_EVALUATION_REGISTRY_FACTS_H_
#define DIENHINH_SERVICES_EVALUATION_REGISTRY_FACTS_H_

#include <functional>
#include <memory>
#include <string>

#include <grpcpp/channel.h>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "dienhinh/registry/v1/emulation_block.pb.h"
#include "services/evaluation/evaluation_facts.h"

namespace dienhinh::evaluation {

class RegistryFacts {
 public:
  virtual ~RegistryFacts() = default;
  // Adds to `facts` every resource of `request` the registry has (units, persons, unit and
  // person yearly records); names it does not have are left out. UNAVAILABLE or
  // DEADLINE_EXCEEDED when the registry cannot answer: the caller retries later.
  virtual absl::Status Fetch(const FactRequest& request, EvaluationFacts& facts) = 0;
  // An emulation block with its memberships (for block rankings).
  virtual absl::StatusOr<registry::v1::EmulationBlock> GetEmulationBlock(const std::string& name) = 0;
};

struct RegistryClientOptions {
  std::string target;                      // host:port of the registry
  // The channel to call it on (ServiceRuntime::NewChannel: TLS when configured); a plaintext
  // channel to `target` when null.
  std::shared_ptr<grpc::Channel> channel;
  std::function<std::string()> bearer_token;  // the service's token; none when empty
  absl::Duration deadline = absl::Seconds(5);  // per call
};

// The registry over gRPC.
std::unique_ptr<RegistryFacts> NewRegistryClient(RegistryClientOptions options);

}  // namespace dienhinh::evaluation

#endif  // DIENHINH_SERVICES_EVALUATION_REGISTRY_FACTS_H_
