#include "services/intake/nomination_query.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "dienhinh/type/v1/nomination_category.pb.h"
#include "services/intake/nomination_rules.h"
#include "services/platform/api/list_filter.h"
#include "services/platform/api/page_token.h"
#include "services/platform/status/error_details.h"

namespace dienhinh::intake {
namespace {

// The number of an enum value named in a filter, e.g. "STATE_SUBMITTED".
absl::StatusOr<int> EnumValue(const google::protobuf::EnumDescriptor* type,
                              const std::string& field, const std::string& name) {
  const google::protobuf::EnumValueDescriptor* value = type->FindValueByName(name);
  if (value == nullptr || value->number() == 0) {
    return platform::InvalidField(
        "filter", absl::StrCat("`", field, "` takes a value of ", type->full_name(), ", not \"",
                               name, "\""));
  }
  return value->number();
}

absl::StatusOr<NominationOrder> ParseOrder(const std::string& order_by) {
  std::vector<std::string> words =
      absl::StrSplit(order_by, absl::ByAnyChar(" \t"), absl::SkipEmpty());
  if (words.empty()) return NominationOrder::kCreateTimeDesc;
  const bool desc = words.size() == 2 && absl::AsciiStrToLower(words[1]) == "desc";
  const bool asc = words.size() == 1 || (words.size() == 2 && absl::AsciiStrToLower(words[1]) == "asc");
  if (desc || asc) {
    if (words[0] == "create_time") {
      return desc ? NominationOrder::kCreateTimeDesc : NominationOrder::kCreateTimeAsc;
    }
    if (words[0] == "submit_time") {
      return desc ? NominationOrder::kSubmitTimeDesc : NominationOrder::kSubmitTimeAsc;
    }
    if (words[0] == "nominee_display_name" && asc) return NominationOrder::kNomineeDisplayName;
  }
  return platform::InvalidField(
      "order_by", "one of `create_time desc` (default), `create_time`, `submit_time`, "
                  "`submit_time desc`, `nominee_display_name`");
}

}  // namespace

absl::StatusOr<NominationQuery> ParseNominationQuery(const v1::ListNominationsRequest& request,
                                                     const platform::Caller& caller) {
  NominationQuery query;
  auto filter = platform::ParseListFilter(
      request.filter(), {"plan", "school_year", "district", "nominating_unit", "nominee",
                         "category", "field", "state"});
  if (!filter.ok()) return filter.status();
  query.plan = filter->Get("plan");
  query.district = filter->Get("district");
  query.nominating_unit = filter->Get("nominating_unit");
  query.nominee = filter->Get("nominee");
  if (filter->Has("school_year")) {
    query.school_year = ParseSchoolYear(filter->Get("school_year"));
    if (!query.school_year) {
      return platform::InvalidField("filter", "`school_year` is written \"2019-2020\"");
    }
  }
  if (filter->Has("category")) {
    auto value = EnumValue(type::v1::Category_descriptor(), "category", filter->Get("category"));
    if (!value.ok()) return value.status();
    query.category = *value;
  }
  if (filter->Has("field")) {
    auto value = EnumValue(type::v1::Field_descriptor(), "field", filter->Get("field"));
    if (!value.ok()) return value.status();
    query.field = *value;
  }
  if (filter->Has("state")) {
    auto value = EnumValue(v1::Nomination::State_descriptor(), "state", filter->Get("state"));
    if (!value.ok()) return value.status();
    query.state = *value;
  }

  auto order = ParseOrder(request.order_by());
  if (!order.ok()) return order.status();
  query.order = *order;

  auto size = platform::EffectivePageSize(request.page_size());
  if (!size.ok()) return size.status();
  query.page_size = *size;

  query.digest = platform::QueryDigest("ListNominations", request.filter(), request.order_by());
  auto after = platform::DecodePageToken(request.page_token(), query.digest);
  if (!after.ok()) return after.status();
  query.after = *after;
  if (!query.after.empty() && query.after.size() != 2) {
    return platform::InvalidField("page_token", "is not a token of this list");
  }

  switch (caller.role) {
    case platform::Role::kUnitOfficer:
      query.visible_unit = absl::StrCat("units/", caller.unit);
      break;
    case platform::Role::kDepartmentOffice:
    case platform::Role::kAdmin:
      break;
    case platform::Role::kCouncilMember:
    case platform::Role::kViewer:
    case platform::Role::kService:
      // A draft is the unit's own work in progress (Nomination.STATE_DRAFT).
      query.hide_drafts = true;
      break;
  }
  return query;
}

}  // namespace dienhinh::intake
