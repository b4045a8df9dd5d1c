// `dienhinh nominations create|get|update|list|submit|withdraw`: a nomination from a
// text-proto or JSON file, and its lifecycle on the intake service.
#include <iostream>
#include <set>

#include <google/protobuf/field_mask.pb.h>

#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/flag_values.h"
#include "cli/message_files.h"
#include "cli/pages.h"
#include "dienhinh/intake/v1/intake_service.grpc.pb.h"
#include "services/platform/ids/ulid.h"
#include "services/platform/status/error_details.h"
#include "services/platform/status/grpc_status.h"

namespace dienhinh::cli {
namespace {

namespace iv1 = dienhinh::intake::v1;

constexpr char kUsage[] =
    "dienhinh nominations create [FILE] [--category C --nominee N --unit U --years Y,Y "
    "--field F --achievements A] [--request_id ID] | get NAME | "
    "update NAME FILE --etag E [--fields a,b] | list [--filter F] [--order_by O] | "
    "submit NAME --etag E [--override_window --reason R] | withdraw NAME --etag E --reason R";

// Fields an update cannot change: set by the service, or fixed at creation (plan, category,
// nominee). A file that carries them (say, a `get --format json` edited and sent back) must not
// turn them into an update.
bool NotUpdatable(const std::string& field) {
  static const std::set<std::string>* const kFields = new std::set<std::string>{
      "name", "etag", "state", "create_time", "update_time", "submit_time", "created_by",
      "submitted_by", "window_override", "withdraw_time", "withdraw_reason",
      "nominee_display_name", "district", "plan", "category", "nominee"};
  return kFields->count(field) > 0;
}

// The update mask: --fields when given, otherwise every field the file sets.
google::protobuf::FieldMask UpdateMask(const CommandLine& line, const iv1::Nomination& file) {
  google::protobuf::FieldMask mask;
  if (line.Has("fields")) {
    for (const std::string& field : SplitList(line.Get("fields"))) mask.add_paths(field);
    return mask;
  }
  std::vector<const google::protobuf::FieldDescriptor*> fields;
  file.GetReflection()->ListFields(file, &fields);
  for (const auto* field : fields) {
    if (!NotUpdatable(field->name())) mask.add_paths(field->name());
  }
  return mask;
}

// The flags a clerk can type instead of (or on top of) a file: the head of the dossier. The
// evidence, attestations and vote are added with `update` and a file.
absl::Status ApplyNominationFlags(CliContext& context, iv1::Nomination* n) {
  const CommandLine& line = context.line();
  if (line.Has("plan") || n->plan().empty()) {
    auto plan = context.Plan();
    if (!plan.ok()) return plan.status();
    n->set_plan(*plan);
  }
  if (line.Has("category")) {
    auto category = ParseEnumWord("category", type::v1::Category_descriptor(), "CATEGORY_",
                                  line.Get("category"));
    if (!category.ok()) return category.status();
    n->set_category(static_cast<type::v1::Category>(*category));
  }
  if (line.Has("field")) {
    auto field = ParseEnumWord("field", type::v1::Field_descriptor(), "FIELD_", line.Get("field"));
    if (!field.ok()) return field.status();
    n->set_field(static_cast<type::v1::Field>(*field));
  }
  if (line.Has("nominee")) n->set_nominee(line.Get("nominee"));
  if (line.Has("unit")) n->set_nominating_unit(ResourceName("units", line.Get("unit")));
  if (line.Has("achievements")) n->set_achievements(line.Get("achievements"));
  if (line.Has("years")) {
    n->clear_school_years();
    for (const std::string& text : SplitList(line.Get("years"))) {
      auto year = ParseSchoolYear("years", text);
      if (!year.ok()) return year.status();
      *n->add_school_years() = *year;
    }
  }
  return absl::OkStatus();
}

std::string StateWord(iv1::Nomination::State state) {
  return EnumWord(iv1::Nomination::State_descriptor(), "STATE_", state);
}

std::string Nominee(const iv1::Nomination& n) {
  return n.nominee_display_name().empty() ? n.nominee() : n.nominee_display_name();
}

void PrintNomination(const iv1::Nomination& nomination, OutputFormat format) {
  if (format == OutputFormat::kJson) {
    std::cout << MessageJson(nomination);
    return;
  }
  Table table({"name", "state", "nominee", "unit", "etag"});
  table.AddRow({nomination.name(), StateWord(nomination.state()), Nominee(nomination),
                nomination.nominating_unit(), nomination.etag()});
  std::cout << table.Render(format);
}

int ListNominations(CliContext& context, iv1::IntakeService::Stub& stub, OutputFormat format) {
  const CommandLine& line = context.line();
  Table table({"name", "state", "category", "nominee", "unit", "school years"});
  absl::Status status = ForEachPage([&](const std::string& token) -> absl::StatusOr<std::string> {
    iv1::ListNominationsRequest request;
    request.set_filter(line.Get("filter"));
    request.set_order_by(line.Get("order_by"));
    request.set_page_size(1000);
    request.set_page_token(token);
    iv1::ListNominationsResponse response;
    grpc::ClientContext call;
    context.Prepare(call);
    absl::Status status = platform::FromGrpcStatus(stub.ListNominations(&call, request, &response));
    if (!status.ok()) return status;
    for (const iv1::Nomination& n : response.nominations()) {
      std::string years;
      for (const auto& year : n.school_years()) {
        years += (years.empty() ? "" : " ") + SchoolYearText(year);
      }
      table.AddRow({n.name(), StateWord(n.state()),
                    EnumWord(type::v1::Category_descriptor(), "CATEGORY_", n.category()),
                    Nominee(n), n.nominating_unit(), years});
    }
    return response.next_page_token();
  });
  if (!status.ok()) return ReportError(status);
  std::cout << table.Render(format);
  return kExitOk;
}

}  // namespace

int RunNominationCommands(CliContext& context) {
  const CommandLine& line = context.line();
  if (line.words.size() < 2) return UsageError(kUsage);
  auto format = context.Format();
  if (!format.ok()) return ReportError(format.status());
  auto stub = context.NewStub<iv1::IntakeService>(Service::kIntake);
  if (!stub.ok()) return ReportError(stub.status());
  const std::string& verb = line.words[1];
  if (verb == "list" && line.words.size() == 2) return ListNominations(context, **stub, *format);

  grpc::ClientContext call;
  context.Prepare(call);
  iv1::Nomination result;
  grpc::Status status;
  if (verb == "create" && line.words.size() <= 3) {
    iv1::CreateNominationRequest request;
    if (line.words.size() == 3) {
      absl::Status read = ReadMessageFile(line.words[2], request.mutable_nomination());
      if (!read.ok()) return ReportError(read);
    }
    absl::Status flags = ApplyNominationFlags(context, request.mutable_nomination());
    if (!flags.ok()) return ReportError(flags);
    request.set_request_id(line.Get("request_id", platform::NewUlid()));
    status = (*stub)->CreateNomination(&call, request, &result);
  } else if (verb == "get" && line.words.size() == 3) {
    iv1::GetNominationRequest request;
    request.set_name(ResourceName("nominations", line.words[2]));
    status = (*stub)->GetNomination(&call, request, &result);
  } else if (verb == "update" && line.words.size() == 4) {
    iv1::UpdateNominationRequest request;
    absl::Status read = ReadMessageFile(line.words[3], request.mutable_nomination());
    if (!read.ok()) return ReportError(read);
    *request.mutable_update_mask() = UpdateMask(line, request.nomination());
    request.mutable_nomination()->set_name(ResourceName("nominations", line.words[2]));
    request.mutable_nomination()->set_etag(line.Get("etag"));
    status = (*stub)->UpdateNomination(&call, request, &result);
  } else if (verb == "submit" && line.words.size() == 3) {
    iv1::SubmitNominationRequest request;
    request.set_name(ResourceName("nominations", line.words[2]));
    request.set_etag(line.Get("etag"));
    request.set_request_id(line.Get("request_id", platform::NewUlid()));
    request.set_override_window(line.Has("override_window"));
    request.set_override_reason(line.Get("reason"));
    status = (*stub)->SubmitNomination(&call, request, &result);
  } else if (verb == "withdraw" && line.words.size() == 3) {
    iv1::WithdrawNominationRequest request;
    request.set_name(ResourceName("nominations", line.words[2]));
    request.set_etag(line.Get("etag"));
    request.set_reason(line.Get("reason"));
    request.set_request_id(line.Get("request_id", platform::NewUlid()));
    status = (*stub)->WithdrawNomination(&call, request, &result);
  } else {
    return UsageError(kUsage);
  }
  if (!status.ok()) return ReportError(platform::FromGrpcStatus(status));
  PrintNomination(result, *format);
  return kExitOk;
}

}  // namespace dienhinh::cli
