#include "services/reporting/reporting_service.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/time_util.h"
#include "services/platform/api/page_token.h"
#include "services/platform/api/reply.h"
#include "services/platform/api/resource_text.h"
#include "services/platform/auth/authorization.h"
#include "services/platform/status/error_details.h"
#include "services/reporting/annual_report_rules.h"
#include "services/reporting/list_requests.h"
#include "services/reporting/report_reads.h"
#include "services/reporting/replication_rules.h"

namespace dienhinh::reporting {
namespace {

using platform::Caller;
using platform::Role;
using platform::Transaction;
using ::google::protobuf::util::TimeUtil;

google::protobuf::Timestamp ToProto(absl::Time t) {
  return TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(t));
}

absl::Status Denied(const Caller& caller, absl::string_view what) {
  return platform::WithReason(
      absl::PermissionDeniedError(absl::StrCat(std::string(platform::RoleName(caller.role)), " \"",
                                               caller.subject, "\" may not ", what)),
      "PERMISSION_DENIED");
}

// A unit officer's own unit, as a unit name.
bool IsOwnUnit(const Caller& caller, const std::string& unit_name) {
  std::optional<std::string> code = UnitCodeOf(unit_name);
  return code && !caller.unit.empty() && *code == caller.unit;
}

// The school year a request names must be one of the plan's.
absl::Status CheckYearOfPlan(const platform::Plan& plan, int start_year, const char* field) {
  const auto& years = plan.school_years();
  if (std::any_of(years.begin(), years.end(),
                  [&](const auto& y) { return y.start_year() == start_year; })) {
    return absl::OkStatus();
  }
  return platform::InvalidField(
      field, absl::StrCat(SchoolYearText(start_year), " is not a year of ", plan.name()));
}

template <typename Fn>
absl::Status InReadTransaction(platform::Database& db, Fn&& body) {
  return platform::RunInTransaction(db, platform::TxMode::kRead, std::forward<Fn>(body));
}

}  // namespace

ReportingService::ReportingService(platform::ServiceRuntime* runtime, ReportingOptions options)
    : runtime_(runtime),
      options_(std::move(options)),
      reports_(&runtime->db(), &runtime->events()),
      replication_(&runtime->db(), &runtime->events()) {}

absl::Time ReportingService::Now() const { return options_.clock ? options_.clock() : absl::Now(); }

absl::StatusOr<const platform::Plan*> ReportingService::PlanOf(const std::string& name,
                                                              const char* field) const {
  if (name.empty()) return platform::InvalidField(field, "is required: plans/{plan}");
  const platform::Plan* plan = options_.plans.Find(name);
  if (plan == nullptr) {
    return platform::InvalidField(field, absl::StrCat("\"", name, "\" is not a plan of this service"));
  }
  return plan;
}

// --- RPCs: authenticate, then the work on the runtime's workers (every one reads or writes
// the database: never on gRPC's callback threads); one conversion to grpc::Status in Reply ---

#define DH_UNARY_ON(Pool, Method, Request, Response, Call)                                  \
  grpc::ServerUnaryReactor* ReportingService::Method(grpc::CallbackServerContext* context, \
                                                     const v1::Request* request,          \
                                                     v1::Response* response) {            \
    return platform::ReplyAuthenticated(                                                   \
        context, runtime_->authenticator(), runtime_->Pool(),                              \
        [this, request, response](const Caller& caller) { return Call; });                 \
  }
#define DH_UNARY(Method, Request, Response, Call) \
  DH_UNARY_ON(workers, Method, Request, Response, Call)

DH_UNARY(FileAnnualReport, FileAnnualReportRequest, UnitAnnualReport, File(caller, *request, response))
// A read by key (ServiceRuntime::lookups()).
DH_UNARY_ON(lookups, GetAnnualReport, GetAnnualReportRequest, UnitAnnualReport,
            Get(caller, *request, response))
DH_UNARY(ListAnnualReports, ListAnnualReportsRequest, ListAnnualReportsResponse,
         List(caller, *request, response))
DH_UNARY(ListCompliance, ListComplianceRequest, ListComplianceResponse,
         Compliance(caller, *request, response))
DH_UNARY(GetSummary, GetSummaryRequest, Summary, Summarise(*request, response))
DH_UNARY(ListRecognisedModels, ListRecognisedModelsRequest, ListRecognisedModelsResponse,
         RecognisedModels(*request, response))
DH_UNARY(CreateReplicationRecord, CreateReplicationRecordRequest, ReplicationRecord,
         CreateReplication(caller, *request, response))
DH_UNARY(ListReplicationRecords, ListReplicationRecordsRequest, ListReplicationRecordsResponse,
         ListReplication(*request, response))
DH_UNARY(GetReplicationStats, GetReplicationStatsRequest, ReplicationStats,
         CountReplication(*request, response))

