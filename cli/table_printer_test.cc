// The table printer: columns align by display width (Vietnamese in NFC or NFD, wide CJK), and
// JSON and CSV escape what they must.
#include "cli/table_printer.h"

#include <gtest/gtest.h>

#include "absl/strings/str_split.h"

namespace dienhinh::cli {
namespace {

TEST(DisplayWidthTest, CountsColumnsNotBytes) {
  EXPECT_EQ(DisplayWidth("abc"), 3);
  EXPECT_EQ(DisplayWidth("Trường"), 6);  // NFC: 6 code points, 9 bytes
  EXPECT_EQ(DisplayWidth("Tru\xCC\x9Bo\xCC\x9B\xCC\x80ng"), 6);  // NFD: combining marks add nothing
  EXPECT_EQ(DisplayWidth("\xE4\xB8\xAD"), 2);  // 中 is wide
  EXPECT_EQ(DisplayWidth(std::string("\xFF", 1)), 1);  // a stray byte still takes a column
  EXPECT_EQ(DisplayWidth(""), 0);
}

TEST(TableTest, AlignsVietnameseColumnsByDisplayWidth) {
  Table table({"Mã", "Tên đơn vị", "Loại"});
  table.AddRow({"SGDDT", "Sở Giáo dục và Đào tạo", "Sở"});
  table.AddRow({"TH002", "Trường Tiểu học Mạc Đĩnh Chi", "Trường"});
  std::string out = table.Render(OutputFormat::kTable);
  std::vector<std::string> lines = absl::StrSplit(out, '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 4u);
  // The third column starts at the same display column on every line.
  auto third_column = [](const std::string& line, const std::string& cell) {
    return DisplayWidth(line.substr(0, line.rfind(cell)));
  };
  int header = third_column(lines[0], "Loại");
  EXPECT_EQ(header, third_column(lines[2], "Sở"));
  EXPECT_EQ(header, third_column(lines[3], "Trường"));
  EXPECT_EQ(header, 5 + 2 + DisplayWidth("Trường Tiểu học Mạc Đĩnh Chi") + 2);
  EXPECT_EQ(lines[1].substr(0, 7), "-----  ");
  for (const std::string& line : lines) EXPECT_NE(line.back(), ' ') << line;
}

TEST(TableTest, MissingCellsPrintEmpty) {
  Table table({"a", "b"});
  table.AddRow({"1"});
  EXPECT_EQ(table.Render(OutputFormat::kCsv), "a,b\r\n1,\r\n");
}

TEST(TableTest, CsvQuotesWhatNeedsQuoting) {
  Table table({"code", "name"});
  table.AddRow({"PGD916", "Phòng GD&ĐT, quận \"Ninh Kiều\""});
  EXPECT_EQ(table.Render(OutputFormat::kCsv),
            "code,name\r\nPGD916,\"Phòng GD&ĐT, quận \"\"Ninh Kiều\"\"\"\r\n");
}

TEST(TableTest, JsonIsAnArrayOfObjects) {
  Table table({"code", "note"});
  table.AddRow({"A\"1", "x\ny"});
  EXPECT_EQ(table.Render(OutputFormat::kJson),
            "[\n  {\"code\": \"A\\\"1\", \"note\": \"x\\ny\"}\n]\n");
  EXPECT_EQ(Table({"a"}).Render(OutputFormat::kJson), "[]\n");
}

TEST(OutputFormatTest, KnowsThreeNames) {
  EXPECT_EQ(ParseOutputFormat("json"), OutputFormat::kJson);
  EXPECT_EQ(ParseOutputFormat("csv"), OutputFormat::kCsv);
  EXPECT_EQ(ParseOutputFormat("table"), OutputFormat::kTable);
  EXPECT_FALSE(ParseOutputFormat("xml").has_value());
}

}  // namespace
}  // namespace dienhinh::cli
