#include "services/registry/csv_reader.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace dienhinh::registry {

namespace {
constexpr absl::string_view kBom = "\xEF\xBB\xBF";
}  // namespace

absl::Status CsvReader::Error(absl::string_view what) const {
  return absl::InvalidArgumentError(absl::StrCat("line ", line_, ": ", what));
}

absl::Status CsvReader::EndField() {
  row_.fields.push_back(std::move(field_));
  field_.clear();
  return absl::OkStatus();
}

absl::Status CsvReader::EndRow() {
  if (absl::Status s = EndField(); !s.ok()) return s;
  absl::Status status = absl::OkStatus();
  // A line with nothing on it (often the last one) is not a row.
  bool blank = row_.fields.size() == 1 && row_.fields[0].empty() && !row_has_content_;
  if (!blank) {
    ++rows_;
    status = sink_(row_);
  }
  row_.fields.clear();
  row_has_content_ = false;
  return status;
}

absl::Status CsvReader::Feed(absl::string_view chunk) {
  if (bom_checked_) return Process(chunk);
  // The mark may be split across chunks: hold the first three bytes until we know.
  held_.append(chunk.data(), chunk.size());
  if (held_.size() < kBom.size()) return absl::OkStatus();
  return ProcessHeld();
}

absl::Status CsvReader::ProcessHeld() {
  bom_checked_ = true;
  std::string held = std::move(held_);
  held_.clear();
  absl::string_view view(held);
  if (absl::StartsWith(view, kBom)) view.remove_prefix(kBom.size());
  return Process(view);
}

absl::Status CsvReader::Append(char c) {
  if (field_.size() >= max_field_bytes_) {
    return Error(absl::StrCat("a field is longer than ", max_field_bytes_, " bytes"));
  }
  field_.push_back(c);
  return absl::OkStatus();
}

bool CsvReader::IsSeparator(char c) {
  if (c != ',' && c != ';') return false;
  if (separator_ == 0) separator_ = c;  // the first one seen decides, for the whole file
  return c == separator_;
}

absl::Status CsvReader::NewLine() {
  absl::Status s = EndRow();
  ++line_;
  row_.line = line_;
  state_ = State::kFieldStart;
  return s;
}

absl::Status CsvReader::Process(absl::string_view chunk) {
  for (size_t i = 0; i < chunk.size(); ++i) {
    char c = chunk[i];
    if (c == '\0') return Error("NUL byte: the file is not text");
    absl::Status s;
    switch (state_) {
      case State::kAfterCr:
        s = NewLine();
        if (!s.ok()) return s;
        if (c == '\n') continue;
        [[fallthrough]];
      case State::kFieldStart:
        if (c == '"') {
          state_ = State::kQuoted;
          row_has_content_ = true;
        } else if (IsSeparator(c)) {
          row_has_content_ = true;
          s = EndField();
        } else if (c == '\r') {
          state_ = State::kAfterCr;
        } else if (c == '\n') {
          s = NewLine();
        } else {
          row_has_content_ = true;
          state_ = State::kUnquoted;
          s = Append(c);
        }
        break;
      case State::kUnquoted:
        if (IsSeparator(c)) {
          s = EndField();
          state_ = State::kFieldStart;
        } else if (c == '\r') {
          state_ = State::kAfterCr;
        } else if (c == '\n') {
          s = NewLine();
        } else if (c == '"') {
          return Error("a quote inside an unquoted field (quote the whole field and double the quote)");
        } else {
          s = Append(c);
        }
        break;
      case State::kQuoted:
        if (c == '"') {
          state_ = State::kQuoteInQuoted;
        } else {
          if (c == '\n') ++line_;
          s = Append(c);
        }
        break;
      case State::kQuoteInQuoted:
        if (c == '"') {
          state_ = State::kQuoted;
          s = Append('"');
        } else if (IsSeparator(c)) {
          s = EndField();
          state_ = State::kFieldStart;
        } else if (c == '\r') {
          state_ = State::kAfterCr;
        } else if (c == '\n') {
          s = NewLine();
        } else {
          return Error("text after the closing quote of a field");
        }
        break;
    }
    if (!s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::Status CsvReader::Finish() {
  if (!bom_checked_) {
    if (absl::Status s = ProcessHeld(); !s.ok()) return s;
  }
  switch (state_) {
    case State::kQuoted:
      return Error("a quoted field is not closed by the end of the file");
    case State::kAfterCr:
      return NewLine();
    case State::kFieldStart:
      if (!row_has_content_ && row_.fields.empty()) return absl::OkStatus();
      return EndRow();
    default:
      return EndRow();
  }
}

}  // namespace dienhinh::registry
