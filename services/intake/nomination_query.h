// What ListNominations asks for, read from its `filter`, `order_by`, `page_size` and
// `page_token` and from who is asking: plain values the store turns into SQL. No gRPC, no SQL.
#ifndef DIENHINH_SERVICES_INTAKE_NOMINATION_QUERY_H_
#define DIENHINH_SERVICES_INTAKE_NOMINATION_QUERY_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "dienhinh/intake/v1/intake_service.pb.h"
#include "services/platform/auth/caller.h"

namespace dienhinh::intake {

enum class NominationOrder {
  kCreateTimeDesc,  // the default: newest first
  kCreateTimeAsc,
  kSubmitTimeAsc,   // drafts (never submitted) first
  kSubmitTimeDesc,
  kNomineeDisplayName,  // Vietnamese collation
};

struct NominationQuery {
  // Filter terms; empty / nullopt means "any".
  std::string plan;
  std::optional<int> school_year;  // start year of a school year the nomination covers
  std::string district;
  std::string nominating_unit;
  std::string nominee;
  std::optional<int> category;  // dienhinh.type.v1.Category
  std::optional<int> field;     // dienhinh.type.v1.Field
  std::optional<int> state;     // Nomination.State

  // What the caller may see: a unit officer only its unit's nominations; readers outside the
  // department office no drafts.
  std::string visible_unit;  // "units/{unit}" or empty for every unit
  bool hide_drafts = false;

  NominationOrder order = NominationOrder::kCreateTimeDesc;
  int page_size = 100;
  // The sort key of the last nomination of the previous page; empty for the first page.
  std::vector<std::string> after;
  // Identifies the filter and order, for page tokens.
  std::string digest;
};

// INVALID_ARGUMENT with a field violation on `filter`, `order_by`, `page_size` or `page_token`
// for anything it does not understand.
absl::StatusOr<NominationQuery> ParseNominationQuery(const v1::ListNominationsRequest& request,
                                                     const platform::Caller& caller);

}  // namespace dienhinh::intake

#endif  // DIENHINH_SERVICES_INTAKE_NOMINATION_QUERY_H_
