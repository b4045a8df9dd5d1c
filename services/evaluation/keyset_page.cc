#include "services/evaluation/keyset_page.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace dienhinh::evaluation {
namespace {

platform::SqlParam Value(const KeyColumn& c, const std::string& text) {
  if (!c.integer) return platform::SqlParam(text);
  int64_t v = 0;
  if (!absl::SimpleAtoi(text, &v)) v = 0;
  return platform::SqlParam(v);
}

}  // namespace

std::string OrderByClause(const std::vector<KeyColumn>& columns) {
  std::string out;
  for (const KeyColumn& c : columns) {
    absl::StrAppend(&out, out.empty() ? "" : ", ", c.column, c.descending ? " DESC" : "");
  }
  return out;
}

void AppendAfter(const std::vector<KeyColumn>& columns, const std::vector<std::string>& last, std::string& where,
                 std::vector<platform::SqlParam>& params) {
  if (last.size() != columns.size()) return;
  // (c1 > ?) OR (c1 = ? AND c2 > ?) OR ... with < for descending columns.
  std::string condition;
  for (size_t i = 0; i < columns.size(); ++i) {
    std::string term;
    for (size_t j = 0; j < i; ++j) {
      absl::StrAppend(&term, columns[j].column, " = ? AND ");
      params.push_back(Value(columns[j], last[j]));
    }
    absl::StrAppend(&term, columns[i].column, columns[i].descending ? " < ?" : " > ?");
    params.push_back(Value(columns[i], last[i]));
    absl::StrAppend(&condition, condition.empty() ? "" : " OR ", "(", term, ")");
  }
  absl::StrAppend(&where, " AND (", condition, ")");
}

std::vector<std::string> RowKey(const std::vector<KeyColumn>& columns, const platform::SqlRow& row, int first_column) {
  std::vector<std::string> key;
  for (size_t i = 0; i < columns.size(); ++i) {
    int column = first_column + static_cast<int>(i);
    key.push_back(columns[i].integer ? absl::StrCat(row.Int(column)) : row.Text(column));
  }
  return key;
}

}  // namespace dienhinh::evaluation
