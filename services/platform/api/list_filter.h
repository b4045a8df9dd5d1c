// The `filter` of List methods (AIP-160, the subset dienhinh uses): terms `field = value`
// joined by `AND`, where value is a double-quoted string (with \" and \\ escapes), an enum value
// name, an integer or true/false. Each List method names the fields it accepts; anything else
// is INVALID_ARGUMENT with a field violation on `filter` that says what is allowed.
#ifndef DIENHINH_SERVICES_PLATFORM_API_LIST_FILTER_H_
#define DIENHINH_SERVICES_PLATFORM_API_LIST_FILTER_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace dienhinh::platform {

class ListFilter {
 public:
  bool Has(absl::string_view field) const { return terms_.count(std::string(field)) > 0; }
  // The value of `field` (quotes removed), or "" when the filter does not name it.
  std::string Get(absl::string_view field) const;
  const std::map<std::string, std::string>& terms() const { return terms_; }

 private:
  friend absl::StatusOr<ListFilter> ParseListFilter(absl::string_view,
                                                    const std::vector<std::string>&);
  std::map<std::string, std::string> terms_;
};

// A field may appear once. An empty filter matches everything.
absl::StatusOr<ListFilter> ParseListFilter(absl::string_view filter,
                                           const std::vector<std::string>& allowed_fields);

}  // namespace dienhinh::platform

#endif  // DIENHINH_SERVICES_PLATFORM_API_LIST_FILTER_H_
