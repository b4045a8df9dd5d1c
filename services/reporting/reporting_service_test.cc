// The reporting service through a real server on 127.0.0.1:0, with real tokens, on SQLite and
// on PostgreSQL, following real registry, intake and evaluation feeds (EventLogs served by
// EventFeedService on loopback, as the platform serves them in those services). What the issue
// asks to be shown: a report filed on 1 June 23:59 local time is on time and one at 2 June
// 00:01 is late; compliance lists exactly the units that have not filed; a nomination submitted,
// evaluated and recognised shows in the summary within a second, without the test polling; a
// revocation removes it from the recognised list and counts it as revoked; the CSV is UTF-8
// with its BOM and the Vietnamese names intact; a service restarted mid-stream ends with the
// same figures as one that never stopped; a city following several sites keeps them apart.
// (The HTML in headless Chromium: html_render_test.cc.)
#include "services/reporting/reporting_service.h"

#include <gtest/gtest.h>

#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/time_util.h"
#include "services/platform/status/error_details.h"
#include "services/platform/status/grpc_status.h"
#include "services/platform/text/vietnamese_text.h"
#include "services/reporting/testing/reporting_harness.h"
#include "services/reporting/testing/test_world.h"

namespace dienhinh::reporting {
namespace {

using platform::Role;
using platform::testing::Backend;
using testing::ReportingHarness;
using testing::VietnamTime;
using namespace ::dienhinh::type::v1;  // NOLINT
using ::google::protobuf::util::TimeUtil;

template <typename Response>
struct Outcome {
  absl::Status status;
  Response response;
  bool ok() const { return status.ok(); }
  const Response* operator->() const { return &response; }
};

struct ExportedFile {
  absl::Status status;
  v1::ExportMetadata metadata;
  std::string data;
  int chunks = 0;
  int64_t last_rows_written = 0;
};

std::set<std::string> FieldsOf(const absl::Status& status) {
  std::set<std::string> out;
  for (const auto& v : platform::FieldViolationsOf(status)) out.insert(v.field);
  return out;
}

// Calls of the reporting API as its clients make them.
class Client {
 public:
  explicit Client(ReportingHarness& h) : h_(h) {}

  Outcome<v1::UnitAnnualReport> File(const std::string& token, const std::string& unit,
                                     const std::string& request_id, int start_year = 2019,
                                     const std::string& etag = "") {
    v1::FileAnnualReportRequest request;
    request.set_parent(unit);
    request.set_request_id(request_id);
    request.set_etag(etag);
    auto* r = request.mutable_annual_report();
    r->set_plan(testing::kPlanName);
    r->mutable_school_year()->set_start_year(start_year);
    r->set_programme("Chương trình xây dựng và nhân rộng gương điển hình năm học");
    r->set_narrative("Đơn vị đã tổ chức hội thảo chuyên đề và tham quan học tập kinh nghiệm.");
    auto* a = r->add_replication_activities();
    a->set_kind(v1::ReplicationActivity::KIND_SEMINAR);
    a->set_title("Hội thảo chuyên đề");
    return Unary(request, token, &v1::ReportingService::Stub::FileAnnualReport);
  }

  Outcome<v1::UnitAnnualReport> Get(const std::string& token, const std::string& name) {
    v1::GetAnnualReportRequest request;
    request.set_name(name);
    return Unary(request, token, &v1::ReportingService::Stub::GetAnnualReport);
  }

  Outcome<v1::ListAnnualReportsResponse> ListReports(const std::string& token, const std::string& parent) {
    v1::ListAnnualReportsRequest request;
    request.set_parent(parent);
    return Unary(request, token, &v1::ReportingService::Stub::ListAnnualReports);
  }

  Outcome<v1::ListComplianceResponse> Compliance(const std::string& token, const std::string& filter = "",
                                                 int page_size = 0, const std::string& page_token = "") {
    v1::ListComplianceRequest request;
    request.set_plan(testing::kPlanName);
    request.mutable_school_year()->set_start_year(2019);
    request.set_filter(filter);
    request.set_page_size(page_size);
    request.set_page_token(page_token);
    return Unary(request, token, &v1::ReportingService::Stub::ListCompliance);
  }

