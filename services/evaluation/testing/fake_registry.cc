#include "services/evaluation/testing/fake_registry.h"

namespace dienhinh::evaluation::testing {
namespace {

template <typename Map, typename Out>
void Lookup(const Map& map, const google::protobuf::RepeatedPtrField<std::string>& names, Out* found,
            google::protobuf::RepeatedPtrField<std::string>* missing) {
  for (const std::string& name : names) {
    auto it = map.find(name);
    if (it == map.end()) {
      *missing->Add() = name;
    } else {
      *found->Add() = it->second;
    }
  }
}

}  // namespace

absl::StatusOr<std::unique_ptr<FakeRegistry>> FakeRegistry::Start() {
  std::unique_ptr<FakeRegistry> registry(new FakeRegistry());
  auto feed = UpstreamFeed::Start("registry", {registry.get()});
  if (!feed.ok()) return feed.status();
  registry->feed_ = std::move(*feed);
  return registry;
}

FakeRegistry::~FakeRegistry() { feed_.reset(); }

grpc::ServerUnaryReactor* FakeRegistry::Finish(grpc::CallbackServerContext* context, const grpc::Status& status) {
  auto* reactor = context->DefaultReactor();
  reactor->Finish(status);
  return reactor;
}

absl::Status FakeRegistry::PutUnit(const registry::v1::Unit& unit) {
  {
    absl::MutexLock lock(&mutex_);
    units_[unit.name()] = unit;
  }
  platform::Event event;
  *event.mutable_unit_changed()->mutable_unit() = unit;
  return feed_->Publish(event).status();
}

absl::Status FakeRegistry::PutPerson(const registry::v1::Person& person) {
  {
    absl::MutexLock lock(&mutex_);
    persons_[person.name()] = person;
  }
  platform::Event event;
  *event.mutable_person_changed()->mutable_person() = person;
  return feed_->Publish(event).status();
}

absl::Status FakeRegistry::PutUnitRecord(const registry::v1::UnitYearlyRecord& record) {
  {
    absl::MutexLock lock(&mutex_);
    unit_records_[record.name()] = record;
  }
  platform::Event event;
  *event.mutable_unit_yearly_record_changed()->mutable_unit_yearly_record() = record;
  return feed_->Publish(event).status();
}

absl::Status FakeRegistry::PutPersonRecord(const registry::v1::PersonYearlyRecord& record) {
  {
    absl::MutexLock lock(&mutex_);
    person_records_[record.name()] = record;
  }
  platform::Event event;
  *event.mutable_person_yearly_record_changed()->mutable_person_yearly_record() = record;
  return feed_->Publish(event).status();
}

absl::Status FakeRegistry::PutEmulationBlock(const registry::v1::EmulationBlock& block) {
  {
    absl::MutexLock lock(&mutex_);
    blocks_[block.name()] = block;
  }
  platform::Event event;
  *event.mutable_emulation_block_changed()->mutable_emulation_block() = block;
  return feed_->Publish(event).status();
}

#define DH_FAKE_UNAVAILABLE                                                                     \
  if (unavailable_) return Finish(context, grpc::Status(grpc::StatusCode::UNAVAILABLE, "down")); \
  ++batch_calls_;                                                                               \
  absl::MutexLock lock(&mutex_)

grpc::ServerUnaryReactor* FakeRegistry::BatchGetUnits(grpc::CallbackServerContext* context,
                                                      const registry::v1::BatchGetUnitsRequest* request,
                                                      registry::v1::BatchGetUnitsResponse* response) {
  DH_FAKE_UNAVAILABLE;
  Lookup(units_, request->names(), response->mutable_units(), response->mutable_missing());
  return Finish(context, grpc::Status::OK);
}

grpc::ServerUnaryReactor* FakeRegistry::BatchGetPersons(grpc::CallbackServerContext* context,
                                                        const registry::v1::BatchGetPersonsRequest* request,
                                                        registry::v1::BatchGetPersonsResponse* response) {
  DH_FAKE_UNAVAILABLE;
  Lookup(persons_, request->names(), response->mutable_persons(), response->mutable_missing());
  return Finish(context, grpc::Status::OK);
}

grpc::ServerUnaryReactor* FakeRegistry::BatchGetUnitYearlyRecords(
    grpc::CallbackServerContext* context, const registry::v1::BatchGetUnitYearlyRecordsRequest* request,
    registry::v1::BatchGetUnitYearlyRecordsResponse* response) {
  DH_FAKE_UNAVAILABLE;
  Lookup(unit_records_, request->names(), response->mutable_unit_yearly_records(), response->mutable_missing());
  return Finish(context, grpc::Status::OK);
}

grpc::ServerUnaryReactor* FakeRegistry::BatchGetPersonYearlyRecords(
    grpc::CallbackServerContext* context, const registry::v1::BatchGetPersonYearlyRecordsRequest* request,
    registry::v1::BatchGetPersonYearlyRecordsResponse* response) {
  DH_FAKE_UNAVAILABLE;
  Lookup(person_records_, request->names(), response->mutable_person_yearly_records(), response->mutable_missing());
  return Finish(context, grpc::Status::OK);
}

grpc::ServerUnaryReactor* FakeRegistry::GetEmulationBlock(grpc::CallbackServerContext* context,
                                                          const registry::v1::GetEmulationBlockRequest* request,
                                                          registry::v1::EmulationBlock* response) {
  if (unavailable_) return Finish(context, grpc::Status(grpc::StatusCode::UNAVAILABLE, "down"));
  absl::MutexLock lock(&mutex_);
  auto it = blocks_.find(request->name());
  if (it == blocks_.end()) return Finish(context, grpc::Status(grpc::StatusCode::NOT_FOUND, request->name()));
  *response = it->second;
  return Finish(context, grpc::Status::OK);
}

}  // namespace dienhinh::evaluation::testing
