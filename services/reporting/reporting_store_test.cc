// The reporting service's SQL on SQLite and on PostgreSQL: the read models as upstream events
// leave them (sites kept apart, older verdicts ignored, withdrawals and revocations), annual
// reports with their revisions, etags, idempotent request ids and events, and replication
// records that only a standing recognition accepts.
#include <gtest/gtest.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "services/platform/api/api_schema.h"
#include "services/platform/events/event_schema.h"
#include "services/platform/status/error_details.h"
#include "services/platform/testing/test_database.h"
#include "services/reporting/annual_report_store.h"
#include "services/reporting/migrations.h"
#include "services/reporting/read_model.h"
#include "services/reporting/read_model_queries.h"
#include "services/reporting/replication_store.h"
#include "services/reporting/report_reads.h"
#include "services/reporting/testing/test_world.h"

namespace dienhinh::reporting {
namespace {

using platform::testing::Backend;
using testing::VietnamTime;
using namespace ::dienhinh::type::v1;  // NOLINT

class ReportingStoreTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    DH_OPEN_TEST_DATABASE_OR_SKIP(opened, GetParam());
    database_ = std::move(opened);
    std::vector<platform::Migration> schema = platform::EventMigrations();
    for (auto& m : platform::ApiMigrations()) schema.push_back(m);
    for (auto& m : ReportingMigrations()) schema.push_back(m);
    ASSERT_TRUE(platform::Migrate(*database_.db, schema).ok());
    log_ = std::make_unique<platform::EventLog>(
        database_.db.get(), platform::EventLog::Options{.source = "reporting", .site = "city"});
    reports_ = std::make_unique<AnnualReportStore>(database_.db.get(), log_.get());
    replication_ = std::make_unique<ReplicationStore>(database_.db.get(), log_.get());
    plan_ = testing::TestPlan();
    for (const auto& d : testing::TestDistricts()) Apply("site-a", testing::DistrictChanged(d));
    for (const auto& u : testing::TestUnits()) Apply("site-a", testing::UnitChanged(u));
  }

  void TearDown() override {
    replication_.reset();
    reports_.reset();
    log_.reset();
  }

  // Applies an upstream event of `site` as a consumer would, in its own transaction.
  void Apply(const std::string& site, platform::Event event) {
    event.set_site(site);
    event.set_sequence(++sequence_);
    event.set_id(absl::StrCat("event-", sequence_));
    event.set_source("test");
    absl::Status s = platform::RunInTransaction(*database_.db, platform::TxMode::kWrite,
                                                [&](platform::Transaction& tx) {
                                                  return ApplyUpstreamEvent(tx, event);
                                                });
    ASSERT_TRUE(s.ok()) << s;
  }

  template <typename Fn>
  void Read(Fn&& fn) {
    absl::Status s = platform::RunInTransaction(*database_.db, platform::TxMode::kRead,
                                                [&](platform::Transaction& tx) {
                                                  fn(tx);
                                                  return absl::OkStatus();
                                                });
    ASSERT_TRUE(s.ok()) << s;
  }

  v1::Summary SummaryNow(const SummaryFilter& filter = {}) {
    v1::Summary summary;
    Read([&](platform::Transaction& tx) {
      auto s = ReadSummary(tx, plan_, std::nullopt, {}, filter);
      ASSERT_TRUE(s.ok()) << s.status();
      summary = *s;
    });
    return summary;
  }

  v1::FileAnnualReportRequest Filing(const std::string& unit, const std::string& request_id) {
    v1::FileAnnualReportRequest request;
    request.set_parent(unit);
    request.set_request_id(request_id);
    auto* r = request.mutable_annual_report();
    r->set_plan(testing::kPlanName);
    r->mutable_school_year()->set_start_year(2019);
    r->set_programme("Chương trình năm học 2019-2020");
    return request;
  }

  platform::Caller Officer(const std::string& unit) {
    return {"can-bo-" + unit, platform::Role::kUnitOfficer, unit, "site-a"};
  }