  Outcome<v1::Summary> Summary(const std::string& token, const std::string& filter = "") {
    v1::GetSummaryRequest request;
    request.set_plan(testing::kPlanName);
    request.set_filter(filter);
    return Unary(request, token, &v1::ReportingService::Stub::GetSummary);
  }

  Outcome<v1::ListRecognisedModelsResponse> Recognised(const std::string& token) {
    v1::ListRecognisedModelsRequest request;
    request.set_plan(testing::kPlanName);
    return Unary(request, token, &v1::ReportingService::Stub::ListRecognisedModels);
  }

  Outcome<v1::ReplicationRecord> TakeUp(const std::string& token, const std::string& model,
                                        const std::string& unit, const std::string& request_id) {
    v1::CreateReplicationRecordRequest request;
    request.set_request_id(request_id);
    auto* r = request.mutable_replication_record();
    r->set_model(model);
    r->set_adopting_unit(unit);
    r->mutable_adopted_on()->set_year(2020);
    r->mutable_adopted_on()->set_month(10);
    r->mutable_adopted_on()->set_day(1);
    r->set_method("Áp dụng quy trình sinh hoạt chuyên môn");
    return Unary(request, token, &v1::ReportingService::Stub::CreateReplicationRecord);
  }

  ExportedFile Export(const std::string& token, v1::ReportKind kind, v1::ExportFormat format,
                      int start_year = 2019, const std::string& filter = "") {
    v1::ExportReportRequest request;
    request.set_kind(kind);
    request.set_format(format);
    request.set_plan(testing::kPlanName);
    if (start_year) request.mutable_school_year()->set_start_year(start_year);
    request.set_filter(filter);
    auto context = h_.Context(token);
    auto reader = h_.stub().ExportReport(context.get(), request);
    ExportedFile file;
    v1::ExportChunk chunk;
    while (reader->Read(&chunk)) {
      if (file.chunks++ == 0) file.metadata = chunk.metadata();
      file.data += chunk.data();
      file.last_rows_written = chunk.rows_written();
    }
    file.status = platform::FromGrpcStatus(reader->Finish());
    return file;
  }

 private:
  template <typename Request, typename Response>
  Outcome<Response> Unary(const Request& request, const std::string& token,
                          grpc::Status (v1::ReportingService::Stub::*method)(grpc::ClientContext*,
                                                                            const Request&, Response*)) {
    Outcome<Response> out;
    auto context = h_.Context(token);
    out.status = platform::FromGrpcStatus((h_.stub().*method)(context.get(), request, &out.response));
    return out;
  }

  ReportingHarness& h_;
};

std::map<std::string, v1::ComplianceStatus> Statuses(const v1::ListComplianceResponse& response) {
  std::map<std::string, v1::ComplianceStatus> out;
  for (const auto& row : response.rows()) out[row.unit()] = row.status();
  return out;
}

std::set<std::string> Missing(const v1::ListComplianceResponse& response) {
  std::set<std::string> out;
  for (const auto& row : response.rows()) {
    if (row.status() == v1::COMPLIANCE_STATUS_MISSING) out.insert(row.unit());
  }
  return out;
}

class ReportingServiceTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    DH_OPEN_TEST_DATABASE_OR_SKIP(opened, GetParam());
    ASSERT_TRUE(h_.Start(std::move(opened), {"can-tho/ninh-kieu"}).ok());
    h_.PublishRegistry();
    ASSERT_TRUE(h_.WaitForFeeds(absl::Seconds(20))) << "the registry feed was not followed";
  }

  std::string Officer(const std::string& code) { return h_.Token(Role::kUnitOfficer, "cb-" + code, code); }
  std::string Office() { return h_.Token(Role::kDepartmentOffice, "vanphong", "VPS"); }
  std::string Viewer() { return h_.Token(Role::kViewer, "xem"); }

