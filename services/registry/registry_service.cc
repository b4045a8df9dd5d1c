#include "services/registry/registry_service.h"

#include <algorithm>
#include <memory>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "services/platform/api/page_token.h"
#include "services/platform/api/reply.h"
#include "services/platform/api/resource_text.h"
#include "services/platform/auth/authorization.h"
#include "services/platform/log/json_log.h"
#include "services/platform/status/error_details.h"
#include "services/platform/status/grpc_status.h"
#include "services/platform/text/vietnamese_text.h"
#include "services/registry/csv_import.h"
#include "services/registry/field_mask.h"
#include "services/registry/import_staging.h"
#include "services/registry/registry_names.h"

namespace dienhinh::registry {
namespace {

using platform::Caller;
using platform::Role;

constexpr int kMaxBatch = 1000;

// Districts, blocks and units are the sector's directory: the department office and admins
// keep it.
absl::Status RequireDirectoryWriter(const Caller& caller) {
  return platform::RequireRole(caller, {Role::kAdmin, Role::kDepartmentOffice});
}

std::string CodeOf(const std::string& unit_name) { return UnitCodeOf(unit_name).value_or(""); }

absl::Status RequireWriteUnitName(const Caller& caller, const std::string& unit_name) {
  return platform::RequireWriteUnit(caller, CodeOf(unit_name));
}

absl::Status RequireReadUnitName(const Caller& caller, const std::string& unit_name) {
  return platform::RequireReadUnit(caller, CodeOf(unit_name));
}

// The unit (and the unit headed) before and after the change must both be the caller's to
// write: a unit officer can neither take a person out of another unit nor move one there.
absl::Status AuthorizeUnits(const Caller& caller, const std::vector<std::string>& units) {
  for (const std::string& unit : units) {
    if (unit.empty()) continue;
    if (auto s = RequireWriteUnitName(caller, unit); !s.ok()) return s;
  }
  return absl::OkStatus();
}

WriteAuthorizer<v1::Person> PersonAuthorizer(const Caller& caller) {
  return [caller](const v1::Person* current, const v1::Person& next) {
    std::vector<std::string> units = {next.unit()};
    if (current != nullptr) units.push_back(current->unit());
    if (current == nullptr || current->head_of() != next.head_of()) {
      units.push_back(next.head_of());
      if (current != nullptr) units.push_back(current->head_of());
    }
    return AuthorizeUnits(caller, units);
  };
}

WriteAuthorizer<v1::UnitYearlyRecord> UnitRecordAuthorizer(const Caller& caller) {
  return [caller](const v1::UnitYearlyRecord*, const v1::UnitYearlyRecord& next) {
    auto key = ParseYearlyRecordName(next.name(), kUnitsPrefix);
    return RequireWriteUnitName(caller, key ? key->owner : "");
  };
}

WriteAuthorizer<v1::PersonYearlyRecord> PersonRecordAuthorizer(const Caller& caller) {
  return [caller](const v1::PersonYearlyRecord* current, const v1::PersonYearlyRecord& next) {
    std::vector<std::string> units = {next.unit()};
    if (current != nullptr) units.push_back(current->unit());
    return AuthorizeUnits(caller, units);
  };
}

WriteMeta Meta(const Caller& caller, std::string method, std::string request_id = "") {
  WriteMeta meta;
  meta.caller = caller;
  meta.method = std::move(method);
  meta.request_id = std::move(request_id);
  meta.source = "api";
  return meta;
}

void ClearOutputOnly(google::protobuf::Message* resource) {
  const auto* descriptor = resource->GetDescriptor();
  for (const std::string& name : OutputOnlyFields(descriptor)) {
    if (const auto* fd = descriptor->FindFieldByName(name)) {
      resource->GetReflection()->ClearField(resource, fd);
    }
  }
}

// A Change that creates `resource` under `name`.
template <typename T>
Change<T> CreateChange(const std::string& name, const T& resource, const std::string& prefix,
                       WriteAuthorizer<T> authorize = nullptr) {
  Change<T> change;
  change.mode = WriteMode::kCreate;
  change.name = name;
  change.field_prefix = prefix;
  change.authorize = std::move(authorize);
  T values = resource;
  ClearOutputOnly(&values);
  change.apply = [values](T* next) { *next = values; };
  return change;
}

// A Change that applies `resource`'s fields named by `mask` to the stored one.
template <typename T>
absl::StatusOr<Change<T>> UpdateChange(const T& resource, const google::protobuf::FieldMask& mask,
                                       bool allow_missing, const std::string& prefix,
                                       WriteAuthorizer<T> authorize = nullptr) {
  auto paths = ResolveUpdateMask(T::descriptor(), mask);
  if (!paths.ok()) return paths.status();
  Change<T> change;
  change.mode = allow_missing ? WriteMode::kUpsert : WriteMode::kUpdate;
  change.name = resource.name();
  change.etag = resource.etag();
  change.field_prefix = prefix;
  change.authorize = std::move(authorize);
  change.apply = [resource, paths = *paths](T* next) { ApplyPaths(resource, paths, next); };
  return change;
}

absl::Status BadName(const std::string& field, absl::string_view form) {
  return platform::InvalidField(field, absl::StrCat("must be ", form));
}

absl::StatusOr<std::string> YearlyRecordNameFrom(const std::string& parent, const std::string& id,
                                                 absl::string_view prefix) {
  platform::ViolationList violations;
  bool parent_ok =
      prefix == kUnitsPrefix ? UnitCodeOf(parent).has_value() : PersonCodeOf(parent).has_value();
  if (!parent_ok) violations.Add("parent", absl::StrCat("must be ", prefix, "{code}"));
  std::optional<int> year = ParseSchoolYear(id);
  std::string id_field =
      prefix == kUnitsPrefix ? "unit_yearly_record_id" : "person_yearly_record_id";
  if (!year || id != SchoolYearText(*year)) {
    violations.Add(id_field, "must be a school year such as \"2019-2020\"");
  }
  if (!violations.empty()) return violations.ToStatus();
  return YearlyRecordName(parent, *year);
}

absl::Status CheckBatch(const google::protobuf::RepeatedPtrField<std::string>& names,
                        bool (*valid)(const std::string&), absl::string_view form) {
  platform::ViolationList violations;
  if (names.empty()) violations.Add("names", "is required: at least one name");
  if (names.size() > kMaxBatch)
    violations.Add("names", absl::StrCat("holds more than ", kMaxBatch, " names"));
  for (int i = 0; i < names.size() && violations.violations().size() < 20; ++i) {
    if (!valid(names[i]))
      violations.Add(absl::StrCat("names[", i, "]"), absl::StrCat("must be ", form));
  }
  return violations.ToStatus();
}

bool IsUnitName(const std::string& n) { return UnitCodeOf(n).has_value(); }
bool IsPersonName(const std::string& n) { return PersonCodeOf(n).has_value(); }
bool IsUnitRecordName(const std::string& n) {
  return ParseYearlyRecordName(n, kUnitsPrefix).has_value();
}
bool IsPersonRecordName(const std::string& n) {
  return ParseYearlyRecordName(n, kPersonsPrefix).has_value();
}

// A batch's `parent`: "owners/-" or the one owner every name belongs to.
absl::Status CheckBatchParent(const std::string& parent,
                              const google::protobuf::RepeatedPtrField<std::string>& names,
                              absl::string_view prefix) {
  if (parent.empty() || parent == absl::StrCat(prefix, "-")) return absl::OkStatus();
  for (const std::string& name : names) {
    auto key = ParseYearlyRecordName(name, prefix);
    if (key && key->owner != parent) {
      return platform::InvalidField("parent", absl::StrCat(name, " is not under ", parent, "; use ",
                                                           prefix, "- for records of many"));
    }
  }
  return absl::OkStatus();
}

// The digest a page token is bound to: the method and everything that shapes the result.
std::string Digest(absl::string_view method, std::initializer_list<absl::string_view> parts,
                   absl::string_view order_by) {
  return platform::QueryDigest(method, absl::StrJoin(parts, "\n"), order_by);
}

absl::StatusOr<PageRequest> MakePage(int32_t page_size, const std::string& token,
                                     std::string digest) {
  auto size = platform::EffectivePageSize(page_size);
  if (!size.ok()) return size.status();
  return PageRequest{*size, token, std::move(digest)};
}

// A unit officer sees only their own unit's persons and records: a list without a unit is
// narrowed to theirs, a list of another unit is refused.
absl::Status NarrowToOwnUnit(const Caller& caller, std::string* unit) {
  if (caller.role != Role::kUnitOfficer) return absl::OkStatus();
  std::string own = UnitName(caller.unit);
  if (unit->empty()) {
    *unit = own;
    return absl::OkStatus();
  }
  return RequireReadUnitName(caller, *unit);
}

const std::vector<std::pair<std::string, ListOrder>> kNameOrders = {
    {"display_name", ListOrder::kDisplayName}, {"name", ListOrder::kName}};

}  // namespace

RegistryService::RegistryService(platform::ServiceRuntime* runtime)
    : runtime_(runtime), store_(&runtime->db(), &runtime->events()) {}

// Authenticates on gRPC's callback thread; normalizes and runs `body` on the runtime's
// workers, where waiting for the database (a write's commit) holds up no other call. `body`
// may run after this returns: it captures by value (this, the response pointer).
template <typename Request, typename Body>
grpc::ServerUnaryReactor* RegistryService::Handle(Context* context, const Request* request,
                                                  Body body) {
  return Serve(context, request, std::move(body), runtime_->workers());
}

template <typename Request, typename Body>
grpc::ServerUnaryReactor* RegistryService::HandleLookup(Context* context, const Request* request,
                                                        Body body) {
  return Serve(context, request, std::move(body), runtime_->lookups());
}

template <typename Request, typename Body>
grpc::ServerUnaryReactor* RegistryService::Serve(Context* context, const Request* request,
                                                 Body body, platform::WorkerPool& where) {
  return platform::ReplyAuthenticated(
      context, runtime_->authenticator(), where,
      [request, body = std::move(body)](const Caller& caller) -> absl::Status {
        Request normalized = *request;
        if (absl::Status s = platform::NormalizeMessageText(normalized); !s.ok()) return s;
        return body(caller, normalized);
      });
}

// --- Districts ---

grpc::ServerUnaryReactor* RegistryService::GetDistrict(Context* context,
                                                       const v1::GetDistrictRequest* request,
                                                       v1::District* response) {
  return HandleLookup(context, request,
                      [this, response](const Caller&, const v1::GetDistrictRequest& r) {
                        if (!DistrictCodeOf(r.name()))
                          return BadName("name", "districts/{national code}");
                        auto found = store_.Get<v1::District>(r.name());
                        if (!found.ok()) return found.status();
                        *response = std::move(*found);
                        return absl::OkStatus();
                      });
}

grpc::ServerUnaryReactor* RegistryService::ListDistricts(Context* context,
                                                         const v1::ListDistrictsRequest* request,
                                                         v1::ListDistrictsResponse* response) {
  return Handle(context, request,
                [this, response](const Caller&, const v1::ListDistrictsRequest& r) -> absl::Status {
                  auto query = ParseDistrictFilter(r.filter());
                  if (!query.ok()) return query.status();
                  auto order = ParseListOrder(r.order_by(), kNameOrders, ListOrder::kDisplayName);
                  if (!order.ok()) return order.status();
                  auto page = MakePage(r.page_size(), r.page_token(),
                                       Digest("ListDistricts", {r.filter()}, r.order_by()));
                  if (!page.ok()) return page.status();
                  auto result = store_.ListDistricts(*query, *order, *page);
                  if (!result.ok()) return result.status();
                  for (auto& d : result->items) *response->add_districts() = std::move(d);
                  response->set_next_page_token(result->next_page_token);
                  return absl::OkStatus();
                });
}

grpc::ServerUnaryReactor* RegistryService::CreateDistrict(Context* context,
                                                          const v1::CreateDistrictRequest* request,
                                                          v1::District* response) {
  return Handle(context, request,
                [this, response](const Caller& caller,
                                 const v1::CreateDistrictRequest& r) -> absl::Status {
                  if (auto s = RequireDirectoryWriter(caller); !s.ok()) return s;
                  platform::ViolationList v;
                  if (!IsValidDistrictCode(r.district_id()))
                    v.Add("district_id", "must be the national district code, 3 to 5 digits");
                  if (!r.has_district()) v.Add("district", "is required");
                  if (!v.empty()) return v.ToStatus();
                  auto done = store_.Write(
                      Meta(caller, "CreateDistrict", r.request_id()),
                      CreateChange(DistrictName(r.district_id()), r.district(), "district."));
                  if (!done.ok()) return done.status();
                  *response = std::move(*done);
                  return absl::OkStatus();
                });
}

grpc::ServerUnaryReactor* RegistryService::UpdateDistrict(Context* context,
                                                          const v1::UpdateDistrictRequest* request,
                                                          v1::District* response) {
  return Handle(
      context, request,
      [this, response](const Caller& caller, const v1::UpdateDistrictRequest& r) -> absl::Status {
        if (auto s = RequireDirectoryWriter(caller); !s.ok()) return s;
        if (!DistrictCodeOf(r.district().name()))
          return BadName("district.name", "districts/{national code}");
        auto change = UpdateChange(r.district(), r.update_mask(), false, "district.");
        if (!change.ok()) return change.status();
        auto done = store_.Write(Meta(caller, "UpdateDistrict"), *change);
        if (!done.ok()) return done.status();
        *response = std::move(*done);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* RegistryService::DeleteDistrict(Context* context,
                                                          const v1::DeleteDistrictRequest* request,
                                                          google::protobuf::Empty*) {
  return Handle(context, request,
                [this](const Caller& caller, const v1::DeleteDistrictRequest& r) -> absl::Status {
                  if (auto s = RequireDirectoryWriter(caller); !s.ok()) return s;
                  if (!DistrictCodeOf(r.name()))
                    return BadName("name", "districts/{national code}");
                  return store_.Delete<v1::District>(Meta(caller, "DeleteDistrict"), r.name(),
                                                     r.etag(), nullptr);
                });
}

// --- Emulation blocks ---

grpc::ServerUnaryReactor* RegistryService::GetEmulationBlock(
    Context* context, const v1::GetEmulationBlockRequest* request, v1::EmulationBlock* response) {
  return HandleLookup(
      context, request,
      [this, response](const Caller&, const v1::GetEmulationBlockRequest& r) -> absl::Status {
        if (!BlockIdOf(r.name())) return BadName("name", "emulationBlocks/{id}");
        auto found = store_.Get<v1::EmulationBlock>(r.name());
        if (!found.ok()) return found.status();
        *response = std::move(*found);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* RegistryService::ListEmulationBlocks(
    Context* context, const v1::ListEmulationBlocksRequest* request,
    v1::ListEmulationBlocksResponse* response) {
  return Handle(context, request,
                [this, response](const Caller&,
                                 const v1::ListEmulationBlocksRequest& r) -> absl::Status {
                  auto query = ParseBlockFilter(r.filter());
                  if (!query.ok()) return query.status();
                  auto order = ParseListOrder(r.order_by(), kNameOrders, ListOrder::kDisplayName);
                  if (!order.ok()) return order.status();
                  auto page = MakePage(r.page_size(), r.page_token(),
                                       Digest("ListEmulationBlocks", {r.filter()}, r.order_by()));
                  if (!page.ok()) return page.status();
                  auto result = store_.ListEmulationBlocks(*query, *order, *page);
                  if (!result.ok()) return result.status();
                  for (auto& b : result->items) *response->add_emulation_blocks() = std::move(b);
                  response->set_next_page_token(result->next_page_token);
                  return absl::OkStatus();
                });
}

grpc::ServerUnaryReactor* RegistryService::CreateEmulationBlock(
    Context* context, const v1::CreateEmulationBlockRequest* request,
    v1::EmulationBlock* response) {
  return Handle(
      context, request,
      [this, response](const Caller& caller,
                       const v1::CreateEmulationBlockRequest& r) -> absl::Status {
        if (auto s = RequireDirectoryWriter(caller); !s.ok()) return s;
        platform::ViolationList v;
        if (!IsValidBlockId(r.emulation_block_id())) {
          v.Add("emulation_block_id",
                "must be lowercase letters, digits and hyphens, starting with a letter");
        }
        if (!r.has_emulation_block()) v.Add("emulation_block", "is required");
        if (!v.empty()) return v.ToStatus();
        auto done = store_.Write(Meta(caller, "CreateEmulationBlock", r.request_id()),
                                 CreateChange(BlockName(r.emulation_block_id()),
                                              r.emulation_block(), "emulation_block."));
        if (!done.ok()) return done.status();
        *response = std::move(*done);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* RegistryService::UpdateEmulationBlock(
    Context* context, const v1::UpdateEmulationBlockRequest* request,
    v1::EmulationBlock* response) {
  return Handle(context, request,
                [this, response](const Caller& caller,
                                 const v1::UpdateEmulationBlockRequest& r) -> absl::Status {
                  if (auto s = RequireDirectoryWriter(caller); !s.ok()) return s;
                  if (!BlockIdOf(r.emulation_block().name())) {
                    return BadName("emulation_block.name", "emulationBlocks/{id}");
                  }
                  auto change =
                      UpdateChange(r.emulation_block(), r.update_mask(), false, "emulation_block.");
                  if (!change.ok()) return change.status();
                  auto done = store_.Write(Meta(caller, "UpdateEmulationBlock"), *change);
                  if (!done.ok()) return done.status();
                  *response = std::move(*done);
                  return absl::OkStatus();
                });
}

grpc::ServerUnaryReactor* RegistryService::DeleteEmulationBlock(
    Context* context, const v1::DeleteEmulationBlockRequest* request, google::protobuf::Empty*) {
  return Handle(
      context, request,
      [this](const Caller& caller, const v1::DeleteEmulationBlockRequest& r) -> absl::Status {
        if (auto s = RequireDirectoryWriter(caller); !s.ok()) return s;
        if (!BlockIdOf(r.name())) return BadName("name", "emulationBlocks/{id}");
        return store_.Delete<v1::EmulationBlock>(Meta(caller, "DeleteEmulationBlock"), r.name(),
                                                 r.etag(), nullptr);
      });
}

// --- Units ---

grpc::ServerUnaryReactor* RegistryService::GetUnit(Context* context,
                                                   const v1::GetUnitRequest* request,
                                                   v1::Unit* response) {
  return HandleLookup(context, request,
                      [this, response](const Caller&, const v1::GetUnitRequest& r) -> absl::Status {
                        if (!UnitCodeOf(r.name())) return BadName("name", "units/{unit code}");
                        auto found = store_.Get<v1::Unit>(r.name());
                        if (!found.ok()) return found.status();
                        *response = std::move(*found);
                        return absl::OkStatus();
                      });
}

grpc::ServerUnaryReactor* RegistryService::BatchGetUnits(Context* context,
                                                         const v1::BatchGetUnitsRequest* request,
                                                         v1::BatchGetUnitsResponse* response) {
  return HandleLookup(
      context, request,
      [this, response](const Caller&, const v1::BatchGetUnitsRequest& r) -> absl::Status {
        if (auto s = CheckBatch(r.names(), IsUnitName, "units/{unit code}"); !s.ok()) return s;
        std::vector<v1::Unit> found;
        std::vector<std::string> missing;
        std::vector<std::string> names(r.names().begin(), r.names().end());
        if (auto s = store_.BatchGet(names, r.allow_missing(), &found, &missing); !s.ok()) return s;
        for (auto& u : found) *response->add_units() = std::move(u);
        for (auto& m : missing) response->add_missing(m);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* RegistryService::ListUnits(Context* context,
                                                     const v1::ListUnitsRequest* request,
                                                     v1::ListUnitsResponse* response) {
  return Handle(context, request,
                [this, response](const Caller&, const v1::ListUnitsRequest& r) -> absl::Status {
                  auto query = ParseUnitFilter(r.filter());
                  if (!query.ok()) return query.status();
                  auto order = ParseListOrder(r.order_by(), kNameOrders, ListOrder::kDisplayName);
                  if (!order.ok()) return order.status();
                  auto page = MakePage(r.page_size(), r.page_token(),
                                       Digest("ListUnits", {r.filter()}, r.order_by()));
                  if (!page.ok()) return page.status();
                  auto result = store_.ListUnits(*query, *order, *page);
                  if (!result.ok()) return result.status();
                  for (auto& u : result->items) *response->add_units() = std::move(u);
                  response->set_next_page_token(result->next_page_token);
                  return absl::OkStatus();
                });
}

grpc::ServerUnaryReactor* RegistryService::SearchUnits(Context* context,
                                                       const v1::SearchUnitsRequest* request,
                                                       v1::SearchUnitsResponse* response) {
  return Handle(context, request,
                [this, response](const Caller&, const v1::SearchUnitsRequest& r) -> absl::Status {
                  std::vector<std::string> words =
                      absl::StrSplit(platform::SearchKey(r.query()), ' ', absl::SkipEmpty());
                  if (words.empty())
                    return platform::InvalidField("query", "is required: the words to find");
                  if (words.size() > 20)
                    return platform::InvalidField("query", "has more than 20 words");
                  auto query = ParseUnitFilter(r.filter());
                  if (!query.ok()) return query.status();
                  std::string code(absl::StripAsciiWhitespace(r.query()));
                  if (!IsValidCode(code)) code.clear();
                  auto page = MakePage(r.page_size(), r.page_token(),
                                       Digest("SearchUnits", {r.query(), r.filter()}, ""));
                  if (!page.ok()) return page.status();
                  auto result = store_.SearchUnits(words, code, *query, *page);
                  if (!result.ok()) return result.status();
                  for (auto& u : result->items) *response->add_units() = std::move(u);
                  response->set_next_page_token(result->next_page_token);
                  return absl::OkStatus();
                });
}

grpc::ServerUnaryReactor* RegistryService::CreateUnit(Context* context,
                                                      const v1::CreateUnitRequest* request,
                                                      v1::Unit* response) {
  return Handle(
      context, request,
      [this, response](const Caller& caller, const v1::CreateUnitRequest& r) -> absl::Status {
        if (auto s = RequireDirectoryWriter(caller); !s.ok()) return s;
        platform::ViolationList v;
        if (!IsValidCode(r.unit_id())) {
          v.Add("unit_id",
                "must be the unit's register code: letters, digits, '.', '_', '-', at most 64");
        }
        if (!r.has_unit()) v.Add("unit", "is required");
        if (!v.empty()) return v.ToStatus();
        auto done = store_.Write(Meta(caller, "CreateUnit", r.request_id()),
                                 CreateChange(UnitName(r.unit_id()), r.unit(), "unit."));
        if (!done.ok()) return done.status();
        *response = std::move(*done);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* RegistryService::UpdateUnit(Context* context,
                                                      const v1::UpdateUnitRequest* request,
                                                      v1::Unit* response) {
  return Handle(
      context, request,
      [this, response](const Caller& caller, const v1::UpdateUnitRequest& r) -> absl::Status {
        if (auto s = RequireDirectoryWriter(caller); !s.ok()) return s;
        if (!UnitCodeOf(r.unit().name())) return BadName("unit.name", "units/{unit code}");
        auto change = UpdateChange(r.unit(), r.update_mask(), r.allow_missing(), "unit.");
        if (!change.ok()) return change.status();
        auto done = store_.Write(Meta(caller, "UpdateUnit"), *change);
        if (!done.ok()) return done.status();
        *response = std::move(*done);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* RegistryService::DeleteUnit(Context* context,
                                                      const v1::DeleteUnitRequest* request,
                                                      google::protobuf::Empty*) {
  return Handle(context, request,
                [this](const Caller& caller, const v1::DeleteUnitRequest& r) -> absl::Status {
                  if (auto s = RequireDirectoryWriter(caller); !s.ok()) return s;
                  if (!UnitCodeOf(r.name())) return BadName("name", "units/{unit code}");
                  return store_.Delete<v1::Unit>(Meta(caller, "DeleteUnit"), r.name(), r.etag(),
                                                 nullptr);
                });
}

// --- Persons ---

grpc::ServerUnaryReactor* RegistryService::GetPerson(Context* context,
                                                     const v1::GetPersonRequest* request,
                                                     v1::Person* response) {
  return HandleLookup(
      context, request,
      [this, response](const Caller& caller, const v1::GetPersonRequest& r) -> absl::Status {
        if (!PersonCodeOf(r.name())) return BadName("name", "persons/{person code}");
        auto found = store_.Get<v1::Person>(r.name());
        if (!found.ok()) return found.status();
        if (auto s = RequireReadUnitName(caller, found->unit()); !s.ok()) return s;
        *response = std::move(*found);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* RegistryService::BatchGetPersons(
    Context* context, const v1::BatchGetPersonsRequest* request,
    v1::BatchGetPersonsResponse* response) {
  return HandleLookup(
      context, request,
      [this, response](const Caller& caller, const v1::BatchGetPersonsRequest& r) -> absl::Status {
        if (auto s = CheckBatch(r.names(), IsPersonName, "persons/{person code}"); !s.ok())
          return s;
        std::vector<v1::Person> found;
        std::vector<std::string> missing;
        std::vector<v1::Unit> units;
        std::vector<std::string> names(r.names().begin(), r.names().end());
        if (auto s = store_.BatchGetPersons(names, r.allow_missing(), r.include_units(), &found,
                                            &missing, &units);
            !s.ok()) {
          return s;
        }
        for (const auto& p : found) {
          if (auto s = RequireReadUnitName(caller, p.unit()); !s.ok()) return s;
        }
        for (auto& u : units) *response->add_units() = std::move(u);
        for (auto& p : found) *response->add_persons() = std::move(p);
        for (auto& m : missing) response->add_missing(m);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* RegistryService::ListPersons(Context* context,
                                                       const v1::ListPersonsRequest* request,
                                                       v1::ListPersonsResponse* response) {
  return Handle(
      context, request,
      [this, response](const Caller& caller, const v1::ListPersonsRequest& r) -> absl::Status {
        auto query = ParsePersonFilter(r.filter());
        if (!query.ok()) return query.status();
        if (auto s = NarrowToOwnUnit(caller, &query->unit); !s.ok()) return s;
        auto order = ParseListOrder(r.order_by(), kNameOrders, ListOrder::kDisplayName);
        if (!order.ok()) return order.status();
        auto page = MakePage(r.page_size(), r.page_token(),
                             Digest("ListPersons", {r.filter(), query->unit}, r.order_by()));
        if (!page.ok()) return page.status();
        auto result = store_.ListPersons(*query, *order, *page);
        if (!result.ok()) return result.status();
        for (auto& p : result->items) *response->add_persons() = std::move(p);
        response->set_next_page_token(result->next_page_token);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* RegistryService::CreatePerson(Context* context,
                                                        const v1::CreatePersonRequest* request,
                                                        v1::Person* response) {
  return Handle(context, request,
                [this, response](const Caller& caller,
                                 const v1::CreatePersonRequest& r) -> absl::Status {
                  platform::ViolationList v;
                  if (!IsValidCode(r.person_id())) {
                    v.Add(
                        "person_id",
                        "must be the person's HR code: letters, digits, '.', '_', '-', at most 64");
                  }
                  if (!r.has_person()) v.Add("person", "is required");
                  if (!v.empty()) return v.ToStatus();
                  auto done = store_.Write(Meta(caller, "CreatePerson", r.request_id()),
                                           CreateChange(PersonName(r.person_id()), r.person(),
                                                        "person.", PersonAuthorizer(caller)));
                  if (!done.ok()) return done.status();
                  *response = std::move(*done);
                  return absl::OkStatus();
                });
}

grpc::ServerUnaryReactor* RegistryService::UpdatePerson(Context* context,
                                                        const v1::UpdatePersonRequest* request,
                                                        v1::Person* response) {
  return Handle(context, request,
                [this, response](const Caller& caller,
                                 const v1::UpdatePersonRequest& r) -> absl::Status {
                  if (!PersonCodeOf(r.person().name()))
                    return BadName("person.name", "persons/{person code}");
                  auto change = UpdateChange(r.person(), r.update_mask(), r.allow_missing(),
                                             "person.", PersonAuthorizer(caller));
                  if (!change.ok()) return change.status();
                  auto done = store_.Write(Meta(caller, "UpdatePerson"), *change);
                  if (!done.ok()) return done.status();
                  *response = std::move(*done);
                  return absl::OkStatus();
                });
}

grpc::ServerUnaryReactor* RegistryService::DeletePerson(Context* context,
                                                        const v1::DeletePersonRequest* request,
                                                        google::protobuf::Empty*) {
  return Handle(context, request,
                [this](const Caller& caller, const v1::DeletePersonRequest& r) -> absl::Status {
                  if (!PersonCodeOf(r.name())) return BadName("name", "persons/{person code}");
                  return store_.Delete<v1::Person>(Meta(caller, "DeletePerson"), r.name(), r.etag(),
                                                   PersonAuthorizer(caller));
                });
}

// --- Unit yearly records ---

grpc::ServerUnaryReactor* RegistryService::GetUnitYearlyRecord(
    Context* context, const v1::GetUnitYearlyRecordRequest* request,
    v1::UnitYearlyRecord* response) {
  return HandleLookup(context, request,
                      [this, response](const Caller& caller,
                                       const v1::GetUnitYearlyRecordRequest& r) -> absl::Status {
                        auto key = ParseYearlyRecordName(r.name(), kUnitsPrefix);
                        if (!key)
                          return BadName("name", "units/{unit code}/yearlyRecords/{school year}");
                        if (auto s = RequireReadUnitName(caller, key->owner); !s.ok()) return s;
                        auto found = store_.Get<v1::UnitYearlyRecord>(r.name());
                        if (!found.ok()) return found.status();
                        *response = std::move(*found);
                        return absl::OkStatus();
                      });
}

grpc::ServerUnaryReactor* RegistryService::BatchGetUnitYearlyRecords(
    Context* context, const v1::BatchGetUnitYearlyRecordsRequest* request,
    v1::BatchGetUnitYearlyRecordsResponse* response) {
  return HandleLookup(
      context, request,
      [this, response](const Caller& caller,
                       const v1::BatchGetUnitYearlyRecordsRequest& r) -> absl::Status {
        if (auto s = CheckBatch(r.names(), IsUnitRecordName,
                                "units/{unit code}/yearlyRecords/{school year}");
            !s.ok()) {
          return s;
        }
        if (auto s = CheckBatchParent(r.parent(), r.names(), kUnitsPrefix); !s.ok()) return s;
        for (const std::string& name : r.names()) {
          if (auto s =
                  RequireReadUnitName(caller, ParseYearlyRecordName(name, kUnitsPrefix)->owner);
              !s.ok()) {
            return s;
          }
        }
        std::vector<v1::UnitYearlyRecord> found;
        std::vector<std::string> missing;
        std::vector<std::string> names(r.names().begin(), r.names().end());
        if (auto s = store_.BatchGet(names, r.allow_missing(), &found, &missing); !s.ok()) return s;
        for (auto& x : found) *response->add_unit_yearly_records() = std::move(x);
        for (auto& m : missing) response->add_missing(m);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* RegistryService::ListUnitYearlyRecords(
    Context* context, const v1::ListUnitYearlyRecordsRequest* request,
    v1::ListUnitYearlyRecordsResponse* response) {
  return Handle(
      context, request,
      [this, response](const Caller& caller,
                       const v1::ListUnitYearlyRecordsRequest& r) -> absl::Status {
        auto query = ParseUnitRecordQuery(r.parent(), r.filter());
        if (!query.ok()) return query.status();
        if (auto s = NarrowToOwnUnit(caller, &query->unit); !s.ok()) return s;
        auto order = ParseListOrder(r.order_by(),
                                    {{"name", ListOrder::kName},
                                     {"school_year", ListOrder::kSchoolYear},
                                     {"unit_display_name", ListOrder::kDisplayName}},
                                    ListOrder::kName);
        if (!order.ok()) return order.status();
        auto page = MakePage(
            r.page_size(), r.page_token(),
            Digest("ListUnitYearlyRecords", {r.parent(), r.filter(), query->unit}, r.order_by()));
        if (!page.ok()) return page.status();
        auto result = store_.ListUnitYearlyRecords(*query, *order, *page);
        if (!result.ok()) return result.status();
        for (auto& x : result->items) *response->add_unit_yearly_records() = std::move(x);
        response->set_next_page_token(result->next_page_token);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* RegistryService::CreateUnitYearlyRecord(
    Context* context, const v1::CreateUnitYearlyRecordRequest* request,
    v1::UnitYearlyRecord* response) {
  return Handle(
      context, request,
      [this, response](const Caller& caller,
                       const v1::CreateUnitYearlyRecordRequest& r) -> absl::Status {
        auto name = YearlyRecordNameFrom(r.parent(), r.unit_yearly_record_id(), kUnitsPrefix);
        if (!name.ok()) return name.status();
        if (auto s = RequireWriteUnitName(caller, r.parent()); !s.ok()) return s;
        auto done = store_.Write(Meta(caller, "CreateUnitYearlyRecord", r.request_id()),
                                 CreateChange(*name, r.unit_yearly_record(), "unit_yearly_record.",
                                              UnitRecordAuthorizer(caller)));
        if (!done.ok()) return done.status();
        *response = std::move(*done);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* RegistryService::UpdateUnitYearlyRecord(
    Context* context, const v1::UpdateUnitYearlyRecordRequest* request,
    v1::UnitYearlyRecord* response) {
  return Handle(
      context, request,
      [this, response](const Caller& caller,
                       const v1::UpdateUnitYearlyRecordRequest& r) -> absl::Status {
        auto key = ParseYearlyRecordName(r.unit_yearly_record().name(), kUnitsPrefix);
        if (!key)
          return BadName("unit_yearly_record.name",
                         "units/{unit code}/yearlyRecords/{school year}");
        if (auto s = RequireWriteUnitName(caller, key->owner); !s.ok()) return s;
        auto change = UpdateChange(r.unit_yearly_record(), r.update_mask(), r.allow_missing(),
                                   "unit_yearly_record.", UnitRecordAuthorizer(caller));
        if (!change.ok()) return change.status();
        auto done = store_.Write(Meta(caller, "UpdateUnitYearlyRecord"), *change);
        if (!done.ok()) return done.status();
        *response = std::move(*done);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* RegistryService::DeleteUnitYearlyRecord(
    Context* context, const v1::DeleteUnitYearlyRecordRequest* request, google::protobuf::Empty*) {
  return Handle(
      context, request,
      [this](const Caller& caller, const v1::DeleteUnitYearlyRecordRequest& r) -> absl::Status {
        auto key = ParseYearlyRecordName(r.name(), kUnitsPrefix);
        if (!key) return BadName("name", "units/{unit code}/yearlyRecords/{school year}");
        if (auto s = RequireWriteUnitName(caller, key->owner); !s.ok()) return s;
        return store_.Delete<v1::UnitYearlyRecord>(Meta(caller, "DeleteUnitYearlyRecord"), r.name(),
                                                   r.etag(), nullptr);
      });
}

// --- Person yearly records ---

grpc::ServerUnaryReactor* RegistryService::GetPersonYearlyRecord(
    Context* context, const v1::GetPersonYearlyRecordRequest* request,
    v1::PersonYearlyRecord* response) {
  return HandleLookup(context, request,
                      [this, response](const Caller& caller,
                                       const v1::GetPersonYearlyRecordRequest& r) -> absl::Status {
                        if (!IsPersonRecordName(r.name())) {
                          return BadName("name",
                                         "persons/{person code}/yearlyRecords/{school year}");
                        }
                        auto found = store_.Get<v1::PersonYearlyRecord>(r.name());
                        if (!found.ok()) return found.status();
                        if (auto s = RequireReadUnitName(caller, found->unit()); !s.ok()) return s;
                        *response = std::move(*found);
                        return absl::OkStatus();
                      });
}

grpc::ServerUnaryReactor* RegistryService::BatchGetPersonYearlyRecords(
    Context* context, const v1::BatchGetPersonYearlyRecordsRequest* request,
    v1::BatchGetPersonYearlyRecordsResponse* response) {
  return HandleLookup(
      context, request,
      [this, response](const Caller& caller,
                       const v1::BatchGetPersonYearlyRecordsRequest& r) -> absl::Status {
        if (auto s = CheckBatch(r.names(), IsPersonRecordName,
                                "persons/{person code}/yearlyRecords/{school year}");
            !s.ok()) {
          return s;
        }
        if (auto s = CheckBatchParent(r.parent(), r.names(), kPersonsPrefix); !s.ok()) return s;
        std::vector<v1::PersonYearlyRecord> found;
        std::vector<std::string> missing;
        std::vector<std::string> names(r.names().begin(), r.names().end());
        if (auto s = store_.BatchGet(names, r.allow_missing(), &found, &missing); !s.ok()) return s;
        for (const auto& x : found) {
          if (auto s = RequireReadUnitName(caller, x.unit()); !s.ok()) return s;
        }
        for (auto& x : found) *response->add_person_yearly_records() = std::move(x);
        for (auto& m : missing) response->add_missing(m);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* RegistryService::ListPersonYearlyRecords(
    Context* context, const v1::ListPersonYearlyRecordsRequest* request,
    v1::ListPersonYearlyRecordsResponse* response) {
  return Handle(
      context, request,
      [this, response](const Caller& caller,
                       const v1::ListPersonYearlyRecordsRequest& r) -> absl::Status {
        auto query = ParsePersonRecordQuery(r.parent(), r.filter());
        if (!query.ok()) return query.status();
        if (auto s = NarrowToOwnUnit(caller, &query->unit); !s.ok()) return s;
        auto order = ParseListOrder(r.order_by(),
                                    {{"name", ListOrder::kName},
                                     {"school_year", ListOrder::kSchoolYear},
                                     {"person_display_name", ListOrder::kDisplayName}},
                                    ListOrder::kName);
        if (!order.ok()) return order.status();
        auto page = MakePage(
            r.page_size(), r.page_token(),
            Digest("ListPersonYearlyRecords", {r.parent(), r.filter(), query->unit}, r.order_by()));
        if (!page.ok()) return page.status();
        auto result = store_.ListPersonYearlyRecords(*query, *order, *page);
        if (!result.ok()) return result.status();
        for (auto& x : result->items) *response->add_person_yearly_records() = std::move(x);
        response->set_next_page_token(result->next_page_token);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* RegistryService::CreatePersonYearlyRecord(
    Context* context, const v1::CreatePersonYearlyRecordRequest* request,
    v1::PersonYearlyRecord* response) {
  return Handle(
      context, request,
      [this, response](const Caller& caller,
                       const v1::CreatePersonYearlyRecordRequest& r) -> absl::Status {
        auto name = YearlyRecordNameFrom(r.parent(), r.person_yearly_record_id(), kPersonsPrefix);
        if (!name.ok()) return name.status();
        auto done =
            store_.Write(Meta(caller, "CreatePersonYearlyRecord", r.request_id()),
                         CreateChange(*name, r.person_yearly_record(), "person_yearly_record.",
                                      PersonRecordAuthorizer(caller)));
        if (!done.ok()) return done.status();
        *response = std::move(*done);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* RegistryService::UpdatePersonYearlyRecord(
    Context* context, const v1::UpdatePersonYearlyRecordRequest* request,
    v1::PersonYearlyRecord* response) {
  return Handle(
      context, request,
      [this, response](const Caller& caller,
                       const v1::UpdatePersonYearlyRecordRequest& r) -> absl::Status {
        if (!IsPersonRecordName(r.person_yearly_record().name())) {
          return BadName("person_yearly_record.name",
                         "persons/{person code}/yearlyRecords/{school year}");
        }
        auto change = UpdateChange(r.person_yearly_record(), r.update_mask(), r.allow_missing(),
                                   "person_yearly_record.", PersonRecordAuthorizer(caller));
        if (!change.ok()) return change.status();
        auto done = store_.Write(Meta(caller, "UpdatePersonYearlyRecord"), *change);
        if (!done.ok()) return done.status();
        *response = std::move(*done);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* RegistryService::DeletePersonYearlyRecord(
    Context* context, const v1::DeletePersonYearlyRecordRequest* request,
    google::protobuf::Empty*) {
  return Handle(
      context, request,
      [this](const Caller& caller, const v1::DeletePersonYearlyRecordRequest& r) -> absl::Status {
        if (!IsPersonRecordName(r.name())) {
          return BadName("name", "persons/{person code}/yearlyRecords/{school year}");
        }
        return store_.Delete<v1::PersonYearlyRecord>(Meta(caller, "DeletePersonYearlyRecord"),
                                                     r.name(), r.etag(),
                                                     PersonRecordAuthorizer(caller));
      });
}

// --- Import ---

namespace {

// One ImportRecords call: reads the header, streams the chunks through the CSV parser as
// they arrive (no message holds the whole file) into the import's staging rows
// (import_staging.h: the registry holds none of them), then applies the rows in one
// transaction. Each chunk is parsed and staged on the workers, not on gRPC's callback
// threads; the next read starts when it is done.
class ImportReactor final : public grpc::ServerReadReactor<v1::ImportRecordsRequest> {
 public:
  ImportReactor(platform::ServiceRuntime* runtime, RegistryStore* store,
                grpc::CallbackServerContext* context, v1::ImportRecordsResponse* response)
      : runtime_(runtime), store_(store), context_(context), response_(response) {
    auto caller = runtime_->authenticator().Authenticate(*context);
    if (!caller.ok()) {
      Finish(platform::ToGrpcStatus(caller.status()));
      return;
    }
    caller_ = *caller;
    StartRead(&request_);
  }

  void OnReadDone(bool ok) override {
    if (!ok) {
      // A cancelled call (the client gave up or died) may have sent part of the file: nothing
      // of it is applied. Otherwise the client closed its side and the whole file is here.
      if (context_->IsCancelled()) {
        runtime_->workers().Run([this] {
          End(grpc::Status(grpc::StatusCode::CANCELLED,
                           "the import was cancelled; nothing was imported"));
        });
        return;
      }
      // The commit of a whole file takes seconds: on the workers, not gRPC's callback thread.
      // The reactor lives until OnDone, which comes only after this Finish.
      runtime_->workers().Run([this] { End(platform::ToGrpcStatus(Complete())); });
      return;
    }
    runtime_->workers().Run([this] {
      if (absl::Status s = Take(); !s.ok()) {
        End(platform::ToGrpcStatus(s));
        return;
      }
      StartRead(&request_);
    });
  }

  void OnDone() override { delete this; }

 private:
  // Finishes the call once the staged rows are deleted (whatever the outcome: a dry run, a
  // rejected file and a cut stream leave nothing behind).
  void End(const grpc::Status& status) {
    parser_.reset();
    if (staging_ != nullptr) {
      if (absl::Status s = staging_->Drop(); !s.ok()) {
        // Left for the next import's sweep of abandoned sessions.
        platform::LogError("import staging rows not deleted", {{"error", s.ToString()}});
      }
      staging_.reset();
    }
    Finish(status);
  }

  absl::Status Take() {
    if (request_.has_header()) {
      if (parser_) {
        return platform::InvalidField("header", "only the first message carries the header");
      }
      header_ = request_.header();
      if (auto s = platform::NormalizeMessageText(header_); !s.ok()) return s;
      return Begin();
    }
    if (!parser_) {
      return platform::InvalidField("header", "the first message must carry the header");
    }
    received_bytes_ += static_cast<int64_t>(request_.csv_chunk().size());
    if (header_.file_bytes() > 0 && received_bytes_ > header_.file_bytes()) {
      return WrongSize();
    }
    parser_->Feed(request_.csv_chunk());
    return parser_->sink_status();
  }

  absl::Status Begin() {
    platform::ViolationList v;
    if (header_.kind() == v1::IMPORT_KIND_UNSPECIFIED || !v1::ImportKind_IsValid(header_.kind())) {
      v.Add("header.kind", "is required: units, persons, unit or person yearly records");
    }
    if (header_.request_id().empty()) {
      v.Add("header.request_id", "is required: a ULID or UUID that makes a retry safe");
    } else if (header_.request_id().size() > 200) {
      v.Add("header.request_id", "must be at most 200 characters");
    }
    if (header_.file_bytes() < 0) {
      v.Add("header.file_bytes", "must be the file's size in bytes, or 0 when not given");
    }
    int year = header_.school_year().start_year();
    if (header_.has_school_year() && !IsValidStartYear(year)) {
      v.Add("header.school_year.start_year", "is not a plausible school year");
    }
    if (!v.empty()) return v.ToStatus();
    if (header_.kind() == v1::IMPORT_KIND_UNITS) {
      if (auto s = RequireDirectoryWriter(caller_); !s.ok()) return s;
    } else if (auto s = platform::RequireRole(
                   caller_, {Role::kAdmin, Role::kDepartmentOffice, Role::kUnitOfficer});
               !s.ok()) {
      return s;
    }
    auto staging = ImportStaging::Open(store_->database());
    if (!staging.ok()) return staging.status();
    staging_ = std::move(*staging);
    staging_->StopWhen([this] { return context_->IsCancelled(); });
    parser_ = std::make_unique<ImportParser>(header_.kind(), header_.has_school_year() ? year : 0,
                                             staging_.get());
    return absl::OkStatus();
  }

  absl::Status Complete() {
    if (!parser_)
      return platform::InvalidField("header", "the first message must carry the header");
    // A message gRPC could not read ends the stream as the client's close does: only the
    // declared size tells a whole file from a cut one.
    if (header_.file_bytes() > 0 && received_bytes_ != header_.file_bytes()) return WrongSize();
    parser_->Finish();
    if (!parser_->sink_status().ok()) return parser_->sink_status();
    if (absl::Status s = staging_->Flush(); !s.ok()) return s;
    response_->set_kind(header_.kind());
    response_->set_rows(parser_->rows());
    // Cell errors reject the file, but the rows that could be read still go through the store's
    // checks (rolled back), so one import names every bad row and column.
    bool rejected = !parser_->errors().empty();
    std::vector<v1::RowError> errors = parser_->errors();
    WriteMeta meta;
    meta.caller = caller_;
    meta.method = "ImportRecords";
    meta.request_id = header_.request_id();
    meta.source = absl::StrCat("import:", header_.request_id());
    int64_t rows = parser_->rows();
    v1::ImportKind kind = header_.kind();
    auto response_of = [rows, kind](const ImportResult& r) {
      v1::ImportRecordsResponse out;
      out.set_outcome(v1::ImportRecordsResponse::OUTCOME_IMPORTED);
      out.set_kind(kind);
      out.set_rows(rows);
      out.set_created(r.created);
      out.set_updated(r.updated);
      out.set_unchanged(r.unchanged);
      return out;
    };
    absl::StatusOr<ImportResult> result;
    ImportStaging& items = *staging_;
    const auto& paths = parser_->paths();
    bool dry = header_.validate_only() || rejected;
    switch (kind) {
      case v1::IMPORT_KIND_UNITS:
        result = store_->Import<v1::Unit>(meta, items, paths, dry, nullptr, response_of);
        break;
      case v1::IMPORT_KIND_PERSONS:
        result = store_->Import<v1::Person>(meta, items, paths, dry, PersonAuthorizer(caller_),
                                            response_of);
        break;
      case v1::IMPORT_KIND_UNIT_YEARLY_RECORDS:
        result = store_->Import<v1::UnitYearlyRecord>(meta, items, paths, dry,
                                                      UnitRecordAuthorizer(caller_), response_of);
        break;
      default:
        result = store_->Import<v1::PersonYearlyRecord>(
            meta, items, paths, dry, PersonRecordAuthorizer(caller_), response_of);
        break;
    }
    if (!result.ok()) return result.status();
    if (result->replayed) {
      *response_ = result->stored_response;
      return absl::OkStatus();
    }
    for (const auto& problem : result->problems) errors.push_back(parser_->ToRowError(problem));
    if (!errors.empty()) {
      std::stable_sort(
          errors.begin(), errors.end(),
          [](const v1::RowError& a, const v1::RowError& b) { return a.line() < b.line(); });
      response_->set_outcome(v1::ImportRecordsResponse::OUTCOME_REJECTED);
      for (auto& error : errors) {
        if (response_->errors_size() >= static_cast<int>(ImportParser::kMaxErrors)) break;
        *response_->add_errors() = std::move(error);
      }
      return absl::OkStatus();
    }
    *response_ = response_of(*result);
    if (dry) response_->set_outcome(v1::ImportRecordsResponse::OUTCOME_VALIDATED);
    platform::LogInfo("import", {{"kind", v1::ImportKind_Name(kind)},
                                 {"request_id", header_.request_id()},
                                 {"rows", rows},
                                 {"created", result->created},
                                 {"updated", result->updated},
                                 {"unchanged", result->unchanged},
                                 {"validate_only", dry}});
    return absl::OkStatus();
  }

  absl::Status WrongSize() const {
    return platform::InvalidField(
        "header.file_bytes",
        absl::StrCat("declares ", header_.file_bytes(), " bytes but ", received_bytes_,
                     " arrived: the stream was cut or a message could not be read; nothing "
                     "was imported, send the file again"));
  }

  platform::ServiceRuntime* runtime_;
  RegistryStore* store_;
  grpc::CallbackServerContext* context_;
  v1::ImportRecordsResponse* response_;
  int64_t received_bytes_ = 0;
  Caller caller_;
  v1::ImportRecordsRequest request_;
  v1::ImportRecordsHeader header_;
  std::unique_ptr<ImportStaging> staging_;
  std::unique_ptr<ImportParser> parser_;  // feeds staging_: declared after it
};

}  // namespace

grpc::ServerReadReactor<v1::ImportRecordsRequest>* RegistryService::ImportRecords(
    Context* context, v1::ImportRecordsResponse* response) {
  return new ImportReactor(runtime_, &store_, context, response);
}

}  // namespace dienhinh::registry
