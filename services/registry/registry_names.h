// Resource names of the registry (AIP-122) and the text form of a school year (năm học).
//
//   districts/{district}                        the national administrative code, "916"
//   emulationBlocks/{emulation_block}           chosen at creation, "khoi-thpt"
//   units/{unit}                                the sector's unit code, "92000701", "SGDDT"
//   persons/{person}                            the HR register's code, "CT0012345"
//   units/{unit}/yearlyRecords/{school_year}    "units/92000701/yearlyRecords/2019-2020"
//   persons/{person}/yearlyRecords/{school_year}
#ifndef DIENHINH_SERVICES_REGISTRY_REGISTRY_NAMES_H_
#define DIENHINH_SERVICES_REGISTRY_REGISTRY_NAMES_H_

#include <optional>
#include <string>

#include "absl/strings/string_view.h"

namespace dienhinh::registry {

inline constexpr absl::string_view kDistrictsPrefix = "districts/";
inline constexpr absl::string_view kBlocksPrefix = "emulationBlocks/";
inline constexpr absl::string_view kUnitsPrefix = "units/";
inline constexpr absl::string_view kPersonsPrefix = "persons/";
inline constexpr absl::string_view kYearlyRecordsInfix = "/yearlyRecords/";

// Codes from the sector's registers (units, persons): 1 to 64 ASCII letters, digits, '.', '_'
// or '-'. They become part of resource names, so nothing that needs escaping.
bool IsValidCode(absl::string_view code);
// A national district code: 3 to 5 digits.
bool IsValidDistrictCode(absl::string_view code);
// An emulation block id: 1 to 63 lowercase ASCII letters, digits and hyphens, starting with a
// letter and not ending with a hyphen (AIP-122).
bool IsValidBlockId(absl::string_view id);

// The id in `name` when it is `prefix` + a valid id for that collection; nullopt otherwise.
std::optional<std::string> DistrictCodeOf(absl::string_view name);
std::optional<std::string> BlockIdOf(absl::string_view name);
std::optional<std::string> UnitCodeOf(absl::string_view name);
std::optional<std::string> PersonCodeOf(absl::string_view name);

std::string DistrictName(absl::string_view code);
std::string BlockName(absl::string_view id);
std::string UnitName(absl::string_view code);
std::string PersonName(absl::string_view code);

// Plausible school years: 1945-1946 to 2199-2200.
inline constexpr int kMinStartYear = 1945;
inline constexpr int kMaxStartYear = 2199;
bool IsValidStartYear(int start_year);
// "2019-2020" → 2019. The second year must be the first plus one.
std::optional<int> ParseSchoolYear(absl::string_view text);
// 2019 → "2019-2020".
std::string SchoolYearText(int start_year);

// A yearly record's name split: `owner` is "units/{unit}" or "persons/{person}".
struct YearlyRecordKey {
  std::string owner;
  int start_year = 0;
};
// Parses `units/{unit}/yearlyRecords/{school_year}` when `owner_prefix` is kUnitsPrefix, the
// persons form with kPersonsPrefix.
std::optional<YearlyRecordKey> ParseYearlyRecordName(absl::string_view name,
                                                     absl::string_view owner_prefix);
std::string YearlyRecordName(absl::string_view owner, int start_year);

}  // namespace dienhinh::registry

#endif  // DIENHINH_SERVICES_REGISTRY_REGISTRY_NAMES_H_