  // A nomination of THPT001 submitted, evaluated QUALIFIED and recognised, on the feeds.
  intake::v1::Nomination RecogniseChauVanLiem() {
    auto n = testing::SubmittedNomination("01HNOMINATION00000000000001", CATEGORY_INSTITUTION,
                                          "units/THPT001", "Trường THPT Châu Văn Liêm",
                                          "units/THPT001", "districts/916");
    h_.Publish(testing::NominationSubmitted(n));
    h_.Publish(testing::EvaluationRecorded(testing::MakeEvaluation(n, 1, evaluation::v1::VERDICT_QUALIFIED)));
    decision_ = testing::Recognition("01HDECISION0000000000000001", n);
    h_.Publish(testing::DecisionRecorded(decision_));
    return n;
  }

  ReportingHarness h_;
  Client client_{h_};
  evaluation::v1::CouncilDecision decision_;
};

TEST_P(ReportingServiceTest, OnTimeUntilTheEndOfOneJuneLocalTimeThenLate) {
  h_.SetNow(VietnamTime(2020, 6, 1, 23, 59));
  auto on_time = client_.File(Officer("THPT001"), "units/THPT001", "file-1");
  ASSERT_TRUE(on_time.ok()) << on_time.status;
  EXPECT_EQ(on_time->timeliness(), v1::UnitAnnualReport::TIMELINESS_ON_TIME);
  EXPECT_EQ(on_time->days_late(), 0);
  EXPECT_EQ(on_time->filed_by(), "cb-THPT001");

  h_.SetNow(VietnamTime(2020, 6, 2, 0, 1));
  auto late = client_.File(Officer("THPT002"), "units/THPT002", "file-2");
  ASSERT_TRUE(late.ok()) << late.status;
  EXPECT_EQ(late->timeliness(), v1::UnitAnnualReport::TIMELINESS_LATE);
  EXPECT_EQ(late->days_late(), 1);

  auto compliance = client_.Compliance(Office());
  ASSERT_TRUE(compliance.ok()) << compliance.status;
  EXPECT_EQ(Statuses(compliance.response),
            (std::map<std::string, v1::ComplianceStatus>{
                {"units/THPT001", v1::COMPLIANCE_STATUS_ON_TIME},
                {"units/THPT002", v1::COMPLIANCE_STATUS_LATE},
                {"units/THPT003", v1::COMPLIANCE_STATUS_MISSING},
                {"units/TT004", v1::COMPLIANCE_STATUS_MISSING}}));
  EXPECT_EQ(TimeUtil::TimestampToMicroseconds(compliance->due_time()),
            absl::ToUnixMicros(VietnamTime(2020, 6, 2)));
  for (const auto& row : compliance->rows()) {
    EXPECT_EQ(row.site(), "can-tho/ninh-kieu");
    if (row.status() == v1::COMPLIANCE_STATUS_MISSING) {
      EXPECT_EQ(row.days_overdue(), 1);
    }
  }
}

