#include "services/intake/intake_service.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "services/intake/nomination_query.h"
#include "services/intake/nomination_rules.h"
#include "services/platform/api/etag.h"
#include "services/platform/api/page_token.h"
#include "services/platform/api/reply.h"
#include "services/platform/api/resource_text.h"
#include "services/platform/auth/authorization.h"
#include "services/platform/ids/ulid.h"
#include "services/platform/status/error_details.h"

namespace dienhinh::intake {
namespace {

using platform::Caller;
using platform::Role;

constexpr size_t kMaxReasonBytes = 2000;

bool IsOwnUnit(const Caller& caller, const std::string& unit_name) {
  std::optional<std::string> code = UnitCodeOf(unit_name);
  return code && !caller.unit.empty() && *code == caller.unit;
}

// Whether the caller may read `n`: its own unit's nominations for a unit officer, all for the
// department office and admins, all but drafts for everyone else.
bool MaySee(const Caller& caller, const Nomination& n) {
  switch (caller.role) {
    case Role::kUnitOfficer:
      return IsOwnUnit(caller, n.nominating_unit());
    case Role::kDepartmentOffice:
    case Role::kAdmin:
      return true;
    case Role::kCouncilMember:
    case Role::kViewer:
    case Role::kService:
      return n.state() != Nomination::STATE_DRAFT;
  }
  return false;
}

// Whether the caller may change `n`: the nominating unit's officer, the department office,
// admins.
bool MayAct(const Caller& caller, const Nomination& n) {
  switch (caller.role) {
    case Role::kUnitOfficer:
      return IsOwnUnit(caller, n.nominating_unit());
    case Role::kDepartmentOffice:
    case Role::kAdmin:
      return true;
    default:
      return false;
  }
}

absl::Status Denied(const Caller& caller, absl::string_view what) {
  return platform::WithReason(
      absl::PermissionDeniedError(absl::StrCat(std::string(platform::RoleName(caller.role)), " \"",
                                               caller.subject, "\" may not ", what)),
      "PERMISSION_DENIED");
}

absl::Status WrongState(const Nomination& n, absl::string_view what) {
  return platform::WithReason(
      absl::FailedPreconditionError(absl::StrCat(
          n.name(), " is ", Nomination::State_Name(n.state()), ": ", what)),
      kReasonWrongState, {{"state", Nomination::State_Name(n.state())}});
}

absl::Status RequireText(const std::string& value, const char* field, const char* what,
                         size_t limit = kMaxReasonBytes) {
  if (value.empty()) return platform::InvalidField(field, absl::StrCat("is required: ", what));
  if (value.size() > limit) {
    return platform::InvalidField(field, absl::StrCat("is longer than ", limit, " bytes"));
  }
  return absl::OkStatus();
}

// The id in a request's `name`.
absl::StatusOr<std::string> IdOf(const std::string& name, const char* field) {
  std::optional<std::string> id = NominationIdOf(name);
  if (!id) {
    return platform::InvalidField(field, name.empty() ? "is required: nominations/{nomination}"
                                                      : "must be nominations/{nomination}");
  }
  return *id;
}

// A remembered response that another request (another nomination) stored under the same id.
absl::Status RequestIdReused() {
  return platform::InvalidField("request_id",
                                "was already used for a request about another nomination");
}

}  // namespace

IntakeService::IntakeService(platform::ServiceRuntime* runtime, IntakeOptions options)
    : runtime_(runtime),
      options_(std::move(options)),
      store_(&runtime->db(), &runtime->events()),
      registry_(runtime->NewChannel(options_.registry_address),
                [runtime] { return runtime->ServiceToken(); }, options_.registry_deadline) {}

absl::Time IntakeService::Now() const { return options_.clock ? options_.clock() : absl::Now(); }

// --- RPCs: authenticate, then the work on the runtime's workers (it calls the registry and
// commits: never on gRPC's callback threads; a Get is a lookup, ServiceRuntime::lookups());
// one conversion to grpc::Status in Reply ---

grpc::ServerUnaryReactor* IntakeService::CreateNomination(grpc::CallbackServerContext* context,
                                                          const v1::CreateNominationRequest* request,
                                                          v1::Nomination* response) {
  return platform::ReplyAuthenticated(
      context, runtime_->authenticator(), runtime_->workers(),
      [this, request, response](const platform::Caller& caller) {
        return Create(caller, *request, response);
      });
}

grpc::ServerUnaryReactor* IntakeService::GetNomination(grpc::CallbackServerContext* context,
                                                       const v1::GetNominationRequest* request,
                                                       v1::Nomination* response) {
  return platform::ReplyAuthenticated(
      context, runtime_->authenticator(), runtime_->lookups(),
      [this, request, response](const platform::Caller& caller) {
        return Get(caller, *request, response);
      });
}

grpc::ServerUnaryReactor* IntakeService::ListNominations(grpc::CallbackServerContext* context,
                                                         const v1::ListNominationsRequest* request,
                                                         v1::ListNominationsResponse* response) {
  return platform::ReplyAuthenticated(
      context, runtime_->authenticator(), runtime_->workers(),
      [this, request, response](const platform::Caller& caller) {
        return List(caller, *request, response);
      });
}

grpc::ServerUnaryReactor* IntakeService::UpdateNomination(grpc::CallbackServerContext* context,
                                                          const v1::UpdateNominationRequest* request,
                                                          v1::Nomination* response) {
  return platform::ReplyAuthenticated(
      context, runtime_->authenticator(), runtime_->workers(),
      [this, request, response](const platform::Caller& caller) {
        return Update(caller, *request, response);
      });
}

grpc::ServerUnaryReactor* IntakeService::SubmitNomination(grpc::CallbackServerContext* context,
                                                          const v1::SubmitNominationRequest* request,
                                                          v1::Nomination* response) {
  return platform::ReplyAuthenticated(
      context, runtime_->authenticator(), runtime_->workers(),
      [this, request, response](const platform::Caller& caller) {
        return Submit(caller, *request, response);
      });
}

grpc::ServerUnaryReactor* IntakeService::WithdrawNomination(
    grpc::CallbackServerContext* context, const v1::WithdrawNominationRequest* request,
    v1::Nomination* response) {
  return platform::ReplyAuthenticated(
      context, runtime_->authenticator(), runtime_->workers(),
      [this, request, response](const platform::Caller& caller) {
        return Withdraw(caller, *request, response);
      });
}

grpc::ServerUnaryReactor* IntakeService::DeleteNomination(grpc::CallbackServerContext* context,
                                                          const v1::DeleteNominationRequest* request,
                                                          google::protobuf::Empty* response) {
  return platform::ReplyAuthenticated(
      context, runtime_->authenticator(), runtime_->workers(),
      [this, request](const platform::Caller& caller) {
        return Delete(caller, *request);
      });
}

// --- The work ---

absl::Status IntakeService::Create(const Caller& caller, v1::CreateNominationRequest request,
                                   v1::Nomination* response) {
  if (absl::Status s = platform::NormalizeMessageText(request); !s.ok()) return s;
  if (request.request_id().empty()) {
    return platform::InvalidField("request_id",
                                  "is required: an id unique to this request (ULID or UUID)");
  }
  if (!request.has_nomination()) return platform::InvalidField("nomination", "is required");
  const Nomination& input = request.nomination();
  const platform::Plan* plan = options_.plans.Find(input.plan());
  if (absl::Status s = FailuresToStatus(absl::StatusCode::kInvalidArgument,
                                        "the nomination has invalid fields",
                                        CheckNominationForm(input, plan), "nomination.");
      !s.ok()) {
    return s;
  }

  if (absl::Status s = platform::RequireRole(
          caller, {Role::kUnitOfficer, Role::kDepartmentOffice, Role::kAdmin});
      !s.ok()) {
    return s;
  }
  if (caller.role == Role::kUnitOfficer && !IsOwnUnit(caller, input.nominating_unit())) {
    return Denied(caller, absl::StrCat("nominate for ", input.nominating_unit(),
                                       ": a unit officer nominates for its own unit only"));
  }

  // A retry is answered before anything else is asked of the registry.
  auto seen = store_.Remembered("CreateNomination", request.request_id());
  if (!seen.ok()) return seen.status();
  if (*seen) {
    if (!MaySee(caller, **seen)) return RequestIdReused();
    *response = std::move(**seen);
    return absl::OkStatus();
  }

  auto facts = registry_.LookUp(input.nominee(), input.nominating_unit());
  if (!facts.ok()) return facts.status();
  if (absl::Status s = FailuresToStatus(absl::StatusCode::kFailedPrecondition,
                                        "the nominee does not fit the nomination",
                                        CheckNomineeFits(input, *plan, *facts), "nomination.");
      !s.ok()) {
    return s;
  }

  const absl::Time now = Now();
  // The etag is computed once, over the draft with the registry's facts (it was computed
  // before they were set, and again after).
  Nomination draft = NewDraft(input, *facts, platform::NewUlid(now), caller.subject, now);
  auto created = store_.Create(caller, draft, request.request_id());
  if (!created.ok()) return created.status();
  *response = std::move(*created);
  return absl::OkStatus();
}

absl::Status IntakeService::Get(const Caller& caller, const v1::GetNominationRequest& request,
                                v1::Nomination* response) {
  auto id = IdOf(request.name(), "name");
  if (!id.ok()) return id.status();
  auto n = store_.Get(*id);
  if (!n.ok()) return n.status();
  if (!MaySee(caller, *n)) return Denied(caller, absl::StrCat("read ", n->name()));
  *response = std::move(*n);
  return absl::OkStatus();
}

absl::Status IntakeService::List(const Caller& caller, const v1::ListNominationsRequest& request,
                                 v1::ListNominationsResponse* response) {
  auto query = ParseNominationQuery(request, caller);
  if (!query.ok()) return query.status();
  auto page = store_.List(*query);
  if (!page.ok()) return page.status();
  for (Nomination& n : page->nominations) *response->add_nominations() = std::move(n);
  if (!page->next_after.empty()) {
    response->set_next_page_token(platform::EncodePageToken(query->digest, page->next_after));
  }
  return absl::OkStatus();
}

absl::StatusOr<Nomination> IntakeService::LoadForChange(const Caller& caller,
                                                        const std::string& name,
                                                        const char* field) {
  auto id = IdOf(name, field);
  if (!id.ok()) return id.status();
  if (absl::Status s = platform::RequireRole(
          caller, {Role::kUnitOfficer, Role::kDepartmentOffice, Role::kAdmin});
      !s.ok()) {
    return s;
  }
  auto n = store_.Get(*id);
  if (!n.ok()) return n.status();
  if (!MayAct(caller, *n)) return Denied(caller, absl::StrCat("change ", n->name()));
  return n;
}

absl::StatusOr<const platform::Plan*> IntakeService::PlanOf(const Nomination& n) const {
  const platform::Plan* plan = options_.plans.Find(n.plan());
  if (plan == nullptr) {
    return platform::WithReason(
        absl::FailedPreconditionError(absl::StrCat(
            n.name(), " is under ", n.plan(), ", which this service no longer has (plans/)")),
        kReasonPlanNotFound);
  }
  return plan;
}

absl::Status IntakeService::Update(const Caller& caller, v1::UpdateNominationRequest request,
                                   v1::Nomination* response) {
  if (absl::Status s = platform::NormalizeMessageText(request); !s.ok()) return s;
  if (!request.has_nomination()) return platform::InvalidField("nomination", "is required");
  const Nomination& patch = request.nomination();
  if (patch.etag().empty()) {
    return platform::InvalidField("nomination.etag", "is required: the etag last read");
  }
  auto paths = UpdatablePaths(request.update_mask());
  if (!paths.ok()) return paths.status();

  auto stored = LoadForChange(caller, patch.name(), "nomination.name");
  if (!stored.ok()) return stored.status();
  if (absl::Status s = platform::CheckEtag(patch.etag(), stored->etag(), stored->name()); !s.ok()) {
    return s;
  }
  if (stored->state() == Nomination::STATE_WITHDRAWN) {
    return WrongState(*stored, "a withdrawn nomination is kept as it was");
  }
  auto plan = PlanOf(*stored);
  if (!plan.ok()) return plan.status();

  Nomination updated = ApplyUpdate(*stored, patch, *paths);
  if (absl::Status s = FailuresToStatus(absl::StatusCode::kInvalidArgument,
                                        "the nomination has invalid fields",
                                        CheckNominationForm(updated, *plan), "nomination.");
      !s.ok()) {
    return s;
  }
  if (caller.role == Role::kUnitOfficer && !IsOwnUnit(caller, updated.nominating_unit())) {
    return Denied(caller, absl::StrCat("move a nomination to ", updated.nominating_unit()));
  }
  // A submitted nomination stays one that passes the submission checks (the window aside:
  // corrections after the deadline are published and re-evaluated, not refused).
  if (stored->state() == Nomination::STATE_SUBMITTED) {
    if (absl::Status s = FailuresToStatus(absl::StatusCode::kInvalidArgument,
                                          "the update fails the submission checks",
                                          CheckDossierAgainstPlan(updated, **plan), "nomination.");
        !s.ok()) {
      return s;
    }
  }
  auto facts = registry_.LookUp(updated.nominee(), updated.nominating_unit());
  if (!facts.ok()) return facts.status();
  if (absl::Status s = FailuresToStatus(absl::StatusCode::kFailedPrecondition,
                                        "the nominee does not fit the nomination",
                                        CheckNomineeFits(updated, **plan, *facts), "nomination.");
      !s.ok()) {
    return s;
  }
  ApplyRegistryFacts(*facts, updated);
  Touch(updated, Now());

  NominationStore::Change change;
  change.method = "UpdateNomination";
  change.expected_etag = patch.etag();
  change.publish = NominationStore::Publish::kUpdatedIfSubmitted;
  for (const std::string& path : *paths) change.update_mask.add_paths(path);
  // The etag matched in the transaction, so the stored nomination is the one read above.
  change.apply = [updated = std::move(updated)](const Nomination&) -> absl::StatusOr<Nomination> {
    return updated;
  };
  auto result = store_.Apply(caller, *NominationIdOf(stored->name()), change);
  if (!result.ok()) return result.status();
  *response = std::move(*result);
  return absl::OkStatus();
}

absl::Status IntakeService::Submit(const Caller& caller, v1::SubmitNominationRequest request,
                                   v1::Nomination* response) {
  if (absl::Status s = platform::NormalizeMessageText(request); !s.ok()) return s;
  auto id = IdOf(request.name(), "name");
  if (!id.ok()) return id.status();
  if (request.etag().empty()) return platform::InvalidField("etag", "is required: the etag last read");
  if (request.request_id().empty()) {
    return platform::InvalidField("request_id",
                                  "is required: an id unique to this request (ULID or UUID)");
  }
  if (request.override_window()) {
    if (absl::Status s = RequireText(request.override_reason(), "override_reason",
                                     "why the nomination window is overridden");
        !s.ok()) {
      return s;
    }
  } else if (!request.override_reason().empty()) {
    return platform::InvalidField("override_reason", "is only given with override_window");
  }

  auto seen = store_.Remembered("SubmitNomination", request.request_id());
  if (!seen.ok()) return seen.status();
  if (*seen) {
    if ((*seen)->name() != request.name() || !MaySee(caller, **seen)) return RequestIdReused();
    *response = std::move(**seen);
    return absl::OkStatus();
  }

  auto stored = LoadForChange(caller, request.name(), "name");
  if (!stored.ok()) return stored.status();
  if (request.override_window() && caller.role != Role::kDepartmentOffice) {
    return Denied(caller, "override the nomination window: only the department office may");
  }
  if (stored->state() != Nomination::STATE_DRAFT) {
    return WrongState(*stored, "only a draft is submitted");
  }
  if (absl::Status s = platform::CheckEtag(request.etag(), stored->etag(), stored->name()); !s.ok()) {
    return s;
  }
  auto plan = PlanOf(*stored);
  if (!plan.ok()) return plan.status();

  const absl::Time now = Now();
  const bool window_open =
      CheckNominationWindow(**plan, stored->category(), now, /*override_window=*/false).ok();
  if (absl::Status s =
          CheckNominationWindow(**plan, stored->category(), now, request.override_window());
      !s.ok()) {
    return s;
  }
  if (absl::Status s = FailuresToStatus(absl::StatusCode::kFailedPrecondition,
                                        "the nomination fails the submission checks",
                                        CheckDossierAgainstPlan(*stored, **plan));
      !s.ok()) {
    return s;
  }
  auto facts = registry_.LookUp(stored->nominee(), stored->nominating_unit());
  if (!facts.ok()) return facts.status();
  if (absl::Status s = FailuresToStatus(absl::StatusCode::kFailedPrecondition,
                                        "the nominee does not fit the nomination",
                                        CheckNomineeFits(*stored, **plan, *facts));
      !s.ok()) {
    return s;
  }

  Nomination resolved = *std::move(stored);
  ApplyRegistryFacts(*facts, resolved);
  // An override is recorded only when it overrode something: a closed or unopened window.
  const std::string override_reason = window_open ? "" : request.override_reason();
  Nomination submitted = Submitted(std::move(resolved), caller.subject, now, override_reason);

  NominationStore::Change change;
  change.method = "SubmitNomination";
  change.request_id = request.request_id();
  change.expected_etag = request.etag();
  change.publish = NominationStore::Publish::kSubmitted;
  if (!override_reason.empty()) {
    change.audit_detail = absl::StrCat("nomination window overridden: ", override_reason);
  }
  change.apply = [submitted = std::move(submitted)](const Nomination&) -> absl::StatusOr<Nomination> {
    return submitted;
  };
  auto result = store_.Apply(caller, *id, change);
  if (!result.ok()) return result.status();
  *response = std::move(*result);
  return absl::OkStatus();
}

absl::Status IntakeService::Withdraw(const Caller& caller, v1::WithdrawNominationRequest request,
                                     v1::Nomination* response) {
  if (absl::Status s = platform::NormalizeMessageText(request); !s.ok()) return s;
  auto id = IdOf(request.name(), "name");
  if (!id.ok()) return id.status();
  if (request.etag().empty()) return platform::InvalidField("etag", "is required: the etag last read");
  if (absl::Status s = RequireText(request.reason(), "reason", "why the nomination is withdrawn");
      !s.ok()) {
    return s;
  }

  auto seen = store_.Remembered("WithdrawNomination", request.request_id());
  if (!seen.ok()) return seen.status();
  if (*seen) {
    if ((*seen)->name() != request.name() || !MaySee(caller, **seen)) return RequestIdReused();
    *response = std::move(**seen);
    return absl::OkStatus();
  }

  auto stored = LoadForChange(caller, request.name(), "name");
  if (!stored.ok()) return stored.status();
  if (stored->state() != Nomination::STATE_SUBMITTED) {
    return WrongState(*stored, stored->state() == Nomination::STATE_DRAFT
                                   ? "a draft is deleted, not withdrawn"
                                   : "it is already withdrawn");
  }
  if (absl::Status s = platform::CheckEtag(request.etag(), stored->etag(), stored->name()); !s.ok()) {
    return s;
  }
  Nomination withdrawn = Withdrawn(*stored, Now(), request.reason());

  NominationStore::Change change;
  change.method = "WithdrawNomination";
  change.request_id = request.request_id();
  change.expected_etag = request.etag();
  change.publish = NominationStore::Publish::kWithdrawn;
  change.audit_detail = absl::StrCat("reason: ", request.reason());
  change.apply = [withdrawn = std::move(withdrawn)](const Nomination&) -> absl::StatusOr<Nomination> {
    return withdrawn;
  };
  auto result = store_.Apply(caller, *id, change);
  if (!result.ok()) return result.status();
  *response = std::move(*result);
  return absl::OkStatus();
}

absl::Status IntakeService::Delete(const Caller& caller, const v1::DeleteNominationRequest& request) {
  auto id = IdOf(request.name(), "name");
  if (!id.ok()) return id.status();
  auto stored = LoadForChange(caller, request.name(), "name");
  if (!stored.ok()) return stored.status();
  return store_.DeleteDraft(caller, *id, request.etag());
}

}  // namespace dienhinh::intake
