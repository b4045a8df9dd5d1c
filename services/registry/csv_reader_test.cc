#include "services/registry/csv_reader.h"

#include <gtest/gtest.h>

namespace dienhinh::registry {
namespace {

// Reads `text` fed in chunks of `chunk` bytes; returns rows or the error.
absl::Status ReadAll(absl::string_view text, size_t chunk, std::vector<CsvRow>* rows) {
  CsvReader reader([rows](const CsvRow& row) {
    rows->push_back(row);
    return absl::OkStatus();
  });
  for (size_t i = 0; i < text.size(); i += chunk) {
    if (absl::Status s = reader.Feed(text.substr(i, chunk)); !s.ok()) return s;
  }
  return reader.Finish();
}

TEST(CsvReaderTest, ReadsAnExcelExportWithBomQuotesAndVietnamese) {
  const std::string text =
      "\xEF\xBB\xBFmã đơn vị,tên đơn vị,ghi chú\r\n"
      "THPT001,\"Trường THPT Châu Văn Liêm\",\"có dấu phẩy, và \"\"ngoặc kép\"\"\"\r\n"
      "THCS002,Trường THCS Lê Quý Đôn,\"hai\r\ndòng\"\r\n";
  // Every chunking gives the same rows: the BOM and CRLF may fall on a chunk's edge.
  for (size_t chunk : {1, 2, 3, 5, 7, 4096}) {
    std::vector<CsvRow> rows;
    ASSERT_TRUE(ReadAll(text, chunk, &rows).ok()) << chunk;
    ASSERT_EQ(rows.size(), 3u) << chunk;
    EXPECT_EQ(rows[0].fields[0], "mã đơn vị") << "the byte-order mark is not part of the header";
    EXPECT_EQ(rows[1].fields[1], "Trường THPT Châu Văn Liêm");
    EXPECT_EQ(rows[1].fields[2], "có dấu phẩy, và \"ngoặc kép\"");
    EXPECT_EQ(rows[2].fields[2], "hai\r\ndòng");
    EXPECT_EQ(rows[1].line, 2);
    EXPECT_EQ(rows[2].line, 3);
  }
}

TEST(CsvReaderTest, SemicolonSeparatedFilesAsExcelWritesThemInVietnameseLocales) {
  std::vector<CsvRow> rows;
  ASSERT_TRUE(ReadAll("ma;ten\nA1;Trường, có phẩy\n", 4096, &rows).ok());
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1].fields[1], "Trường, có phẩy");
}

TEST(CsvReaderTest, EmptyFieldsAndNoFinalNewline) {
  std::vector<CsvRow> rows;
  ASSERT_TRUE(ReadAll("a,b,c\n1,,\n\n2,\"\",x", 4096, &rows).ok());
  ASSERT_EQ(rows.size(), 3u) << "a blank line is not a row";
  EXPECT_EQ(rows[1].fields, (std::vector<std::string>{"1", "", ""}));
  EXPECT_EQ(rows[2].fields, (std::vector<std::string>{"2", "", "x"}));
  EXPECT_EQ(rows[2].line, 4);
}

TEST(CsvReaderTest, MalformedInputIsAnErrorNamingTheLine) {
  std::vector<CsvRow> rows;
  absl::Status open_quote = ReadAll("a,b\n1,\"never closed\n", 4096, &rows);
  EXPECT_EQ(open_quote.code(), absl::StatusCode::kInvalidArgument);
  rows.clear();
  absl::Status stray = ReadAll("a,b\n1,ab\"c\n", 4096, &rows);
  EXPECT_EQ(stray.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(stray.message().find("line 2"), absl::string_view::npos) << stray;
  rows.clear();
  EXPECT_EQ(ReadAll(std::string("a,b\n1,\0\n", 8), 4096, &rows).code(),
            absl::StatusCode::kInvalidArgument);
  rows.clear();
  EXPECT_EQ(ReadAll("a,\"b\"x\n", 4096, &rows).code(), absl::StatusCode::kInvalidArgument);
}

TEST(CsvReaderTest, OversizedFieldIsRefused) {
  CsvReader reader([](const CsvRow&) { return absl::OkStatus(); }, 16);
  EXPECT_EQ(reader.Feed("a,b\n" + std::string(100, 'x') + ",y\n").code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(CsvReaderTest, TheSinkCanStopTheRead) {
  CsvReader reader([](const CsvRow& row) {
    return row.line == 3 ? absl::CancelledError("enough") : absl::OkStatus();
  });
  EXPECT_EQ(reader.Feed("h\n1\n2\n3\n").code(), absl::StatusCode::kCancelled);
}

}  // namespace
}  // namespace dienhinh::registry
