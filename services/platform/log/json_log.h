// Structured logs: one JSON object per line on stderr, the form log collectors in a
// container platform read without parsing rules. Every line has time (UTC, RFC 3339 with
// microseconds), level, service and message; callers add fields.
#ifndef DIENHINH_SERVICES_PLATFORM_LOG_JSON_LOG_H_
#define DIENHINH_SERVICES_PLATFORM_LOG_JSON_LOG_H_

#include <cstdint>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace dienhinh::platform {

enum class LogLevel { kDebug, kInfo, kWarning, kError };

using LogValue = std::variant<std::string, int64_t, double, bool>;
using LogFields = std::vector<std::pair<std::string, LogValue>>;

// Names the process in every line ("registry", "intake", ...). Call once at start.
void SetLogService(absl::string_view service);
// Lines below this level are dropped (default kInfo).
void SetLogLevel(LogLevel level);

void Log(LogLevel level, absl::string_view message, const LogFields& fields = {});
inline void LogInfo(absl::string_view message, const LogFields& fields = {}) {
  Log(LogLevel::kInfo, message, fields);
}
inline void LogWarning(absl::string_view message, const LogFields& fields = {}) {
  Log(LogLevel::kWarning, message, fields);
}
inline void LogError(absl::string_view message, const LogFields& fields = {}) {
  Log(LogLevel::kError, message, fields);
}

// Appends `text` to `out` as a JSON string literal (quotes and escapes included). Invalid
// UTF-8 bytes are replaced by U+FFFD so a bad input never makes a line unreadable.
void AppendJsonString(std::string& out, absl::string_view text);

// Appends `time` as a line's "time" field shows it: UTC to the microsecond,
// "2026-11-25T03:43:47.541533Z".
void AppendUtcTime(std::string& out, absl::Time time);

}  // namespace dienhinh::platform

#endif  // DIENHINH_SERVICES_PLATFORM_LOG_JSON_LOG_H_