TEST_P(ReportingServiceTest, ComplianceListsExactlyTheUnitsThatHaveNotFiled) {
  h_.SetNow(VietnamTime(2020, 5, 20));
  ASSERT_TRUE(client_.File(Officer("THPT001"), "units/THPT001", "a").ok());
  ASSERT_TRUE(client_.File(Office(), "units/TT004", "b").ok());
  // A report for the other year does not count for this one.
  ASSERT_TRUE(client_.File(Officer("THPT002"), "units/THPT002", "c", 2018).ok());
  h_.SetNow(VietnamTime(2020, 6, 10, 9, 0));

  auto all = client_.Compliance(Office());
  ASSERT_TRUE(all.ok()) << all.status;
  EXPECT_EQ(Missing(all.response), (std::set<std::string>{"units/THPT002", "units/THPT003"}));
  EXPECT_EQ(all->totals().units(), 4);
  EXPECT_EQ(all->totals().on_time(), 2);
  EXPECT_EQ(all->totals().missing(), 2);

  auto urge = client_.Compliance(Viewer(), "status = COMPLIANCE_STATUS_MISSING");
  ASSERT_TRUE(urge.ok()) << urge.status;
  ASSERT_EQ(urge->rows_size(), 2);
  EXPECT_EQ(urge->rows(0).days_overdue(), 9);
  auto in_916 = client_.Compliance(Viewer(), "district = \"districts/916\" AND status = COMPLIANCE_STATUS_MISSING");
  ASSERT_TRUE(in_916.ok());
  EXPECT_EQ(Missing(in_916.response), (std::set<std::string>{"units/THPT003"}));

  // A new school appears in the registry: it must report too, and has not.
  h_.Publish(testing::UnitChanged(testing::MakeUnit("THPT006", "Trường THPT Lưu Hữu Phước", UNIT_KIND_SCHOOL,
                                                    EDUCATION_LEVEL_UPPER_SECONDARY, "units/SGD",
                                                    "districts/918")));
  ASSERT_TRUE(h_.WaitForFeeds(absl::Seconds(10)));
  ASSERT_TRUE(client_.File(Officer("THPT003"), "units/THPT003", "d").ok());
  auto after = client_.Compliance(Office());
  EXPECT_EQ(Missing(after.response), (std::set<std::string>{"units/THPT002", "units/THPT006"}));

  // Paged one by one, the rows come in Vietnamese order of the names, each once.
  std::vector<std::string> names;
  std::string token;
  do {
    auto page = client_.Compliance(Office(), "", 1, token);
    ASSERT_TRUE(page.ok()) << page.status;
    for (const auto& row : page->rows()) names.push_back(row.unit_display_name());
    EXPECT_EQ(page->totals().units(), 5) << "totals cover every row, not the page";
    token = page->next_page_token();
  } while (!token.empty() && names.size() < 10);
  EXPECT_EQ(names, (std::vector<std::string>{"Trung tâm GDTX Ninh Kiều", "Trường THPT An Khánh",
                                             "Trường THPT Bùi Hữu Nghĩa", "Trường THPT Châu Văn Liêm",
                                             "Trường THPT Lưu Hữu Phước"}));
}

TEST_P(ReportingServiceTest, ARecognisedNominationShowsInTheSummaryWithinASecond) {
  RecogniseChauVanLiem();
  // No polling: the feeds push the events; one look after a second.
  absl::SleepFor(absl::Seconds(1));
  auto summary = client_.Summary(Viewer());
  ASSERT_TRUE(summary.ok()) << summary.status;
  EXPECT_EQ(summary->total().nominations(), 1);
  EXPECT_EQ(summary->total().qualified(), 1);
  EXPECT_EQ(summary->total().recognised(), 1);
  EXPECT_EQ(summary->total().recognised_rate_bp(), 10000);
  ASSERT_EQ(summary->rows_size(), 1);
  EXPECT_EQ(summary->rows(0).district(), "districts/916");
  EXPECT_EQ(summary->rows(0).category(), CATEGORY_INSTITUTION);
  EXPECT_EQ(summary->rows(0).level(), EDUCATION_LEVEL_UPPER_SECONDARY);
  auto models = client_.Recognised(Officer("THPT002"));
  ASSERT_TRUE(models.ok()) << models.status;
  ASSERT_EQ(models->recognised_models_size(), 1);
  EXPECT_EQ(models->recognised_models(0).nominee_display_name(), "Trường THPT Châu Văn Liêm");
  EXPECT_EQ(models->recognised_models(0).good_practices_size(), 1);
}