  // The events the log serves once its tail has seen every committed one (the tail learns of
  // commits when notified, which the store alone does not do, or at its next poll).
  std::vector<platform::Event> Events() {
    int64_t committed = 0;
    absl::Status counted = platform::RunInTransaction(
        *database_.db, platform::TxMode::kRead, [&](platform::Transaction& tx) {
          auto rows = tx.Query("SELECT COUNT(*) FROM outbox");
          if (!rows.ok()) return rows.status();
          committed = (*rows)[0].Int(0);
          return absl::OkStatus();
        });
    EXPECT_TRUE(counted.ok()) << counted;
    log_->Notify();
    const absl::Time deadline = absl::Now() + absl::Seconds(5);
    while (true) {
      auto events = log_->Read(0, 1000);
      EXPECT_TRUE(events.ok());
      if (!events.ok()) return {};
      if (static_cast<int64_t>(events->size()) >= committed || absl::Now() > deadline) {
        return *events;
      }
      absl::SleepFor(absl::Milliseconds(5));
    }
  }

  platform::testing::TestDatabase database_;
  std::unique_ptr<platform::EventLog> log_;
  std::unique_ptr<AnnualReportStore> reports_;
  std::unique_ptr<ReplicationStore> replication_;
  platform::Plan plan_;
  int64_t sequence_ = 0;
};

TEST_P(ReportingStoreTest, ReadModelsFollowUnitChangesAndDeletions) {
  auto renamed = testing::TestUnits()[1];
  renamed.set_display_name("Trường THPT Châu Văn Liêm (đổi tên)");
  renamed.set_district("districts/918");
  Apply("site-a", testing::UnitChanged(renamed));
  Apply("site-a", testing::UnitDeleted(testing::TestUnits()[3]));
  Read([&](platform::Transaction& tx) {
    auto unit = FindUnit(tx, "units/THPT001");
    ASSERT_TRUE(unit.ok() && unit->has_value());
    EXPECT_EQ((*unit)->display_name, "Trường THPT Châu Văn Liêm (đổi tên)");
    EXPECT_EQ((*unit)->district, "districts/918");
    EXPECT_EQ((*unit)->site, "site-a");
    EXPECT_FALSE(FindUnit(tx, "units/THPT003")->has_value());
    auto names = LoadDistrictNames(tx);
    EXPECT_EQ(names->at("districts/916"), "Quận Ninh Kiều");
  });
}

TEST_P(ReportingStoreTest, SummaryCountsNominationsVerdictsRecognitionsAndRevocations) {
  auto n1 = testing::SubmittedNomination("N1", CATEGORY_INSTITUTION, "units/THPT001",
                                         "Trường THPT Châu Văn Liêm", "units/THPT001", "districts/916");
  auto n2 = testing::SubmittedNomination("N2", CATEGORY_INSTITUTION, "units/THPT002",
                                         "Trường THPT Bùi Hữu Nghĩa", "units/THPT002", "districts/918");
  auto n3 = testing::SubmittedNomination("N3", CATEGORY_INSTITUTION, "units/THPT003",
                                         "Trường THPT An Khánh", "units/THPT003", "districts/916");
  for (const auto& n : {n1, n2, n3}) Apply("site-a", testing::NominationSubmitted(n));
  Apply("site-a", testing::EvaluationRecorded(testing::MakeEvaluation(n1, 1, evaluation::v1::VERDICT_PENDING)));
  Apply("site-a", testing::EvaluationRecorded(testing::MakeEvaluation(n1, 2, evaluation::v1::VERDICT_QUALIFIED)));
  // An older version arriving late changes nothing.
  Apply("site-a", testing::EvaluationRecorded(testing::MakeEvaluation(n1, 1, evaluation::v1::VERDICT_PENDING)));
  Apply("site-a", testing::EvaluationRecorded(testing::MakeEvaluation(n2, 1, evaluation::v1::VERDICT_QUALIFIED)));
  auto d1 = testing::Recognition("D1", n1);
  auto d2 = testing::Recognition("D2", n2);
  Apply("site-a", testing::DecisionRecorded(d1));
  Apply("site-a", testing::DecisionRecorded(d2));
  Apply("site-a", testing::DecisionRevoked(testing::Revoked(d2)));
  Apply("site-a", testing::NominationWithdrawn(n3));

  v1::Summary s = SummaryNow();
  EXPECT_EQ(s.total().nominations(), 2) << "the withdrawn nomination is not counted";
  EXPECT_EQ(s.total().qualified(), 2);
  EXPECT_EQ(s.total().recognised(), 1);
  EXPECT_EQ(s.total().revoked(), 1);
  EXPECT_EQ(s.total().recognised_rate_bp(), 5000);
  ASSERT_EQ(s.rows_size(), 2);
  EXPECT_EQ(s.rows(0).level(), EDUCATION_LEVEL_UPPER_SECONDARY) << "the nominee unit's level";
  EXPECT_TRUE(s.has_as_of());

  Read([&](platform::Transaction& tx) {
    auto models = LoadRecognisedModels(tx, plan_.name());
    ASSERT_TRUE(models.ok()) << models.status();
    ASSERT_EQ(models->size(), 1u) << "the revoked recognition is not a model";
    const v1::RecognisedModel& m = (*models)[0].model;
    EXPECT_EQ(m.nomination(), "nominations/N1");
    EXPECT_EQ(m.council_decision(), "councilDecisions/D1");
    EXPECT_EQ(m.unit_display_name(), "Trường THPT Châu Văn Liêm");
    EXPECT_EQ(m.good_practices_size(), 1);
    EXPECT_EQ(m.decision_number(), "456/QĐ-SGDĐT");
  });
}

