// `dienhinh council recognise|revoke|list`: the emulation council's decisions. A recognition
// records the council's vote on a nomination (the service checks the vote against the plan's
// rule and the nomination's latest verdict); a revocation needs its legal ground, basis and
// the revoking decision.
#include <iostream>

#include "absl/strings/str_cat.h"
#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/flag_values.h"
#include "cli/message_files.h"
#include "cli/pages.h"
#include "dienhinh/evaluation/v1/evaluation_service.grpc.pb.h"
#include "services/platform/ids/ulid.h"
#include "services/platform/status/grpc_status.h"

namespace dienhinh::cli {
namespace {

namespace ev1 = dienhinh::evaluation::v1;

constexpr char kUsage[] =
    "dienhinh council recognise NOMINATION --number N --date YYYY-MM-DD --title T "
    "--members M --present P --votes_for V [--award_form F] [--authority L] [--file F] | "
    "revoke DECISION --reason false-dossier|review-broke-rules|criteria-not-met "
    "--legal_basis B --number N --date YYYY-MM-DD [--explanation E] [--etag E] | "
    "list [--filter F]";

// Sets an int32 field from a whole-number flag when the flag is given.
absl::Status CountFlag(const CommandLine& line, const std::string& flag,
                       void (ev1::CouncilDecision::*set)(int32_t), ev1::CouncilDecision* d) {
  if (!line.Has(flag)) return absl::OkStatus();
  auto value = ParseCount(flag, line.Get(flag));
  if (!value.ok()) return value.status();
  (d->*set)(*value);
  return absl::OkStatus();
}

// The decision from --file (when given) with the flags on top.
absl::Status DecisionFromLine(const CommandLine& line, ev1::CouncilDecision* d) {
  if (line.Has("file")) {
    absl::Status read = ReadMessageFile(line.Get("file"), d);
    if (!read.ok()) return read;
  }
  if (line.words.size() == 3) d->set_nomination(ResourceName("nominations", line.words[2]));
  if (line.Has("evaluation")) d->set_evaluation(line.Get("evaluation"));
  if (line.Has("number")) d->set_decision_number(line.Get("number"));
  if (line.Has("title")) d->set_recognition_title(line.Get("title"));
  if (line.Has("date")) {
    auto date = ParseDate("date", line.Get("date"));
    if (!date.ok()) return date.status();
    *d->mutable_decision_date() = *date;
  }
  if (line.Has("award_form")) {
    auto form = ParseEnumWord("award_form", type::v1::AwardForm_descriptor(), "AWARD_FORM_",
                              line.Get("award_form"));
    if (!form.ok()) return form.status();
    d->set_award_form(static_cast<type::v1::AwardForm>(*form));
  }
  if (line.Has("authority")) {
    auto level = ParseEnumWord("authority", type::v1::AuthorityLevel_descriptor(),
                               "AUTHORITY_LEVEL_", line.Get("authority"));
    if (!level.ok()) return level.status();
    d->set_award_authority_level(static_cast<type::v1::AuthorityLevel>(*level));
  }
  for (absl::Status s : {CountFlag(line, "members", &ev1::CouncilDecision::set_council_members, d),
                         CountFlag(line, "present", &ev1::CouncilDecision::set_members_present, d),
                         CountFlag(line, "votes_for", &ev1::CouncilDecision::set_votes_for, d)}) {
    if (!s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::Status RevocationFromLine(const CommandLine& line, ev1::Revocation* r) {
  if (line.Has("reason")) {
    auto reason = ParseEnumWord("reason", ev1::Revocation::Reason_descriptor(), "REASON_",
                                line.Get("reason"));
    if (!reason.ok()) return reason.status();
    r->set_reason(static_cast<ev1::Revocation::Reason>(*reason));
  }
  r->set_legal_basis(line.Get("legal_basis"));
  r->set_decision_number(line.Get("number"));
  r->set_explanation(line.Get("explanation"));
  if (line.Has("date")) {
    auto date = ParseDate("date", line.Get("date"));
    if (!date.ok()) return date.status();
    *r->mutable_decision_date() = *date;
  }
  return absl::OkStatus();
}

void AddRow(Table& table, const ev1::CouncilDecision& d) {
  table.AddRow({d.name(), EnumWord(ev1::CouncilDecision::State_descriptor(), "STATE_", d.state()),
                d.nominee_display_name(), d.decision_number(), DateText(d.decision_date()),
                d.recognition_title(),
                absl::StrCat(d.votes_for(), "/", d.members_present(), "/", d.council_members()),
                d.nomination(), d.etag()});
}

}  // namespace

int RunCouncilCommands(CliContext& context) {
  const CommandLine& line = context.line();
  auto format = context.Format();
  if (!format.ok()) return ReportError(format.status());
  auto stub = context.NewStub<ev1::EvaluationService>(Service::kEvaluation);
  if (!stub.ok()) return ReportError(stub.status());
  const std::string verb = line.words.size() > 1 ? line.words[1] : "";
  Table table({"name", "state", "nominee", "number", "date", "title", "votes/present/members",
               "nomination", "etag"});
  ev1::CouncilDecision result;
  absl::Status status;

  if ((verb == "recognise" || verb == "recognize") &&
      (line.words.size() == 3 || (line.words.size() == 2 && line.Has("file")))) {
    ev1::CreateCouncilDecisionRequest request;
    status = DecisionFromLine(line, request.mutable_council_decision());
    if (!status.ok()) return ReportError(status);
    request.set_request_id(line.Get("request_id", platform::NewUlid()));
    grpc::ClientContext call;
    context.Prepare(call);
    status = platform::FromGrpcStatus((*stub)->CreateCouncilDecision(&call, request, &result));
  } else if (verb == "revoke" && line.words.size() == 3) {
    ev1::RevokeCouncilDecisionRequest request;
    request.set_name(ResourceName("councilDecisions", line.words[2]));
    status = RevocationFromLine(line, request.mutable_revocation());
    if (!status.ok()) return ReportError(status);
    request.set_etag(line.Get("etag"));
    request.set_request_id(line.Get("request_id", platform::NewUlid()));
    grpc::ClientContext call;
    context.Prepare(call);
    status = platform::FromGrpcStatus((*stub)->RevokeCouncilDecision(&call, request, &result));
  } else if (verb == "list" && line.words.size() == 2) {
    status = ForEachPage([&](const std::string& token) -> absl::StatusOr<std::string> {
      ev1::ListCouncilDecisionsRequest request;
      request.set_filter(line.Get("filter"));
      request.set_order_by(line.Get("order_by"));
      request.set_page_size(1000);
      request.set_page_token(token);
      ev1::ListCouncilDecisionsResponse response;
      grpc::ClientContext call;
      context.Prepare(call);
      absl::Status status =
          platform::FromGrpcStatus((*stub)->ListCouncilDecisions(&call, request, &response));
      if (!status.ok()) return status;
      for (const auto& d : response.council_decisions()) AddRow(table, d);
      return response.next_page_token();
    });
    if (!status.ok()) return ReportError(status);
    std::cout << table.Render(*format);
    return kExitOk;
  } else {
    return UsageError(kUsage);
  }
  if (!status.ok()) return ReportError(status);
  if (*format == OutputFormat::kJson) {
    std::cout << MessageJson(result);
    return kExitOk;
  }
  AddRow(table, result);
  std::cout << table.Render(*format);
  return kExitOk;
}

}  // namespace dienhinh::cli
