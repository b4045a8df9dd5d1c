#include "services/evaluation/registry_facts.h"

#include <chrono>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "absl/strings/str_cat.h"
#include "dienhinh/registry/v1/registry_service.grpc.pb.h"
#include "services/platform/status/grpc_status.h"

namespace dienhinh::evaluation {
namespace {

using registry::v1::RegistryService;

constexpr size_t kBatch = 1000;  // the registry's limit per BatchGet call

std::vector<std::vector<std::string>> Chunks(const std::set<std::string>& names) {
  std::vector<std::vector<std::string>> out;
  for (const std::string& name : names) {
    if (out.empty() || out.back().size() == kBatch) out.emplace_back();
    out.back().push_back(name);
  }
  return out;
}

class RegistryClient final : public RegistryFacts {
 public:
  explicit RegistryClient(RegistryClientOptions options)
      : options_(std::move(options)),
        stub_(RegistryService::NewStub(options_.channel ? options_.channel
                                                        : grpc::CreateChannel(options_.target,
                                                                              grpc::InsecureChannelCredentials()))) {}

  absl::Status Fetch(const FactRequest& request, EvaluationFacts& facts) override {
    for (const auto& names : Chunks(request.units)) {
      registry::v1::BatchGetUnitsRequest call;
      for (const auto& n : names) call.add_names(n);
      call.set_allow_missing(true);
      registry::v1::BatchGetUnitsResponse response;
      grpc::ClientContext context;
      Prepare(context);
      if (auto s = platform::FromGrpcStatus(stub_->BatchGetUnits(&context, call, &response)); !s.ok()) {
        return Annotate(s, "BatchGetUnits");
      }
      for (auto& unit : *response.mutable_units()) facts.units[unit.name()] = std::move(unit);
    }
    for (const auto& names : Chunks(request.persons)) {
      registry::v1::BatchGetPersonsRequest call;
      for (const auto& n : names) call.add_names(n);
      call.set_allow_missing(true);
      registry::v1::BatchGetPersonsResponse response;
      grpc::ClientContext context;
      Prepare(context);
      if (auto s = platform::FromGrpcStatus(stub_->BatchGetPersons(&context, call, &response)); !s.ok()) {
        return Annotate(s, "BatchGetPersons");
      }
      for (auto& person : *response.mutable_persons()) facts.persons[person.name()] = std::move(person);
    }
    for (const auto& names : Chunks(request.unit_records)) {
      registry::v1::BatchGetUnitYearlyRecordsRequest call;
      call.set_parent("units/-");
      for (const auto& n : names) call.add_names(n);
      call.set_allow_missing(true);
      registry::v1::BatchGetUnitYearlyRecordsResponse response;
      grpc::ClientContext context;
      Prepare(context);
      if (auto s = platform::FromGrpcStatus(stub_->BatchGetUnitYearlyRecords(&context, call, &response));
          !s.ok()) {
        return Annotate(s, "BatchGetUnitYearlyRecords");
      }
      for (auto& r : *response.mutable_unit_yearly_records()) facts.unit_records[r.name()] = std::move(r);
    }
    for (const auto& names : Chunks(request.person_records)) {
      registry::v1::BatchGetPersonYearlyRecordsRequest call;
      call.set_parent("persons/-");
      for (const auto& n : names) call.add_names(n);
      call.set_allow_missing(true);
      registry::v1::BatchGetPersonYearlyRecordsResponse response;
      grpc::ClientContext context;
      Prepare(context);
      if (auto s = platform::FromGrpcStatus(stub_->BatchGetPersonYearlyRecords(&context, call, &response));
          !s.ok()) {
        return Annotate(s, "BatchGetPersonYearlyRecords");
      }
      for (auto& r : *response.mutable_person_yearly_records()) facts.person_records[r.name()] = std::move(r);
    }
    return absl::OkStatus();
  }

  absl::StatusOr<registry::v1::EmulationBlock> GetEmulationBlock(const std::string& name) override {
    registry::v1::GetEmulationBlockRequest call;
    call.set_name(name);
    registry::v1::EmulationBlock block;
    grpc::ClientContext context;
    Prepare(context);
    if (auto s = platform::FromGrpcStatus(stub_->GetEmulationBlock(&context, call, &block)); !s.ok()) {
      return Annotate(s, "GetEmulationBlock");
    }
    return block;
  }

 private:
  void Prepare(grpc::ClientContext& context) {
    context.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::microseconds(absl::ToInt64Microseconds(options_.deadline)));
    if (options_.bearer_token) {
      std::string token = options_.bearer_token();
      if (!token.empty()) context.AddMetadata("authorization", absl::StrCat("Bearer ", token));
    }
  }

  static absl::Status Annotate(const absl::Status& s, absl::string_view call) {
    return absl::Status(s.code(), absl::StrCat("registry ", call, ": ", s.message()));
  }

  RegistryClientOptions options_;
  std::unique_ptr<RegistryService::Stub> stub_;
};

}  // namespace

std::unique_ptr<RegistryFacts> NewRegistryClient(RegistryClientOptions options) {
  return std::make_unique<RegistryClient>(std::move(options));
}

}  // namespace dienhinh::evaluation
