#include "services/reporting/list_requests.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "services/platform/api/list_filter.h"
#include "services/platform/api/page_token.h"
#include "services/platform/status/error_details.h"
#include "services/reporting/annual_report_rules.h"

namespace dienhinh::reporting {
namespace {

using ::dienhinh::type::v1::Category;
using ::dienhinh::type::v1::EducationLevel;
using ::dienhinh::type::v1::Field;
using ::dienhinh::type::v1::UnitKind;

// An enum value from its name in a filter ("UNIT_KIND_SCHOOL"); UNSPECIFIED is not a value one
// filters on.
template <typename E, typename ParseFn>
absl::Status ParseEnum(const platform::ListFilter& filter, const char* field, ParseFn parse,
                       std::optional<E>* out) {
  if (!filter.Has(field)) return absl::OkStatus();
  std::string value = filter.Get(field);
  E parsed;
  if (!parse(value, &parsed) || static_cast<int>(parsed) == 0) {
    return platform::InvalidField(
        "filter", absl::StrCat("`", field, " = ", value, "`: not a value of ", field));
  }
  *out = parsed;
  return absl::OkStatus();
}

absl::Status ParseYear(const platform::ListFilter& filter, std::optional<int>* out) {
  if (!filter.Has("school_year")) return absl::OkStatus();
  std::optional<int> year = ParseSchoolYearText(filter.Get("school_year"));
  if (!year) return platform::InvalidField("filter", "school_year must be written \"2019-2020\"");
  *out = year;
  return absl::OkStatus();
}

absl::Status ParseName(const platform::ListFilter& filter, const char* field, const char* prefix,
                       std::string* out) {
  if (!filter.Has(field)) return absl::OkStatus();
  std::string value = filter.Get(field);
  if (!IsResourceName(value, prefix)) {
    return platform::InvalidField("filter", absl::StrCat(field, " must be ", prefix, "{id}"));
  }
  *out = value;
  return absl::OkStatus();
}

// order_by normalized: lower case, single spaces, no spaces at the ends.
std::string NormalizeOrder(const std::string& order_by) {
  std::vector<std::string> words = absl::StrSplit(absl::AsciiStrToLower(order_by), ' ', absl::SkipEmpty());
  return absl::StrJoin(words, " ");
}

absl::Status BadOrder(const std::string& given, const std::vector<std::string>& allowed) {
  return platform::InvalidField(
      "order_by", absl::StrCat("\"", given, "\" is not an order; use ", absl::StrJoin(allowed, ", ")));
}

absl::StatusOr<PageRequest> ParsePage(absl::string_view method, const std::string& filter,
                                      const std::string& order, int32_t page_size,
                                      const std::string& page_token) {
  PageRequest page;
  auto size = platform::EffectivePageSize(page_size);
  if (!size.ok()) return size.status();
  page.page_size = *size;
  page.digest = platform::QueryDigest(method, filter, order);
  auto after = platform::DecodePageToken(page_token, page.digest);
  if (!after.ok()) return after.status();
  page.after = std::move(*after);
  return page;
}

}  // namespace

absl::StatusOr<ComplianceFilter> ParseComplianceFilter(const std::string& text) {
  auto filter = platform::ParseListFilter(text, {"district", "kind", "level", "status", "site"});
  if (!filter.ok()) return filter.status();
  ComplianceFilter f;
  if (absl::Status s = ParseName(*filter, "district", "districts/", &f.district); !s.ok()) return s;
  f.site = filter->Get("site");
  if (absl::Status s = ParseEnum<UnitKind>(*filter, "kind", ::dienhinh::type::v1::UnitKind_Parse, &f.kind);
      !s.ok()) {
    return s;
  }
  if (absl::Status s = ParseEnum<EducationLevel>(*filter, "level",
                                                 ::dienhinh::type::v1::EducationLevel_Parse, &f.level);
      !s.ok()) {
    return s;
  }
  if (absl::Status s = ParseEnum<v1::ComplianceStatus>(*filter, "status", v1::ComplianceStatus_Parse,
                                                       &f.status);
      !s.ok()) {
    return s;
  }
  return f;
}

absl::StatusOr<ComplianceRequest> ParseComplianceRequest(const v1::ListComplianceRequest& request) {
  ComplianceRequest out;
  auto filter = ParseComplianceFilter(request.filter());
  if (!filter.ok()) return filter.status();
  out.filter = std::move(*filter);
  std::string order = NormalizeOrder(request.order_by());
  if (order.empty() || order == "unit_display_name") {
    out.order = ComplianceOrder::kUnitDisplayName;
  } else if (order == "district") {
    out.order = ComplianceOrder::kDistrict;
  } else if (order == "days_overdue desc") {
    out.order = ComplianceOrder::kDaysOverdueDesc;
  } else {
    return BadOrder(request.order_by(), {"unit_display_name", "district", "days_overdue desc"});
  }
  // The plan and year are part of what a token pages through.
  auto page = ParsePage(absl::StrCat("ListCompliance ", request.plan(), " ",
                                     request.school_year().start_year()),
                        request.filter(), order, request.page_size(), request.page_token());
  if (!page.ok()) return page.status();
  out.page = std::move(*page);
  return out;
}

absl::StatusOr<SummaryFilter> ParseSummaryFilter(const std::string& text) {
  auto filter = platform::ParseListFilter(text, {"district", "category", "level", "site"});
  if (!filter.ok()) return filter.status();
  SummaryFilter f;
  if (absl::Status s = ParseName(*filter, "district", "districts/", &f.district); !s.ok()) return s;
  f.site = filter->Get("site");
  if (absl::Status s = ParseEnum<Category>(*filter, "category", ::dienhinh::type::v1::Category_Parse,
                                           &f.category);
      !s.ok()) {
    return s;
  }
  if (absl::Status s = ParseEnum<EducationLevel>(*filter, "level",
                                                 ::dienhinh::type::v1::EducationLevel_Parse, &f.level);
      !s.ok()) {
    return s;
  }
  return f;
}

absl::StatusOr<RecognisedModelFilter> ParseRecognisedModelFilter(const std::string& text) {
  auto filter = platform::ParseListFilter(
      text, {"district", "category", "field", "level", "school_year", "site"});
  if (!filter.ok()) return filter.status();
  RecognisedModelFilter f;
  if (absl::Status s = ParseName(*filter, "district", "districts/", &f.district); !s.ok()) return s;
  f.site = filter->Get("site");
  if (absl::Status s = ParseEnum<Category>(*filter, "category", ::dienhinh::type::v1::Category_Parse,
                                           &f.category);
      !s.ok()) {
    return s;
  }
  if (absl::Status s = ParseEnum<Field>(*filter, "field", ::dienhinh::type::v1::Field_Parse, &f.field);
      !s.ok()) {
    return s;
  }
  if (absl::Status s = ParseEnum<EducationLevel>(*filter, "level",
                                                 ::dienhinh::type::v1::EducationLevel_Parse, &f.level);
      !s.ok()) {
    return s;
  }
  if (absl::Status s = ParseYear(*filter, &f.start_year); !s.ok()) return s;
  return f;
}

absl::StatusOr<RecognisedModelRequest> ParseRecognisedModelRequest(
    const v1::ListRecognisedModelsRequest& request) {
  RecognisedModelRequest out;
  auto filter = ParseRecognisedModelFilter(request.filter());
  if (!filter.ok()) return filter.status();
  out.filter = std::move(*filter);
  std::string order = NormalizeOrder(request.order_by());
  if (order.empty() || order == "nominee_display_name") {
    out.order = RecognisedModelOrder::kNomineeDisplayName;
  } else if (order == "decision_date") {
    out.order = RecognisedModelOrder::kDecisionDate;
  } else if (order == "adoptions desc") {
    out.order = RecognisedModelOrder::kAdoptionsDesc;
  } else {
    return BadOrder(request.order_by(), {"nominee_display_name", "decision_date", "adoptions desc"});
  }
  auto page = ParsePage(absl::StrCat("ListRecognisedModels ", request.plan()), request.filter(),
                        order, request.page_size(), request.page_token());
  if (!page.ok()) return page.status();
  out.page = std::move(*page);
  return out;
}

absl::StatusOr<ReplicationFilter> ParseReplicationStatsFilter(const std::string& text) {
  auto filter = platform::ParseListFilter(text, {"district", "category"});
  if (!filter.ok()) return filter.status();
  ReplicationFilter f;
  if (absl::Status s = ParseName(*filter, "district", "districts/", &f.district); !s.ok()) return s;
  if (absl::Status s = ParseEnum<Category>(*filter, "category", ::dienhinh::type::v1::Category_Parse,
                                           &f.category);
      !s.ok()) {
    return s;
  }
  return f;
}

absl::StatusOr<AnnualReportQuery> ParseAnnualReportQuery(const v1::ListAnnualReportsRequest& request) {
  AnnualReportQuery q;
  if (request.parent() != "units/-") {
    if (!UnitCodeOf(request.parent())) {
      return platform::InvalidField("parent", "is required: units/{unit}, or units/- for every unit");
    }
    q.unit = request.parent();
  }
  auto filter = platform::ParseListFilter(
      request.filter(), {"plan", "school_year", "district", "unit_kind", "timeliness", "site"});
  if (!filter.ok()) return filter.status();
  if (absl::Status s = ParseName(*filter, "plan", "plans/", &q.plan); !s.ok()) return s;
  if (absl::Status s = ParseYear(*filter, &q.start_year); !s.ok()) return s;
  if (absl::Status s = ParseName(*filter, "district", "districts/", &q.district); !s.ok()) return s;
  q.site = filter->Get("site");
  std::optional<UnitKind> kind;
  if (absl::Status s = ParseEnum<UnitKind>(*filter, "unit_kind", ::dienhinh::type::v1::UnitKind_Parse, &kind);
      !s.ok()) {
    return s;
  }
  if (kind) q.unit_kind = *kind;
  std::optional<v1::UnitAnnualReport::Timeliness> timeliness;
  if (absl::Status s = ParseEnum<v1::UnitAnnualReport::Timeliness>(
          *filter, "timeliness", v1::UnitAnnualReport::Timeliness_Parse, &timeliness);
      !s.ok()) {
    return s;
  }
  if (timeliness) q.timeliness = *timeliness;
  std::string order = NormalizeOrder(request.order_by());
  if (order.empty() || order == "first_file_time") {
    q.order = AnnualReportOrder::kFirstFileTime;
  } else if (order == "unit_display_name") {
    q.order = AnnualReportOrder::kUnitDisplayName;
  } else {
    return BadOrder(request.order_by(), {"first_file_time", "unit_display_name"});
  }
  auto page = ParsePage(absl::StrCat("ListAnnualReports ", request.parent()), request.filter(), order,
                        request.page_size(), request.page_token());
  if (!page.ok()) return page.status();
  q.page = std::move(*page);
  return q;
}

absl::StatusOr<ReplicationQuery> ParseReplicationQuery(
    const v1::ListReplicationRecordsRequest& request) {
  ReplicationQuery q;
  auto filter =
      platform::ParseListFilter(request.filter(), {"plan", "model", "adopting_unit", "district"});
  if (!filter.ok()) return filter.status();
  if (absl::Status s = ParseName(*filter, "plan", "plans/", &q.plan); !s.ok()) return s;
  if (absl::Status s = ParseName(*filter, "model", "nominations/", &q.model); !s.ok()) return s;
  if (absl::Status s = ParseName(*filter, "adopting_unit", "units/", &q.adopting_unit); !s.ok()) {
    return s;
  }
  if (absl::Status s = ParseName(*filter, "district", "districts/", &q.district); !s.ok()) return s;
  std::string order = NormalizeOrder(request.order_by());
  if (order.empty() || order == "adopted_on desc") {
    q.order = ReplicationOrder::kAdoptedOnDesc;
  } else if (order == "create_time") {
    q.order = ReplicationOrder::kCreateTime;
  } else {
    return BadOrder(request.order_by(), {"adopted_on desc", "create_time"});
  }
  auto page = ParsePage("ListReplicationRecords", request.filter(), order, request.page_size(),
                        request.page_token());
  if (!page.ok()) return page.status();
  q.page = std::move(*page);
  return q;
}

}  // namespace dienhinh::reporting