#undef DH_UNARY
#undef DH_UNARY_ON

// --- Annual reports ---

absl::Status ReportingService::File(const Caller& caller, v1::FileAnnualReportRequest request,
                                    v1::UnitAnnualReport* response) {
  if (absl::Status s = platform::NormalizeMessageText(request); !s.ok()) return s;
  platform::ViolationList violations;
  CheckFiling(request, options_.plans, violations);
  if (!violations.empty()) return violations.ToStatus("the annual report has invalid fields");
  if (absl::Status s = platform::RequireRole(
          caller, {Role::kUnitOfficer, Role::kDepartmentOffice, Role::kAdmin});
      !s.ok()) {
    return s;
  }
  if (caller.role == Role::kUnitOfficer && !IsOwnUnit(caller, request.parent())) {
    return Denied(caller, absl::StrCat("file the report of ", request.parent(),
                                       ": a unit officer files for its own unit only"));
  }
  const platform::Plan* plan = options_.plans.Find(request.annual_report().plan());
  auto filed = reports_.File(caller, request, *plan, Now());
  if (!filed.ok()) return filed.status();
  *response = std::move(*filed);
  return absl::OkStatus();
}

absl::Status ReportingService::Get(const Caller& caller, const v1::GetAnnualReportRequest& request,
                                   v1::UnitAnnualReport* response) {
  std::optional<AnnualReportKey> key = ParseAnnualReportName(request.name());
  if (!key) {
    return platform::InvalidField(
        "name", "must be units/{unit}/annualReports/{plan}_{school year}, e.g. "
                "units/92000701/annualReports/can-tho-2019-2020_2019-2020");
  }
  if (request.revision() < 0) return platform::InvalidField("revision", "must not be negative");
  if (!platform::CanReadUnit(caller, *UnitCodeOf(key->unit))) {
    return Denied(caller, absl::StrCat("read the reports of ", key->unit));
  }
  auto report = reports_.Get(request.name(), request.revision());
  if (!report.ok()) return report.status();
  *response = std::move(*report);
  return absl::OkStatus();
}

absl::Status ReportingService::List(const Caller& caller, const v1::ListAnnualReportsRequest& request,
                                    v1::ListAnnualReportsResponse* response) {
  auto query = ParseAnnualReportQuery(request);
  if (!query.ok()) return query.status();
  if (caller.role == Role::kUnitOfficer && !IsOwnUnit(caller, query->unit)) {
    return Denied(caller, absl::StrCat("list the reports of ", request.parent(),
                                       ": a unit officer lists its own unit's only"));
  }
  auto page = reports_.List(*query);
  if (!page.ok()) return page.status();
  for (auto& report : page->reports) *response->add_annual_reports() = std::move(report);
  if (!page->next_after.empty()) {
    response->set_next_page_token(platform::EncodePageToken(query->page.digest, page->next_after));
  }
  return absl::OkStatus();
}

// --- Compliance, summaries, recognised models ---

absl::Status ReportingService::Compliance(const Caller& caller,
                                          const v1::ListComplianceRequest& request,
                                          v1::ListComplianceResponse* response) {
  auto plan = PlanOf(request.plan(), "plan");
  if (!plan.ok()) return plan.status();
  if (!request.has_school_year() || request.school_year().start_year() == 0) {
    return platform::InvalidField("school_year", "is required");
  }
  const int year = request.school_year().start_year();
  if (absl::Status s = CheckYearOfPlan(**plan, year, "school_year"); !s.ok()) return s;
  if (!(*plan)->has_annual_report()) {
    return platform::InvalidField("plan", absl::StrCat(request.plan(), " asks for no annual report"));
  }
  auto parsed = ParseComplianceRequest(request);
  if (!parsed.ok()) return parsed.status();
  if (caller.role == Role::kUnitOfficer) {
    return Denied(caller, "read the compliance of every unit: it is the department office's list");
  }
  const absl::Time now = Now();
  ComplianceSheet sheet;
  absl::Status read = InReadTransaction(runtime_->db(), [&](Transaction& tx) {
    auto built = ReadCompliance(tx, **plan, year, now, parsed->filter, parsed->order);
    if (!built.ok()) return built.status();
    sheet = std::move(*built);
    return absl::OkStatus();
  });
  if (!read.ok()) return read;
  auto [page, next] = TakePage(sheet.entries, parsed->page);
  for (const ComplianceEntry* e : page) *response->add_rows() = e->row;
  if (!next.empty()) {
    response->set_next_page_token(platform::EncodePageToken(parsed->page.digest, next));
  }
  *response->mutable_totals() = sheet.totals;
  *response->mutable_due_time() = ToProto(sheet.due_time);
  *response->mutable_as_of() = ToProto(now);
  return absl::OkStatus();
}

