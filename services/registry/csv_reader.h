// Reads CSV the way EMIS and HR exports come: UTF-8 with or without a byte-order mark, fields
// separated by commas (or semicolons, which Excel writes in Vietnamese locales), quoted fields
// with "" for a quote and line breaks inside, CRLF or LF line ends. Input arrives in chunks
// (a client stream) and rows come out as soon as they are whole, so a large file never sits
// in memory at once.
#ifndef DIENHINH_SERVICES_REGISTRY_CSV_READER_H_
#define DIENHINH_SERVICES_REGISTRY_CSV_READER_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace dienhinh::registry {

struct CsvRow {
  int64_t line = 0;  // the line the row starts on, 1-based, counting the header as line 1
  std::vector<std::string> fields;
};

class CsvReader {
 public:
  // Called with each complete row; a non-OK status stops reading and is returned by Feed or
  // Finish.
  using RowSink = std::function<absl::Status(const CsvRow& row)>;

  explicit CsvReader(RowSink sink, size_t max_field_bytes = 64 << 10)
      : sink_(std::move(sink)), max_field_bytes_(max_field_bytes) {}

  // Feeds the next bytes of the file. INVALID_ARGUMENT for a quote in the middle of an
  // unquoted field, a field over the size limit, or a NUL byte.
  absl::Status Feed(absl::string_view chunk);
  // End of input: emits the last row; INVALID_ARGUMENT for a quoted field left open.
  absl::Status Finish();

  int64_t rows() const { return rows_; }
  // The line being read: after an error, the line it names.
  int64_t line() const { return line_; }

 private:
  absl::Status Process(absl::string_view chunk);
  absl::Status ProcessHeld();
  absl::Status Append(char c);
  bool IsSeparator(char c);
  absl::Status NewLine();
  absl::Status EndField();
  absl::Status EndRow();
  absl::Status Error(absl::string_view what) const;

  enum class State { kFieldStart, kUnquoted, kQuoted, kQuoteInQuoted, kAfterCr };

  RowSink sink_;
  size_t max_field_bytes_;
  State state_ = State::kFieldStart;
  char separator_ = 0;  // decided by the first unquoted ',' or ';' of the header
  bool bom_checked_ = false;
  std::string held_;  // the first bytes, until we know whether they are a byte-order mark
  std::string field_;
  CsvRow row_{1, {}};
  int64_t line_ = 1;
  int64_t rows_ = 0;
  bool row_has_content_ = false;
};

}  // namespace dienhinh::registry

#endif  // DIENHINH_SERVICES_REGISTRY_CSV_READER_H_