TEST_P(ReportingStoreTest, SitesNeverMix) {
  // The same nomination id from two sites (it should never happen, and must not merge if it
  // does): site B's recognition says nothing about site A's nomination.
  auto n = testing::SubmittedNomination("SAME", CATEGORY_INSTITUTION, "units/THPT001",
                                        "Trường THPT Châu Văn Liêm", "units/THPT001", "districts/916");
  Apply("site-a", testing::NominationSubmitted(n));
  Apply("site-b", testing::NominationSubmitted(n));
  Apply("site-b", testing::DecisionRecorded(testing::Recognition("DB", n)));
  EXPECT_EQ(SummaryNow().total().nominations(), 2);
  EXPECT_EQ(SummaryNow().total().recognised(), 1);
  SummaryFilter a;
  a.site = "site-a";
  EXPECT_EQ(SummaryNow(a).total().recognised(), 0);
  SummaryFilter b;
  b.site = "site-b";
  EXPECT_EQ(SummaryNow(b).total().recognised(), 1);
}

TEST_P(ReportingStoreTest, AnEventThatCanNeverApplyIsRefused) {
  registry::v1::Unit nameless;
  nameless.set_display_name("không có mã");
  platform::Event event = testing::UnitChanged(nameless);
  event.set_site("site-a");
  absl::Status s = platform::RunInTransaction(*database_.db, platform::TxMode::kWrite,
                                              [&](platform::Transaction& tx) {
                                                return ApplyUpstreamEvent(tx, event);
                                              });
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << s;
}

