#include "services/evaluation/evaluation_service.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "services/evaluation/block_ranking_rules.h"
#include "services/evaluation/council_rules.h"
#include "services/evaluation/council_store.h"
#include "services/evaluation/evaluation_queries.h"
#include "services/evaluation/evaluation_store.h"
#include "services/evaluation/event_handlers.h"
#include "services/platform/api/audit_log.h"
#include "services/platform/api/etag.h"
#include "services/platform/api/list_filter.h"
#include "services/platform/api/page_token.h"
#include "services/platform/api/reply.h"
#include "services/platform/api/request_log.h"
#include "services/platform/api/resource_text.h"
#include "services/platform/auth/authorization.h"
#include "services/platform/ids/ulid.h"
#include "services/platform/status/error_details.h"

namespace dienhinh::evaluation {
namespace {

using platform::Caller;
using platform::Role;
using platform::RunInTransaction;
using platform::Transaction;
using platform::TxMode;

// ---- Names.

// The id after `prefix` when `name` is exactly prefix + id with no further '/'.
std::optional<std::string> IdOf(const std::string& name, absl::string_view prefix) {
  if (!absl::StartsWith(name, prefix) || name.size() == prefix.size()) return std::nullopt;
  std::string id = name.substr(prefix.size());
  if (id.find('/') != std::string::npos) return std::nullopt;
  return id;
}

bool IsNominationName(const std::string& name) { return IdOf(name, "nominations/").has_value(); }

// `nominations/{n}/evaluations/{version|latest}` -> nomination name and version (0 for latest).
absl::StatusOr<std::pair<std::string, int64_t>> ParseEvaluationName(const std::string& name) {
  std::vector<std::string> parts = absl::StrSplit(name, '/');
  int64_t version = 0;
  if (parts.size() != 4 || parts[0] != "nominations" || parts[1].empty() || parts[2] != "evaluations" ||
      (parts[3] != "latest" && (!absl::SimpleAtoi(parts[3], &version) || version < 1))) {
    return platform::InvalidField("name", "must be nominations/{nomination}/evaluations/{version or latest}");
  }
  return std::make_pair(absl::StrCat("nominations/", parts[1]), version);
}

// "2019-2020" -> 2019.
std::optional<int> ParseSchoolYear(const std::string& text) {
  std::vector<std::string> parts = absl::StrSplit(text, '-');
  int start = 0, end = 0;
  if (parts.size() != 2 || !absl::SimpleAtoi(parts[0], &start) || !absl::SimpleAtoi(parts[1], &end) ||
      end != start + 1 || start < 1900 || start > 9998) {
    return std::nullopt;
  }
  return start;
}

std::string UnitCode(const std::string& unit) {
  return absl::StartsWith(unit, "units/") ? unit.substr(6) : std::string();
}

// ---- Visibility: a unit officer sees what their unit nominated or what nominates their unit.

bool CanSee(const Caller& caller, const std::string& nominating_unit, const std::string& nominee) {
  return platform::CanReadUnit(caller, UnitCode(nominating_unit)) ||
         (absl::StartsWith(nominee, "units/") && platform::CanReadUnit(caller, UnitCode(nominee)));
}

absl::Status RequireSee(const Caller& caller, const std::string& nominating_unit, const std::string& nominee,
                        const std::string& resource) {
  if (CanSee(caller, nominating_unit, nominee)) return absl::OkStatus();
  return absl::PermissionDeniedError(absl::StrCat(std::string(platform::RoleName(caller.role)), " \"",
                                                  caller.subject, "\" may not read ", resource));
}

// For lists: the only unit a unit officer's lists may show; empty for every other role.
std::string VisibleUnit(const Caller& caller) {
  return caller.role == Role::kUnitOfficer ? absl::StrCat("units/", caller.unit) : "";
}

void SetNow(google::protobuf::Timestamp* t) {
  int64_t us = absl::ToUnixMicros(absl::Now());
  t->set_seconds(us / 1000000);
  t->set_nanos(static_cast<int32_t>(us % 1000000) * 1000);
}

// ---- Filters.

template <typename Enum>
absl::Status EnumTerm(const platform::ListFilter& filter, const std::string& field,
                      bool (*parse)(const std::string&, Enum*), std::optional<int>& out) {
  if (!filter.Has(field)) return absl::OkStatus();
  Enum value;
  if (!parse(filter.Get(field), &value) || static_cast<int>(value) == 0) {
    return platform::InvalidField("filter", absl::StrCat(field, " must name a value of its enum, e.g. ",
                                                         field == "verdict" ? "VERDICT_QUALIFIED" : "..."));
  }
  out = static_cast<int>(value);
  return absl::OkStatus();
}

std::optional<std::string> TextTerm(const platform::ListFilter& filter, const std::string& field) {
  if (!filter.Has(field)) return std::nullopt;
  return filter.Get(field);
}

const v1::Criterion* FindCriterion(const v1::Plan& plan, const std::string& id) {
  for (const auto& c : plan.criteria()) {
    if (c.id() == id) return &c;
  }
  return nullptr;
}

bool Applies(const v1::Criterion& c, type::v1::Category category) {
  return std::find(c.categories().begin(), c.categories().end(), category) != c.categories().end();
}

}  // namespace

EvaluationService::EvaluationService(platform::ServiceRuntime* runtime, const platform::PlanCatalog* plans,
                                     RegistryFacts* registry, EvaluationWorker::Options worker_options)
    : runtime_(runtime),
      plans_(plans),
      registry_(registry),
      worker_(&runtime->db(), &runtime->events(), plans, registry, worker_options) {}

EvaluationService::~EvaluationService() { worker_.Stop(); }

void EvaluationService::AddConsumers(const std::string& intake_address, const std::string& registry_address) {
  // A submission queues its nomination inside the consumer's transaction; waking the worker
  // once that commits saves up to a poll interval of submit-to-evaluation lag. Registry events
  // (thousands per import) leave re-evaluations to the next poll.
  runtime_->AddConsumer("intake", intake_address, ApplyIntakeEvent, [this] { worker_.Wake(); });
  runtime_->AddConsumer("registry", registry_address, ApplyRegistryEvent);
}

template <typename Request, typename Response>
grpc::ServerUnaryReactor* EvaluationService::Serve(grpc::CallbackServerContext* context,
                                                   const Request* request, Response* response,
                                                   platform::WorkerPool& where) {
  return platform::ReplyAuthenticated(
      context, runtime_->authenticator(), where,
      [this, request, response](const Caller& caller) { return Answer(caller, request, response); });
}

// ---------------------------------------------------------------------------------------------
// Plans: in memory, answered on gRPC's thread.

grpc::ServerUnaryReactor* EvaluationService::GetPlan(grpc::CallbackServerContext* context,
                                                     const v1::GetPlanRequest* request, v1::Plan* response) {
  auto caller = runtime_->authenticator().Authenticate(*context);
  if (!caller.ok()) return platform::Reply(context, caller.status());
  if (!IdOf(request->name(), "plans/")) {
    return platform::Reply(context, platform::InvalidField("name", "must be plans/{plan}"));
  }
  const v1::Plan* plan = plans_->Find(request->name());
  if (plan == nullptr) return platform::Reply(context, absl::NotFoundError(absl::StrCat(request->name(), " is not a plan of this service")));
  *response = *plan;
  return platform::Reply(context, absl::OkStatus());
}

grpc::ServerUnaryReactor* EvaluationService::ListPlans(grpc::CallbackServerContext* context,
                                                       const v1::ListPlansRequest* request,
                                                       v1::ListPlansResponse* response) {
  auto caller = runtime_->authenticator().Authenticate(*context);
  if (!caller.ok()) return platform::Reply(context, caller.status());
  auto size = platform::EffectivePageSize(request->page_size());
  if (!size.ok()) return platform::Reply(context, size.status());
  const std::string digest = platform::QueryDigest("ListPlans", "", "");
  auto after = platform::DecodePageToken(request->page_token(), digest);
  if (!after.ok()) return platform::Reply(context, after.status());
  for (const v1::Plan* plan : plans_->plans()) {
    if (!after->empty() && plan->name() <= (*after)[0]) continue;
    if (response->plans_size() == *size) {
      response->set_next_page_token(platform::EncodePageToken(digest, {response->plans(*size - 1).name()}));
      break;
    }
    *response->add_plans() = *plan;
  }
  return platform::Reply(context, absl::OkStatus());
}

// ---------------------------------------------------------------------------------------------
// Evaluations.

namespace {

// Reads one evaluation (`latest` allowed) and checks the caller may see it.
absl::StatusOr<v1::Evaluation> ReadEvaluation(platform::Database& db, const Caller& caller, const std::string& name) {
  auto parsed = ParseEvaluationName(name);
  if (!parsed.ok()) return parsed.status();
  auto tx = db.Begin(TxMode::kRead);
  if (!tx.ok()) return tx.status();
  auto found = parsed->second == 0 ? LatestEvaluation(**tx, parsed->first)
                                   : GetEvaluationVersion(**tx, parsed->first, parsed->second);
  if (!found.ok()) return found.status();
  if (!*found) return absl::NotFoundError(absl::StrCat(name, " does not exist"));
  if (absl::Status s = RequireSee(caller, (*found)->nominating_unit(), (*found)->nominee(), name); !s.ok()) {
    return s;
  }
  return **found;
}

}  // namespace

grpc::ServerUnaryReactor* EvaluationService::GetEvaluation(grpc::CallbackServerContext* context,
                                                           const v1::GetEvaluationRequest* request,
                                                           v1::Evaluation* response) {
  return Serve(context, request, response, runtime_->lookups());
}

absl::Status EvaluationService::Answer(const Caller& caller, const v1::GetEvaluationRequest* request,
                                       v1::Evaluation* response) {
  auto evaluation = ReadEvaluation(runtime_->db(), caller, request->name());
  if (!evaluation.ok()) return evaluation.status();
  *response = std::move(*evaluation);
  return absl::OkStatus();
}

grpc::ServerUnaryReactor* EvaluationService::ListEvaluations(grpc::CallbackServerContext* context,
                                                             const v1::ListEvaluationsRequest* request,
                                                             v1::ListEvaluationsResponse* response) {
  return Serve(context, request, response, runtime_->workers());
}

absl::Status EvaluationService::Answer(const Caller& caller, const v1::ListEvaluationsRequest* request,
                                       v1::ListEvaluationsResponse* response) {
  v1::ListEvaluationsRequest req = *request;
  if (absl::Status s = platform::NormalizeMessageText(req); !s.ok()) return s;
  EvaluationQuery q;
  if (req.parent() != "nominations/-") {
    if (!IsNominationName(req.parent())) {
      return platform::InvalidField("parent", "must be nominations/{nomination} or nominations/-");
    }
    q.nomination = req.parent();
  }
  static const std::vector<std::string> kOrders = {"", "create_time desc", "version", "nominee_display_name"};
  if (std::find(kOrders.begin(), kOrders.end(), req.order_by()) == kOrders.end()) {
    return platform::InvalidField(
        "order_by", "must be create_time desc, version or nominee_display_name");
  }
  q.order_by = req.order_by();
  auto filter = platform::ParseListFilter(
      req.filter(), {"plan", "verdict", "category", "district", "nominating_unit", "nominee", "school_year"});
  if (!filter.ok()) return filter.status();
  q.plan = TextTerm(*filter, "plan");
  q.district = TextTerm(*filter, "district");
  q.nominating_unit = TextTerm(*filter, "nominating_unit");
  q.nominee = TextTerm(*filter, "nominee");
  if (auto s = EnumTerm<v1::Verdict>(*filter, "verdict", v1::Verdict_Parse, q.verdict); !s.ok()) {
    return s;
  }
  if (auto s = EnumTerm<type::v1::Category>(*filter, "category", type::v1::Category_Parse, q.category); !s.ok()) {
    return s;
  }
  if (filter->Has("school_year")) {
    q.school_year = ParseSchoolYear(filter->Get("school_year"));
    if (!q.school_year) {
      return platform::InvalidField("filter", "school_year must read like \"2019-2020\"");
    }
  }
  q.latest_only = req.latest_only();
  q.visible_unit = VisibleUnit(caller);
  auto size = platform::EffectivePageSize(req.page_size());
  if (!size.ok()) return size.status();
  q.page_size = *size;
  const std::string digest = platform::QueryDigest(
      "ListEvaluations", absl::StrCat(req.parent(), "|", req.filter(), "|", req.latest_only()), req.order_by());
  auto after = platform::DecodePageToken(req.page_token(), digest);
  if (!after.ok()) return after.status();
  q.after = *after;
  auto tx = runtime_->db().Begin(TxMode::kRead);
  if (!tx.ok()) return tx.status();
  auto page = QueryEvaluations(**tx, q);
  if (!page.ok()) return page.status();
  for (auto& e : page->items) *response->add_evaluations() = std::move(e);
  if (!page->next_key.empty()) response->set_next_page_token(platform::EncodePageToken(digest, page->next_key));
  return absl::OkStatus();
}

grpc::ServerUnaryReactor* EvaluationService::ExplainEvaluation(grpc::CallbackServerContext* context,
                                                               const v1::ExplainEvaluationRequest* request,
                                                               v1::ExplainEvaluationResponse* response) {
  return Serve(context, request, response, runtime_->workers());
}

absl::Status EvaluationService::Answer(const Caller& caller, const v1::ExplainEvaluationRequest* request,
                                       v1::ExplainEvaluationResponse* response) {
  auto evaluation = ReadEvaluation(runtime_->db(), caller, request->name());
  if (!evaluation.ok()) return evaluation.status();
  const v1::Plan* plan = plans_->Find(evaluation->plan());
  std::set<std::string> wanted(request->criterion_ids().begin(), request->criterion_ids().end());
  for (const std::string& id : wanted) {
    bool known = std::any_of(evaluation->outcomes().begin(), evaluation->outcomes().end(),
                             [&](const auto& o) { return o.criterion_id() == id; });
    if (!known) {
      return platform::InvalidField(
          "criterion_ids", absl::StrCat("\"", id, "\" is not a criterion of this evaluation"));
    }
  }
  auto tx = runtime_->db().Begin(TxMode::kRead);
  if (!tx.ok()) return tx.status();
  for (const auto& outcome : evaluation->outcomes()) {
    if (!wanted.empty() && !wanted.count(outcome.criterion_id())) continue;
    v1::CriterionExplanation* explanation = response->add_explanations();
    // The catalog the service runs now; the evaluation names the version it applied, and a
    // version made under another catalog is re-made when the catalog changes.
    if (plan != nullptr) {
      if (const v1::Criterion* c = FindCriterion(*plan, outcome.criterion_id())) *explanation->mutable_criterion() = *c;
    }
    *explanation->mutable_outcome() = outcome;
    if (outcome.kind() == v1::Criterion::KIND_ATTESTATION) {
      for (const std::string& resource : outcome.depends_on()) {
        if (resource.find("/attestationReviews/") == std::string::npos) continue;
        auto review = GetReview(**tx, resource);
        if (!review.ok()) return review.status();
        if (*review) *explanation->mutable_review() = **review;
      }
    }
  }
  *response->mutable_evaluation() = std::move(*evaluation);
  return absl::OkStatus();
}

grpc::ServerUnaryReactor* EvaluationService::ReevaluateNomination(grpc::CallbackServerContext* context,
                                                                  const v1::ReevaluateNominationRequest* request,
                                                                  v1::Evaluation* response) {
  return Serve(context, request, response, runtime_->workers());
}

absl::Status EvaluationService::Answer(const Caller& caller, const v1::ReevaluateNominationRequest* request,
                                       v1::Evaluation* response) {
  if (absl::Status s = platform::RequireRole(caller, {Role::kAdmin}); !s.ok()) return s;
  v1::ReevaluateNominationRequest req = *request;
  if (absl::Status s = platform::NormalizeMessageText(req); !s.ok()) return s;
  platform::ViolationList v;
  if (!IsNominationName(req.name())) v.Add("name", "must be nominations/{nomination}");
  if (req.reason().empty()) v.Add("reason", "is required: why evaluate again");
  if (!v.empty()) return v.ToStatus();
  {
    auto tx = runtime_->db().Begin(TxMode::kRead);
    if (!tx.ok()) return tx.status();
    auto seen = platform::FindResponse(**tx, "ReevaluateNomination", req.request_id(), response);
    if (!seen.ok()) return seen.status();
    if (*seen) return absl::OkStatus();
  }
  v1::EvaluationTrigger trigger;
  trigger.set_kind(v1::EvaluationTrigger::KIND_REEVALUATION_REQUESTED);
  trigger.set_resource(req.name());
  trigger.set_actor(caller.subject);
  trigger.set_reason(req.reason());
  auto recorded = worker_.EvaluateNow(req.name(), trigger, [&](Transaction& tx, const v1::Evaluation& e) {
    if (absl::Status s = platform::RecordAudit(tx, caller,
                                               {"ReevaluateNomination", e.name(), req.request_id(), req.reason()});
        !s.ok()) {
      return s;
    }
    return platform::RememberResponse(tx, "ReevaluateNomination", req.request_id(), caller.subject, e);
  });
  if (!recorded.ok()) return recorded.status();
  *response = std::move(*recorded);
  return absl::OkStatus();
}

// ---------------------------------------------------------------------------------------------
// Reviews.

grpc::ServerUnaryReactor* EvaluationService::ReviewAttestation(grpc::CallbackServerContext* context,
                                                               const v1::ReviewAttestationRequest* request,
                                                               v1::AttestationReview* response) {
  return Serve(context, request, response, runtime_->workers());
}

absl::Status EvaluationService::Answer(const Caller& caller, const v1::ReviewAttestationRequest* request,
                                       v1::AttestationReview* response) {
  if (absl::Status s = platform::RequireRole(caller, {Role::kDepartmentOffice}); !s.ok()) {
    return s;
  }
  v1::ReviewAttestationRequest req = *request;
  if (absl::Status s = platform::NormalizeMessageText(req); !s.ok()) return s;
  platform::ViolationList v;
  if (!IsNominationName(req.parent())) v.Add("parent", "must be nominations/{nomination}");
  if (req.criterion_id().empty()) v.Add("criterion_id", "is required");
  if (req.decision() != v1::AttestationReview::DECISION_ACCEPTED &&
      req.decision() != v1::AttestationReview::DECISION_REJECTED) {
    v.Add("decision", "must be DECISION_ACCEPTED or DECISION_REJECTED");
  }
  if (req.decision() == v1::AttestationReview::DECISION_REJECTED && req.comment().empty()) {
    v.Add("comment", "is required when rejecting: say why");
  }
  if (!v.empty()) return v.ToStatus();

  absl::Status status = RunInTransaction(runtime_->db(), TxMode::kWrite, [&](Transaction& tx) -> absl::Status {
    auto seen = platform::FindResponse(tx, "ReviewAttestation", req.request_id(), response);
    if (!seen.ok()) return seen.status();
    if (*seen) return absl::OkStatus();
    auto nomination = GetNomination(tx, req.parent());
    if (!nomination.ok()) return nomination.status();
    if (!*nomination) return absl::NotFoundError(absl::StrCat(req.parent(), " is not known to evaluation"));
    const intake::v1::Nomination& n = **nomination;
    // Nobody reviews a nomination of their own unit (the unit that nominates, or the one nominated).
    const std::string own = absl::StrCat("units/", caller.unit);
    if (!caller.unit.empty() && (n.nominating_unit() == own || n.nominee() == own)) {
      return platform::WithReason(
          absl::PermissionDeniedError(absl::StrCat("nobody reviews a nomination of their own unit (", own, ")")),
          "OWN_UNIT_REVIEW");
    }
    if (n.state() != intake::v1::Nomination::STATE_SUBMITTED) {
      return platform::WithReason(
          absl::FailedPreconditionError(absl::StrCat(n.name(), " is not submitted (it may have been withdrawn)")),
          "NOMINATION_NOT_SUBMITTED");
    }
    const v1::Plan* plan = plans_->Find(n.plan());
    const v1::Criterion* criterion = plan ? FindCriterion(*plan, req.criterion_id()) : nullptr;
    if (criterion == nullptr || !Applies(*criterion, n.category()) ||
        criterion->kind() != v1::Criterion::KIND_ATTESTATION) {
      return platform::InvalidField("criterion_id",
                                    absl::StrCat("\"", req.criterion_id(),
                                                 "\" is not an attested criterion of the nomination's category"));
    }
    std::string digest = AttestationDigest(n, req.criterion_id());
    if (digest.empty()) {
      return platform::WithReason(absl::FailedPreconditionError(absl::StrCat(
                                      n.name(), " holds no attestation of ", req.criterion_id())),
                                  "NO_ATTESTATION");
    }
    v1::AttestationReview review;
    review.set_name(absl::StrCat(n.name(), "/attestationReviews/", platform::NewUlid()));
    review.set_nomination(n.name());
    review.set_criterion_id(req.criterion_id());
    review.set_decision(req.decision());
    review.set_comment(req.comment());
    review.set_reviewer(caller.subject);
    if (!caller.unit.empty()) review.set_reviewer_unit(own);
    SetNow(review.mutable_create_time());
    review.set_attestation_digest(digest);
    if (absl::Status s = InsertReview(tx, review); !s.ok()) return s;
    platform::Event event;
    *event.mutable_attestation_reviewed()->mutable_attestation_review() = review;
    event.set_actor(caller.subject);
    event.set_request_id(req.request_id());
    if (auto appended = runtime_->events().Append(tx, event); !appended.ok()) return appended.status();
    if (absl::Status s = platform::RecordAudit(
            tx, caller,
            {"ReviewAttestation", review.name(), req.request_id(),
             absl::StrCat(req.criterion_id(), " ", v1::AttestationReview::Decision_Name(req.decision()))});
        !s.ok()) {
      return s;
    }
    v1::EvaluationTrigger trigger;
    trigger.set_kind(v1::EvaluationTrigger::KIND_ATTESTATION_REVIEWED);
    trigger.set_event_id(event.id());
    trigger.set_resource(review.name());
    trigger.set_actor(caller.subject);
    if (absl::Status s = Enqueue(tx, n.name(), trigger); !s.ok()) return s;
    *response = review;
    return platform::RememberResponse(tx, "ReviewAttestation", req.request_id(), caller.subject, review);
  });
  if (status.ok()) {
    runtime_->events().Notify();
    worker_.Wake();
  }
  return status;
}

grpc::ServerUnaryReactor* EvaluationService::ListAttestationReviews(grpc::CallbackServerContext* context,
                                                                    const v1::ListAttestationReviewsRequest* request,
                                                                    v1::ListAttestationReviewsResponse* response) {
  return Serve(context, request, response, runtime_->workers());
}

absl::Status EvaluationService::Answer(const Caller& caller, const v1::ListAttestationReviewsRequest* request,
                                       v1::ListAttestationReviewsResponse* response) {
  v1::ListAttestationReviewsRequest req = *request;
  if (absl::Status s = platform::NormalizeMessageText(req); !s.ok()) return s;
  ReviewQuery q;
  if (req.parent() != "nominations/-") {
    if (!IsNominationName(req.parent())) {
      return platform::InvalidField("parent", "must be nominations/{nomination} or nominations/-");
    }
    q.nomination = req.parent();
  }
  auto filter = platform::ParseListFilter(req.filter(), {"criterion_id", "decision", "reviewer"});
  if (!filter.ok()) return filter.status();
  q.criterion_id = TextTerm(*filter, "criterion_id");
  q.reviewer = TextTerm(*filter, "reviewer");
  if (auto s = EnumTerm<v1::AttestationReview::Decision>(*filter, "decision", v1::AttestationReview::Decision_Parse,
                                                         q.decision);
      !s.ok()) {
    return s;
  }
  q.visible_unit = VisibleUnit(caller);
  auto size = platform::EffectivePageSize(req.page_size());
  if (!size.ok()) return size.status();
  q.page_size = *size;
  const std::string digest =
      platform::QueryDigest("ListAttestationReviews", absl::StrCat(req.parent(), "|", req.filter()), "");
  auto after = platform::DecodePageToken(req.page_token(), digest);
  if (!after.ok()) return after.status();
  q.after = *after;
  auto tx = runtime_->db().Begin(TxMode::kRead);
  if (!tx.ok()) return tx.status();
  auto page = QueryReviews(**tx, q);
  if (!page.ok()) return page.status();
  for (auto& r : page->items) *response->add_attestation_reviews() = std::move(r);
  if (!page->next_key.empty()) response->set_next_page_token(platform::EncodePageToken(digest, page->next_key));
  return absl::OkStatus();
}

// ---------------------------------------------------------------------------------------------
// Block rankings.

grpc::ServerUnaryReactor* EvaluationService::RankBlock(grpc::CallbackServerContext* context,
                                                       const v1::RankBlockRequest* request,
                                                       v1::BlockRanking* response) {
  return Serve(context, request, response, runtime_->workers());
}

absl::Status EvaluationService::Answer(const Caller& caller, const v1::RankBlockRequest* request,
                                       v1::BlockRanking* response) {
  if (absl::Status s = platform::RequireRole(caller, {Role::kDepartmentOffice, Role::kCouncilMember, Role::kViewer,
                                                       Role::kAdmin, Role::kService});
      !s.ok()) {
    return s;
  }
  v1::RankBlockRequest req = *request;
  if (absl::Status s = platform::NormalizeMessageText(req); !s.ok()) return s;
  platform::ViolationList v;
  const v1::Plan* plan = plans_->Find(req.plan());
  if (!IdOf(req.plan(), "plans/")) v.Add("plan", "must be plans/{plan}");
  if (!req.has_school_year()) v.Add("school_year", "is required");
  if (!IdOf(req.emulation_block(), "emulationBlocks/")) v.Add("emulation_block", "must be emulationBlocks/{id}");
  if (plan != nullptr && req.has_school_year() &&
      std::none_of(plan->school_years().begin(), plan->school_years().end(),
                   [&](const auto& y) { return y.start_year() == req.school_year().start_year(); })) {
    v.Add("school_year", "is not a school year of the plan");
  }
  if (plan != nullptr && req.category() != type::v1::CATEGORY_UNSPECIFIED &&
      std::none_of(plan->categories().begin(), plan->categories().end(), [&](const auto& c) {
        return c.category() == req.category() && c.nominee_kind() == v1::NOMINEE_KIND_COLLECTIVE;
      })) {
    v.Add("category", "is not a collective category of the plan");
  }
  if (!v.empty()) return v.ToStatus();
  if (plan == nullptr) return absl::NotFoundError(absl::StrCat(req.plan(), " is not a plan of this service"));
  auto block = registry_->GetEmulationBlock(req.emulation_block());
  if (!block.ok()) return block.status();
  std::vector<std::string> members;
  for (const auto& membership : block->memberships()) {
    if (membership.school_year().start_year() != req.school_year().start_year()) continue;
    members.insert(members.end(), membership.units().begin(), membership.units().end());
  }
  auto tx = runtime_->db().Begin(TxMode::kRead);
  if (!tx.ok()) return tx.status();
  auto entries = BlockEntries(**tx, req.plan(), req.school_year().start_year(), req.emulation_block(), members,
                              static_cast<int>(req.category()));
  if (!entries.ok()) return entries.status();
  OrderBlockRanking(*entries);
  response->set_plan(req.plan());
  *response->mutable_school_year() = req.school_year();
  response->set_emulation_block(req.emulation_block());
  response->set_category(req.category());
  for (auto& e : *entries) *response->add_entries() = std::move(e);
  SetNow(response->mutable_compute_time());
  return absl::OkStatus();
}

// ---------------------------------------------------------------------------------------------
// Council decisions.

grpc::ServerUnaryReactor* EvaluationService::CreateCouncilDecision(grpc::CallbackServerContext* context,
                                                                   const v1::CreateCouncilDecisionRequest* request,
                                                                   v1::CouncilDecision* response) {
  return Serve(context, request, response, runtime_->workers());
}

absl::Status EvaluationService::Answer(const Caller& caller, const v1::CreateCouncilDecisionRequest* request,
                                       v1::CouncilDecision* response) {
  if (absl::Status s = platform::RequireRole(caller, {Role::kCouncilMember}); !s.ok()) {
    return s;
  }
  v1::CreateCouncilDecisionRequest req = *request;
  if (absl::Status s = platform::NormalizeMessageText(req); !s.ok()) return s;
  if (req.request_id().empty()) {
    return platform::InvalidField("request_id", "is required: a retry must not decide twice");
  }
  if (absl::Status s = ValidateCouncilDecision(req.council_decision()); !s.ok()) return s;
  const v1::CouncilDecision& in = req.council_decision();

  absl::Status status = RunInTransaction(runtime_->db(), TxMode::kWrite, [&](Transaction& tx) -> absl::Status {
    auto seen = platform::FindResponse(tx, "CreateCouncilDecision", req.request_id(), response);
    if (!seen.ok()) return seen.status();
    if (*seen) return absl::OkStatus();
    auto nomination = GetNomination(tx, in.nomination());
    if (!nomination.ok()) return nomination.status();
    if (!*nomination) return absl::NotFoundError(absl::StrCat(in.nomination(), " is not known to evaluation"));
    const intake::v1::Nomination& n = **nomination;
    const v1::Plan* plan = plans_->Find(n.plan());
    if (plan == nullptr) {
      return absl::FailedPreconditionError(absl::StrCat(n.plan(), " is not a plan of this service"));
    }
    if (absl::Status s = CheckCouncilVote(plan->council(), in); !s.ok()) return s;
    if (n.state() != intake::v1::Nomination::STATE_SUBMITTED) {
      return platform::WithReason(absl::FailedPreconditionError(absl::StrCat(n.name(), " is not submitted")),
                                  "NOMINATION_NOT_SUBMITTED");
    }
    auto latest = LatestEvaluation(tx, n.name());
    if (!latest.ok()) return latest.status();
    if (!*latest || (*latest)->verdict() != v1::VERDICT_QUALIFIED) {
      return platform::WithReason(
          absl::FailedPreconditionError(absl::StrCat(
              "only a qualified nomination can be recognised; the latest evaluation of ", n.name(), " is ",
              *latest ? v1::Verdict_Name((*latest)->verdict()) : std::string("not made yet"))),
          "NOT_QUALIFIED");
    }
    // The council decides on the nomination as it is evaluated now, not on a version a newer
    // fact or review is about to replace.
    auto waiting = tx.Query("SELECT 1 FROM evaluation_queue WHERE nomination = ?", {platform::SqlParam(n.name())});
    if (!waiting.ok()) return waiting.status();
    if (!waiting->empty()) {
      return platform::WithReason(
          absl::FailedPreconditionError(absl::StrCat(n.name(), " is waiting to be evaluated again; decide after")),
          "EVALUATION_PENDING");
    }
    auto recognised = StandingRecognition(tx, n.name());
    if (!recognised.ok()) return recognised.status();
    if (*recognised) {
      return platform::WithReason(absl::FailedPreconditionError(absl::StrCat(
                                      n.name(), " is already recognised by ", (*recognised)->name())),
                                  "ALREADY_RECOGNISED");
    }
    v1::CouncilDecision d;
    d.set_name(absl::StrCat("councilDecisions/", platform::NewUlid()));
    d.set_nomination(n.name());
    d.set_evaluation((*latest)->name());
    d.set_decision_number(in.decision_number());
    *d.mutable_decision_date() = in.decision_date();
    d.set_recognition_title(in.recognition_title());
    d.set_award_form(in.award_form());
    d.set_award_authority_level(in.award_authority_level());
    d.set_council_members(in.council_members());
    d.set_members_present(in.members_present());
    d.set_votes_for(in.votes_for());
    d.set_required_share_bp(plan->council().required_share().minimum_share_bp());
    d.set_state(v1::CouncilDecision::STATE_RECOGNISED);
    d.set_plan(n.plan());
    d.set_category(n.category());
    d.set_nominee(n.nominee());
    d.set_nominee_display_name((*latest)->nominee_display_name());
    d.set_district(n.district());
    d.set_created_by(caller.subject);
    SetNow(d.mutable_create_time());
    *d.mutable_update_time() = d.create_time();
    d.set_etag(platform::ComputeEtag(d));
    if (absl::Status s = InsertCouncilDecision(tx, d, n.nominating_unit()); !s.ok()) return s;
    platform::Event event;
    *event.mutable_council_decision_recorded()->mutable_council_decision() = d;
    event.set_actor(caller.subject);
    event.set_request_id(req.request_id());
    if (auto appended = runtime_->events().Append(tx, event); !appended.ok()) return appended.status();
    if (absl::Status s = platform::RecordAudit(
            tx, caller, {"CreateCouncilDecision", d.name(), req.request_id(),
                          absl::StrCat(n.name(), " recognised by ", d.decision_number(), ", ", d.votes_for(), "/",
                                       d.council_members(), " votes")});
        !s.ok()) {
      return s;
    }
    *response = d;
    return platform::RememberResponse(tx, "CreateCouncilDecision", req.request_id(), caller.subject, d);
  });
  if (status.ok()) runtime_->events().Notify();
  return status;
}

namespace {

// Reads a decision and checks the caller may see it (through its nomination's units).
absl::StatusOr<v1::CouncilDecision> ReadDecision(Transaction& tx, const Caller& caller, const std::string& name) {
  if (!IdOf(name, "councilDecisions/")) return platform::InvalidField("name", "must be councilDecisions/{id}");
  auto found = LoadCouncilDecision(tx, name);
  if (!found.ok()) return found.status();
  if (!*found) return absl::NotFoundError(absl::StrCat(name, " does not exist"));
  if (caller.role == Role::kUnitOfficer) {
    auto nomination = GetNomination(tx, (*found)->nomination());
    if (!nomination.ok()) return nomination.status();
    std::string nominating = *nomination ? (*nomination)->nominating_unit() : "";
    if (absl::Status s = RequireSee(caller, nominating, (*found)->nominee(), name); !s.ok()) return s;
  }
  return **found;
}

}  // namespace

grpc::ServerUnaryReactor* EvaluationService::GetCouncilDecision(grpc::CallbackServerContext* context,
                                                                const v1::GetCouncilDecisionRequest* request,
                                                                v1::CouncilDecision* response) {
  return Serve(context, request, response, runtime_->lookups());
}

absl::Status EvaluationService::Answer(const Caller& caller, const v1::GetCouncilDecisionRequest* request,
                                       v1::CouncilDecision* response) {
  auto tx = runtime_->db().Begin(TxMode::kRead);
  if (!tx.ok()) return tx.status();
  auto decision = ReadDecision(**tx, caller, request->name());
  if (!decision.ok()) return decision.status();
  *response = std::move(*decision);
  return absl::OkStatus();
}

grpc::ServerUnaryReactor* EvaluationService::ListCouncilDecisions(grpc::CallbackServerContext* context,
                                                                  const v1::ListCouncilDecisionsRequest* request,
                                                                  v1::ListCouncilDecisionsResponse* response) {
  return Serve(context, request, response, runtime_->workers());
}

absl::Status EvaluationService::Answer(const Caller& caller, const v1::ListCouncilDecisionsRequest* request,
                                       v1::ListCouncilDecisionsResponse* response) {
  v1::ListCouncilDecisionsRequest req = *request;
  if (absl::Status s = platform::NormalizeMessageText(req); !s.ok()) return s;
  DecisionQuery q;
  if (req.order_by() != "" && req.order_by() != "decision_date desc" && req.order_by() != "nominee_display_name") {
    return platform::InvalidField("order_by", "must be decision_date desc or nominee_display_name");
  }
  q.order_by = req.order_by();
  auto filter = platform::ParseListFilter(req.filter(), {"plan", "nomination", "state", "category", "district"});
  if (!filter.ok()) return filter.status();
  q.plan = TextTerm(*filter, "plan");
  q.nomination = TextTerm(*filter, "nomination");
  q.district = TextTerm(*filter, "district");
  if (auto s = EnumTerm<v1::CouncilDecision::State>(*filter, "state", v1::CouncilDecision::State_Parse, q.state);
      !s.ok()) {
    return s;
  }
  if (auto s = EnumTerm<type::v1::Category>(*filter, "category", type::v1::Category_Parse, q.category); !s.ok()) {
    return s;
  }
  q.visible_unit = VisibleUnit(caller);
  auto size = platform::EffectivePageSize(req.page_size());
  if (!size.ok()) return size.status();
  q.page_size = *size;
  const std::string digest = platform::QueryDigest("ListCouncilDecisions", req.filter(), req.order_by());
  auto after = platform::DecodePageToken(req.page_token(), digest);
  if (!after.ok()) return after.status();
  q.after = *after;
  auto tx = runtime_->db().Begin(TxMode::kRead);
  if (!tx.ok()) return tx.status();
  auto page = QueryDecisions(**tx, q);
  if (!page.ok()) return page.status();
  for (auto& d : page->items) *response->add_council_decisions() = std::move(d);
  if (!page->next_key.empty()) response->set_next_page_token(platform::EncodePageToken(digest, page->next_key));
  return absl::OkStatus();
}

grpc::ServerUnaryReactor* EvaluationService::RevokeCouncilDecision(grpc::CallbackServerContext* context,
                                                                   const v1::RevokeCouncilDecisionRequest* request,
                                                                   v1::CouncilDecision* response) {
  return Serve(context, request, response, runtime_->workers());
}

absl::Status EvaluationService::Answer(const Caller& caller, const v1::RevokeCouncilDecisionRequest* request,
                                       v1::CouncilDecision* response) {
  if (absl::Status s = platform::RequireRole(caller, {Role::kCouncilMember}); !s.ok()) {
    return s;
  }
  v1::RevokeCouncilDecisionRequest req = *request;
  if (absl::Status s = platform::NormalizeMessageText(req); !s.ok()) return s;
  if (!IdOf(req.name(), "councilDecisions/")) {
    return platform::InvalidField("name", "must be councilDecisions/{id}");
  }
  if (req.request_id().empty()) {
    return platform::InvalidField("request_id", "is required: a retry must not revoke twice");
  }
  if (absl::Status s = ValidateRevocation(req.revocation()); !s.ok()) return s;
  absl::Status status = RunInTransaction(runtime_->db(), TxMode::kWrite, [&](Transaction& tx) -> absl::Status {
    auto seen = platform::FindResponse(tx, "RevokeCouncilDecision", req.request_id(), response);
    if (!seen.ok()) return seen.status();
    if (*seen) return absl::OkStatus();
    auto found = LoadCouncilDecision(tx, req.name());
    if (!found.ok()) return found.status();
    if (!*found) return absl::NotFoundError(absl::StrCat(req.name(), " does not exist"));
    v1::CouncilDecision d = **found;
    if (absl::Status s = platform::CheckEtag(req.etag(), d.etag(), d.name()); !s.ok()) return s;
    if (d.state() == v1::CouncilDecision::STATE_REVOKED) {
      return platform::WithReason(absl::FailedPreconditionError(absl::StrCat(d.name(), " is already revoked")),
                                  "ALREADY_REVOKED");
    }
    v1::Revocation* revocation = d.mutable_revocation();
    *revocation = req.revocation();
    revocation->set_revoked_by(caller.subject);
    SetNow(revocation->mutable_revoke_time());
    d.set_state(v1::CouncilDecision::STATE_REVOKED);
    *d.mutable_update_time() = revocation->revoke_time();
    d.set_etag(platform::ComputeEtag(d));
    if (absl::Status s = UpdateCouncilDecision(tx, d); !s.ok()) return s;
    platform::Event event;
    *event.mutable_council_decision_revoked()->mutable_council_decision() = d;
    event.set_actor(caller.subject);
    event.set_request_id(req.request_id());
    if (auto appended = runtime_->events().Append(tx, event); !appended.ok()) return appended.status();
    if (absl::Status s = platform::RecordAudit(
            tx, caller, {"RevokeCouncilDecision", d.name(), req.request_id(),
                          absl::StrCat(v1::Revocation::Reason_Name(revocation->reason()), "; ",
                                       revocation->legal_basis(), "; ", revocation->decision_number())});
        !s.ok()) {
      return s;
    }
    *response = d;
    return platform::RememberResponse(tx, "RevokeCouncilDecision", req.request_id(), caller.subject, d);
  });
  if (status.ok()) runtime_->events().Notify();
  return status;
}

}  // namespace dienhinh::evaluation
