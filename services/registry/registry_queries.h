// The List methods' `filter` and `order_by`, parsed into typed queries the store turns into
// SQL. Each List method accepts the fields its request documents; anything else is
// INVALID_ARGUMENT on `filter` or `order_by`. A reference may be written as a resource name
// ("districts/916") or as the bare code ("916"); enums by proto name or Vietnamese label.
#ifndef DIENHINH_SERVICES_REGISTRY_REGISTRY_QUERIES_H_
#define DIENHINH_SERVICES_REGISTRY_REGISTRY_QUERIES_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace dienhinh::registry {

// How a list is sorted. kDisplayName is Vietnamese collation with the name as tie-breaker.
enum class ListOrder { kDisplayName, kName, kSchoolYear };

absl::StatusOr<ListOrder> ParseListOrder(
    absl::string_view order_by, const std::vector<std::pair<std::string, ListOrder>>& allowed,
    ListOrder default_order);

struct DistrictQuery {
  std::string province;
};

struct BlockQuery {
  int start_year = 0;  // 0: any
  std::string unit;    // "units/X"
};

struct UnitQuery {
  std::string district;  // "districts/916"
  int kind = 0;
  int level = 0;       // the main or an additional level
  std::string parent;  // "units/X"
  std::string head;    // "persons/X"
  std::string block;   // "emulationBlocks/x"
  int start_year = 0;  // with block: membership that year
};

struct PersonQuery {
  std::string unit;
  std::string district;  // of the person's unit
  int staff_category = 0;
  std::optional<bool> holds_leadership_post;
  std::string head_of;
};

struct UnitRecordQuery {
  std::string unit;  // from the parent; empty for units/-
  int start_year = 0;
  std::string district;
  int kind = 0;
  int level = 0;
  std::string block;  // membership in the record's year
};

struct PersonRecordQuery {
  std::string person;  // from the parent; empty for persons/-
  int start_year = 0;
  std::string unit;
  std::string district;
  std::optional<bool> holds_leadership_post;
  std::string head_of;
};

absl::StatusOr<DistrictQuery> ParseDistrictFilter(absl::string_view filter);
absl::StatusOr<BlockQuery> ParseBlockFilter(absl::string_view filter);
absl::StatusOr<UnitQuery> ParseUnitFilter(absl::string_view filter);
absl::StatusOr<PersonQuery> ParsePersonFilter(absl::string_view filter);
// `parent` is `units/{unit}` or `units/-` (field `parent` when wrong).
absl::StatusOr<UnitRecordQuery> ParseUnitRecordQuery(absl::string_view parent,
                                                     absl::string_view filter);
absl::StatusOr<PersonRecordQuery> ParsePersonRecordQuery(absl::string_view parent,
                                                         absl::string_view filter);

}  // namespace dienhinh::registry

#endif  // DIENHINH_SERVICES_REGISTRY_REGISTRY_QUERIES_H_
