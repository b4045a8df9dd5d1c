// Fuzzes what the services do with a request before it reaches a store: the bytes are parsed
// as one of the request messages a client sends (as gRPC would hand it to the handler), made
// NFC by NormalizeMessageText (which refuses invalid UTF-8), then checked by the service's own
// validation and read by its query parsing (filters, order_by, page sizes and tokens, update
// masks). Every outcome must be a status: no crash, no hang, no sanitizer finding.
//
// Input: byte 0 picks the request (see Target), byte 1 the caller's role where it matters; the
// rest is the serialized message (or, for the raw targets, the text itself).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "dienhinh/intake/v1/intake_service.pb.h"
#include "dienhinh/registry/v1/record_import.pb.h"
#include "dienhinh/registry/v1/registry_service.pb.h"
#include "dienhinh/reporting/v1/reporting_service.pb.h"
#include "services/intake/nomination_query.h"
#include "services/intake/nomination_rules.h"
#include "services/platform/api/list_filter.h"
#include "services/platform/api/page_token.h"
#include "services/platform/api/resource_text.h"
#include "services/platform/auth/caller.h"
#include "services/platform/plan/plan_file.h"
#include "services/registry/field_mask.h"
#include "services/registry/registry_queries.h"
#include "services/registry/registry_rules.h"
#include "services/reporting/annual_report_rules.h"
#include "services/reporting/list_requests.h"
#include "services/reporting/replication_rules.h"

namespace {

namespace platform = ::dienhinh::platform;
namespace intake = ::dienhinh::intake;
namespace registry = ::dienhinh::registry;
namespace reporting = ::dienhinh::reporting;

enum Target : uint8_t {
  kCreateNomination,
  kUpdateNomination,
  kListNominations,
  kFileAnnualReport,
  kCreateReplicationRecord,
  kListCompliance,
  kListRecognisedModels,
  kListAnnualReports,
  kListReplicationRecords,
  kCreateUnit,
  kUpdateUnit,
  kCreatePerson,
  kUpdatePerson,
  kCreateUnitYearlyRecord,
  kCreatePersonYearlyRecord,
  kListUnits,
  kListPersons,
  kListUnitYearlyRecords,
  kImportHeader,
  kRawFilter,     // the rest is a `filter` text for every parser that takes one
  kRawPageToken,  // the rest is a page token, and key parts to round-trip through one
  kTargetCount,
};

const platform::PlanCatalog& Plans() {
  static const auto* plans = [] {
    auto loaded = platform::PlanCatalog::LoadDirectory(DH_PLANS_DIR);
    if (!loaded.ok()) {
      std::fprintf(stderr, "cannot load the plans: %s\n", loaded.status().ToString().c_str());
      std::abort();
    }
    return new platform::PlanCatalog(std::move(*loaded));
  }();
  return *plans;
}

platform::Caller CallerFor(uint8_t byte) {
  platform::Caller caller;
  caller.subject = "fuzz";
  caller.role = static_cast<platform::Role>(byte % 6);
  caller.unit = byte & 0x80 ? "92916401" : "";
  caller.site = "can-tho";
  return caller;
}

// Parses `bytes` as `message` the way gRPC does; false when they are not one.
bool Parse(absl::string_view bytes, google::protobuf::Message& message) {
  return message.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()));
}

// NormalizeMessageText on every request, as each handler's first step.
template <typename Request>
bool ParseRequest(absl::string_view bytes, Request& request) {
  if (!Parse(bytes, request)) return false;
  return platform::NormalizeMessageText(request).ok();
}

void CheckNomination(const intake::Nomination& nomination) {
  const platform::Plan* plan = Plans().Find(nomination.plan());
  auto failures = intake::CheckNominationForm(nomination, plan);
  (void)intake::FailuresToStatus(absl::StatusCode::kInvalidArgument, "invalid", failures,
                                 "nomination.");
  if (plan == nullptr) return;
  (void)intake::FailuresToStatus(absl::StatusCode::kInvalidArgument, "checks",
                                 intake::CheckDossierAgainstPlan(nomination, *plan));
  (void)intake::CheckNominationWindow(*plan, nomination.category(), absl::UnixEpoch(), false);
  intake::RegistryFacts none;
  (void)intake::CheckNomineeFits(nomination, *plan, none);
}

