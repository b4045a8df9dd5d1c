// `dienhinh evaluations list|explain` and `dienhinh review accept|reject|list`: what the
// criteria engine decided and why, criterion by criterion, and the officer's review of the
// attestations the engine cannot judge.
#include <iostream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
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

constexpr char kEvaluationsUsage[] =
    "dienhinh evaluations list [NOMINATION] [--filter F] [--all_versions] | "
    "explain NOMINATION|EVALUATION [--criteria G1,I2] [--lang vi|en]";
constexpr char kReviewUsage[] =
    "dienhinh review accept|reject NOMINATION CRITERION [--comment C] | list [NOMINATION]";

std::string VerdictWord(ev1::Verdict verdict) {
  return EnumWord(ev1::Verdict_descriptor(), "VERDICT_", verdict);
}

std::string OutcomeWord(ev1::CriterionOutcome::Outcome outcome) {
  return EnumWord(ev1::CriterionOutcome::Outcome_descriptor(), "OUTCOME_", outcome);
}

const std::string& Text(const type::v1::LocalizedText& text, bool english) {
  return english && !text.en().empty() ? text.en() : text.vi();
}

// "nominations/X" → its latest evaluation; an evaluation name stays as it is.
std::string EvaluationName(const std::string& word) {
  std::string name = ResourceName("nominations", word);
  return name.find("/evaluations/") == std::string::npos ? name + "/evaluations/latest" : name;
}

int ListEvaluations(CliContext& context, ev1::EvaluationService::Stub& stub, OutputFormat format) {
  const CommandLine& line = context.line();
  Table table({"nomination", "version", "verdict", "category", "nominee", "met", "not met",
               "pending", "trigger"});
  absl::Status status = ForEachPage([&](const std::string& token) -> absl::StatusOr<std::string> {
    ev1::ListEvaluationsRequest request;
    request.set_parent(line.words.size() == 3 ? ResourceName("nominations", line.words[2])
                                              : "nominations/-");
    request.set_filter(line.Get("filter"));
    request.set_latest_only(!line.Has("all_versions"));
    request.set_order_by(line.Get("order_by", "nominee_display_name"));
    request.set_page_size(1000);
    request.set_page_token(token);
    ev1::ListEvaluationsResponse response;
    grpc::ClientContext call;
    context.Prepare(call);
    absl::Status status = platform::FromGrpcStatus(stub.ListEvaluations(&call, request, &response));
    if (!status.ok()) return status;
    for (const ev1::Evaluation& e : response.evaluations()) {
      int met = 0, not_met = 0, pending = 0;
      for (const auto& outcome : e.outcomes()) {
        if (outcome.outcome() == ev1::CriterionOutcome::OUTCOME_MET) ++met;
        else if (outcome.outcome() == ev1::CriterionOutcome::OUTCOME_PENDING) ++pending;
        else ++not_met;  // not met, or missing data: either way it does not count as met
      }
      table.AddRow({e.nomination(), absl::StrCat(e.version()), VerdictWord(e.verdict()),
                    EnumWord(type::v1::Category_descriptor(), "CATEGORY_", e.category()),
                    e.nominee_display_name(), absl::StrCat(met), absl::StrCat(not_met),
                    absl::StrCat(pending),
                    EnumWord(ev1::EvaluationTrigger::Kind_descriptor(), "KIND_",
                             e.trigger().kind())});
    }
    return response.next_page_token();
  });
  if (!status.ok()) return ReportError(status);
  std::cout << table.Render(format);
  return kExitOk;
}

