#include "services/registry/registry_queries.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "dienhinh/registry/v1/person.pb.h"
#include "dienhinh/type/v1/organisation.pb.h"
#include "services/platform/api/list_filter.h"
#include "services/platform/status/error_details.h"
#include "services/registry/enum_labels.h"
#include "services/registry/registry_names.h"

namespace dienhinh::registry {
namespace {

absl::Status BadFilter(absl::string_view field, absl::string_view why) {
  return platform::InvalidField("filter", absl::StrCat("`", field, "` ", why));
}

// A reference written as "prefix/id" or as the bare id; "" when the filter does not name it.
absl::StatusOr<std::string> Reference(const platform::ListFilter& filter, absl::string_view field,
                                      absl::string_view prefix,
                                      std::optional<std::string> (*id_of)(absl::string_view)) {
  if (!filter.Has(field)) return std::string();
  std::string value = filter.Get(field);
  std::string name = absl::StartsWith(value, prefix) ? value : absl::StrCat(prefix, value);
  if (!id_of(name)) {
    return BadFilter(field,
                     absl::StrCat("must name a resource, ", prefix, "{id}; got \"", value, "\""));
  }
  return name;
}

absl::StatusOr<int> Enum(const platform::ListFilter& filter, absl::string_view field,
                         const google::protobuf::EnumDescriptor* type) {
  if (!filter.Has(field)) return 0;
  std::optional<int> value = ParseEnumLabel(type, filter.Get(field));
  if (!value) return BadFilter(field, absl::StrCat("must be one of ", AcceptedLabels(type)));
  return *value;
}

absl::StatusOr<int> SchoolYear(const platform::ListFilter& filter) {
  if (!filter.Has("school_year")) return 0;
  std::optional<int> year = ParseSchoolYear(filter.Get("school_year"));
  if (!year) return BadFilter("school_year", "must be a school year such as \"2019-2020\"");
  return *year;
}

absl::StatusOr<std::optional<bool>> Bool(const platform::ListFilter& filter,
                                         absl::string_view field) {
  if (!filter.Has(field)) return std::optional<bool>();
  std::string value = absl::AsciiStrToLower(filter.Get(field));
  if (value == "true") return std::optional<bool>(true);
  if (value == "false") return std::optional<bool>(false);
  return BadFilter(field, "must be true or false");
}

#define DH_ASSIGN(lhs, expr)                  \
  {                                           \
    auto value_ = (expr);                     \
    if (!value_.ok()) return value_.status(); \
    lhs = std::move(*value_);                 \
  }

}  // namespace

absl::StatusOr<ListOrder> ParseListOrder(
    absl::string_view order_by, const std::vector<std::pair<std::string, ListOrder>>& allowed,
    ListOrder default_order) {
  std::string text(absl::StripAsciiWhitespace(order_by));
  if (text.empty()) return default_order;
  std::string names;
  for (const auto& [name, order] : allowed) {
    if (text == name || text == name + " asc") return order;
    absl::StrAppend(&names, names.empty() ? "" : ", ", name);
  }
  return platform::InvalidField("order_by", absl::StrCat("must be one of: ", names));
}

absl::StatusOr<DistrictQuery> ParseDistrictFilter(absl::string_view text) {
  auto filter = platform::ParseListFilter(text, {"province"});
  if (!filter.ok()) return filter.status();
  return DistrictQuery{filter->Get("province")};
}

absl::StatusOr<BlockQuery> ParseBlockFilter(absl::string_view text) {
  auto filter = platform::ParseListFilter(text, {"school_year", "unit"});
  if (!filter.ok()) return filter.status();
  BlockQuery q;
  DH_ASSIGN(q.start_year, SchoolYear(*filter));
  DH_ASSIGN(q.unit, Reference(*filter, "unit", kUnitsPrefix, UnitCodeOf));
  return q;
}

absl::StatusOr<UnitQuery> ParseUnitFilter(absl::string_view text) {
  auto filter = platform::ParseListFilter(
      text, {"district", "kind", "level", "parent", "head", "emulation_block", "school_year"});
  if (!filter.ok()) return filter.status();
  UnitQuery q;
  DH_ASSIGN(q.district, Reference(*filter, "district", kDistrictsPrefix, DistrictCodeOf));
  DH_ASSIGN(q.kind, Enum(*filter, "kind", type::v1::UnitKind_descriptor()));
  DH_ASSIGN(q.level, Enum(*filter, "level", type::v1::EducationLevel_descriptor()));
  DH_ASSIGN(q.parent, Reference(*filter, "parent", kUnitsPrefix, UnitCodeOf));
  DH_ASSIGN(q.head, Reference(*filter, "head", kPersonsPrefix, PersonCodeOf));
  DH_ASSIGN(q.block, Reference(*filter, "emulation_block", kBlocksPrefix, BlockIdOf));
  DH_ASSIGN(q.start_year, SchoolYear(*filter));
  if (q.start_year != 0 && q.block.empty()) {
    return BadFilter("school_year",
                     "applies to units only with `emulation_block` (membership that year)");
  }
  return q;
}

absl::StatusOr<PersonQuery> ParsePersonFilter(absl::string_view text) {
  auto filter = platform::ParseListFilter(
      text, {"unit", "district", "staff_category", "holds_leadership_post", "head_of"});
  if (!filter.ok()) return filter.status();
  PersonQuery q;
  DH_ASSIGN(q.unit, Reference(*filter, "unit", kUnitsPrefix, UnitCodeOf));
  DH_ASSIGN(q.district, Reference(*filter, "district", kDistrictsPrefix, DistrictCodeOf));
  DH_ASSIGN(q.staff_category,
            Enum(*filter, "staff_category", v1::Person::StaffCategory_descriptor()));
  DH_ASSIGN(q.holds_leadership_post, Bool(*filter, "holds_leadership_post"));
  DH_ASSIGN(q.head_of, Reference(*filter, "head_of", kUnitsPrefix, UnitCodeOf));
  return q;
}

absl::StatusOr<UnitRecordQuery> ParseUnitRecordQuery(absl::string_view parent,
                                                     absl::string_view text) {
  UnitRecordQuery q;
  if (parent != "units/-") {
    if (!UnitCodeOf(parent)) {
      return platform::InvalidField("parent", "must be units/{unit code} or units/- for all units");
    }
    q.unit = std::string(parent);
  }
  auto filter = platform::ParseListFilter(
      text, {"school_year", "district", "kind", "level", "emulation_block"});
  if (!filter.ok()) return filter.status();
  DH_ASSIGN(q.start_year, SchoolYear(*filter));
  DH_ASSIGN(q.district, Reference(*filter, "district", kDistrictsPrefix, DistrictCodeOf));
  DH_ASSIGN(q.kind, Enum(*filter, "kind", type::v1::UnitKind_descriptor()));
  DH_ASSIGN(q.level, Enum(*filter, "level", type::v1::EducationLevel_descriptor()));
  DH_ASSIGN(q.block, Reference(*filter, "emulation_block", kBlocksPrefix, BlockIdOf));
  return q;
}

absl::StatusOr<PersonRecordQuery> ParsePersonRecordQuery(absl::string_view parent,
                                                         absl::string_view text) {
  PersonRecordQuery q;
  if (parent != "persons/-") {
    if (!PersonCodeOf(parent)) {
      return platform::InvalidField("parent", "must be persons/{person code} or persons/- for all");
    }
    q.person = std::string(parent);
  }
  auto filter = platform::ParseListFilter(
      text, {"school_year", "unit", "district", "holds_leadership_post", "head_of"});
  if (!filter.ok()) return filter.status();
  DH_ASSIGN(q.start_year, SchoolYear(*filter));
  DH_ASSIGN(q.unit, Reference(*filter, "unit", kUnitsPrefix, UnitCodeOf));
  DH_ASSIGN(q.district, Reference(*filter, "district", kDistrictsPrefix, DistrictCodeOf));
  DH_ASSIGN(q.holds_leadership_post, Bool(*filter, "holds_leadership_post"));
  DH_ASSIGN(q.head_of, Reference(*filter, "head_of", kUnitsPrefix, UnitCodeOf));
  return q;
}

}  // namespace dienhinh::registry
