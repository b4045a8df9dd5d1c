// The reporting service's SQL on SQLite and on PostgreSQL: the read models as upstream events
// leave them (sites kept apart, older verdicts ignored, withdrawals and revocations), annual
// reports with their revisions, etags, idempotent request ids and events, and replication
// records that only a standing recognition accepts; the summary's kept counts against a recount.
#include <gtest/gtest.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "services/platform/api/api_schema.h"
#include "services/platform/events/event_schema.h"
#include "services/platform/status/error_details.h"
#include "services/platform/testing/committed_events.h"
#include "services/platform/testing/test_database.h"
#include "services/reporting/annual_report_store.h"
#include "services/reporting/migrations.h"
#include "services/reporting/read_model.h"
#include "services/reporting/read_model_queries.h"
#include "services/reporting/replication_store.h"
#include "services/reporting/report_reads.h"
#include "services/reporting/summary_counts.h"
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

  std::vector<platform::Event> Events() {
    return platform::testing::CommittedEvents(*database_.db, *log_);
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

// The counts GetSummary reads are kept as events are applied (summary_counts.h); they must
// equal a recount of the nominations after any sequence of events, in any order the feeds
// deliver, after a replay of the whole sequence, when a batch rolls back, and when the
// migration that brought them fills them from data already there.
class SummaryCountsTest : public ReportingStoreTest {
 protected:
  static constexpr char kOtherPlan[] = "plans/other-2019-2020";

  // Applies and records the event, then checks every summary against a recount.
  void Step(const std::string& site, platform::Event event, const std::string& what) {
    Apply(site, event);
    applied_.emplace_back(site, std::move(event));
    ExpectCountsEqualRecount(what);
  }

  // The rows rm_summary_counts should hold: each submitted nomination counted once under the
  // whole period and once under each year it covers, by plan, site, district, category, level.
  using Cells = std::map<std::vector<std::string>, std::vector<int64_t>>;
  Cells RecountedCells(platform::Transaction& tx) {
    Cells cells;
    for (const std::string& plan : {std::string(testing::kPlanName), std::string(kOtherPlan)}) {
      auto facts = LoadNominationFacts(tx, plan);
      EXPECT_TRUE(facts.ok()) << facts.status();
      if (!facts.ok()) return cells;
      for (const NominationFacts& n : *facts) {
        SummaryCell c = CellOf(n);
        for (int year : CountedYears(n)) {
          std::vector<int64_t>& row = cells[{plan, absl::StrCat(year), c.site, c.district,
                                             absl::StrCat(c.category), absl::StrCat(c.level)}];
          row.resize(4);
          row[0] += c.nominations;
          row[1] += c.qualified;
          row[2] += c.recognised;
          row[3] += c.revoked;
        }
      }
    }
    return cells;
  }

  Cells KeptCells(platform::Transaction& tx) {
    Cells cells;
    auto rows = tx.Query(
        "SELECT plan, start_year, site, district, category, level, nominations, qualified, "
        "recognised, revoked FROM rm_summary_counts");
    EXPECT_TRUE(rows.ok()) << rows.status();
    if (!rows.ok()) return cells;
    for (const platform::SqlRow& r : *rows) {
      cells[{r.Text(0), absl::StrCat(r.Int(1)), r.Text(2), r.Text(3), absl::StrCat(r.Int(4)),
             absl::StrCat(r.Int(5))}] = {r.Int(6), r.Int(7), r.Int(8), r.Int(9)};
    }
    return cells;
  }

  void ExpectCountsEqualRecount(const std::string& when) {
    const std::vector<std::vector<v1::SummaryDimension>> groupings = {
        {},
        {v1::SUMMARY_DIMENSION_DISTRICT},
        {v1::SUMMARY_DIMENSION_CATEGORY},
        {v1::SUMMARY_DIMENSION_LEVEL},
        {v1::SUMMARY_DIMENSION_LEVEL, v1::SUMMARY_DIMENSION_DISTRICT}};
    std::vector<SummaryFilter> filters(7);
    filters[1].site = "site-a";
    filters[2].site = "site-b";
    filters[3].district = "districts/916";
    filters[4].category = CATEGORY_OFFICIAL;
    filters[5].level = EDUCATION_LEVEL_UPPER_SECONDARY;
    filters[6].district = "districts/918";
    filters[6].category = CATEGORY_INSTITUTION;
    Read([&](platform::Transaction& tx) {
      EXPECT_EQ(KeptCells(tx), RecountedCells(tx)) << "the cells kept, " << when;
      for (const std::string& plan : {std::string(testing::kPlanName), std::string(kOtherPlan)}) {
        auto facts = LoadNominationFacts(tx, plan);
        ASSERT_TRUE(facts.ok()) << facts.status();
        for (std::optional<int> year : {std::optional<int>(), std::optional<int>(2018),
                                        std::optional<int>(2019)}) {
          for (const auto& group_by : groupings) {
            for (const SummaryFilter& filter : filters) {
              auto cells = LoadSummaryCells(tx, plan, year, filter);
              ASSERT_TRUE(cells.ok()) << cells.status();
              v1::Summary kept = SummarizeCells(plan, year, group_by, *cells, filter);
              v1::Summary recount = Summarize(plan, year, group_by, *facts, filter);
              ASSERT_EQ(kept.SerializeAsString(), recount.SerializeAsString())
                  << when << ", " << plan << " year " << year.value_or(0) << "\nkept: "
                  << kept.DebugString() << "recount: " << recount.DebugString();
            }
          }
        }
      }
      // What the service answers is the same (as_of aside).
      auto served = ReadSummary(tx, plan_, 2019, {}, {});
      ASSERT_TRUE(served.ok()) << served.status();
      served->clear_as_of();
      auto facts = LoadNominationFacts(tx, testing::kPlanName);
      ASSERT_TRUE(facts.ok());
      EXPECT_EQ(served->SerializeAsString(),
                Summarize(testing::kPlanName, 2019, {}, *facts, {}).SerializeAsString())
          << when;
    });
  }

  static platform::Event Updated(const intake::v1::Nomination& n) {
    platform::Event e;
    *e.mutable_nomination_updated()->mutable_nomination() = n;
    return e;
  }

  std::vector<std::pair<std::string, platform::Event>> applied_;
};

TEST_P(SummaryCountsTest, KeptCountsEqualARecountAfterEveryEventAReplayAndARollback) {
  using evaluation::v1::VERDICT_NOT_QUALIFIED;
  using evaluation::v1::VERDICT_PENDING;
  using evaluation::v1::VERDICT_QUALIFIED;
  auto n1 = testing::SubmittedNomination("N1", CATEGORY_INSTITUTION, "units/THPT001",
                                         "Trường THPT Châu Văn Liêm", "units/THPT001", "districts/916");
  // No district of its own: it is counted under its unit's.
  auto n2 = testing::SubmittedNomination("N2", CATEGORY_OFFICIAL, "persons/GV002", "Nguyễn Văn B",
                                         "units/THPT002", "", {2018, 2019});
  auto n3 = testing::SubmittedNomination("N3", CATEGORY_LEADER, "persons/HT003", "Trần Thị C",
                                         "units/TT004", "districts/916", {2018});
  auto n4 = testing::SubmittedNomination("N4", CATEGORY_INSTITUTION, "units/TH005",
                                         "Trường Tiểu học Đoàn Thị Điểm", "units/TH005", "",
                                         {2019, 2019, 0});
  auto n5 = testing::SubmittedNomination("N5", CATEGORY_OFFICIAL, "persons/GV005", "Lê Văn E",
                                         "units/THPT003", "districts/916");
  n5.set_plan(kOtherPlan);
  // Not a unit the registry has sent (yet): level unspecified, district its own.
  auto n6 = testing::SubmittedNomination("N6", CATEGORY_OFFICIAL, "persons/GV006", "Phạm F",
                                         "units/X900", "districts/918");

  Step("site-a", testing::NominationSubmitted(n1), "n1 submitted");
  Step("site-a", testing::NominationSubmitted(n2), "n2 submitted");
  Step("site-a", testing::NominationSubmitted(n3), "n3 submitted");
  // Evaluation's feed may run ahead of intake's: a verdict and a decision before the nomination.
  Step("site-a", testing::EvaluationRecorded(testing::MakeEvaluation(n4, 1, VERDICT_QUALIFIED)),
       "n4's verdict before n4");
  Step("site-a", testing::DecisionRecorded(testing::Recognition("D4", n4)),
       "n4's decision before n4");
  Step("site-a", testing::NominationSubmitted(n4), "n4 submitted");
  Step("site-a", testing::NominationSubmitted(n6), "n6 submitted");
  Step("site-a", testing::EvaluationRecorded(testing::MakeEvaluation(n1, 1, VERDICT_PENDING)),
       "n1 pending");
  Step("site-a", testing::EvaluationRecorded(testing::MakeEvaluation(n1, 2, VERDICT_QUALIFIED)),
       "n1 qualified");
  Step("site-a", testing::EvaluationRecorded(testing::MakeEvaluation(n1, 3, VERDICT_QUALIFIED)),
       "n1 qualified again: nothing moves");
  Step("site-a", testing::EvaluationRecorded(testing::MakeEvaluation(n1, 1, VERDICT_PENDING)),
       "n1's older verdict late");
  Step("site-a", testing::EvaluationRecorded(testing::MakeEvaluation(n2, 1, VERDICT_QUALIFIED)),
       "n2 qualified");
  Step("site-a", testing::EvaluationRecorded(testing::MakeEvaluation(n3, 1, VERDICT_NOT_QUALIFIED)),
       "n3 not qualified");
  Step("site-a", testing::EvaluationRecorded(testing::MakeEvaluation(n2, 2, VERDICT_NOT_QUALIFIED)),
       "n2 re-evaluated");
  Step("site-a", testing::DecisionRecorded(testing::Recognition("D1", n1)), "n1 recognised");
  auto d2 = testing::Recognition("D2", n2);
  Step("site-a", testing::DecisionRecorded(d2), "n2 recognised");
  Step("site-a", testing::DecisionRevoked(testing::Revoked(d2)), "n2's recognition revoked");
  auto d3 = testing::Recognition("D3", n3);
  Step("site-a", testing::DecisionRecorded(d3), "n3 recognised");
  Step("site-a", testing::DecisionRevoked(testing::Revoked(testing::Recognition("D3b", n3))),
       "an older recognition of n3 revoked, D3 stands");

  // Intake's updates: category, years and district change; a nomination moves plan.
  auto n1b = n1;
  n1b.set_category(CATEGORY_DEPARTMENT);
  n1b.set_district("districts/918");
  n1b.clear_school_years();
  n1b.add_school_years()->set_start_year(2018);
  n1b.add_school_years()->set_start_year(2019);
  Step("site-a", Updated(n1b), "n1 updated");
  Step("site-a", testing::NominationSubmitted(n5), "n5 submitted to the other plan");
  Step("site-a", testing::EvaluationRecorded(testing::MakeEvaluation(n5, 1, VERDICT_QUALIFIED)),
       "n5 qualified");
  auto n5b = n5;
  n5b.set_plan(testing::kPlanName);
  Step("site-a", Updated(n5b), "n5 moved to the test plan");
  // A later version of a decision that names another nomination.
  auto d5 = testing::Recognition("D5", n5b);
  Step("site-a", testing::DecisionRecorded(d5), "n5 recognised");
  d5.set_nomination(n3.name());
  Step("site-a", testing::DecisionRecorded(d5), "D5 now names n3");

  // The registry: a district and a level change, a deletion, a unit coming back and one new.
  auto thpt002 = testing::TestUnits()[2];
  thpt002.set_district("districts/916");
  Step("site-a", testing::UnitChanged(thpt002), "THPT002 moved district (n2 names none)");
  auto tt004 = testing::TestUnits()[4];
  tt004.set_level(EDUCATION_LEVEL_VOCATIONAL);
  Step("site-a", testing::UnitChanged(tt004), "TT004's level changed");
  tt004.set_display_name("Trung tâm GDNN-GDTX Ninh Kiều");
  Step("site-a", testing::UnitChanged(tt004), "TT004 renamed");
  Step("site-a", testing::UnitDeleted(testing::TestUnits()[6]), "TH005 deleted");
  auto th005 = testing::TestUnits()[6];
  th005.set_district("districts/918");
  Step("site-a", testing::UnitChanged(th005), "TH005 back in another district");
  Step("site-a",
       testing::UnitChanged(testing::MakeUnit("X900", "Trường THCS X", UNIT_KIND_SCHOOL,
                                              EDUCATION_LEVEL_LOWER_SECONDARY, "units/PGD916",
                                              "districts/916")),
       "X900 known at last");

  // Withdrawals, and a nomination submitted again.
  Step("site-a", testing::NominationWithdrawn(n3), "n3 withdrawn");
  Step("site-a", testing::EvaluationRecorded(testing::MakeEvaluation(n3, 2, VERDICT_QUALIFIED)),
       "a withdrawn nomination re-evaluated");
  Step("site-a", testing::NominationSubmitted(n3), "n3 submitted again");
  Step("site-a", testing::NominationWithdrawn(n6), "n6 withdrawn");

  // Another site: the same ids never mix.
  Step("site-b", testing::UnitChanged(testing::TestUnits()[1]), "site b's THPT001");
  Step("site-b", testing::NominationSubmitted(n1), "site b's N1");
  Step("site-b", testing::DecisionRecorded(testing::Recognition("D1", n1)), "site b's D1");
  Step("site-b", testing::EvaluationRecorded(testing::MakeEvaluation(n1, 1, VERDICT_QUALIFIED)),
       "site b's N1 qualified");

  v1::Summary before_replay;
  Read([&](platform::Transaction& tx) {
    auto s = ReadSummary(tx, plan_, std::nullopt, {}, {});
    ASSERT_TRUE(s.ok());
    before_replay = *s;
  });
  EXPECT_EQ(before_replay.total().nominations(), 6) << before_replay.DebugString();

  // A replay of everything from the start, as a consumer that lost its cursor would: the read
  // model passes through its old states again and ends where it was.
  const auto events = applied_;
  for (size_t i = 0; i < events.size(); ++i) {
    Step(events[i].first, events[i].second, absl::StrCat("replayed event ", i));
  }
  Read([&](platform::Transaction& tx) {
    auto s = ReadSummary(tx, plan_, std::nullopt, {}, {});
    ASSERT_TRUE(s.ok());
    s->clear_as_of();
    before_replay.clear_as_of();
    EXPECT_EQ(s->SerializeAsString(), before_replay.SerializeAsString());
  });

  // A batch that fails half way (a crash before commit) leaves nothing of its moves behind.
  absl::Status failed = platform::RunInTransaction(
      *database_.db, platform::TxMode::kWrite, [&](platform::Transaction& tx) {
        for (const auto& event :
             {testing::NominationWithdrawn(n1b), testing::NominationWithdrawn(n2),
              testing::UnitDeleted(testing::TestUnits()[1])}) {
          platform::Event e = event;
          e.set_site("site-a");
          if (absl::Status s = ApplyUpstreamEvent(tx, e); !s.ok()) return s;
        }
        return absl::FailedPreconditionError("the process dies before the commit");
      });
  EXPECT_EQ(failed.code(), absl::StatusCode::kFailedPrecondition);
  ExpectCountsEqualRecount("after a rolled-back batch");
  Read([&](platform::Transaction& tx) {
    auto s = ReadSummary(tx, plan_, std::nullopt, {}, {});
    ASSERT_TRUE(s.ok());
    EXPECT_EQ(s->total().nominations(), 6);
  });
}

TEST_P(SummaryCountsTest, TheMigrationFillsTheCountsOfDataAlreadyThere) {
  auto n1 = testing::SubmittedNomination("N1", CATEGORY_INSTITUTION, "units/THPT001",
                                         "Trường THPT Châu Văn Liêm", "units/THPT001", "districts/916",
                                         {2018, 2019});
  auto n2 = testing::SubmittedNomination("N2", CATEGORY_OFFICIAL, "persons/GV002", "Nguyễn Văn B",
                                         "units/TT004", "");
  auto n3 = testing::SubmittedNomination("N3", CATEGORY_LEADER, "persons/HT003", "Trần Thị C",
                                         "units/THPT002", "districts/918", {2018});
  for (const auto& n : {n1, n2, n3}) Step("site-a", testing::NominationSubmitted(n), n.name());
  Step("site-b", testing::NominationSubmitted(n2), "site b's n2");
  Step("site-a",
       testing::EvaluationRecorded(
           testing::MakeEvaluation(n1, 1, evaluation::v1::VERDICT_QUALIFIED)),
       "n1 qualified");
  Step("site-a", testing::DecisionRecorded(testing::Recognition("D1", n1)), "n1 recognised");
  auto d2 = testing::Recognition("D2", n2);
  Step("site-a", testing::DecisionRecorded(d2), "n2 recognised");
  Step("site-a", testing::DecisionRevoked(testing::Revoked(d2)), "n2 revoked");
  Step("site-a", testing::NominationWithdrawn(n3), "n3 withdrawn");

  Cells kept;
  Read([&](platform::Transaction& tx) { kept = KeptCells(tx); });
  ASSERT_FALSE(kept.empty());
  // Back to the schema before the counts (the read model's rows stay), then migrate again.
  absl::Status undone = platform::RunInTransaction(
      *database_.db, platform::TxMode::kWrite, [&](platform::Transaction& tx) {
        return tx.ExecuteScript(
            "DROP TABLE rm_summary_counts; DROP INDEX rm_nominations_by_unit; "
            "ALTER TABLE rm_sources DROP COLUMN counted_sequence; "
            "DELETE FROM schema_migrations WHERE version >= 104;");
      });
  ASSERT_TRUE(undone.ok()) << undone;
  std::vector<platform::Migration> schema = platform::EventMigrations();
  for (auto& m : platform::ApiMigrations()) schema.push_back(m);
  for (auto& m : ReportingMigrations()) schema.push_back(m);
  ASSERT_TRUE(platform::Migrate(*database_.db, schema).ok());
  Read([&](platform::Transaction& tx) { EXPECT_EQ(KeptCells(tx), kept); });
  ExpectCountsEqualRecount("after the migration filled the counts");
}

TEST_P(SummaryCountsTest, EventsAppliedByAnOlderReleaseAreRecountedAtStart) {
  auto n1 = testing::SubmittedNomination("N1", CATEGORY_INSTITUTION, "units/THPT001",
                                         "Trường THPT Châu Văn Liêm", "units/THPT001", "districts/916",
                                         {2018, 2019});
  Step("site-a", testing::NominationSubmitted(n1), "n1");
  auto recounted = RecountSummaryIfStale(*database_.db);
  ASSERT_TRUE(recounted.ok()) << recounted.status();
  EXPECT_FALSE(*recounted) << "counts moved with every event need no recount";

  // A release from before the counts applies a submission and a verdict: it writes the read
  // model and rm_sources as it always did, and moves no count.
  absl::Status old_release = platform::RunInTransaction(
      *database_.db, platform::TxMode::kWrite, [&](platform::Transaction& tx) {
        return tx.ExecuteScript(absl::StrCat(
            "INSERT INTO rm_nominations (site, name, plan, category, field, nominee, "
            "nominating_unit, district, state, body) SELECT site, 'nominations/N2', plan, ",
            static_cast<int>(CATEGORY_OFFICIAL),
            ", field, 'persons/GV002', 'units/TT004', '', state, body FROM rm_nominations "
            "WHERE name = 'nominations/N1';"
            "INSERT INTO rm_verdicts (site, nomination, version, verdict) "
            "SELECT site, 'nominations/N2', 1, 1 FROM rm_nominations WHERE name = 'nominations/N1';"
            "UPDATE rm_sources SET last_sequence = last_sequence + 2;"));
      });
  ASSERT_TRUE(old_release.ok()) << old_release;
  Read([&](platform::Transaction& tx) {
    EXPECT_NE(KeptCells(tx), RecountedCells(tx)) << "the old release's writes should be uncounted";
  });

  recounted = RecountSummaryIfStale(*database_.db);
  ASSERT_TRUE(recounted.ok()) << recounted.status();
  EXPECT_TRUE(*recounted);
  ExpectCountsEqualRecount("after the recount at start");
  recounted = RecountSummaryIfStale(*database_.db);
  ASSERT_TRUE(recounted.ok()) << recounted.status();
  EXPECT_FALSE(*recounted) << "a second start recounts nothing";
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
INSTANTIATE_TEST_SUITE_P(Backends, SummaryCountsTest,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const auto& info) { return platform::testing::BackendName(info.param); });

}  // namespace
}  // namespace dienhinh::reporting
