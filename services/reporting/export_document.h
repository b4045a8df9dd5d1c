// An exported report before it becomes a file: a title, headline figures, one table, bar charts
// (by district, over the years), the recipients, and the rows in proto3 JSON. The three
// renderings share it: CSV (the table; UTF-8 with BOM and CRLF, so Excel shows Vietnamese
// intact), JSON (the rows as the API returns them) and one self-contained printable HTML file
// (inline CSS, tables, inline SVG charts, no scripts, nothing fetched).
#ifndef DIENHINH_SERVICES_REPORTING_EXPORT_DOCUMENT_H_
#define DIENHINH_SERVICES_REPORTING_EXPORT_DOCUMENT_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace dienhinh::reporting {

struct ReportColumn {
  std::string key;     // stable, ASCII: the HTML cells' data-column
  std::string header;  // what the reader sees, in Vietnamese
  bool numeric = false;
};

// A headline number ("Đơn vị chưa nộp: 3"). The HTML gives it data-figure="{key}" and
// data-value, so a program can read it back from the rendered page.
struct ReportFigure {
  std::string key;
  std::string label;
  int64_t value = 0;
  std::string display;  // how to print it; the value when empty
};

// One group of bars: a district, a school year.
struct ChartGroup {
  std::string key;    // e.g. "districts/916", "2019-2020"
  std::string label;  // e.g. "Quận Ninh Kiều"
  std::vector<int64_t> values;  // one per series
};

struct BarChart {
  std::string id;  // "by-district", "by-year"
  std::string title;
  std::vector<std::string> series;       // labels, one per value of each group
  std::vector<std::string> series_keys;  // ASCII keys, one per series
  std::vector<ChartGroup> groups;
};

struct ReportDocument {
  std::string kind;       // "REPORT_KIND_COMPLIANCE", ...
  std::string title;      // "Danh sách đôn đốc nộp báo cáo năm học 2019-2020"
  std::string file_stem;  // "don-doc-bao-cao-2019-2020": the file name without extension
  std::string issuer;     // who sends it, e.g. the plan's issuing body
  // Lines under the title: ("Kế hoạch", "..."), ("Năm học", "2019-2020"), ...
  std::vector<std::pair<std::string, std::string>> facts;
  std::vector<ReportFigure> figures;
  std::vector<ReportColumn> columns;
  std::vector<std::vector<std::string>> rows;  // one cell per column
  std::vector<BarChart> charts;
  std::vector<std::string> recipients;  // nơi nhận
  // JSON: members of the top-level object besides "rows" (name -> raw JSON value), and each
  // row as a proto3 JSON object.
  std::vector<std::pair<std::string, std::string>> json_members;
  std::vector<std::string> json_rows;
};

// The table as CSV: a UTF-8 byte-order mark, a header line, one line per row, CRLF line ends,
// fields quoted when they hold a comma, a quote, a line break or edge spaces (quotes doubled).
// A text cell starting with = + - @ gets a leading apostrophe, so that a spreadsheet shows it
// rather than running it as a formula.
std::string RenderCsv(const ReportDocument& document);

// {"kind": ..., <json_members>, "rows": [...]}.
std::string RenderJson(const ReportDocument& document);

// One self-contained HTML file (lang="vi", charset utf-8, print CSS for A4).
std::string RenderHtml(const ReportDocument& document);

// `text` with & < > " ' escaped for HTML text and attribute values.
std::string EscapeHtml(const std::string& text);

}  // namespace dienhinh::reporting

#endif  // DIENHINH_SERVICES_REPORTING_EXPORT_DOCUMENT_H_