TEST_P(ReportingStoreTest, FilingThenAmendingKeepsTheHistoryAndTheFirstTimeliness) {
  auto first = reports_->File(Officer("THPT001"), Filing("units/THPT001", "r1"), plan_,
                              VietnamTime(2020, 6, 1, 23, 59));
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->name(), "units/THPT001/annualReports/test-2019-2020_2019-2020");
  EXPECT_EQ(first->revision(), 1);
  EXPECT_EQ(first->timeliness(), v1::UnitAnnualReport::TIMELINESS_ON_TIME);
  EXPECT_EQ(first->unit_display_name(), "Trường THPT Châu Văn Liêm");
  EXPECT_EQ(first->district(), "districts/916");
  EXPECT_FALSE(first->etag().empty());

  auto amend = Filing("units/THPT001", "r2");
  amend.set_etag(first->etag());
  amend.set_change_note("Bổ sung hoạt động nhân rộng");
  amend.mutable_annual_report()->set_narrative("Bổ sung");
  auto second = reports_->File(Officer("THPT001"), amend, plan_, VietnamTime(2020, 6, 10));
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->revision(), 2);
  EXPECT_EQ(second->timeliness(), v1::UnitAnnualReport::TIMELINESS_ON_TIME)
      << "an amendment after the due day does not make an on-time report late";
  EXPECT_EQ(second->first_file_time().seconds(), first->file_time().seconds());
  ASSERT_EQ(second->history_size(), 1);
  EXPECT_EQ(second->history(0).revision(), 1);
  EXPECT_NE(second->etag(), first->etag());

  // A stale etag is refused and changes nothing.
  auto stale = Filing("units/THPT001", "r3");
  stale.set_etag(first->etag());
  auto refused = reports_->File(Officer("THPT001"), stale, plan_, VietnamTime(2020, 6, 11));
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kAborted);

  // A retry of r2 gives the same answer and no third revision.
  auto retried = reports_->File(Officer("THPT001"), amend, plan_, VietnamTime(2020, 6, 12));
  ASSERT_TRUE(retried.ok());
  EXPECT_EQ(retried->revision(), 2);
  EXPECT_EQ(retried->etag(), second->etag());

  auto latest = reports_->Get(first->name(), 0);
  ASSERT_TRUE(latest.ok());
  EXPECT_EQ(latest->revision(), 2);
  ASSERT_EQ(latest->history_size(), 1);
  EXPECT_EQ(latest->history(0).change_note(), "");
  auto original = reports_->Get(first->name(), 1);
  ASSERT_TRUE(original.ok());
  EXPECT_EQ(original->narrative(), "");
  EXPECT_EQ(original->history_size(), 0);
  EXPECT_EQ(reports_->Get(first->name(), 3).status().code(), absl::StatusCode::kNotFound);

  int filed_events = 0;
  for (const auto& e : Events()) {
    if (e.has_annual_report_filed()) ++filed_events;
  }
  EXPECT_EQ(filed_events, 2) << "one event per revision, none for the retry or the refusal";
}

TEST_P(ReportingStoreTest, AReportAfterTheDueDayIsAcceptedAndMarkedLate) {
  auto late = reports_->File(Officer("THPT002"), Filing("units/THPT002", "late"), plan_,
                             VietnamTime(2020, 6, 2, 0, 1));
  ASSERT_TRUE(late.ok()) << late.status();
  EXPECT_EQ(late->timeliness(), v1::UnitAnnualReport::TIMELINESS_LATE);
  EXPECT_EQ(late->days_late(), 1);
}

