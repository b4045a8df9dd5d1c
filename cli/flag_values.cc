#include "cli/flag_values.h"

#include <cstdio>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "services/platform/status/error_details.h"

namespace dienhinh::cli {

std::string ResourceName(const std::string& collection, const std::string& word) {
  const std::string prefix = collection + "/";
  return absl::StartsWith(word, prefix) ? word : prefix + word;
}

absl::StatusOr<type::v1::SchoolYear> ParseSchoolYear(const std::string& flag,
                                                     const std::string& text) {
  std::vector<std::string> parts = absl::StrSplit(text, '-');
  int start = 0, end = 0;
  bool ok = !parts.empty() && parts.size() <= 2 && absl::SimpleAtoi(parts[0], &start) &&
            start >= 1900 && start <= 2999;
  if (ok && parts.size() == 2) ok = absl::SimpleAtoi(parts[1], &end) && end == start + 1;
  if (!ok) {
    return platform::InvalidField(
        flag, absl::StrCat("\"", text, "\" is not a school year; write it as 2019-2020"));
  }
  type::v1::SchoolYear year;
  year.set_start_year(start);
  return year;
}

std::string SchoolYearText(const type::v1::SchoolYear& year) {
  if (year.start_year() == 0) return "";
  return absl::StrCat(year.start_year(), "-", year.start_year() + 1);
}

absl::StatusOr<type::v1::Date> ParseDate(const std::string& flag, const std::string& text) {
  std::vector<std::string> parts = absl::StrSplit(text, '-');
  int y = 0, m = 0, d = 0;
  bool ok = parts.size() == 3 && parts[0].size() == 4 && absl::SimpleAtoi(parts[0], &y) &&
            absl::SimpleAtoi(parts[1], &m) && absl::SimpleAtoi(parts[2], &d);
  // CivilDay normalises 2020-02-30 to 2020-03-01; a real date survives unchanged.
  absl::CivilDay day(y, m, d);
  if (!ok || day.year() != y || day.month() != m || day.day() != d) {
    return platform::InvalidField(
        flag, absl::StrCat("\"", text, "\" is not a date; write it as YYYY-MM-DD"));
  }
  type::v1::Date date;
  date.set_year(y);
  date.set_month(m);
  date.set_day(d);
  return date;
}

std::string DateText(const type::v1::Date& date) {
  if (date.year() == 0) return "";
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02d-%02d", date.year(), date.month(), date.day());
  return text;
}

absl::StatusOr<int> ParseEnumWord(const std::string& flag,
                                  const google::protobuf::EnumDescriptor* enum_type,
                                  const std::string& prefix, const std::string& word) {
  const std::string wanted = absl::AsciiStrToUpper(absl::StrReplaceAll(word, {{"-", "_"}}));
  std::vector<std::string> allowed;
  for (int i = 0; i < enum_type->value_count(); ++i) {
    const google::protobuf::EnumValueDescriptor* value = enum_type->value(i);
    if (value->number() == 0) continue;
    if (value->name() == wanted || value->name() == prefix + wanted) return value->number();
    allowed.push_back(EnumWord(enum_type, prefix, value->number()));
  }
  return platform::InvalidField(flag, absl::StrCat("\"", word, "\" is not one of: ",
                                                   absl::StrJoin(allowed, ", ")));
}

std::string EnumWord(const google::protobuf::EnumDescriptor* enum_type,
                     const std::string& prefix, int value) {
  const google::protobuf::EnumValueDescriptor* descriptor = enum_type->FindValueByNumber(value);
  if (descriptor == nullptr) return absl::StrCat(value);
  if (value == 0) return "";
  std::string name(absl::StripPrefix(descriptor->name(), prefix));
  return absl::AsciiStrToLower(absl::StrReplaceAll(name, {{"_", "-"}}));
}

std::vector<std::string> SplitList(const std::string& text) {
  std::vector<std::string> items;
  for (absl::string_view item : absl::StrSplit(text, ',')) {
    item = absl::StripAsciiWhitespace(item);
    if (!item.empty()) items.emplace_back(item);
  }
  return items;
}

std::string LocalTimeText(int64_t unix_seconds) {
  if (unix_seconds == 0) return "";
  static const absl::TimeZone* const kZone = [] {
    auto* zone = new absl::TimeZone(absl::UTCTimeZone());
    (void)absl::LoadTimeZone("Asia/Ho_Chi_Minh", zone);
    return zone;
  }();
  return absl::FormatTime("%Y-%m-%d %H:%M", absl::FromUnixSeconds(unix_seconds), *kZone);
}

std::string PercentText(int basis_points) {
  std::string text = absl::StrCat(basis_points / 100);
  if (basis_points % 100 != 0) {
    char decimals[8];
    std::snprintf(decimals, sizeof decimals, ".%02d", basis_points % 100);
    absl::StrAppend(&text, absl::StripSuffix(decimals, "0"));
  }
  return text + "%";
}

absl::StatusOr<int> ParseCount(const std::string& flag, const std::string& text) {
  int value = 0;
  if (!absl::SimpleAtoi(text, &value) || value < 0) {
    return platform::InvalidField(flag, absl::StrCat("\"", text, "\" is not a whole number"));
  }
  return value;
}

}  // namespace dienhinh::cli
