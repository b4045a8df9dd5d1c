#include "services/platform/api/list_filter.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/platform/status/error_details.h"

namespace dienhinh::platform {
namespace {

absl::Status Bad(absl::string_view why, const std::vector<std::string>& allowed) {
  return InvalidField("filter", absl::StrCat(why, " (the form is `field = value` joined by AND; "
                                             "fields: ", absl::StrJoin(allowed, ", "), ")"));
}

bool IsNameChar(char c) { return absl::ascii_isalnum(c) || c == '_' || c == '.'; }

}  // namespace

std::string ListFilter::Get(absl::string_view field) const {
  auto it = terms_.find(std::string(field));
  return it == terms_.end() ? "" : it->second;
}

absl::StatusOr<ListFilter> ParseListFilter(absl::string_view filter,
                                           const std::vector<std::string>& allowed) {
  ListFilter out;
  size_t i = 0;
  auto skip_space = [&] {
    while (i < filter.size() && absl::ascii_isspace(filter[i])) ++i;
  };
  skip_space();
  if (i == filter.size()) return out;
  while (true) {
    skip_space();
    size_t start = i;
    while (i < filter.size() && IsNameChar(filter[i])) ++i;
    std::string field(filter.substr(start, i - start));
    if (field.empty()) return Bad(absl::StrCat("expected a field name at position ", i), allowed);
    if (std::find(allowed.begin(), allowed.end(), field) == allowed.end()) {
      return Bad(absl::StrCat("`", field, "` cannot be filtered on"), allowed);
    }
    if (out.terms_.count(field)) return Bad(absl::StrCat("`", field, "` appears twice"), allowed);
    skip_space();
    if (i >= filter.size() || filter[i] != '=') {
      return Bad(absl::StrCat("expected `=` after `", field, "`"), allowed);
    }
    ++i;
    skip_space();
    std::string value;
    if (i < filter.size() && filter[i] == '"') {
      ++i;
      bool closed = false;
      while (i < filter.size()) {
        char c = filter[i++];
        if (c == '\\' && i < filter.size()) {
          value.push_back(filter[i++]);
        } else if (c == '"') {
          closed = true;
          break;
        } else {
          value.push_back(c);
        }
      }
      if (!closed) return Bad(absl::StrCat("the value of `", field, "` has no closing quote"), allowed);
    } else {
      size_t value_start = i;
      while (i < filter.size() && (IsNameChar(filter[i]) || filter[i] == '-')) ++i;
      value = std::string(filter.substr(value_start, i - value_start));
      if (value.empty()) return Bad(absl::StrCat("`", field, "` has no value"), allowed);
    }
    out.terms_[field] = value;
    skip_space();
    if (i == filter.size()) return out;
    if (filter.substr(i, 3) != "AND" || (i + 3 < filter.size() && !absl::ascii_isspace(filter[i + 3]))) {
      return Bad(absl::StrCat("expected AND at position ", i), allowed);
    }
    i += 3;
  }
}

}  // namespace dienhinh::platform
