// Keyset paging for this service's List methods (AIP-158): a page is "the rows after the last
// one returned, in the list's order", so each page costs the same and rows added meanwhile are
// neither skipped nor repeated. The key travels in the platform's page token.
#ifndef DIENHINH_SERVICES_EVALUATION_KEYSET_PAGE_H_
#define DIENHINH_SERVICES_EVALUATION_KEYSET_PAGE_H_

#include <string>
#include <vector>

#include "services/platform/storage/database.h"

namespace dienhinh::evaluation {

// One column of a list's order; the last ones make the order total (names, versions).
struct KeyColumn {
  std::string column;
  bool descending = false;
  bool integer = false;
};

// "a DESC, b, c" for ORDER BY.
std::string OrderByClause(const std::vector<KeyColumn>& columns);

// Appends " AND (...)" selecting the rows after `last` (one value per column, as text) in the
// order of `columns`. Nothing when `last` is empty (the first page).
void AppendAfter(const std::vector<KeyColumn>& columns, const std::vector<std::string>& last, std::string& where,
                 std::vector<platform::SqlParam>& params);

// The key of a row whose key columns are selected at `first_column` onwards.
std::vector<std::string> RowKey(const std::vector<KeyColumn>& columns, const platform::SqlRow& row, int first_column);

}  // namespace dienhinh::evaluation

#endif  // DIENHINH_SERVICES_EVALUATION_KEYSET_PAGE_H_
