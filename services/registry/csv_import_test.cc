// Reading import files: Vietnamese or English headers, BOM, every bad cell named by line and
// column, duplicates, and the mapping of store problems back to the file's columns.
#include "services/registry/csv_import.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace dienhinh::registry {
namespace {

// Reads `csv` in chunks of `chunk` bytes. (The parser's reader calls back into it: it is not
// movable, hence the pointer.)
std::unique_ptr<ImportParser> Parse(v1::ImportKind kind, const std::string& csv, int year = 0,
                                    size_t chunk = 3) {
  auto parser = std::make_unique<ImportParser>(kind, year);
  for (size_t i = 0; i < csv.size(); i += chunk) parser->Feed(csv.substr(i, chunk));
  parser->Finish();
  return parser;
}

TEST(CsvImportTest, VietnameseHeadersWithoutDiacriticsOrCaseStillMatch) {
  auto parser_ptr =
      Parse(v1::IMPORT_KIND_PERSON_YEARLY_RECORDS,
            "\xEF\xBB\xBFMA CAN BO;nam hoc;Mã đơn vị;Xếp loại chuẩn nghề nghiệp;Ghi nhận;"
            "Xếp hạng trong đơn vị\n"
            "CB1;2019-2020;THPT001;Tốt;Làm theo tấm gương Hồ Chí Minh@Chi bộ;2\n");
  ImportParser& parser = *parser_ptr;
  ASSERT_TRUE(parser.errors().empty()) << parser.errors()[0].DebugString();
  ASSERT_EQ(parser.items().size(), 1u);
  const auto& item = parser.items()[0];
  EXPECT_EQ(item.name, "persons/CB1/yearlyRecords/2019-2020");
  const auto& record = static_cast<const v1::PersonYearlyRecord&>(*item.values);
  EXPECT_EQ(record.unit(), "units/THPT001");
  EXPECT_EQ(record.professional_rating(), type::v1::PROFESSIONAL_RATING_GOOD);
  ASSERT_EQ(record.acknowledgements_size(), 1);
  EXPECT_EQ(record.acknowledgements(0).kind(), type::v1::ACKNOWLEDGEMENT_KIND_HO_CHI_MINH_EXAMPLE);
  EXPECT_EQ(record.acknowledgements(0).acknowledged_by(), "Chi bộ");
  EXPECT_EQ(record.unit_standing().group(), "units/THPT001") << "a rank is within the unit";
  std::set<std::string> paths(parser.paths().begin(), parser.paths().end());
  EXPECT_TRUE(paths.count("unit_standing.group"));
  EXPECT_TRUE(paths.count("professional_rating"));
}

// A yes/no cell: the usual spellings, other cases and spellings without diacritics, and
// anything else named as a bad cell.
TEST(CsvImportTest, YesNoCellsInTheirUsualAndOtherSpellings) {
  auto parser_ptr = Parse(v1::IMPORT_KIND_PERSONS,
                          "Mã cán bộ,Họ và tên,Lãnh đạo quản lý\n"
                          "CB1,A,có\nCB2,B,Không\nCB3,C,KHONG\nCB4,D,Co\nCB5,E,x\nCB6,F,0\n"
                          "CB7,G,có lẽ\n");
  ImportParser& parser = *parser_ptr;
  ASSERT_EQ(parser.errors().size(), 1u);
  EXPECT_EQ(parser.errors()[0].line(), 8);
  EXPECT_EQ(parser.errors()[0].column(), "Lãnh đạo quản lý");
  std::vector<bool> leaders;
  for (const auto& item : parser.items()) {
    leaders.push_back(static_cast<const v1::Person&>(*item.values).holds_leadership_post());
  }
  EXPECT_EQ(leaders, (std::vector<bool>{true, false, false, true, true, false}));
}

TEST(CsvImportTest, EveryBadCellIsNamed) {
  auto parser_ptr = Parse(v1::IMPORT_KIND_UNIT_YEARLY_RECORDS,
                          "unit_code,school_year,staff_total,assessment,trade_union\n"
                          "S1,2019-2020,12x,Hoàn thành,Vững mạnh\n"
                          "S2,2019,10,tuyệt vời,Vững mạnh\n"
                          "S3,2019-2020,10,Hoàn thành,\n"
                          "S3,2019-2020,11,Hoàn thành,\n"
                          "S4,2019-2020\n");
  ImportParser& parser = *parser_ptr;
  std::vector<std::pair<int64_t, std::string>> got;
  for (const auto& e : parser.errors()) got.push_back({e.line(), e.column()});
  EXPECT_EQ(
      got,
      (std::vector<std::pair<int64_t, std::string>>{
          {2, "staff_total"}, {3, "school_year"}, {3, "assessment"}, {5, "unit_code"}, {6, ""}}));
  EXPECT_EQ(parser.rows(), 5);
}

TEST(CsvImportTest, HeaderProblemsAreReportedOnLineOne) {
  auto parser_ptr = Parse(v1::IMPORT_KIND_UNIT_YEARLY_RECORDS, "Số lớp,Cột lạ\n1,2\n");
  ImportParser& parser = *parser_ptr;
  ASSERT_GE(parser.errors().size(), 3u);
  for (const auto& e : parser.errors()) EXPECT_EQ(e.line(), 1);
  EXPECT_TRUE(parser.items().empty());
  // With the school year in the request, the column is not needed.
  auto with_year_ptr =
      Parse(v1::IMPORT_KIND_UNIT_YEARLY_RECORDS, "Mã đơn vị,Số lớp\nS1,30\n", 2019);
  ImportParser& with_year = *with_year_ptr;
  EXPECT_TRUE(with_year.errors().empty());
  ASSERT_EQ(with_year.items().size(), 1u);
  EXPECT_EQ(with_year.items()[0].name, "units/S1/yearlyRecords/2019-2020");
}

TEST(CsvImportTest, StoreProblemsAreNamedByTheFilesColumns) {
  auto parser_ptr = Parse(v1::IMPORT_KIND_UNIT_YEARLY_RECORDS,
                          "Mã đơn vị,Năm học,Số xếp loại tốt,Danh hiệu thi đua\nS1,2019-2020,3,\n");
  ImportParser& parser = *parser_ptr;
  EXPECT_EQ(parser.ToRowError({2, "staff.professional_ratings", "", "too many"}).column(),
            "Số xếp loại tốt");
  EXPECT_EQ(parser.ToRowError({2, "titles[0].title", "", "x"}).column(), "Danh hiệu thi đua");
  EXPECT_EQ(parser.ToRowError({2, "name", "units/S1", "missing"}).column(), "Mã đơn vị");
  v1::RowError unnamed = parser.ToRowError({2, "students.good", "", "x"});
  EXPECT_EQ(unnamed.column(), "");
  EXPECT_NE(unnamed.message().en().find("students.good"), std::string::npos);
}

// What ImportStaging does for the service, in memory: takes the rows, names them by line.
class RecordingSink : public ImportRowSink {
 public:
  absl::Status Add(ImportItem item) override {
    rows.push_back({item.line, item.name});
    return absl::OkStatus();
  }
  absl::StatusOr<std::string> NameAt(int64_t line) override {
    ++lookups;
    for (const auto& [l, name] : rows) {
      if (l == line) return name;
    }
    return absl::NotFoundError("no such line");
  }
  std::vector<std::pair<int64_t, std::string>> rows;
  int lookups = 0;
};

TEST(CsvImportTest, WithASinkRowsGoThereAndRepeatedKeysAreStillFound) {
  RecordingSink sink;
  ImportParser parser(v1::IMPORT_KIND_UNITS, 0, &sink);
  parser.Feed("unit_code,display_name\nA,Một\nB,Hai\nA,Ba\nC,Bốn\nB,Năm\n");
  parser.Finish();
  EXPECT_TRUE(parser.items().empty()) << "the parser keeps no rows";
  EXPECT_TRUE(parser.sink_status().ok());
  EXPECT_EQ(sink.rows, (std::vector<std::pair<int64_t, std::string>>{
                           {2, "units/A"}, {3, "units/B"}, {5, "units/C"}}));
  std::vector<std::pair<int64_t, std::string>> got;
  for (const auto& e : parser.errors()) got.push_back({e.line(), e.message().en()});
  EXPECT_EQ(got, (std::vector<std::pair<int64_t, std::string>>{{4, "Repeats line 2"},
                                                               {6, "Repeats line 3"}}));
  EXPECT_EQ(sink.lookups, 2) << "a key's name is read back only when its hash repeats";
}

TEST(CsvImportTest, ASinkThatFailsStopsTheParse) {
  class FailingSink : public ImportRowSink {
   public:
    absl::Status Add(ImportItem) override { return absl::UnavailableError("database down"); }
    absl::StatusOr<std::string> NameAt(int64_t) override { return std::string(); }
  } sink;
  ImportParser parser(v1::IMPORT_KIND_UNITS, 0, &sink);
  parser.Feed("unit_code,display_name\nA,Một\nB,Hai\n");
  parser.Finish();
  EXPECT_EQ(parser.sink_status().code(), absl::StatusCode::kUnavailable);
  EXPECT_TRUE(parser.errors().empty()) << "not a problem of the file";
  EXPECT_EQ(parser.rows(), 1);
}

TEST(CsvImportTest, MalformedCsvStopsWithTheLine) {
  auto parser_ptr = Parse(v1::IMPORT_KIND_UNITS, "unit_code,display_name\nA,\"never closed\n");
  ImportParser& parser = *parser_ptr;
  ASSERT_EQ(parser.errors().size(), 1u);
  EXPECT_EQ(parser.errors()[0].line(), 3);
}

// The README's column tables are the ones the code accepts (regenerate them from the failure
// message when a column changes).
TEST(CsvImportTest, TheReadmeListsEveryColumn) {
  // The folder comes from the build (not __FILE__, which ccache may make relative).
  std::ifstream file(std::string(DH_REGISTRY_SOURCE_DIR) + "/README.md");
  ASSERT_TRUE(file.good()) << "cannot read " << DH_REGISTRY_SOURCE_DIR << "/README.md";
  std::stringstream readme;
  readme << file.rdbuf();
  std::string help = ImportColumnsHelp();
  EXPECT_NE(readme.str().find(help), std::string::npos)
      << "services/registry/README.md must hold, verbatim:\n"
      << help;
}

}  // namespace
}  // namespace dienhinh::registry