TEST_P(ReportingServiceTest, ARevocationRemovesTheModelAndCountsItRevoked) {
  auto n = RecogniseChauVanLiem();
  ASSERT_TRUE(h_.WaitForFeeds(absl::Seconds(10)));
  auto taken = client_.TakeUp(Officer("THPT003"), n.name(), "units/THPT003", "take-1");
  ASSERT_TRUE(taken.ok()) << taken.status;
  h_.Publish(testing::DecisionRevoked(testing::Revoked(decision_)));
  ASSERT_TRUE(h_.WaitForFeeds(absl::Seconds(10)));

  auto models = client_.Recognised(Viewer());
  ASSERT_TRUE(models.ok());
  EXPECT_EQ(models->recognised_models_size(), 0);
  auto summary = client_.Summary(Viewer());
  EXPECT_EQ(summary->total().recognised(), 0);
  EXPECT_EQ(summary->total().revoked(), 1);
  EXPECT_EQ(summary->total().nominations(), 1);
  auto refused = client_.TakeUp(Officer("THPT002"), n.name(), "units/THPT002", "take-2");
  EXPECT_EQ(refused.status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(platform::ReasonOf(refused.status), kReasonModelRevoked);
}

TEST_P(ReportingServiceTest, TheCsvOpensAsUtf8WithItsBomAndTheVietnameseNamesIntact) {
  h_.SetNow(VietnamTime(2020, 5, 30));
  ASSERT_TRUE(client_.File(Officer("THPT001"), "units/THPT001", "a").ok());
  h_.SetNow(VietnamTime(2020, 6, 3));
  ExportedFile csv = client_.Export(Office(), v1::REPORT_KIND_COMPLIANCE, v1::EXPORT_FORMAT_CSV);
  ASSERT_TRUE(csv.status.ok()) << csv.status;
  EXPECT_EQ(csv.metadata.content_type(), "text/csv; charset=utf-8");
  EXPECT_TRUE(absl::EndsWith(csv.metadata.file_name(), ".csv")) << csv.metadata.file_name();
  EXPECT_EQ(csv.metadata.total_rows(), 4);
  EXPECT_EQ(csv.last_rows_written, 4);
  ASSERT_TRUE(absl::StartsWith(csv.data, "\xEF\xBB\xBF")) << "no UTF-8 byte-order mark";
  std::string text = csv.data.substr(3);
  ASSERT_TRUE(platform::IsValidUtf8(text));
  EXPECT_EQ(*platform::NormalizeNfc(text), text) << "Vietnamese in composed form (NFC)";
  std::vector<std::string> lines = absl::StrSplit(text, "\r\n", absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 5u);
  EXPECT_TRUE(absl::StartsWith(lines[0], "Mã đơn vị,Tên đơn vị,Quận, huyện") ||
              absl::StartsWith(lines[0], "Mã đơn vị,Tên đơn vị,\"Quận, huyện\""))
      << lines[0];
  for (const char* name : {"Trường THPT Châu Văn Liêm", "Trường THPT Bùi Hữu Nghĩa",
                           "Trường THPT An Khánh", "Trung tâm GDTX Ninh Kiều", "Quận Ninh Kiều",
                           "Đúng hạn", "Chưa nộp"}) {
    EXPECT_TRUE(absl::StrContains(text, name)) << name;
  }

  ExportedFile urge = client_.Export(Office(), v1::REPORT_KIND_URGE_LIST, v1::EXPORT_FORMAT_CSV);
  ASSERT_TRUE(urge.status.ok()) << urge.status;
  std::vector<std::string> urge_lines = absl::StrSplit(urge.data.substr(3), "\r\n", absl::SkipEmpty());
  ASSERT_EQ(urge_lines.size(), 4u) << "a header and the three units that have not filed";
  EXPECT_FALSE(absl::StrContains(urge.data, "Châu Văn Liêm"));

  ExportedFile json = client_.Export(Viewer(), v1::REPORT_KIND_COMPLIANCE, v1::EXPORT_FORMAT_JSON);
  ASSERT_TRUE(json.status.ok()) << json.status;
  google::protobuf::Struct parsed;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(json.data, &parsed).ok()) << json.data;
  EXPECT_EQ(parsed.fields().at("rows").list_value().values_size(), 4);
  EXPECT_EQ(parsed.fields().at("totals").struct_value().fields().at("missing").number_value(), 3);
}

