#include "services/reporting/export_document.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "services/platform/log/json_log.h"

namespace dienhinh::reporting {
namespace {

constexpr char kCrlf[] = "\r\n";

bool NeedsQuotes(const std::string& cell) {
  if (cell.empty()) return false;
  if (cell.front() == ' ' || cell.back() == ' ') return true;
  return cell.find_first_of(",\"\r\n") != std::string::npos;
}

std::string CsvCell(std::string cell, bool numeric) {
  if (!numeric && !cell.empty() &&
      (cell[0] == '=' || cell[0] == '+' || cell[0] == '-' || cell[0] == '@' || cell[0] == '\t' ||
       cell[0] == '\r')) {
    cell.insert(cell.begin(), '\'');
  }
  if (!NeedsQuotes(cell)) return cell;
  std::string out = "\"";
  for (char c : cell) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

// At most `max` code points of UTF-8 `text`, with an ellipsis when cut.
std::string Shorten(const std::string& text, size_t max) {
  size_t points = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
      if (points == max) return text.substr(0, i) + "…";
      ++points;
    }
  }
  return text;
}

size_t CodePoints(const std::string& text) {
  size_t points = 0;
  for (char c : text) points += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return points;
}

constexpr const char* kPalette[] = {"#1f4e79", "#c55a11", "#7f7f7f", "#548235", "#7030a0"};

std::string Number(int64_t v) { return absl::StrCat(v); }

void AppendChart(std::string& out, const BarChart& chart) {
  absl::StrAppend(&out, "<figure class=\"chart\" id=\"chart-", EscapeHtml(chart.id),
                  "\" data-chart=\"", EscapeHtml(chart.id), "\">\n<figcaption>",
                  EscapeHtml(chart.title), "</figcaption>\n");
  if (chart.groups.empty()) {
    absl::StrAppend(&out, "<p class=\"empty\">Chưa có số liệu.</p>\n</figure>\n");
    return;
  }
  const int width = 720, label_width = 230, bar_height = 14, bar_gap = 3, group_gap = 12,
            legend_height = 26;
  const int max_bar = width - label_width - 70;
  const int series = static_cast<int>(chart.series.size());
  const int group_height = series * (bar_height + bar_gap) + group_gap;
  const int height = legend_height + static_cast<int>(chart.groups.size()) * group_height + 4;
  int64_t max_value = 1;
  for (const ChartGroup& g : chart.groups) {
    for (int64_t v : g.values) max_value = std::max(max_value, v);
  }
  absl::StrAppend(&out, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ", width, " ",
                  height, "\" width=\"", width, "\" height=\"", height,
                  "\" role=\"img\" aria-label=\"", EscapeHtml(chart.title), "\">\n<title>",
                  EscapeHtml(chart.title), "</title>\n");
  // Legend, left to right, at about 7 px per character of 12 px text.
  int x = 10;
  for (int s = 0; s < series; ++s) {
    absl::StrAppend(&out, "<rect x=\"", x, "\" y=\"6\" width=\"12\" height=\"12\" fill=\"",
                    kPalette[s % 5], "\"/><text class=\"legend\" x=\"", x + 16, "\" y=\"16\">",
                    EscapeHtml(chart.series[s]), "</text>\n");
    x += 32 + static_cast<int>(CodePoints(chart.series[s])) * 7;
  }
  for (size_t g = 0; g < chart.groups.size(); ++g) {
    const ChartGroup& group = chart.groups[g];
    const int top = legend_height + static_cast<int>(g) * group_height;
    absl::StrAppend(&out, "<g class=\"group\" data-group=\"", EscapeHtml(group.key),
                    "\" data-label=\"", EscapeHtml(group.label), "\">\n<title>",
                    EscapeHtml(group.label), "</title>\n<text class=\"label\" x=\"",
                    label_width - 8, "\" y=\"", top + (series * (bar_height + bar_gap)) / 2 + 4,
                    "\" text-anchor=\"end\">", EscapeHtml(Shorten(group.label, 34)), "</text>\n");
    for (int s = 0; s < series && s < static_cast<int>(group.values.size()); ++s) {
      const int64_t value = group.values[s];
      const int length = static_cast<int>(value * max_bar / max_value);
      const int y = top + s * (bar_height + bar_gap);
      const std::string series_key = s < static_cast<int>(chart.series_keys.size())
                                         ? chart.series_keys[s]
                                         : absl::StrCat(s);
      absl::StrAppend(&out, "<rect class=\"bar\" x=\"", label_width, "\" y=\"", y, "\" width=\"",
                      std::max(length, value > 0 ? 1 : 0), "\" height=\"", bar_height,
                      "\" fill=\"", kPalette[s % 5], "\" data-group=\"", EscapeHtml(group.key),
                      "\" data-series=\"", EscapeHtml(series_key), "\" data-value=\"", value,
                      "\"/>\n<text class=\"value\" x=\"", label_width + length + 4, "\" y=\"",
                      y + bar_height - 3, "\" data-group=\"", EscapeHtml(group.key),
                      "\" data-series=\"", EscapeHtml(series_key), "\">", value, "</text>\n");
    }
    absl::StrAppend(&out, "</g>\n");
  }
  absl::StrAppend(&out, "</svg>\n</figure>\n");
}

constexpr char kStyle[] = R"css(
:root { color-scheme: light; }
body { font-family: "Times New Roman", "Noto Serif", "DejaVu Serif", serif; font-size: 13pt;
       color: #111; margin: 24px auto; max-width: 1000px; line-height: 1.4; }
header { text-align: center; margin-bottom: 16px; }
header .issuer { text-transform: uppercase; font-weight: bold; margin: 0; }
h1 { font-size: 17pt; margin: 12px 0 4px; text-transform: uppercase; }
h2 { font-size: 14pt; margin: 20px 0 8px; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 8px 0; }
dl.facts dt { font-weight: bold; }
dl.facts dd { margin: 0; }
dl.figures { display: flex; flex-wrap: wrap; gap: 8px; margin: 0; }
dl.figures div { border: 1px solid #999; padding: 6px 12px; min-width: 120px; }
dl.figures dt { font-size: 10.5pt; }
dl.figures dd { margin: 0; font-size: 16pt; font-weight: bold; }
table { border-collapse: collapse; width: 100%; font-size: 11pt; }
th, td { border: 1px solid #555; padding: 3px 6px; vertical-align: top; text-align: left; }
th { background: #e8eef5; }
td.num, th.num { text-align: right; white-space: nowrap; }
figure.chart { margin: 8px 0 16px; }
figure.chart figcaption { font-weight: bold; margin-bottom: 4px; }
svg text { font-family: inherit; font-size: 12px; fill: #111; }
p.empty { font-style: italic; }
footer { margin-top: 24px; font-size: 11pt; }
@page { size: A4; margin: 15mm 12mm; }
@media print {
  body { margin: 0; max-width: none; font-size: 11pt; }
  th { background: #e8eef5 !important; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  svg rect { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  thead { display: table-header-group; }
  tr, figure.chart, dl.figures div { break-inside: avoid; }
  h2 { break-after: avoid; }
}
)css";

}  // namespace

std::string EscapeHtml(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string RenderCsv(const ReportDocument& d) {
  std::string out = "\xEF\xBB\xBF";
  for (size_t c = 0; c < d.columns.size(); ++c) {
    absl::StrAppend(&out, c ? "," : "", CsvCell(d.columns[c].header, false));
  }
  out += kCrlf;
  for (const auto& row : d.rows) {
    for (size_t c = 0; c < d.columns.size(); ++c) {
      std::string cell = c < row.size() ? row[c] : "";
      absl::StrAppend(&out, c ? "," : "", CsvCell(std::move(cell), d.columns[c].numeric));
    }
    out += kCrlf;
  }
  return out;
}

std::string RenderJson(const ReportDocument& d) {
  std::string out = "{\n  \"kind\": ";
  platform::AppendJsonString(out, d.kind);
  for (const auto& [name, value] : d.json_members) {
    out += ",\n  ";
    platform::AppendJsonString(out, name);
    absl::StrAppend(&out, ": ", value);
  }
  out += ",\n  \"rows\": [";
  for (size_t i = 0; i < d.json_rows.size(); ++i) {
    absl::StrAppend(&out, i ? ",\n    " : "\n    ", d.json_rows[i]);
  }
  out += d.json_rows.empty() ? "]\n}\n" : "\n  ]\n}\n";
  return out;
}

std::string RenderHtml(const ReportDocument& d) {
  std::string out;
  absl::StrAppend(&out,
                  "<!DOCTYPE html>\n<html lang=\"vi\">\n<head>\n<meta charset=\"utf-8\">\n"
                  "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                  "<title>",
                  EscapeHtml(d.title), "</title>\n<style>", kStyle, "</style>\n</head>\n<body data-kind=\"",
                  EscapeHtml(d.kind), "\">\n<header>\n");
  if (!d.issuer.empty()) absl::StrAppend(&out, "<p class=\"issuer\">", EscapeHtml(d.issuer), "</p>\n");
  absl::StrAppend(&out, "<h1>", EscapeHtml(d.title), "</h1>\n</header>\n<dl class=\"facts\">\n");
  for (const auto& [label, value] : d.facts) {
    absl::StrAppend(&out, "<dt>", EscapeHtml(label), "</dt><dd>", EscapeHtml(value), "</dd>\n");
  }
  absl::StrAppend(&out, "</dl>\n");
  if (!d.figures.empty()) {
    absl::StrAppend(&out, "<section id=\"figures\">\n<h2>Số liệu tổng hợp</h2>\n<dl class=\"figures\">\n");
    for (const ReportFigure& f : d.figures) {
      absl::StrAppend(&out, "<div><dt>", EscapeHtml(f.label), "</dt><dd id=\"figure-",
                      EscapeHtml(f.key), "\" data-figure=\"", EscapeHtml(f.key), "\" data-value=\"",
                      f.value, "\">", EscapeHtml(f.display.empty() ? Number(f.value) : f.display),
                      "</dd></div>\n");
    }
    absl::StrAppend(&out, "</dl>\n</section>\n");
  }
  if (!d.charts.empty()) {
    absl::StrAppend(&out, "<section id=\"charts\">\n<h2>Biểu đồ</h2>\n");
    for (const BarChart& chart : d.charts) AppendChart(out, chart);
    absl::StrAppend(&out, "</section>\n");
  }
  absl::StrAppend(&out, "<section id=\"table\">\n<h2>Chi tiết</h2>\n");
  if (d.rows.empty()) {
    absl::StrAppend(&out, "<p class=\"empty\">Không có dòng nào.</p>\n");
  } else {
    absl::StrAppend(&out, "<table id=\"report-table\">\n<thead><tr><th class=\"num\">STT</th>");
    for (const ReportColumn& c : d.columns) {
      absl::StrAppend(&out, "<th scope=\"col\" data-column=\"", EscapeHtml(c.key), "\"",
                      c.numeric ? " class=\"num\"" : "", ">", EscapeHtml(c.header), "</th>");
    }
    absl::StrAppend(&out, "</tr></thead>\n<tbody>\n");
    for (size_t r = 0; r < d.rows.size(); ++r) {
      absl::StrAppend(&out, "<tr data-row=\"", r, "\"><td class=\"num\">", r + 1, "</td>");
      for (size_t c = 0; c < d.columns.size(); ++c) {
        const std::string& cell = c < d.rows[r].size() ? d.rows[r][c] : "";
        absl::StrAppend(&out, "<td data-column=\"", EscapeHtml(d.columns[c].key), "\"",
                        d.columns[c].numeric ? " class=\"num\"" : "", ">", EscapeHtml(cell),
                        "</td>");
      }
      absl::StrAppend(&out, "</tr>\n");
    }
    absl::StrAppend(&out, "</tbody>\n</table>\n");
  }
  absl::StrAppend(&out, "</section>\n");
  if (!d.recipients.empty()) {
    absl::StrAppend(&out, "<footer>\n<p><strong><em>Nơi nhận:</em></strong></p>\n<ul class=\"recipients\">\n");
    for (const std::string& r : d.recipients) absl::StrAppend(&out, "<li>", EscapeHtml(r), "</li>\n");
    absl::StrAppend(&out, "</ul>\n</footer>\n");
  }
  absl::StrAppend(&out, "</body>\n</html>\n");
  return out;
}

}  // namespace dienhinh::reporting
