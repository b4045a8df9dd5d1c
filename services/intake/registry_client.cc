#include "services/intake/registry_client.h"

#include <chrono>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "services/platform/status/error_details.h"
#include "services/platform/status/grpc_status.h"

namespace dienhinh::intake {

namespace {

// Names to a BatchGetPersons call, well under the registry's limit (1,000): a call answers
// quickly even when a burst of submissions shares it.
constexpr size_t kPersonsPerCall = 100;

}  // namespace

RegistryClient::RegistryClient(std::shared_ptr<grpc::Channel> channel,
                               std::function<std::string()> token, absl::Duration deadline)
    : stub_(registry::v1::RegistryService::NewStub(std::move(channel))),
      token_(std::move(token)),
      deadline_(deadline),
      persons_(
          [this](const std::vector<std::string>& names) {
            registry::v1::BatchGetPersonsRequest request;
            for (const std::string& name : names) request.add_names(name);
            request.set_allow_missing(true);
            request.set_include_units(true);
            PersonBatcher::Answer answer;
            grpc::ClientContext context;
            Prepare(context);
            answer.status = stub_->BatchGetPersons(&context, request, &answer.response);
            return answer;
          },
          kPersonsPerCall) {}

void RegistryClient::Prepare(grpc::ClientContext& context) const {
  context.set_deadline(absl::ToChronoTime(absl::Now() + deadline_));
  const std::string token = token_ ? token_() : "";
  if (!token.empty()) context.AddMetadata("authorization", absl::StrCat("Bearer ", token));
}

absl::Status RegistryClient::FromCall(const grpc::Status& status, const char* method) const {
  if (status.ok()) return absl::OkStatus();
  switch (status.error_code()) {
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::DEADLINE_EXCEEDED:
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
    case grpc::StatusCode::CANCELLED:
      return platform::WithReason(
          absl::UnavailableError(absl::StrCat("the registry did not answer ", method, ": ",
                                              status.error_message(), "; nothing was written")),
          "REGISTRY_UNAVAILABLE");
    default:
      // The registry refused or failed the call (a token it does not accept, a bug): not the
      // client's doing, and not something a retry fixes by itself.
      return platform::WithReason(
          absl::InternalError(absl::StrCat("the registry failed ", method, " with code ",
                                           static_cast<int>(status.error_code()), ": ",
                                           status.error_message())),
          "REGISTRY_FAILED");
  }
}

absl::StatusOr<RegistryFacts> RegistryClient::LookUp(const std::string& nominee,
                                                     const std::string& nominating_unit) const {
  RegistryFacts facts;
  if (absl::StartsWith(nominee, "persons/") && !units_apart_.load(std::memory_order_relaxed)) {
    // The person and their unit in one call, shared with other lookups made meanwhile. The
    // nominating unit of an individual must be the person's own unit (CheckNomineeFits), so
    // another unit is not read, even when the call brought it for another person.
    std::shared_ptr<const PersonBatcher::Answer> answer = persons_.Get(nominee);
    const grpc::Status& call = answer->status;
    if (call.error_code() != grpc::StatusCode::INVALID_ARGUMENT ||
        platform::ReasonOf(platform::FromGrpcStatus(call)) != "UNKNOWN_FIELD") {
      if (absl::Status status = FromCall(call, "BatchGetPersons"); !status.ok()) return status;
      for (const auto& person : answer->response.persons()) {
        if (person.name() == nominee) facts.nominee_person = person;
      }
      const std::string own_unit = facts.nominee_person ? facts.nominee_person->unit() : "";
      for (const auto& unit : answer->response.units()) {
        if (unit.name() == nominating_unit && unit.name() == own_unit) facts.nominating_unit = unit;
      }
      return facts;
    }
    // A registry of an earlier release refuses include_units as an unknown field (its request
    // guard, reason UNKNOWN_FIELD): ask it the old way, in two calls, from now on.
    units_apart_.store(true, std::memory_order_relaxed);
  }
  return LookUpApart(nominee, nominating_unit);
}

absl::StatusOr<RegistryFacts> RegistryClient::LookUpApart(
    const std::string& nominee, const std::string& nominating_unit) const {
  RegistryFacts facts;
  registry::v1::BatchGetUnitsRequest units_request;
  units_request.set_allow_missing(true);
  if (absl::StartsWith(nominee, "persons/")) {
    registry::v1::BatchGetPersonsRequest request;
    request.add_names(nominee);
    request.set_allow_missing(true);
    registry::v1::BatchGetPersonsResponse response;
    grpc::ClientContext context;
    Prepare(context);
    absl::Status status = FromCall(stub_->BatchGetPersons(&context, request, &response),
                                   "BatchGetPersons");
    if (!status.ok()) return status;
    for (const auto& person : response.persons()) {
      if (person.name() == nominee) facts.nominee_person = person;
    }
  } else {
    units_request.add_names(nominee);
  }
  if (nominating_unit != nominee) units_request.add_names(nominating_unit);

  registry::v1::BatchGetUnitsResponse units;
  grpc::ClientContext context;
  Prepare(context);
  absl::Status status =
      FromCall(stub_->BatchGetUnits(&context, units_request, &units), "BatchGetUnits");
  if (!status.ok()) return status;
  for (const auto& unit : units.units()) {
    if (unit.name() == nominee) facts.nominee_unit = unit;
    if (unit.name() == nominating_unit) facts.nominating_unit = unit;
  }
  return facts;
}

}  // namespace dienhinh::intake
