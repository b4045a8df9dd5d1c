// The three renderings of an exported report without a server: CSV that Excel opens as UTF-8
// (BOM, CRLF, quoting, no formulas), JSON that parses, HTML that is one self-contained file
// with its text escaped and its figures findable.
#include "services/reporting/export_document.h"

#include <gtest/gtest.h>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "services/platform/text/vietnamese_text.h"

namespace dienhinh::reporting {
namespace {

ReportDocument Sample() {
  ReportDocument d;
  d.kind = "REPORT_KIND_URGE_LIST";
  d.title = "Danh sách đơn vị chưa nộp báo cáo";
  d.file_stem = "don-doc";
  d.issuer = "Sở Giáo dục và Đào tạo thành phố Cần Thơ";
  d.facts = {{"Năm học", "2019-2020"}};
  d.figures = {{"missing", "Đơn vị chưa nộp", 2, ""}};
  d.columns = {{"unit_name", "Tên đơn vị"}, {"note", "Ghi chú"}, {"days", "Số ngày", true}};
  d.rows = {{"Trường THPT Châu Văn Liêm", "Gọi điện, nhắc \"gấp\"", "3"},
            {"Trường <b>Bùi</b> & Hữu Nghĩa", "=HYPERLINK(\"http://x\")", "12"},
            {"Trung tâm GDTX", "dòng 1\ndòng 2, tiếp", "-1"}};
  d.charts = {{"by-district", "Theo quận, huyện", {"Chưa nộp"}, {"missing"},
               {{"districts/916", "Quận Ninh Kiều", {2}}, {"districts/918", "Quận Bình Thủy", {0}}}}};
  d.recipients = {"Bộ GD&ĐT (Vụ TĐKT)"};
  d.json_members = {{"plan", "\"plans/p\""}};
  d.json_rows = {"{\"unit\":\"units/THPT001\"}", "{\"unit\":\"units/THPT002\"}"};
  return d;
}

TEST(ExportDocumentTest, CsvIsUtf8WithBomCrlfAndQuotedAsNeeded) {
  std::string csv = RenderCsv(Sample());
  ASSERT_TRUE(absl::StartsWith(csv, "\xEF\xBB\xBF")) << "Excel needs the BOM to read UTF-8";
  std::string body = csv.substr(3);
  EXPECT_TRUE(platform::IsValidUtf8(body));
  EXPECT_TRUE(absl::EndsWith(body, "\r\n"));
  std::vector<std::string> lines = absl::StrSplit(body, "\r\n");
  ASSERT_EQ(lines.size(), 5u) << "header, 3 rows, and the empty rest after the last CRLF";
  EXPECT_EQ(lines[0], "Tên đơn vị,Ghi chú,Số ngày");
  EXPECT_EQ(lines[1], "Trường THPT Châu Văn Liêm,\"Gọi điện, nhắc \"\"gấp\"\"\",3");
  // A cell that would run as a formula is shown as text.
  EXPECT_EQ(lines[2], "Trường <b>Bùi</b> & Hữu Nghĩa,\"'=HYPERLINK(\"\"http://x\"\")\",12");
  // A line break inside a quoted cell is a bare LF, so the record still ends at CRLF; a
  // numeric column keeps its sign.
  EXPECT_EQ(lines[3], "Trung tâm GDTX,\"dòng 1\ndòng 2, tiếp\",-1");
}

TEST(ExportDocumentTest, JsonParsesWithRowsAndMembers) {
  std::string json = RenderJson(Sample());
  google::protobuf::Struct parsed;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(json, &parsed).ok()) << json;
  EXPECT_EQ(parsed.fields().at("kind").string_value(), "REPORT_KIND_URGE_LIST");
  EXPECT_EQ(parsed.fields().at("plan").string_value(), "plans/p");
  ASSERT_EQ(parsed.fields().at("rows").list_value().values_size(), 2);
  EXPECT_EQ(parsed.fields().at("rows").list_value().values(1).struct_value().fields().at("unit").string_value(),
            "units/THPT002");
}

TEST(ExportDocumentTest, HtmlIsSelfContainedEscapedAndPrintable) {
  std::string html = RenderHtml(Sample());
  EXPECT_TRUE(absl::StartsWith(html, "<!DOCTYPE html>\n<html lang=\"vi\">"));
  EXPECT_TRUE(absl::StrContains(html, "<meta charset=\"utf-8\">"));
  EXPECT_TRUE(absl::StrContains(html, "@media print"));
  EXPECT_TRUE(absl::StrContains(html, "<svg"));
  // Nothing is fetched: no scripts, no links, no external sources, no CSS urls.
  for (const char* forbidden : {"<script", "<link", " src=", " href=", "url(", "@import"}) {
    EXPECT_FALSE(absl::StrContains(html, forbidden)) << forbidden;
  }
  // Text from the data is escaped, never markup.
  EXPECT_FALSE(absl::StrContains(html, "<b>Bùi</b>"));
  EXPECT_TRUE(absl::StrContains(html, "Trường &lt;b&gt;Bùi&lt;/b&gt; &amp; Hữu Nghĩa"));
  EXPECT_TRUE(absl::StrContains(html, "Bộ GD&amp;ĐT (Vụ TĐKT)"));
  EXPECT_TRUE(absl::StrContains(html, "data-figure=\"missing\" data-value=\"2\""));
  EXPECT_TRUE(absl::StrContains(html, "data-group=\"districts/916\" data-series=\"missing\" data-value=\"2\""));
  EXPECT_TRUE(platform::IsValidUtf8(html));
}

TEST(ExportDocumentTest, LongChartLabelsAreCutOnCharacterBoundaries) {
  ReportDocument d = Sample();
  d.charts[0].groups[0].label = "Trường Trung học phổ thông chuyên Lý Tự Trọng thành phố Cần Thơ";
  std::string html = RenderHtml(d);
  EXPECT_TRUE(platform::IsValidUtf8(html));
  EXPECT_TRUE(absl::StrContains(html, "…</text>"));
}

}  // namespace
}  // namespace dienhinh::reporting
