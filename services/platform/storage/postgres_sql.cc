#include "services/platform/storage/postgres_sql.h"

#include <cstddef>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace dienhinh::platform {
namespace {

// Debian's Abseil has its own string_view type; the interface uses std::string_view.
absl::string_view AsAbsl(std::string_view text) { return {text.data(), text.size()}; }

bool IsIdentifierChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         c == '_' || c == '$' || static_cast<unsigned char>(c) >= 0x80;
}

// If a dollar quote's opening tag ($$ or $tag$) starts at `i`, its length; else 0.
// A tag is an identifier that does not start with a digit ($1 is a parameter, not a quote).
size_t DollarTagLength(std::string_view sql, size_t i) {
  size_t j = i + 1;
  if (j < sql.size() && sql[j] >= '0' && sql[j] <= '9') return 0;
  while (j < sql.size() && sql[j] != '$') {
    if (!IsIdentifierChar(sql[j])) return 0;
    ++j;
  }
  return j < sql.size() ? j - i + 1 : 0;
}

}  // namespace

PostgresStatement RewritePlaceholders(std::string_view sql) {
  PostgresStatement out;
  out.sql.reserve(sql.size() + 16);
  const size_t n = sql.size();
  size_t i = 0;
  while (i < n) {
    const char c = sql[i];
    const size_t start = i;
    if (c == '\'') {
      // E'...' strings take backslash escapes; standard strings only double the quote.
      const bool escapes = i > 0 && (sql[i - 1] == 'E' || sql[i - 1] == 'e') &&
                           (i < 2 || !IsIdentifierChar(sql[i - 2]));
      ++i;
      while (i < n) {
        if (escapes && sql[i] == '\\') {
          i += 2;
        } else if (sql[i] == '\'') {
          ++i;
          if (i < n && sql[i] == '\'') {
            ++i;
          } else {
            break;
          }
        } else {
          ++i;
        }
      }
    } else if (c == '"') {
      const size_t close = sql.find('"', i + 1);
      i = close == std::string_view::npos ? n : close + 1;
    } else if (c == '-' && i + 1 < n && sql[i + 1] == '-') {
      const size_t eol = sql.find('\n', i);
      i = eol == std::string_view::npos ? n : eol + 1;
    } else if (c == '/' && i + 1 < n && sql[i + 1] == '*') {
      int depth = 1;
      i += 2;
      while (i < n && depth > 0) {
        if (sql[i] == '/' && i + 1 < n && sql[i + 1] == '*') {
          ++depth;
          i += 2;
        } else if (sql[i] == '*' && i + 1 < n && sql[i + 1] == '/') {
          --depth;
          i += 2;
        } else {
          ++i;
        }
      }
    } else if (c == '$' && (i == 0 || !IsIdentifierChar(sql[i - 1])) &&
               DollarTagLength(sql, i) > 0) {
      const size_t tag_length = DollarTagLength(sql, i);
      const std::string_view tag = sql.substr(i, tag_length);
      const size_t close = sql.find(tag, i + tag_length);
      i = close == std::string_view::npos ? n : close + tag_length;
    } else if (c == '?') {
      absl::StrAppend(&out.sql, "$", ++out.placeholders);
      ++i;
      continue;
    } else {
      ++i;
    }
    out.sql.append(sql.data() + start, i - start);
  }
  return out;
}

absl::StatusCode StatusCodeForSqlState(std::string_view sqlstate) {
  if (sqlstate.size() != 5) return absl::StatusCode::kInternal;
  if (sqlstate == "23505") return absl::StatusCode::kAlreadyExists;  // unique_violation
  if (sqlstate == "40001" || sqlstate == "40P01") {
    return absl::StatusCode::kAborted;  // serialization_failure, deadlock_detected
  }
  // protocol_violation: here a Bind whose parameter count does not match the statement;
  // the session survives it.
  if (sqlstate == "08P01") return absl::StatusCode::kInvalidArgument;
  if (SqlStateEndsSession(sqlstate)) return absl::StatusCode::kUnavailable;
  if (sqlstate == "53300") return absl::StatusCode::kUnavailable;  // too_many_connections
  if (sqlstate == "57014") return absl::StatusCode::kDeadlineExceeded;  // query_canceled
  if (sqlstate == "25006") {
    return absl::StatusCode::kFailedPrecondition;  // read_only_sql_transaction
  }
  if (absl::StartsWith(AsAbsl(sqlstate), "23")) return absl::StatusCode::kFailedPrecondition;
  if (absl::StartsWith(AsAbsl(sqlstate), "42") || absl::StartsWith(AsAbsl(sqlstate), "22")) {
    return absl::StatusCode::kInvalidArgument;  // syntax / undefined object; bad data
  }
  return absl::StatusCode::kInternal;
}

bool SqlStateEndsSession(std::string_view sqlstate) {
  if (sqlstate == "08P01") return false;
  // Class 08 (connection exception); admin_shutdown, crash_shutdown, cannot_connect_now.
  return absl::StartsWith(AsAbsl(sqlstate), "08") || sqlstate == "57P01" || sqlstate == "57P02" ||
         sqlstate == "57P03";
}

}  // namespace dienhinh::platform
