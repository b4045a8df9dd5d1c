// A registry served from memory on 127.0.0.1:0, for intake's tests: the RegistryService
// methods intake calls (GetUnit, BatchGetUnits, GetPerson, BatchGetPersons) over real gRPC,
// with switches to make it slow or unavailable. Every other method answers UNIMPLEMENTED.
#ifndef DIENHINH_SERVICES_INTAKE_TESTING_FAKE_REGISTRY_H_
#define DIENHINH_SERVICES_INTAKE_TESTING_FAKE_REGISTRY_H_

#include <atomic>
#include <map>
#include <memory>
#include <string>

#include <grpcpp/grpcpp.h>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "dienhinh/registry/v1/registry_service.grpc.pb.h"

namespace dienhinh::intake::testing {

class FakeRegistry final : public registry::v1::RegistryService::CallbackService {
 public:
  FakeRegistry() = default;
  ~FakeRegistry() override;

  // Serves on 127.0.0.1 at a free port.
  void Start();
  // Stops serving; calls then fail as a registry that is down.
  void Stop();
  std::string address() const { return address_; }

  void PutUnit(const registry::v1::Unit& unit);
  void PutPerson(const registry::v1::Person& person);
  void RemovePerson(const std::string& name);
  // Every call waits this long before answering (to outlast a caller's deadline).
  void set_delay(absl::Duration delay);
  // Calls answer UNAVAILABLE while true.
  void set_unavailable(bool unavailable);
  // While true, BatchGetPersons refuses include_units as a registry of v0.1 does (an unknown
  // field: INVALID_ARGUMENT).
  void set_predates_include_units(bool predates) { predates_include_units_ = predates; }
  bool predates_include_units() const { return predates_include_units_; }
  // While true, BatchGetPersons answers INVALID_ARGUMENT for another reason than an unknown field.
  void set_refuses_persons(bool refuses) { refuses_persons_ = refuses; }
  int calls() const;
  // The authorization metadata of the last call.
  std::string last_authorization() const;

  grpc::ServerUnaryReactor* GetUnit(grpc::CallbackServerContext* context,
                                    const registry::v1::GetUnitRequest* request,
                                    registry::v1::Unit* response) override;
  grpc::ServerUnaryReactor* BatchGetUnits(grpc::CallbackServerContext* context,
                                          const registry::v1::BatchGetUnitsRequest* request,
                                          registry::v1::BatchGetUnitsResponse* response) override;
  grpc::ServerUnaryReactor* GetPerson(grpc::CallbackServerContext* context,
                                      const registry::v1::GetPersonRequest* request,
                                      registry::v1::Person* response) override;
  grpc::ServerUnaryReactor* BatchGetPersons(grpc::CallbackServerContext* context,
                                            const registry::v1::BatchGetPersonsRequest* request,
                                            registry::v1::BatchGetPersonsResponse* response) override;

 private:
  // Counts the call; a non-OK status when the call must fail.
  grpc::Status Enter(grpc::CallbackServerContext* context);
  // Ends the call with `status`, after the delay.
  grpc::ServerUnaryReactor* Finish(grpc::CallbackServerContext* context, grpc::Status status);

  mutable absl::Mutex mutex_;
  std::map<std::string, registry::v1::Unit> units_ ABSL_GUARDED_BY(mutex_);
  std::map<std::string, registry::v1::Person> persons_ ABSL_GUARDED_BY(mutex_);
  absl::Duration delay_ ABSL_GUARDED_BY(mutex_) = absl::ZeroDuration();
  bool unavailable_ ABSL_GUARDED_BY(mutex_) = false;
  int calls_ ABSL_GUARDED_BY(mutex_) = 0;
  std::string last_authorization_ ABSL_GUARDED_BY(mutex_);
  std::atomic<bool> predates_include_units_{false};
  std::atomic<bool> refuses_persons_{false};

  std::unique_ptr<grpc::Server> server_;
  std::string address_;
};

}  // namespace dienhinh::intake::testing

#endif  // DIENHINH_SERVICES_INTAKE_TESTING_FAKE_REGISTRY_H_
