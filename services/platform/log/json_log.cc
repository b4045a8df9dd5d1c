#include "services/platform/log/json_log.h"

#include <atomic>
#include <cstdio>
#include <limits>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "services/platform/log/log_sink.h"

namespace dienhinh::platform {
namespace {

absl::Mutex service_mutex;
std::string& ServiceName() {
  static auto* name = new std::string("dienhinh");
  return *name;
}
std::atomic<int> min_level{static_cast<int>(LogLevel::kInfo)};

const char* LevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug: return "debug";
    case LogLevel::kInfo: return "info";
    case LogLevel::kWarning: return "warning";
    case LogLevel::kError: return "error";
  }
  return "info";
}

// Length of the valid UTF-8 sequence starting at s[i], or 0 when it is not valid.
size_t Utf8SequenceLength(absl::string_view s, size_t i) {
  unsigned char c = s[i];
  size_t n;
  uint32_t min;
  if (c < 0x80) return 1;
  if ((c & 0xE0) == 0xC0) { n = 2; min = 0x80; }
  else if ((c & 0xF0) == 0xE0) { n = 3; min = 0x800; }
  else if ((c & 0xF8) == 0xF0) { n = 4; min = 0x10000; }
  else return 0;
  if (i + n > s.size()) return 0;
  uint32_t cp = c & (0x7F >> n);
  for (size_t k = 1; k < n; ++k) {
    unsigned char cc = s[i + k];
    if ((cc & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (cc & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return n;
}

}  // namespace

void SetLogService(absl::string_view service) {
  absl::MutexLock lock(&service_mutex);
  ServiceName() = std::string(service);
}

void SetLogLevel(LogLevel level) { min_level = static_cast<int>(level); }

void AppendJsonString(std::string& out, absl::string_view text) {
  out.push_back('"');
  for (size_t i = 0; i < text.size();) {
    // A run of printable ASCII that needs no escape goes in at once (names, methods, codes:
    // most of a line), not a byte at a time.
    size_t plain = i;
    while (plain < text.size()) {
      const auto b = static_cast<unsigned char>(text[plain]);
      if (b < 0x20 || b >= 0x80 || b == '"' || b == '\\') break;
      ++plain;
    }
    if (plain > i) {
      out.append(text.data() + i, plain - i);
      i = plain;
      continue;
    }
    unsigned char c = text[i];
    if (c >= 0x80) {
      size_t n = Utf8SequenceLength(text, i);
      if (n == 0) {
        out.append("\xEF\xBF\xBD");
        ++i;
      } else {
        out.append(text.data() + i, n);
        i += n;
      }
      continue;
    }
    switch (c) {
      case '"': out.append("\\\""); break;
      case '\\': out.append("\\\\"); break;
      case '\n': out.append("\\n"); break;
      case '\r': out.append("\\r"); break;
      case '\t': out.append("\\t"); break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out.append(buf);
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
    ++i;
  }
  out.push_back('"');
}

void AppendUtcTime(std::string& out, absl::Time time) {
  // absl::FormatTime parses its format and converts through a time zone on every call (~1 µs,
  // a few per cent of a short call's work); the seconds part changes once a second, so each
  // thread keeps the text of the last second it wrote.
  thread_local int64_t cached_second = std::numeric_limits<int64_t>::min();
  thread_local std::string cached;
  const int64_t micros = absl::ToUnixMicros(time);
  int64_t second = micros / 1000000;
  int64_t fraction = micros % 1000000;
  if (fraction < 0) {
    fraction += 1000000;
    --second;
  }
  if (second != cached_second) {
    cached = absl::FormatTime("%Y-%m-%dT%H:%M:%S", absl::FromUnixSeconds(second),
                              absl::UTCTimeZone());
    cached_second = second;
  }
  // ".uuuuuuZ", written digit by digit (snprintf parsed its format for every line).
  char digits[8] = {'.', '0', '0', '0', '0', '0', '0', 'Z'};
  for (int k = 6; k >= 1; --k, fraction /= 10) digits[k] = static_cast<char>('0' + fraction % 10);
  out += cached;
  out.append(digits, sizeof digits);
}

void Log(LogLevel level, absl::string_view message, const LogFields& fields) {
  if (static_cast<int>(level) < min_level.load(std::memory_order_relaxed)) return;
  std::string line = "{\"time\":\"";
  AppendUtcTime(line, absl::Now());
  absl::StrAppend(&line, "\",\"level\":\"", LevelName(level), "\",\"service\":");
  {
    absl::MutexLock lock(&service_mutex);
    AppendJsonString(line, ServiceName());
  }
  line += ",\"message\":";
  AppendJsonString(line, message);
  for (const auto& [key, value] : fields) {
    line.push_back(',');
    AppendJsonString(line, key);
    line.push_back(':');
    if (const auto* s = std::get_if<std::string>(&value)) {
      AppendJsonString(line, *s);
    } else if (const auto* i = std::get_if<int64_t>(&value)) {
      absl::StrAppend(&line, *i);
    } else if (const auto* d = std::get_if<double>(&value)) {
      absl::StrAppend(&line, *d);
    } else {
      line += std::get<bool>(value) ? "true" : "false";
    }
  }
  line += "}\n";
  WriteLogLines(line, level >= LogLevel::kWarning);
}

}  // namespace dienhinh::platform