template <typename Resource>
void ValidateRegistryResource(Resource resource,
                              void (*validate)(const Resource&, const std::string&,
                                               platform::ViolationList*)) {
  registry::Canonicalize(&resource);
  platform::ViolationList violations;
  validate(resource, "resource.", &violations);
  (void)violations.ToStatus();
}

// An update as the registry applies it: the mask resolved against the resource type, the
// patch's paths copied onto what is stored, the result canonical and validated.
template <typename Resource>
void UpdateRegistryResource(const Resource& patch, const google::protobuf::FieldMask& mask,
                            void (*validate)(const Resource&, const std::string&,
                                             platform::ViolationList*)) {
  auto paths = registry::ResolveUpdateMask(Resource::descriptor(), mask);
  if (!paths.ok()) return;
  for (const std::string& path : mask.paths()) (void)registry::FieldText(patch, path);
  Resource stored;
  registry::ApplyPaths(patch, *paths, &stored);
  ValidateRegistryResource(stored, validate);
}

const std::vector<std::pair<std::string, registry::ListOrder>> kNameOrders = {
    {"display_name", registry::ListOrder::kDisplayName}, {"name", registry::ListOrder::kName}};

void ListPage(int32_t page_size, const std::string& page_token, absl::string_view method,
              const std::string& filter, const std::string& order_by) {
  (void)platform::EffectivePageSize(page_size);
  (void)platform::DecodePageToken(page_token, platform::QueryDigest(method, filter, order_by));
  (void)registry::ParseListOrder(order_by, kNameOrders, registry::ListOrder::kDisplayName);
}

void RawFilter(const std::string& text) {
  (void)platform::ParseListFilter(text, {"plan", "school_year", "district", "category"});
  (void)registry::ParseDistrictFilter(text);
  (void)registry::ParseBlockFilter(text);
  (void)registry::ParseUnitFilter(text);
  (void)registry::ParsePersonFilter(text);
  (void)registry::ParseUnitRecordQuery("units/-", text);
  (void)registry::ParsePersonRecordQuery(text, text);
  (void)reporting::ParseComplianceFilter(text);
  (void)reporting::ParseSummaryFilter(text);
  (void)reporting::ParseRecognisedModelFilter(text);
  (void)reporting::ParseReplicationStatsFilter(text);
  (void)reporting::ParseAnnualReportName(text);
  (void)reporting::ParseSchoolYearText(text);
  (void)intake::ParseSchoolYear(text);
  (void)intake::NominationIdOf(text);
}