int Explain(CliContext& context, ev1::EvaluationService::Stub& stub, OutputFormat format) {
  const CommandLine& line = context.line();
  ev1::ExplainEvaluationRequest request;
  request.set_name(EvaluationName(line.words[2]));
  for (const std::string& id : SplitList(line.Get("criteria"))) request.add_criterion_ids(id);
  ev1::ExplainEvaluationResponse response;
  grpc::ClientContext call;
  context.Prepare(call);
  absl::Status status = platform::FromGrpcStatus(stub.ExplainEvaluation(&call, request, &response));
  if (!status.ok()) return ReportError(status);
  if (format == OutputFormat::kJson) {
    std::cout << MessageJson(response);
    return kExitOk;
  }
  const bool english = line.Get("lang") == "en";
  const ev1::Evaluation& e = response.evaluation();
  Table table({"criterion", "outcome", "reason", "figures", "review"});
  for (const ev1::CriterionExplanation& x : response.explanations()) {
    std::vector<std::string> figures;
    for (const ev1::FigureValue& f : x.outcome().figures()) {
      std::string year = SchoolYearText(f.school_year());
      figures.push_back(absl::StrCat(f.name(), year.empty() ? "" : " " + year, " = ",
                                     f.display_value().empty() ? absl::StrCat(f.value())
                                                               : f.display_value()));
    }
    std::string review;
    if (x.has_review()) {
      review = EnumWord(ev1::AttestationReview::Decision_descriptor(), "DECISION_",
                        x.review().decision()) + " by " + x.review().reviewer();
    }
    table.AddRow({x.criterion().id(), OutcomeWord(x.outcome().outcome()),
                  Text(x.outcome().reason(), english), absl::StrJoin(figures, "; "), review});
  }
  if (format == OutputFormat::kTable) {
    std::cout << e.nominee_display_name() << " (" << e.nomination() << "), version "
              << e.version() << ": " << VerdictWord(e.verdict()) << "\n";
  }
  std::cout << table.Render(format);
  return kExitOk;
}

}  // namespace

int RunEvaluationCommands(CliContext& context) {
  const CommandLine& line = context.line();
  auto format = context.Format();
  if (!format.ok()) return ReportError(format.status());
  auto stub = context.NewStub<ev1::EvaluationService>(Service::kEvaluation);
  if (!stub.ok()) return ReportError(stub.status());
  const std::string verb = line.words.size() > 1 ? line.words[1] : "";
  if (verb == "list" && line.words.size() <= 3) return ListEvaluations(context, **stub, *format);
  if (verb == "explain" && line.words.size() == 3) return Explain(context, **stub, *format);
  return UsageError(kEvaluationsUsage);
}

int RunReviewCommands(CliContext& context) {
  const CommandLine& line = context.line();
  auto format = context.Format();
  if (!format.ok()) return ReportError(format.status());
  auto stub = context.NewStub<ev1::EvaluationService>(Service::kEvaluation);
  if (!stub.ok()) return ReportError(stub.status());
  const std::string verb = line.words.size() > 1 ? line.words[1] : "";
  Table table({"nomination", "criterion", "decision", "reviewer", "comment"});
  auto add = [&table](const ev1::AttestationReview& r) {
    table.AddRow({r.nomination(), r.criterion_id(),
                  EnumWord(ev1::AttestationReview::Decision_descriptor(), "DECISION_",
                           r.decision()),
                  r.reviewer(), r.comment()});
  };

  if ((verb == "accept" || verb == "reject") && line.words.size() == 4) {
    ev1::ReviewAttestationRequest request;
    request.set_parent(ResourceName("nominations", line.words[2]));
    request.set_criterion_id(line.words[3]);
    request.set_decision(verb == "accept" ? ev1::AttestationReview::DECISION_ACCEPTED
                                          : ev1::AttestationReview::DECISION_REJECTED);
    request.set_comment(line.Get("comment"));
    request.set_request_id(line.Get("request_id", platform::NewUlid()));
    ev1::AttestationReview review;
    grpc::ClientContext call;
    context.Prepare(call);
    absl::Status status =
        platform::FromGrpcStatus((*stub)->ReviewAttestation(&call, request, &review));
    if (!status.ok()) return ReportError(status);
    if (*format == OutputFormat::kJson) {
      std::cout << MessageJson(review);
      return kExitOk;
    }
    add(review);
  } else if (verb == "list" && line.words.size() <= 3) {
    absl::Status status = ForEachPage([&](const std::string& token) -> absl::StatusOr<std::string> {
      ev1::ListAttestationReviewsRequest request;
      request.set_parent(line.words.size() == 3 ? ResourceName("nominations", line.words[2])
                                                : "nominations/-");
      request.set_filter(line.Get("filter"));
      request.set_page_size(1000);
      request.set_page_token(token);
      ev1::ListAttestationReviewsResponse response;
      grpc::ClientContext call;
      context.Prepare(call);
      absl::Status status =
          platform::FromGrpcStatus((*stub)->ListAttestationReviews(&call, request, &response));
      if (!status.ok()) return status;
      for (const auto& r : response.attestation_reviews()) add(r);
      return response.next_page_token();
    });
    if (!status.ok()) return ReportError(status);
  } else {
    return UsageError(kReviewUsage);
  }
  std::cout << table.Render(*format);
  return kExitOk;
}

}  // namespace dienhinh::cli
