#include "services/registry/registry_names.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace dienhinh::registry {
namespace {

std::optional<std::string> IdAfter(absl::string_view name, absl::string_view prefix,
                                   bool (*valid)(absl::string_view)) {
  if (!absl::StartsWith(name, prefix)) return std::nullopt;
  absl::string_view id = name.substr(prefix.size());
  if (!valid(id)) return std::nullopt;
  return std::string(id);
}

}  // namespace

bool IsValidCode(absl::string_view code) {
  if (code.empty() || code.size() > 64) return false;
  for (char c : code) {
    if (!absl::ascii_isalnum(c) && c != '.' && c != '_' && c != '-') return false;
  }
  return true;
}

bool IsValidDistrictCode(absl::string_view code) {
  if (code.size() < 3 || code.size() > 5) return false;
  for (char c : code) {
    if (!absl::ascii_isdigit(c)) return false;
  }
  return true;
}

bool IsValidBlockId(absl::string_view id) {
  if (id.empty() || id.size() > 63 || !absl::ascii_islower(id.front()) || id.back() == '-') {
    return false;
  }
  for (char c : id) {
    if (!absl::ascii_islower(c) && !absl::ascii_isdigit(c) && c != '-') return false;
  }
  return true;
}

std::optional<std::string> DistrictCodeOf(absl::string_view name) {
  return IdAfter(name, kDistrictsPrefix, IsValidDistrictCode);
}
std::optional<std::string> BlockIdOf(absl::string_view name) {
  return IdAfter(name, kBlocksPrefix, IsValidBlockId);
}
std::optional<std::string> UnitCodeOf(absl::string_view name) {
  return IdAfter(name, kUnitsPrefix, IsValidCode);
}
std::optional<std::string> PersonCodeOf(absl::string_view name) {
  return IdAfter(name, kPersonsPrefix, IsValidCode);
}

std::string DistrictName(absl::string_view code) { return absl::StrCat(kDistrictsPrefix, code); }
std::string BlockName(absl::string_view id) { return absl::StrCat(kBlocksPrefix, id); }
std::string UnitName(absl::string_view code) { return absl::StrCat(kUnitsPrefix, code); }
std::string PersonName(absl::string_view code) { return absl::StrCat(kPersonsPrefix, code); }

bool IsValidStartYear(int start_year) {
  return start_year >= kMinStartYear && start_year <= kMaxStartYear;
}

std::optional<int> ParseSchoolYear(absl::string_view text) {
  text = absl::StripAsciiWhitespace(text);
  if (text.size() != 9 || text[4] != '-') return std::nullopt;
  for (size_t i : {0, 1, 2, 3, 5, 6, 7, 8}) {
    if (!absl::ascii_isdigit(text[i])) return std::nullopt;
  }
  int first = 0, second = 0;
  if (!absl::SimpleAtoi(text.substr(0, 4), &first) || !absl::SimpleAtoi(text.substr(5), &second)) {
    return std::nullopt;
  }
  if (second != first + 1 || !IsValidStartYear(first)) return std::nullopt;
  return first;
}

std::string SchoolYearText(int start_year) { return absl::StrCat(start_year, "-", start_year + 1); }

std::optional<YearlyRecordKey> ParseYearlyRecordName(absl::string_view name,
                                                     absl::string_view owner_prefix) {
  size_t infix = name.find(kYearlyRecordsInfix);
  if (infix == absl::string_view::npos) return std::nullopt;
  absl::string_view owner = name.substr(0, infix);
  if (!absl::StartsWith(owner, owner_prefix) || !IsValidCode(owner.substr(owner_prefix.size()))) {
    return std::nullopt;
  }
  std::optional<int> year = ParseSchoolYear(name.substr(infix + kYearlyRecordsInfix.size()));
  // ParseSchoolYear trims; a name must not carry spaces.
  if (!year || name.back() == ' ' || name.size() != infix + kYearlyRecordsInfix.size() + 9) {
    return std::nullopt;
  }
  return YearlyRecordKey{std::string(owner), *year};
}

std::string YearlyRecordName(absl::string_view owner, int start_year) {
  return absl::StrCat(owner, kYearlyRecordsInfix, SchoolYearText(start_year));
}

}  // namespace dienhinh::registry
