// The printable HTML report rendered by Debian's chromium, headless: the file exported through
// a real server is opened from disk (file://, nothing fetched), and the test reads the figures
// back from the DOM Chromium rendered — the headline numbers, the bars of the chart by district
// and of the chart over the years — and compares them with what the API says. Names with markup
// characters render as text, and the page prints to PDF.
//
// Chromium comes from testing/ensure-chromium (apt-get install -y chromium when missing). When
// it cannot be had, the test says so; with CI=true it fails rather than skip.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "services/platform/status/grpc_status.h"
#include "services/platform/testing/test_database.h"
#include "services/reporting/testing/reporting_harness.h"
#include "services/reporting/testing/test_world.h"

namespace dienhinh::reporting {
namespace {

using platform::Role;
using testing::VietnamTime;
using namespace ::dienhinh::type::v1;  // NOLINT

struct CommandResult {
  int exit_code = -1;
  std::string out;
};

CommandResult RunCommand(const std::string& command) {
  CommandResult result;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return result;
  std::array<char, 65536> buffer;
  size_t n;
  while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) result.out.append(buffer.data(), n);
  int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

bool InCi() {
  const char* ci = std::getenv("CI");
  return ci != nullptr && std::string(ci) == "true";
}

// Attributes of every element `tag` in serialized HTML, in document order.
std::vector<std::map<std::string, std::string>> Elements(const std::string& html, const std::string& tag) {
  std::vector<std::map<std::string, std::string>> out;
  std::regex element("<" + tag + R"((\s[^>]*)?>)");
  std::regex attribute(R"re(([a-zA-Z_:][-a-zA-Z0-9_:.]*)="([^"]*)")re");
  for (auto it = std::sregex_iterator(html.begin(), html.end(), element); it != std::sregex_iterator(); ++it) {
    std::map<std::string, std::string> attrs;
    std::string inside = (*it)[1].str();
    for (auto a = std::sregex_iterator(inside.begin(), inside.end(), attribute); a != std::sregex_iterator(); ++a) {
      attrs[(*a)[1].str()] = (*a)[2].str();
    }
    out.push_back(std::move(attrs));
  }
  return out;
}

// data-figure -> data-value.
std::map<std::string, int64_t> Figures(const std::string& dom) {
  std::map<std::string, int64_t> out;
  for (auto& attrs : Elements(dom, "dd")) {
    if (attrs.count("data-figure")) out[attrs["data-figure"]] = std::stoll(attrs["data-value"]);
  }
  return out;
}

// (chart, group, series) -> value, from the bars' rects and the figures holding them.
std::map<std::tuple<std::string, std::string, std::string>, int64_t> Bars(const std::string& dom) {
  std::map<std::tuple<std::string, std::string, std::string>, int64_t> out;
  // Which chart a bar is in: the last <figure data-chart> before it.
  std::regex piece(R"re(<figure[^>]*data-chart="([^"]*)"|<rect([^>]*)>)re");
  std::string chart;
  for (auto it = std::sregex_iterator(dom.begin(), dom.end(), piece); it != std::sregex_iterator(); ++it) {
    if ((*it)[1].matched) {
      chart = (*it)[1].str();
      continue;
    }
    std::string rect = "<rect" + (*it)[2].str() + ">";
    auto attrs = Elements(rect, "rect");
    if (attrs.empty() || !attrs[0].count("data-value")) continue;
    out[{chart, attrs[0]["data-group"], attrs[0]["data-series"]}] = std::stoll(attrs[0]["data-value"]);
  }
  return out;
}

class HtmlRenderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    CommandResult chromium = RunCommand(absl::StrCat(DH_ENSURE_CHROMIUM, " 2>&1"));
    if (chromium.exit_code != 0) {
      std::string why = absl::StrCat("chromium is not available and could not be installed: ", chromium.out);
      if (InCi()) FAIL() << why;
      GTEST_SKIP() << "NOT TESTED — " << why;
    }
    std::string out(absl::StripAsciiWhitespace(chromium.out));
    chromium_ = out.substr(out.rfind('\n') == std::string::npos ? 0 : out.rfind('\n') + 1);
    work_dir_ = platform::testing::MakeTempDir();

    DH_OPEN_TEST_DATABASE_OR_SKIP(db, platform::testing::Backend::kSqlite);
    ASSERT_TRUE(h_.Start(std::move(db), {"can-tho/ninh-kieu"}).ok());
    h_.PublishRegistry();
    // A name with markup characters must show as text.
    h_.Publish(testing::UnitChanged(testing::MakeUnit("THCS007", "Trường <b>Thử</b> & \"Nghiệm\"",
                                                      UNIT_KIND_SCHOOL, EDUCATION_LEVEL_LOWER_SECONDARY,
                                                      "units/SGD", "districts/918")));
    auto nominate = [&](const char* id, const char* unit, const char* name, const char* district,
                        std::vector<int> years, evaluation::v1::Verdict verdict) {
      auto n = testing::SubmittedNomination(id, CATEGORY_INSTITUTION, unit, name, unit, district, years);
      h_.Publish(testing::NominationSubmitted(n));
      h_.Publish(testing::EvaluationRecorded(testing::MakeEvaluation(n, 1, verdict)));
      return n;
    };
    auto n1 = nominate("N1", "units/THPT001", "Trường THPT Châu Văn Liêm", "districts/916", {2019},
                       evaluation::v1::VERDICT_QUALIFIED);
    nominate("N2", "units/THPT002", "Trường THPT Bùi Hữu Nghĩa", "districts/918", {2018},
             evaluation::v1::VERDICT_QUALIFIED);
    nominate("N3", "units/THPT003", "Trường THPT An Khánh", "districts/916", {2019},
             evaluation::v1::VERDICT_NOT_QUALIFIED);
    auto n4 = nominate("N4", "units/TT004", "Trung tâm GDTX Ninh Kiều", "districts/916", {2018, 2019},
                       evaluation::v1::VERDICT_QUALIFIED);
    h_.Publish(testing::DecisionRecorded(testing::Recognition("D1", n1)));
    auto d4 = testing::Recognition("D4", n4);
    h_.Publish(testing::DecisionRecorded(d4));
    h_.Publish(testing::DecisionRevoked(testing::Revoked(d4)));
    ASSERT_TRUE(h_.WaitForFeeds(absl::Seconds(20)));

    h_.SetNow(VietnamTime(2020, 5, 30));
    ASSERT_TRUE(File("units/THPT001").ok());
    h_.SetNow(VietnamTime(2020, 6, 3, 8, 0));
    ASSERT_TRUE(File("units/THPT002").ok());
    h_.SetNow(VietnamTime(2020, 6, 10));
  }

  absl::Status File(const std::string& unit) {
    v1::FileAnnualReportRequest request;
    request.set_parent(unit);
    request.set_request_id(unit);
    request.mutable_annual_report()->set_plan(testing::kPlanName);
    request.mutable_annual_report()->mutable_school_year()->set_start_year(2019);
    request.mutable_annual_report()->set_programme("Chương trình năm học");
    v1::UnitAnnualReport response;
    return platform::FromGrpcStatus(
        h_.stub().FileAnnualReport(h_.Context(Office()).get(), request, &response));
  }

  std::string Office() { return h_.Token(Role::kDepartmentOffice, "vanphong"); }

  v1::Summary Summary(int start_year, std::vector<v1::SummaryDimension> group_by = {}) {
    v1::GetSummaryRequest request;
    request.set_plan(testing::kPlanName);
    if (start_year) request.mutable_school_year()->set_start_year(start_year);
    for (auto d : group_by) request.add_group_by(d);
    v1::Summary summary;
    grpc::Status s = h_.stub().GetSummary(h_.Context(Office()).get(), request, &summary);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return summary;
  }

  // Exports through the API, writes the file, and returns the DOM Chromium rendered from it.
  std::string ExportAndRender(v1::ReportKind kind, int start_year, const std::string& file_name) {
    v1::ExportReportRequest request;
    request.set_kind(kind);
    request.set_format(v1::EXPORT_FORMAT_HTML);
    request.set_plan(testing::kPlanName);
    if (start_year) request.mutable_school_year()->set_start_year(start_year);
    auto context = h_.Context(Office());
    auto reader = h_.stub().ExportReport(context.get(), request);
    std::string html;
    v1::ExportChunk chunk;
    int chunks = 0;
    while (reader->Read(&chunk)) {
      if (chunks++ == 0) {
        EXPECT_EQ(chunk.metadata().content_type(), "text/html; charset=utf-8");
        EXPECT_TRUE(absl::EndsWith(chunk.metadata().file_name(), ".html"));
      }
      html += chunk.data();
    }
    grpc::Status status = reader->Finish();
    EXPECT_TRUE(status.ok()) << status.error_message();
    EXPECT_GT(chunks, 1) << "the file comes in several chunks";
    std::string path = absl::StrCat(work_dir_, "/", file_name);
    std::ofstream(path, std::ios::binary) << html;
    std::string profile = platform::testing::MakeTempDir();
    CommandResult dom = RunCommand(absl::StrCat(
        "timeout 120 ", chromium_, " --headless --no-sandbox --disable-gpu --disable-quic --no-first-run"
        " --disable-background-networking --disable-component-update --disable-sync --user-data-dir=",
        profile, " --dump-dom file://", path, " 2>", work_dir_, "/chromium.log"));
    EXPECT_EQ(dom.exit_code, 0) << "chromium failed; see " << work_dir_ << "/chromium.log";
    EXPECT_TRUE(absl::StrContains(dom.out, "<html lang=\"vi\">")) << dom.out.substr(0, 500);
    return dom.out;
  }

  testing::ReportingHarness h_;
  std::string chromium_;
  std::string work_dir_;
};

TEST_F(HtmlRenderTest, TheSummaryRendersWithTheFiguresOfTheApi) {
  std::string dom = ExportAndRender(v1::REPORT_KIND_SUMMARY, 0, "tong-hop.html");
  ASSERT_FALSE(dom.empty());
  v1::Summary total = Summary(0);
  std::map<std::string, int64_t> figures = Figures(dom);
  EXPECT_EQ(figures["nominations"], total.total().nominations());
  EXPECT_EQ(figures["qualified"], total.total().qualified());
  EXPECT_EQ(figures["recognised"], total.total().recognised());
  EXPECT_EQ(figures["revoked"], total.total().revoked());
  EXPECT_EQ(figures["qualified_rate_bp"], total.total().qualified_rate_bp());
  // The world: four nominations, three qualified, one recognised, one revoked.
  EXPECT_EQ(figures["nominations"], 4);
  EXPECT_EQ(figures["recognised"], 1);
  EXPECT_EQ(figures["revoked"], 1);

  auto bars = Bars(dom);
  v1::Summary by_district = Summary(0, {v1::SUMMARY_DIMENSION_DISTRICT});
  ASSERT_EQ(by_district.rows_size(), 2);
  for (const auto& row : by_district.rows()) {
    EXPECT_EQ((bars[{"by-district", row.district(), "nominations"}]), row.nominations()) << row.district();
    EXPECT_EQ((bars[{"by-district", row.district(), "qualified"}]), row.qualified()) << row.district();
    EXPECT_EQ((bars[{"by-district", row.district(), "recognised"}]), row.recognised()) << row.district();
    EXPECT_EQ((bars[{"by-district", row.district(), "revoked"}]), row.revoked()) << row.district();
  }
  for (int year : {2018, 2019}) {
    v1::Summary of_year = Summary(year);
    std::string key = absl::StrCat(year, "-", year + 1);
    EXPECT_EQ((bars[{"by-year", key, "nominations"}]), of_year.total().nominations()) << key;
    EXPECT_EQ((bars[{"by-year", key, "recognised"}]), of_year.total().recognised()) << key;
  }
  EXPECT_EQ((bars[{"by-year", "2019-2020", "nominations"}]), 3);
  EXPECT_TRUE(absl::StrContains(dom, "Quận Ninh Kiều"));
  EXPECT_TRUE(absl::StrContains(dom, "Bộ GD&amp;ĐT (Vụ TĐKT)")) << "the plan's recipients";
}

TEST_F(HtmlRenderTest, TheComplianceReportRendersEscapedAndPrints) {
  std::string dom = ExportAndRender(v1::REPORT_KIND_COMPLIANCE, 2019, "tinh-hinh-nop.html");
  ASSERT_FALSE(dom.empty());
  v1::ListComplianceRequest request;
  request.set_plan(testing::kPlanName);
  request.mutable_school_year()->set_start_year(2019);
  v1::ListComplianceResponse compliance;
  ASSERT_TRUE(h_.stub().ListCompliance(h_.Context(Office()).get(), request, &compliance).ok());
  std::map<std::string, int64_t> figures = Figures(dom);
  EXPECT_EQ(figures["units"], compliance.totals().units());
  EXPECT_EQ(figures["on_time"], compliance.totals().on_time());
  EXPECT_EQ(figures["late"], compliance.totals().late());
  EXPECT_EQ(figures["missing"], compliance.totals().missing());
  EXPECT_EQ(figures["units"], 5);
  EXPECT_EQ(figures["missing"], 3);
  auto bars = Bars(dom);
  EXPECT_EQ((bars[{"by-district", "districts/916", "missing"}]), 2) << "THPT003 and TT004";
  EXPECT_EQ((bars[{"by-district", "districts/918", "late"}]), 1) << "THPT002";
  EXPECT_EQ((bars[{"by-year", "2019-2020", "on_time"}]), 1);

  // The markup in the unit's name is text in the rendered page, not elements.
  EXPECT_TRUE(absl::StrContains(dom, "Trường &lt;b&gt;Thử&lt;/b&gt; &amp; \"Nghiệm\"")) << dom;
  EXPECT_FALSE(absl::StrContains(dom, "<b>Thử</b>"));

  // And it prints: Chromium makes a PDF of it with the print styles.
  std::string pdf = work_dir_ + "/tinh-hinh-nop.pdf";
  CommandResult printed = RunCommand(absl::StrCat(
      "timeout 120 ", chromium_, " --headless --no-sandbox --disable-gpu --disable-quic --no-first-run"
      " --disable-background-networking --disable-component-update --disable-sync --user-data-dir=",
      platform::testing::MakeTempDir(), " --no-pdf-header-footer --print-to-pdf=", pdf, " file://",
      work_dir_, "/tinh-hinh-nop.html 2>>", work_dir_, "/chromium.log"));
  EXPECT_EQ(printed.exit_code, 0);
  std::ifstream in(pdf, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  EXPECT_TRUE(absl::StartsWith(bytes.str(), "%PDF-")) << "no PDF at " << pdf;
  EXPECT_GT(bytes.str().size(), 5000u);
}

}  // namespace
}  // namespace dienhinh::reporting
