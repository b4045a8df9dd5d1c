// Output of rows for people (a table whose columns align by the display width of UTF-8 text,
// so "Trường THPT" lines up with "School") and for scripts (--format json|csv).
#ifndef DIENHINH_CLI_TABLE_PRINTER_H_
#define DIENHINH_CLI_TABLE_PRINTER_H_

#include <optional>
#include <string>
#include <vector>

namespace dienhinh::cli {

enum class OutputFormat { kTable, kJson, kCsv };

// "table", "json" or "csv"; nullopt for anything else.
std::optional<OutputFormat> ParseOutputFormat(const std::string& name);

// Columns a terminal gives `text`: one per code point, none for combining marks (so NFD
// Vietnamese measures as NFC does), two for East Asian wide characters. Invalid UTF-8 bytes
// count one each.
int DisplayWidth(const std::string& text);

class Table {
 public:
  explicit Table(std::vector<std::string> headers) : headers_(std::move(headers)) {}
  // A row; missing cells print empty, extra cells are dropped.
  void AddRow(std::vector<std::string> cells);
  // The whole table in `format`; ends with a newline. JSON is an array of objects keyed by
  // header; CSV quotes fields per RFC 4180.
  std::string Render(OutputFormat format) const;
  size_t rows() const { return rows_.size(); }

 private:
  std::string RenderTable() const;
  std::string RenderJson() const;
  std::string RenderCsv() const;

  std::vector<std::string> headers_;
  std::vector<std::vector<std::string>> rows_;
};

// `text` as a JSON string literal, quotes included.
std::string JsonQuote(const std::string& text);

}  // namespace dienhinh::cli

#endif  // DIENHINH_CLI_TABLE_PRINTER_H_
