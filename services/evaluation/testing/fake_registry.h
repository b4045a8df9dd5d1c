// For service tests, until the registry (issue 3) is in the tree: a RegistryService that serves
// the calls evaluation makes (the four BatchGets and GetEmulationBlock) from memory, behind a
// real feed: Put* changes a record and publishes the registry's event for it, as the registry
// does. Everything else answers UNIMPLEMENTED.
#ifndef DIENHINH_SERVICES_EVALUATION_TESTING_FAKE_REGISTRY_H_
#define DIENHINH_SERVICES_EVALUATION_TESTING_FAKE_REGISTRY_H_

#include <atomic>
#include <map>
#include <memory>
#include <string>

#include "absl/synchronization/mutex.h"
#include "dienhinh/registry/v1/registry_service.grpc.pb.h"
#include "services/evaluation/testing/upstream_feed.h"

namespace dienhinh::evaluation::testing {

class FakeRegistry final : public registry::v1::RegistryService::CallbackService {
 public:
  static absl::StatusOr<std::unique_ptr<FakeRegistry>> Start();
  ~FakeRegistry() override;

  std::string address() const { return feed_->address(); }

  // Stores (creating or replacing) and publishes the matching *Changed event.
  absl::Status PutUnit(const registry::v1::Unit& unit);
  absl::Status PutPerson(const registry::v1::Person& person);
  absl::Status PutUnitRecord(const registry::v1::UnitYearlyRecord& record);
  absl::Status PutPersonRecord(const registry::v1::PersonYearlyRecord& record);
  absl::Status PutEmulationBlock(const registry::v1::EmulationBlock& block);
  // While unavailable every call fails UNAVAILABLE, as a registry that is down.
  void SetUnavailable(bool unavailable) { unavailable_ = unavailable; }
  // How many BatchGet calls were served (to see that facts come in batches).
  int batch_calls() const { return batch_calls_; }

  grpc::ServerUnaryReactor* BatchGetUnits(grpc::CallbackServerContext* context,
                                          const registry::v1::BatchGetUnitsRequest* request,
                                          registry::v1::BatchGetUnitsResponse* response) override;
  grpc::ServerUnaryReactor* BatchGetPersons(grpc::CallbackServerContext* context,
                                            const registry::v1::BatchGetPersonsRequest* request,
                                            registry::v1::BatchGetPersonsResponse* response) override;
  grpc::ServerUnaryReactor* BatchGetUnitYearlyRecords(grpc::CallbackServerContext* context,
                                                      const registry::v1::BatchGetUnitYearlyRecordsRequest* request,
                                                      registry::v1::BatchGetUnitYearlyRecordsResponse* response) override;
  grpc::ServerUnaryReactor* BatchGetPersonYearlyRecords(
      grpc::CallbackServerContext* context, const registry::v1::BatchGetPersonYearlyRecordsRequest* request,
      registry::v1::BatchGetPersonYearlyRecordsResponse* response) override;
  grpc::ServerUnaryReactor* GetEmulationBlock(grpc::CallbackServerContext* context,
                                              const registry::v1::GetEmulationBlockRequest* request,
                                              registry::v1::EmulationBlock* response) override;

 private:
  FakeRegistry() = default;
  grpc::ServerUnaryReactor* Finish(grpc::CallbackServerContext* context, const grpc::Status& status);

  std::unique_ptr<UpstreamFeed> feed_;
  absl::Mutex mutex_;
  std::map<std::string, registry::v1::Unit> units_ ABSL_GUARDED_BY(mutex_);
  std::map<std::string, registry::v1::Person> persons_ ABSL_GUARDED_BY(mutex_);
  std::map<std::string, registry::v1::UnitYearlyRecord> unit_records_ ABSL_GUARDED_BY(mutex_);
  std::map<std::string, registry::v1::PersonYearlyRecord> person_records_ ABSL_GUARDED_BY(mutex_);
  std::map<std::string, registry::v1::EmulationBlock> blocks_ ABSL_GUARDED_BY(mutex_);
  std::atomic<bool> unavailable_{false};
  std::atomic<int> batch_calls_{0};
};

}  // namespace dienhinh::evaluation::testing

#endif  // DIENHINH_SERVICES_EVALUATION_TESTING_FAKE_REGISTRY_H_