TEST_P(ReportingStoreTest, AnUnknownUnitCannotFile) {
  auto filed = reports_->File(Officer("X999"), Filing("units/X999", "x"), plan_, VietnamTime(2020, 5, 1));
  EXPECT_EQ(filed.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(platform::ReasonOf(filed.status()), kReasonUnitNotKnown);
}

TEST_P(ReportingStoreTest, ListPagesInVietnameseOrderOfUnits) {
  for (const char* unit : {"units/THPT001", "units/THPT002", "units/THPT003", "units/TT004"}) {
    ASSERT_TRUE(reports_->File(Officer(unit), Filing(unit, unit), plan_, VietnamTime(2020, 5, 1)).ok());
  }
  AnnualReportQuery q;
  q.order = AnnualReportOrder::kUnitDisplayName;
  q.page.page_size = 3;
  q.district = "districts/916";
  std::vector<std::string> names;
  for (int pages = 0; pages < 5; ++pages) {
    auto page = reports_->List(q);
    ASSERT_TRUE(page.ok()) << page.status();
    for (const auto& r : page->reports) names.push_back(r.unit_display_name());
    if (page->next_after.empty()) break;
    q.page.after = page->next_after;
    q.page.page_size = 1;
  }
  // "An Khánh" < "Châu Văn Liêm" in the THPTs, and "Trung tâm" after "Trường" (u < ư).
  EXPECT_EQ(names, (std::vector<std::string>{"Trung tâm GDTX Ninh Kiều", "Trường THPT An Khánh",
                                             "Trường THPT Châu Văn Liêm"}));
}

TEST_P(ReportingStoreTest, OnlyAStandingRecognitionCanBeTakenUp) {
  auto n1 = testing::SubmittedNomination("N1", CATEGORY_INSTITUTION, "units/THPT001",
                                         "Trường THPT Châu Văn Liêm", "units/THPT001", "districts/916");
  auto n2 = testing::SubmittedNomination("N2", CATEGORY_INSTITUTION, "units/THPT002",
                                         "Trường THPT Bùi Hữu Nghĩa", "units/THPT002", "districts/918");
  Apply("site-a", testing::NominationSubmitted(n1));
  Apply("site-a", testing::NominationSubmitted(n2));
  Apply("site-a", testing::DecisionRecorded(testing::Recognition("D1", n1)));
  auto d2 = testing::Recognition("D2", n2);
  Apply("site-a", testing::DecisionRecorded(d2));
  Apply("site-a", testing::DecisionRevoked(testing::Revoked(d2)));

  auto take = [&](const std::string& model, const std::string& unit, const std::string& id) {
    v1::CreateReplicationRecordRequest request;
    request.set_request_id(id);
    auto* r = request.mutable_replication_record();
    r->set_model(model);
    r->set_adopting_unit(unit);
    r->mutable_adopted_on()->set_year(2020);
    r->mutable_adopted_on()->set_month(10);
    r->mutable_adopted_on()->set_day(5);
    r->set_method("Tổ chức sinh hoạt chuyên môn theo mô hình");
    return replication_->Create(Officer("THPT003"), request, VietnamTime(2020, 10, 6));
  };
  auto ok = take("nominations/N1", "units/THPT003", "t1");
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ(ok->plan(), testing::kPlanName);
  EXPECT_EQ(ok->district(), "districts/916");
  EXPECT_TRUE(absl::StartsWith(ok->name(), "replicationRecords/"));
  auto again = take("nominations/N1", "units/THPT003", "t1");
  EXPECT_EQ(again->name(), ok->name()) << "a retry returns the first record";

  auto revoked = take("nominations/N2", "units/THPT003", "t2");
  EXPECT_EQ(revoked.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(platform::ReasonOf(revoked.status()), kReasonModelRevoked);
  auto never = take("nominations/NONE", "units/THPT003", "t3");
  EXPECT_EQ(platform::ReasonOf(never.status()), kReasonModelNotRecognised);

  ASSERT_TRUE(take("nominations/N1", "units/THPT002", "t4").ok());
  Read([&](platform::Transaction& tx) {
    auto read = ReadReplication(tx, plan_, {});
    ASSERT_TRUE(read.ok()) << read.status();
    EXPECT_EQ(read->first.total_adoptions(), 2);
    ASSERT_EQ(read->first.models_size(), 1);
    EXPECT_EQ(read->first.models(0).adopting_units(), 2);
    EXPECT_EQ(read->first.models(0).districts(), 2);
    EXPECT_EQ(read->first.models(0).nominee_display_name(), "Trường THPT Châu Văn Liêm");
    auto models = LoadRecognisedModels(tx, plan_.name());
    ASSERT_EQ(models->size(), 1u);
    EXPECT_EQ((*models)[0].model.adoptions(), 2);
  });
  ReplicationQuery q;
  q.page.page_size = 1;
  auto page = replication_->List(q);
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_EQ(page->records.size(), 1u);
  q.page.after = page->next_after;
  auto rest = replication_->List(q);
  ASSERT_TRUE(rest.ok()) << rest.status();
  ASSERT_EQ(rest->records.size(), 1u);
  EXPECT_NE(rest->records[0].name(), page->records[0].name());
  EXPECT_TRUE(rest->next_after.empty());
}

INSTANTIATE_TEST_SUITE_P(Backends, ReportingStoreTest,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const auto& info) { return platform::testing::BackendName(info.param); });

}  // namespace
}  // namespace dienhinh::reporting