TEST_P(ReportingServiceTest, UnitOfficersFileAndReadOnlyTheirOwnUnit) {
  EXPECT_EQ(client_.File(Officer("THPT002"), "units/THPT001", "x").status.code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(client_.File(Viewer(), "units/THPT001", "y").status.code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(client_.File("", "units/THPT001", "z").status.code(), absl::StatusCode::kUnauthenticated);
  auto own = client_.File(Officer("THPT001"), "units/THPT001", "own");
  ASSERT_TRUE(own.ok()) << own.status;

  EXPECT_TRUE(client_.Get(Officer("THPT001"), own->name()).ok());
  EXPECT_TRUE(client_.Get(Viewer(), own->name()).ok());
  EXPECT_EQ(client_.Get(Officer("THPT002"), own->name()).status.code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(client_.ListReports(Officer("THPT001"), "units/THPT001").ok());
  EXPECT_EQ(client_.ListReports(Officer("THPT001"), "units/-").status.code(),
            absl::StatusCode::kPermissionDenied);
  auto all = client_.ListReports(Viewer(), "units/-");
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->annual_reports_size(), 1);

  EXPECT_EQ(client_.Compliance(Officer("THPT001")).status.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(client_.Compliance(Viewer()).ok());
  EXPECT_EQ(client_.Export(Officer("THPT001"), v1::REPORT_KIND_URGE_LIST, v1::EXPORT_FORMAT_CSV).status.code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(client_.Summary(Officer("THPT001")).ok()) << "summaries are for everyone to read";
  EXPECT_EQ(client_.TakeUp(Officer("THPT001"), "nominations/X", "units/THPT002", "t").status.code(),
            absl::StatusCode::kPermissionDenied);
}

TEST_P(ReportingServiceTest, BadInputIsRefusedWithFieldViolationsAndChangesNothing) {
  v1::FileAnnualReportRequest request;
  request.set_parent("units/THPT001");
  request.set_request_id("bad");
  request.mutable_annual_report()->set_plan(testing::kPlanName);
  request.mutable_annual_report()->mutable_school_year()->set_start_year(2025);
  auto context = h_.Context(Office());
  v1::UnitAnnualReport response;
  absl::Status status = platform::FromGrpcStatus(h_.stub().FileAnnualReport(context.get(), request, &response));
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldsOf(status), (std::set<std::string>{"annual_report.school_year", "annual_report.programme"}));
  auto listed = client_.ListReports(Office(), "units/-");
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(listed->annual_reports_size(), 0);

  auto bad_filter = client_.Compliance(Office(), "colour = \"red\"");
  EXPECT_EQ(FieldsOf(bad_filter.status), (std::set<std::string>{"filter"}));
  auto bad_status = client_.Compliance(Office(), "status = LATE_ISH");
  EXPECT_EQ(FieldsOf(bad_status.status), (std::set<std::string>{"filter"}));
  auto bad_token = client_.Compliance(Office(), "", 1, "not-a-token");
  EXPECT_EQ(bad_token.status.code(), absl::StatusCode::kInvalidArgument);
  ExportedFile no_format = client_.Export(Office(), v1::REPORT_KIND_SUMMARY, v1::EXPORT_FORMAT_UNSPECIFIED);
  EXPECT_EQ(FieldsOf(no_format.status), (std::set<std::string>{"format"}));
  ExportedFile no_year = client_.Export(Office(), v1::REPORT_KIND_COMPLIANCE, v1::EXPORT_FORMAT_CSV, 0);
  EXPECT_EQ(FieldsOf(no_year.status), (std::set<std::string>{"school_year"}));
  EXPECT_EQ(client_.Get(Office(), "units/THPT001/annualReports/nope").status.code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(client_.Get(Office(), "units/THPT001/annualReports/test-2019-2020_2019-2020").status.code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(client_.File(Office(), "units/NOPE", "nope").status.code(), absl::StatusCode::kFailedPrecondition);
}

TEST_P(ReportingServiceTest, AmendmentsNeedTheCurrentEtagAndRetriesMakeNoNewRevision) {
  auto first = client_.File(Officer("THPT001"), "units/THPT001", "f1");
  ASSERT_TRUE(first.ok()) << first.status;
  auto retry = client_.File(Officer("THPT001"), "units/THPT001", "f1");
  ASSERT_TRUE(retry.ok());
  EXPECT_EQ(retry->revision(), 1);
  auto second = client_.File(Officer("THPT001"), "units/THPT001", "f2", 2019, first->etag());
  ASSERT_TRUE(second.ok()) << second.status;
  EXPECT_EQ(second->revision(), 2);
  ASSERT_EQ(second->history_size(), 1);
  auto stale = client_.File(Officer("THPT001"), "units/THPT001", "f3", 2019, first->etag());
  EXPECT_EQ(stale.status.code(), absl::StatusCode::kAborted);
  auto got = client_.Get(Viewer(), first->name());
  EXPECT_EQ(got->revision(), 2);
}

// Two reporting services follow the same feeds; one is stopped while events stream in and
// started again. Both must end with the same figures, and the figures the events say.
TEST_P(ReportingServiceTest, ARestartMidStreamEndsWithTheSameFiguresAsNoRestart) {
  DH_OPEN_TEST_DATABASE_OR_SKIP(second_db, GetParam());
  ReportingHarness restarted;
  ASSERT_TRUE(restarted.StartFollowing(std::move(second_db), h_).ok());
  ASSERT_TRUE(restarted.WaitForFeeds(absl::Seconds(20)));

  const int kNominations = 150;
  int64_t stopped_at = -1;
  int expected_recognised = 0, expected_revoked = 0, expected_qualified = 0;
  for (int i = 0; i < kNominations; ++i) {
    const registry::v1::Unit unit = testing::TestUnits()[1 + i % 4];
    auto n = testing::SubmittedNomination(absl::StrCat("N", 1000 + i), CATEGORY_OFFICIAL,
                                          absl::StrCat("persons/P", i), absl::StrCat("Giáo viên số ", i),
                                          unit.name(), unit.district(), {2018 + i % 2});
    h_.Publish(testing::NominationSubmitted(n));
    bool qualified = i % 3 != 0;
    h_.Publish(testing::EvaluationRecorded(testing::MakeEvaluation(
        n, 1, qualified ? evaluation::v1::VERDICT_QUALIFIED : evaluation::v1::VERDICT_NOT_QUALIFIED)));
    expected_qualified += qualified;
    if (qualified && i % 2 == 0) {
      auto d = testing::Recognition(absl::StrCat("D", 1000 + i), n);
      h_.Publish(testing::DecisionRecorded(d));
      if (i % 10 == 0) {
        h_.Publish(testing::DecisionRevoked(testing::Revoked(d)));
        ++expected_revoked;
      } else {
        ++expected_recognised;
      }
    }
    if (i == kNominations / 3) {
      restarted.StopReporting();
      stopped_at = restarted.Cursor("intake");
    }
    if (i == 2 * kNominations / 3) {
      ASSERT_TRUE(restarted.StartReporting().ok());
    }
  }
  ASSERT_TRUE(h_.WaitForFeeds(absl::Seconds(60)));
  ASSERT_TRUE(restarted.WaitForFeeds(absl::Seconds(60)));
  EXPECT_GT(stopped_at, 0) << "the stop should come after some events were applied";
  EXPECT_LT(stopped_at, h_.upstream().LastSequence("intake")) << "and before the last";

  Client other(restarted);
  auto a = client_.Summary(Viewer());
  auto b = other.Summary(restarted.Token(Role::kViewer, "xem"));
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->total().nominations(), kNominations);
  EXPECT_EQ(a->total().qualified(), expected_qualified);
  EXPECT_EQ(a->total().recognised(), expected_recognised);
  EXPECT_EQ(a->total().revoked(), expected_revoked);
  v1::Summary sa = a.response, sb = b.response;
  sa.clear_as_of();
  sb.clear_as_of();
  EXPECT_EQ(sa.SerializeAsString(), sb.SerializeAsString()) << sa.DebugString() << sb.DebugString();
  auto ma = client_.Recognised(Viewer());
  auto mb = other.Recognised(restarted.Token(Role::kViewer, "xem"));
  EXPECT_EQ(ma->recognised_models_size(), expected_recognised > 100 ? 100 : expected_recognised);
  EXPECT_EQ(ma->SerializeAsString(), mb->SerializeAsString());
}

INSTANTIATE_TEST_SUITE_P(Backends, ReportingServiceTest,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const auto& info) { return platform::testing::BackendName(info.param); });

// A city stack follows each district's stack: the feeds are named by site, every row keeps
// the site it came from, and one site's figures never include another's.
TEST(ReportingCityTest, FollowsSeveralSitesAndKeepsThemApart) {
  DH_OPEN_TEST_DATABASE_OR_SKIP(db, Backend::kSqlite);
  ReportingHarness h;
  ASSERT_TRUE(h.Start(std::move(db), {"can-tho/ninh-kieu", "can-tho/cai-rang"}, true).ok());
  h.PublishRegistry(0);
  h.Publish(testing::UnitChanged(testing::MakeUnit("SGD", "Sở Giáo dục và Đào tạo thành phố Cần Thơ",
                                                   UNIT_KIND_DEPARTMENT, EDUCATION_LEVEL_UNSPECIFIED, "", "")),
            1);
  h.Publish(testing::UnitChanged(testing::MakeUnit("THPT101", "Trường THPT Nguyễn Việt Dũng", UNIT_KIND_SCHOOL,
                                                   EDUCATION_LEVEL_UPPER_SECONDARY, "units/SGD",
                                                   "districts/919")),
            1);
  auto a = testing::SubmittedNomination("NA", CATEGORY_INSTITUTION, "units/THPT001", "Trường THPT Châu Văn Liêm",
                                        "units/THPT001", "districts/916");
  auto b = testing::SubmittedNomination("NB", CATEGORY_INSTITUTION, "units/THPT101",
                                        "Trường THPT Nguyễn Việt Dũng", "units/THPT101", "districts/919");
  h.Publish(testing::NominationSubmitted(a), 0);
  h.Publish(testing::NominationSubmitted(b), 1);
  h.Publish(testing::DecisionRecorded(testing::Recognition("DB", b)), 1);
  ASSERT_TRUE(h.WaitForFeeds(absl::Seconds(20)));
  EXPECT_GT(h.Cursor("registry@can-tho/cai-rang"), 0) << "one cursor per site's feed";
  EXPECT_GT(h.Cursor("registry@can-tho/ninh-kieu"), 0);

  Client client(h);
  std::string viewer = h.Token(Role::kViewer, "xem");
  h.SetNow(VietnamTime(2020, 6, 5));
  auto all = client.Compliance(viewer);
  ASSERT_TRUE(all.ok()) << all.status;
  EXPECT_EQ(all->totals().units(), 5);
  auto cai_rang = client.Compliance(viewer, "site = \"can-tho/cai-rang\"");
  ASSERT_EQ(cai_rang->rows_size(), 1);
  EXPECT_EQ(cai_rang->rows(0).unit(), "units/THPT101");
  EXPECT_EQ(cai_rang->rows(0).site(), "can-tho/cai-rang");

  EXPECT_EQ(client.Summary(viewer)->total().nominations(), 2);
  auto ninh_kieu = client.Summary(viewer, "site = \"can-tho/ninh-kieu\"");
  EXPECT_EQ(ninh_kieu->total().nominations(), 1);
  EXPECT_EQ(ninh_kieu->total().recognised(), 0) << "the other site's recognition is not this one's";
  EXPECT_EQ(client.Summary(viewer, "site = \"can-tho/cai-rang\"")->total().recognised(), 1);
}

}  // namespace
}  // namespace dienhinh::reporting
