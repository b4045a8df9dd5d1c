// Turning what people type into request fields: resource names with or without their
// collection ("NOM123" or "nominations/NOM123"), school years ("2019-2020" or "2019"), dates
// ("2020-08-20"), enum values by their short lower-case word ("accepted", "false-dossier"), and
// back again for the tables. Errors are INVALID_ARGUMENT naming the flag, so the CLI prints
// which flag to fix.
#ifndef DIENHINH_CLI_FLAG_VALUES_H_
#define DIENHINH_CLI_FLAG_VALUES_H_

#include <string>
#include <vector>

#include <google/protobuf/descriptor.h>

#include "absl/status/statusor.h"
#include "dienhinh/type/v1/calendar.pb.h"

namespace dienhinh::cli {

// "nominations/X" stays; "X" becomes "nominations/X".
std::string ResourceName(const std::string& collection, const std::string& word);

// "2019-2020" (consecutive years) or "2019" → start year 2019.
absl::StatusOr<type::v1::SchoolYear> ParseSchoolYear(const std::string& flag,
                                                     const std::string& text);
// "2019-2020".
std::string SchoolYearText(const type::v1::SchoolYear& year);

// "YYYY-MM-DD", a real calendar date.
absl::StatusOr<type::v1::Date> ParseDate(const std::string& flag, const std::string& text);
std::string DateText(const type::v1::Date& date);

// The value of `enum_type` named by `word`: the full name ("DECISION_ACCEPTED") or the part
// after `prefix` in any case with '-' for '_' ("accepted", "Accepted"). The error lists the
// words allowed. The UNSPECIFIED value is never accepted.
absl::StatusOr<int> ParseEnumWord(const std::string& flag,
                                  const google::protobuf::EnumDescriptor* enum_type,
                                  const std::string& prefix, const std::string& word);
// The short word for `value`: "not-qualified" for VERDICT_NOT_QUALIFIED with prefix "VERDICT_";
// the number for a value the descriptor does not know (a newer server).
std::string EnumWord(const google::protobuf::EnumDescriptor* enum_type,
                     const std::string& prefix, int value);

// "a,b, c" → {"a","b","c"}; empty items dropped.
std::vector<std::string> SplitList(const std::string& text);

// A time as people in Vietnam read it: "2020-06-03 14:05" in Asia/Ho_Chi_Minh (UTC when the
// machine has no time zone data); empty for an unset time.
std::string LocalTimeText(int64_t unix_seconds);

// Basis points as a percentage: 4550 → "45.5%".
std::string PercentText(int basis_points);

// A non-negative whole number.
absl::StatusOr<int> ParseCount(const std::string& flag, const std::string& text);

}  // namespace dienhinh::cli

#endif  // DIENHINH_CLI_FLAG_VALUES_H_
