// dienhinh.registry.v1.RegistryService over gRPC: districts, emulation blocks (khối thi đua),
// units, persons, their yearly records, batch gets, search and CSV import. Each handler
// authenticates the caller, normalizes the request's text to NFC, checks its shape, decides
// who may do it, and hands the work to the store (SQL) and the rules (domain); nothing else.
//
// Who may do what (DESIGN.md, issue 3):
// - districts, emulation blocks and units: every authenticated caller reads them (they are the
//   sector's directory); the department office and admins write them.
// - persons and yearly records: the department office, admins, the council, viewers and
//   services read all of them; a unit officer reads and writes only its own unit's (a person's
//   `unit`, a unit record's unit, a person record's `unit`), and lists are narrowed to it.
// - import: units only by the department office and admins; persons and records also by a unit
//   officer when every row is of their unit.
#ifndef DIENHINH_SERVICES_REGISTRY_REGISTRY_SERVICE_H_
#define DIENHINH_SERVICES_REGISTRY_REGISTRY_SERVICE_H_

#include <vector>

#include "dienhinh/registry/v1/registry_service.grpc.pb.h"
#include "services/platform/runtime/service_runtime.h"
#include "services/registry/registry_store.h"

namespace dienhinh::registry {

// The service's schema migrations, numbered from 100 (migrations.cc).
std::vector<platform::Migration> RegistryMigrations();

class RegistryService final : public v1::RegistryService::CallbackService {
 public:
  explicit RegistryService(platform::ServiceRuntime* runtime);

  using Context = grpc::CallbackServerContext;
  using Unary = grpc::ServerUnaryReactor;

  Unary* GetDistrict(Context*, const v1::GetDistrictRequest*, v1::District*) override;
  Unary* ListDistricts(Context*, const v1::ListDistrictsRequest*,
                       v1::ListDistrictsResponse*) override;
  Unary* CreateDistrict(Context*, const v1::CreateDistrictRequest*, v1::District*) override;
  Unary* UpdateDistrict(Context*, const v1::UpdateDistrictRequest*, v1::District*) override;
  Unary* DeleteDistrict(Context*, const v1::DeleteDistrictRequest*,
                        google::protobuf::Empty*) override;

  Unary* GetEmulationBlock(Context*, const v1::GetEmulationBlockRequest*,
                           v1::EmulationBlock*) override;
  Unary* ListEmulationBlocks(Context*, const v1::ListEmulationBlocksRequest*,
                             v1::ListEmulationBlocksResponse*) override;
  Unary* CreateEmulationBlock(Context*, const v1::CreateEmulationBlockRequest*,
                              v1::EmulationBlock*) override;
  Unary* UpdateEmulationBlock(Context*, const v1::UpdateEmulationBlockRequest*,
                              v1::EmulationBlock*) override;
  Unary* DeleteEmulationBlock(Context*, const v1::DeleteEmulationBlockRequest*,
                              google::protobuf::Empty*) override;

  Unary* GetUnit(Context*, const v1::GetUnitRequest*, v1::Unit*) override;
  Unary* BatchGetUnits(Context*, const v1::BatchGetUnitsRequest*,
                       v1::BatchGetUnitsResponse*) override;
  Unary* ListUnits(Context*, const v1::ListUnitsRequest*, v1::ListUnitsResponse*) override;
  Unary* SearchUnits(Context*, const v1::SearchUnitsRequest*, v1::SearchUnitsResponse*) override;
  Unary* CreateUnit(Context*, const v1::CreateUnitRequest*, v1::Unit*) override;
  Unary* UpdateUnit(Context*, const v1::UpdateUnitRequest*, v1::Unit*) override;
  Unary* DeleteUnit(Context*, const v1::DeleteUnitRequest*, google::protobuf::Empty*) override;

  Unary* GetPerson(Context*, const v1::GetPersonRequest*, v1::Person*) override;
  Unary* BatchGetPersons(Context*, const v1::BatchGetPersonsRequest*,
                         v1::BatchGetPersonsResponse*) override;
  Unary* ListPersons(Context*, const v1::ListPersonsRequest*, v1::ListPersonsResponse*) override;
  Unary* CreatePerson(Context*, const v1::CreatePersonRequest*, v1::Person*) override;
  Unary* UpdatePerson(Context*, const v1::UpdatePersonRequest*, v1::Person*) override;
  Unary* DeletePerson(Context*, const v1::DeletePersonRequest*, google::protobuf::Empty*) override;

  Unary* GetUnitYearlyRecord(Context*, const v1::GetUnitYearlyRecordRequest*,
                             v1::UnitYearlyRecord*) override;
  Unary* BatchGetUnitYearlyRecords(Context*, const v1::BatchGetUnitYearlyRecordsRequest*,
                                   v1::BatchGetUnitYearlyRecordsResponse*) override;
  Unary* ListUnitYearlyRecords(Context*, const v1::ListUnitYearlyRecordsRequest*,
                               v1::ListUnitYearlyRecordsResponse*) override;
  Unary* CreateUnitYearlyRecord(Context*, const v1::CreateUnitYearlyRecordRequest*,
                                v1::UnitYearlyRecord*) override;
  Unary* UpdateUnitYearlyRecord(Context*, const v1::UpdateUnitYearlyRecordRequest*,
                                v1::UnitYearlyRecord*) override;
  Unary* DeleteUnitYearlyRecord(Context*, const v1::DeleteUnitYearlyRecordRequest*,
                                google::protobuf::Empty*) override;

  Unary* GetPersonYearlyRecord(Context*, const v1::GetPersonYearlyRecordRequest*,
                               v1::PersonYearlyRecord*) override;
  Unary* BatchGetPersonYearlyRecords(Context*, const v1::BatchGetPersonYearlyRecordsRequest*,
                                     v1::BatchGetPersonYearlyRecordsResponse*) override;
  Unary* ListPersonYearlyRecords(Context*, const v1::ListPersonYearlyRecordsRequest*,
                                 v1::ListPersonYearlyRecordsResponse*) override;
  Unary* CreatePersonYearlyRecord(Context*, const v1::CreatePersonYearlyRecordRequest*,
                                  v1::PersonYearlyRecord*) override;
  Unary* UpdatePersonYearlyRecord(Context*, const v1::UpdatePersonYearlyRecordRequest*,
                                  v1::PersonYearlyRecord*) override;
  Unary* DeletePersonYearlyRecord(Context*, const v1::DeletePersonYearlyRecordRequest*,
                                  google::protobuf::Empty*) override;

  grpc::ServerReadReactor<v1::ImportRecordsRequest>* ImportRecords(
      Context*, v1::ImportRecordsResponse*) override;

 private:
  // Authenticates, normalizes a copy of the request, and replies with what `body` returns,
  // run on the runtime's workers.
  template <typename Request, typename Body>
  Unary* Handle(Context* context, const Request* request, Body body);
  // As Handle, for a read by key: run where the runtime runs lookups (on gRPC's thread over
  // SQLite, ServiceRuntime::lookups()).
  template <typename Request, typename Body>
  Unary* HandleLookup(Context* context, const Request* request, Body body);
  template <typename Request, typename Body>
  Unary* Serve(Context* context, const Request* request, Body body, platform::WorkerPool& where);

  platform::ServiceRuntime* runtime_;
  RegistryStore store_;
};

}  // namespace dienhinh::registry

#endif  // DIENHINH_SERVICES_REGISTRY_REGISTRY_SERVICE_H_