absl::Status ReportingService::Summarise(const v1::GetSummaryRequest& request, v1::Summary* response) {
  auto plan = PlanOf(request.plan(), "plan");
  if (!plan.ok()) return plan.status();
  std::optional<int> year;
  if (request.has_school_year() && request.school_year().start_year() != 0) {
    year = request.school_year().start_year();
    if (absl::Status s = CheckYearOfPlan(**plan, *year, "school_year"); !s.ok()) return s;
  }
  std::vector<v1::SummaryDimension> group_by;
  for (int i = 0; i < request.group_by_size(); ++i) {
    auto d = request.group_by(i);
    if (d == v1::SUMMARY_DIMENSION_UNSPECIFIED || !v1::SummaryDimension_IsValid(d)) {
      return platform::InvalidField(absl::StrCat("group_by[", i, "]"),
                                    "must be district, category or level");
    }
    if (std::find(group_by.begin(), group_by.end(), d) != group_by.end()) {
      return platform::InvalidField(absl::StrCat("group_by[", i, "]"), "appears twice");
    }
    group_by.push_back(static_cast<v1::SummaryDimension>(d));
  }
  auto filter = ParseSummaryFilter(request.filter());
  if (!filter.ok()) return filter.status();
  return InReadTransaction(runtime_->db(), [&](Transaction& tx) {
    auto summary = ReadSummary(tx, **plan, year, group_by, *filter);
    if (!summary.ok()) return summary.status();
    *response = std::move(*summary);
    return absl::OkStatus();
  });
}

absl::Status ReportingService::RecognisedModels(const v1::ListRecognisedModelsRequest& request,
                                                v1::ListRecognisedModelsResponse* response) {
  auto plan = PlanOf(request.plan(), "plan");
  if (!plan.ok()) return plan.status();
  auto parsed = ParseRecognisedModelRequest(request);
  if (!parsed.ok()) return parsed.status();
  std::vector<RecognisedModelEntry> models;
  absl::Status read = InReadTransaction(runtime_->db(), [&](Transaction& tx) {
    auto selected = ReadRecognisedModels(tx, **plan, parsed->filter, parsed->order);
    if (!selected.ok()) return selected.status();
    models = std::move(*selected);
    return absl::OkStatus();
  });
  if (!read.ok()) return read;
  auto [page, next] = TakePage(models, parsed->page);
  for (const RecognisedModelEntry* e : page) *response->add_recognised_models() = e->model;
  if (!next.empty()) {
    response->set_next_page_token(platform::EncodePageToken(parsed->page.digest, next));
  }
  return absl::OkStatus();
}

// --- Replication ---

absl::Status ReportingService::CreateReplication(const Caller& caller,
                                                 v1::CreateReplicationRecordRequest request,
                                                 v1::ReplicationRecord* response) {
  if (absl::Status s = platform::NormalizeMessageText(request); !s.ok()) return s;
  platform::ViolationList violations;
  CheckReplicationRecord(request, violations);
  if (!violations.empty()) return violations.ToStatus("the replication record has invalid fields");
  if (absl::Status s = platform::RequireRole(
          caller, {Role::kUnitOfficer, Role::kDepartmentOffice, Role::kAdmin});
      !s.ok()) {
    return s;
  }
  if (caller.role == Role::kUnitOfficer &&
      !IsOwnUnit(caller, request.replication_record().adopting_unit())) {
    return Denied(caller, "record a take-up by another unit: a unit officer records its own unit's");
  }
  auto created = replication_.Create(caller, request, Now());
  if (!created.ok()) return created.status();
  *response = std::move(*created);
  return absl::OkStatus();
}

absl::Status ReportingService::ListReplication(const v1::ListReplicationRecordsRequest& request,
                                               v1::ListReplicationRecordsResponse* response) {
  auto query = ParseReplicationQuery(request);
  if (!query.ok()) return query.status();
  auto page = replication_.List(*query);
  if (!page.ok()) return page.status();
  for (auto& record : page->records) *response->add_replication_records() = std::move(record);
  if (!page->next_after.empty()) {
    response->set_next_page_token(platform::EncodePageToken(query->page.digest, page->next_after));
  }
  return absl::OkStatus();
}

absl::Status ReportingService::CountReplication(const v1::GetReplicationStatsRequest& request,
                                                v1::ReplicationStats* response) {
  auto plan = PlanOf(request.plan(), "plan");
  if (!plan.ok()) return plan.status();
  auto filter = ParseReplicationStatsFilter(request.filter());
  if (!filter.ok()) return filter.status();
  return InReadTransaction(runtime_->db(), [&](Transaction& tx) {
    auto read = ReadReplication(tx, **plan, *filter);
    if (!read.ok()) return read.status();
    *response = std::move(read->first);
    return absl::OkStatus();
  });
}

}  // namespace dienhinh::reporting