// A forged token (one that passes the checksum, which is no secret) carries any key: the
// codec must give back exactly the parts it was given, and never read past the token.
void RawPageToken(const std::string& text) {
  (void)platform::DecodePageToken(text, platform::QueryDigest("List", "", ""));
  std::vector<std::string> parts;
  for (size_t at = 0; at < text.size() && parts.size() < 16;) {
    size_t n = static_cast<uint8_t>(text[at]) % 32;
    parts.push_back(text.substr(at + 1, n));
    at += 1 + n;
  }
  const std::string digest = platform::QueryDigest("List", text, "");
  auto decoded = platform::DecodePageToken(platform::EncodePageToken(digest, parts), digest);
  if (!decoded.ok() || *decoded != parts) {
    std::fprintf(stderr, "a page token does not give back the key it was made with\n");
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const auto target = static_cast<Target>(data[0] % kTargetCount);
  const platform::Caller caller = CallerFor(data[1]);
  const absl::string_view bytes(reinterpret_cast<const char*>(data) + 2, size - 2);

  switch (target) {
    case kCreateNomination: {
      intake::v1::CreateNominationRequest r;
      if (ParseRequest(bytes, r)) CheckNomination(r.nomination());
      break;
    }
    case kUpdateNomination: {
      intake::v1::UpdateNominationRequest r;
      if (!ParseRequest(bytes, r)) break;
      auto paths = intake::UpdatablePaths(r.update_mask());
      if (!paths.ok()) break;
      intake::Nomination stored;
      stored.set_name("nominations/01EDMZ3Q1VJ2P9N8X4S6T7K5AB");
      stored.set_plan("plans/can-tho-2019-2020");
      stored.set_category(::dienhinh::type::v1::CATEGORY_INSTITUTION);
      CheckNomination(intake::ApplyUpdate(stored, r.nomination(), *paths));
      break;
    }
    case kListNominations: {
      intake::v1::ListNominationsRequest r;
      if (ParseRequest(bytes, r)) (void)intake::ParseNominationQuery(r, caller);
      break;
    }
    case kFileAnnualReport: {
      reporting::v1::FileAnnualReportRequest r;
      if (!ParseRequest(bytes, r)) break;
      platform::ViolationList violations;
      reporting::CheckFiling(r, Plans(), violations);
      (void)violations.ToStatus();
      break;
    }
    case kCreateReplicationRecord: {
      reporting::v1::CreateReplicationRecordRequest r;
      if (!ParseRequest(bytes, r)) break;
      platform::ViolationList violations;
      reporting::CheckReplicationRecord(r, violations);
      (void)violations.ToStatus();
      break;
    }
    case kListCompliance: {
      reporting::v1::ListComplianceRequest r;
      if (ParseRequest(bytes, r)) (void)reporting::ParseComplianceRequest(r);
      break;
    }
    case kListRecognisedModels: {
      reporting::v1::ListRecognisedModelsRequest r;
      if (ParseRequest(bytes, r)) (void)reporting::ParseRecognisedModelRequest(r);
      break;
    }
    case kListAnnualReports: {
      reporting::v1::ListAnnualReportsRequest r;
      if (ParseRequest(bytes, r)) (void)reporting::ParseAnnualReportQuery(r);
      break;
    }
    case kListReplicationRecords: {
      reporting::v1::ListReplicationRecordsRequest r;
      if (ParseRequest(bytes, r)) (void)reporting::ParseReplicationQuery(r);
      break;
    }
    case kCreateUnit: {
      registry::v1::CreateUnitRequest r;
      if (ParseRequest(bytes, r)) ValidateRegistryResource(r.unit(), &registry::ValidateUnit);
      break;
    }
    case kUpdateUnit: {
      registry::v1::UpdateUnitRequest r;
      if (ParseRequest(bytes, r)) {
        UpdateRegistryResource(r.unit(), r.update_mask(), &registry::ValidateUnit);
      }
      break;
    }
    case kCreatePerson: {
      registry::v1::CreatePersonRequest r;
      if (ParseRequest(bytes, r)) ValidateRegistryResource(r.person(), &registry::ValidatePerson);
      break;
    }
    case kUpdatePerson: {
      registry::v1::UpdatePersonRequest r;
      if (ParseRequest(bytes, r)) {
        UpdateRegistryResource(r.person(), r.update_mask(), &registry::ValidatePerson);
      }
      break;
    }
    case kCreateUnitYearlyRecord: {
      registry::v1::CreateUnitYearlyRecordRequest r;
      if (ParseRequest(bytes, r)) {
        ValidateRegistryResource(r.unit_yearly_record(), &registry::ValidateUnitYearlyRecord);
      }
      break;
    }
    case kCreatePersonYearlyRecord: {
      registry::v1::CreatePersonYearlyRecordRequest r;
      if (ParseRequest(bytes, r)) {
        ValidateRegistryResource(r.person_yearly_record(), &registry::ValidatePersonYearlyRecord);
      }
      break;
    }
    case kListUnits: {
      registry::v1::ListUnitsRequest r;
      if (!ParseRequest(bytes, r)) break;
      (void)registry::ParseUnitFilter(r.filter());
      ListPage(r.page_size(), r.page_token(), "ListUnits", r.filter(), r.order_by());
      break;
    }
    case kListPersons: {
      registry::v1::ListPersonsRequest r;
      if (!ParseRequest(bytes, r)) break;
      (void)registry::ParsePersonFilter(r.filter());
      ListPage(r.page_size(), r.page_token(), "ListPersons", r.filter(), r.order_by());
      break;
    }
    case kListUnitYearlyRecords: {
      registry::v1::ListUnitYearlyRecordsRequest r;
      if (!ParseRequest(bytes, r)) break;
      (void)registry::ParseUnitRecordQuery(r.parent(), r.filter());
      ListPage(r.page_size(), r.page_token(), "ListUnitYearlyRecords", r.filter(), r.order_by());
      break;
    }
    case kImportHeader: {
      registry::v1::ImportRecordsRequest r;
      if (Parse(bytes, r)) {
        registry::v1::ImportRecordsHeader header = r.header();
        (void)platform::NormalizeMessageText(header);
      }
      break;
    }
    case kRawFilter:
      RawFilter(std::string(bytes));
      break;
    case kRawPageToken:
      RawPageToken(std::string(bytes));
      break;
    case kTargetCount:
      break;
  }
  return 0;
}
