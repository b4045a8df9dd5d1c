// The worker's batch path on SQLite and PostgreSQL, driven step by step (RunOnce) against a
// registry held in memory: a batch's nominations are recorded in one transaction, one version
// each; a registry change or a nomination change made while the batch gathered its facts runs
// the affected entries again; a batch whose transaction fails is recorded one by one, nothing
// twice.
#include "services/evaluation/evaluation_worker.h"

#include <atomic>
#include <functional>
#include <map>
#include <utility>

#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "services/evaluation/evaluation_service.h"
#include "services/evaluation/event_handlers.h"
#include "services/evaluation/testing/sample_records.h"
#include "services/platform/api/api_schema.h"
#include "services/platform/events/event_schema.h"
#include "services/platform/plan/criteria_parameters.h"
#include "services/platform/testing/committed_events.h"
#include "services/platform/testing/test_database.h"

namespace dienhinh::evaluation {
namespace {

using platform::RunInTransaction;
using platform::TxMode;
using platform::testing::Backend;

constexpr char kPlan[] = "plans/can-tho-2019-2020";

// The registry's facts from memory; `after_fetch` runs once a fetch has copied its answer (a
// change made there is one the batch did not see).
class MemoryRegistry final : public RegistryFacts {
 public:
  absl::Status Fetch(const FactRequest& request, EvaluationFacts& facts) override {
    for (const auto& n : request.units) {
      if (auto it = units.find(n); it != units.end()) facts.units[n] = it->second;
    }
    for (const auto& n : request.unit_records) {
      if (auto it = unit_records.find(n); it != unit_records.end()) facts.unit_records[n] = it->second;
    }
    ++fetches;
    if (after_fetch) after_fetch();
    return absl::OkStatus();
  }
  absl::StatusOr<registry::v1::EmulationBlock> GetEmulationBlock(const std::string& name) override {
    return absl::NotFoundError(name);
  }

  std::map<std::string, registry::v1::Unit> units;
  std::map<std::string, registry::v1::UnitYearlyRecord> unit_records;
  std::function<void()> after_fetch;
  int fetches = 0;
};

// A transaction whose commit fails UNAVAILABLE (and rolls back) when `fail` is set.
class FailingCommit final : public Transaction {
 public:
  FailingCommit(std::unique_ptr<Transaction> inner, bool fail) : inner_(std::move(inner)), fail_(fail) {}
  absl::StatusOr<std::vector<platform::SqlRow>> Query(std::string_view sql,
                                                      absl::Span<const platform::SqlParam> params) override {
    return inner_->Query(sql, params);
  }
  absl::StatusOr<int64_t> Execute(std::string_view sql, absl::Span<const platform::SqlParam> params) override {
    return inner_->Execute(sql, params);
  }
  absl::Status ExecuteScript(std::string_view sql) override { return inner_->ExecuteScript(sql); }
  absl::Status Commit() override {
    if (fail_) return absl::UnavailableError("the disk went away (test)");
    return inner_->Commit();
  }
  platform::Dialect dialect() const override { return inner_->dialect(); }

 private:
  std::unique_ptr<Transaction> inner_;
  bool fail_;
};

// Counts write transactions, and can make the next commit of one fail or run something just
// before the next one begins.
class CountingDatabase final : public platform::Database {
 public:
  explicit CountingDatabase(platform::Database* inner) : inner_(inner) {}
  absl::StatusOr<std::unique_ptr<Transaction>> Begin(TxMode mode) override {
    if (mode == TxMode::kWrite && before_next_write) std::exchange(before_next_write, nullptr)();
    auto tx = inner_->Begin(mode);
    if (!tx.ok() || mode != TxMode::kWrite) return tx;
    ++writes;
    return std::unique_ptr<Transaction>(new FailingCommit(std::move(*tx), fail_next_commit.exchange(false)));
  }
  platform::Dialect dialect() const override { return inner_->dialect(); }

  std::atomic<int> writes{0};
  std::atomic<bool> fail_next_commit{false};
  std::function<void()> before_next_write;  // set only while the worker is not running

 private:
  platform::Database* inner_;
};

class EvaluationWorkerTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    DH_OPEN_TEST_DATABASE_OR_SKIP(opened, GetParam());
    database_ = std::move(opened);
    ASSERT_TRUE(platform::Migrate(*database_.db, platform::ServiceSchema(EvaluationMigrations())).ok());
    auto plans = platform::LoadCheckedPlanDirectory(DH_PLANS_DIR);
    ASSERT_TRUE(plans.ok()) << plans.status();
    plans_ = std::make_unique<platform::PlanCatalog>(std::move(*plans));
    db_ = std::make_unique<CountingDatabase>(database_.db.get());
    log_ = std::make_unique<platform::EventLog>(db_.get(), platform::EventLog::Options{.source = "evaluation",
                                                                                      .site = "test"});
    EvaluationWorker::Options options;
    options.batch_size = 50;
    options.record_batch_time = absl::Seconds(30);  // a batch is one transaction, whatever the machine
    worker_ = std::make_unique<EvaluationWorker>(db_.get(), log_.get(), plans_.get(), &registry_, options);
  }

  void TearDown() override {
    worker_.reset();
    log_.reset();
  }

  static std::string School(int i) { return absl::StrFormat("units/920007%02d", i); }
  static std::string NominationOf(int i) { return absl::StrFormat("nominations/01J0SCHOOL0000000000000000%02d", i); }

  void PutGoodSchool(int i) {
    registry::v1::Unit u;
    u.set_name(School(i));
    u.set_display_name(absl::StrCat("Trường số ", i));
    u.set_kind(type::v1::UNIT_KIND_SCHOOL);
    u.set_parent("units/SGDDT");
    registry_.units[u.name()] = u;
    for (int year = 2017; year <= 2019; ++year) {
      auto record = testing::GoodUnitRecord(School(i), year);
      registry_.unit_records[record.name()] = record;
    }
  }

  intake::v1::Nomination MakeNomination(int i) {
    intake::v1::Nomination n;
    n.set_name(NominationOf(i));
    n.set_plan(kPlan);
    n.add_school_years()->set_start_year(2018);
    n.add_school_years()->set_start_year(2019);
    n.set_category(type::v1::CATEGORY_INSTITUTION);
    n.set_field(type::v1::FIELD_COMPREHENSIVE);
    n.set_nominee(School(i));
    n.set_nominating_unit(School(i));
    n.set_district("districts/916");
    n.set_state(intake::v1::Nomination::STATE_SUBMITTED);
    return n;
  }

  // As intake's feed delivers it: the consumer's handler stores and queues the nomination.
  void Submit(const intake::v1::Nomination& n, bool update = false) {
    platform::Event event;
    event.set_id(absl::StrCat("event-", n.name()));
    if (update) {
      *event.mutable_nomination_updated()->mutable_nomination() = n;
    } else {
      *event.mutable_nomination_submitted()->mutable_nomination() = n;
    }
    absl::Status s = RunInTransaction(*database_.db, TxMode::kWrite,
                                      [&](Transaction& tx) { return ApplyIntakeEvent(tx, event); });
    ASSERT_TRUE(s.ok()) << s;
  }

  // A review of one attestation, queueing the nomination as ReviewAttestation does.
  void Review(int i, const std::string& criterion, v1::AttestationReview::Decision decision) {
    v1::AttestationReview review;
    review.set_name(absl::StrCat(NominationOf(i), "/attestationReviews/", criterion));
    review.set_nomination(NominationOf(i));
    review.set_criterion_id(criterion);
    review.set_decision(decision);
    review.mutable_create_time()->set_seconds(1700000000);
    v1::EvaluationTrigger trigger;
    trigger.set_kind(v1::EvaluationTrigger::KIND_ATTESTATION_REVIEWED);
    trigger.set_resource(review.name());
    absl::Status s = RunInTransaction(*database_.db, TxMode::kWrite, [&](Transaction& tx) -> absl::Status {
      if (absl::Status inserted = InsertReview(tx, review); !inserted.ok()) return inserted;
      return Enqueue(tx, NominationOf(i), trigger);
    });
    ASSERT_TRUE(s.ok()) << s;
  }

  // A registry change as the registry's feed delivers it.
  void RegistryChanged(const registry::v1::UnitYearlyRecord& record) {
    registry_.unit_records[record.name()] = record;
    platform::Event event;
    *event.mutable_unit_yearly_record_changed()->mutable_unit_yearly_record() = record;
    absl::Status s = RunInTransaction(*database_.db, TxMode::kWrite,
                                      [&](Transaction& tx) { return ApplyRegistryEvent(tx, event); });
    ASSERT_TRUE(s.ok()) << s;
  }

  std::optional<v1::Evaluation> Latest(int i) {
    auto tx = database_.db->Begin(TxMode::kRead);
    EXPECT_TRUE(tx.ok());
    auto latest = LatestEvaluation(**tx, NominationOf(i));
    EXPECT_TRUE(latest.ok()) << latest.status();
    return latest.ok() ? *latest : std::nullopt;
  }

  size_t Queued() {
    auto tx = database_.db->Begin(TxMode::kRead);
    EXPECT_TRUE(tx.ok());
    auto entries = DueEntries(**tx, absl::ToUnixMicros(absl::Now() + absl::Hours(24)), 1000);
    EXPECT_TRUE(entries.ok()) << entries.status();
    return entries.ok() ? entries->size() : 0;
  }

  // EvaluationRecorded events in evaluation's log, by nomination.
  std::map<std::string, int> RecordedEvents() {
    std::map<std::string, int> out;
    for (const auto& e : platform::testing::CommittedEvents(*database_.db, *log_)) {
      if (e.has_evaluation_recorded()) ++out[e.evaluation_recorded().evaluation().nomination()];
    }
    return out;
  }

  platform::testing::TestDatabase database_;
  std::unique_ptr<platform::PlanCatalog> plans_;
  std::unique_ptr<CountingDatabase> db_;
  std::unique_ptr<platform::EventLog> log_;
  MemoryRegistry registry_;
  std::unique_ptr<EvaluationWorker> worker_;
};

TEST_P(EvaluationWorkerTest, ABatchIsRecordedInOneTransactionOneVersionEach) {
  constexpr int kSchools = 30;
  for (int i = 0; i < kSchools; ++i) {
    PutGoodSchool(i);
    Submit(MakeNomination(i));
  }
  int writes = db_->writes;
  EXPECT_EQ(worker_->RunOnce(), kSchools);
  EXPECT_EQ(db_->writes - writes, 1) << "the batch's evaluations commit together";
  for (int i = 0; i < kSchools; ++i) {
    auto latest = Latest(i);
    ASSERT_TRUE(latest.has_value()) << i;
    EXPECT_EQ(latest->version(), 1);
    EXPECT_EQ(latest->trigger().kind(), v1::EvaluationTrigger::KIND_NOMINATION_SUBMITTED);
  }
  EXPECT_EQ(Queued(), 0u);
  auto events = RecordedEvents();
  EXPECT_EQ(events.size(), static_cast<size_t>(kSchools));
  for (const auto& [nomination, times] : events) EXPECT_EQ(times, 1) << nomination;

  // Nothing queued: nothing done. Queued again with nothing changed: taken up, no new version.
  EXPECT_EQ(worker_->RunOnce(), 0);
  for (int i = 0; i < kSchools; ++i) Submit(MakeNomination(i), /*update=*/true);
  EXPECT_EQ(worker_->RunOnce(), kSchools);
  EXPECT_EQ(Queued(), 0u);
  for (int i = 0; i < kSchools; ++i) EXPECT_EQ(Latest(i)->version(), 1) << i;
  EXPECT_EQ(RecordedEvents().size(), static_cast<size_t>(kSchools));
}

// A version's row holds the evaluation its EvaluationRecorded event carries, field for field
// (the row takes its bytes from the event's).
TEST_P(EvaluationWorkerTest, EachVersionsRowHoldsTheEvaluationOfItsEvent) {
  constexpr int kSchools = 3;
  for (int i = 0; i < kSchools; ++i) {
    PutGoodSchool(i);
    Submit(MakeNomination(i));
  }
  EXPECT_EQ(worker_->RunOnce(), kSchools);
  int compared = 0;
  for (const auto& e : platform::testing::CommittedEvents(*database_.db, *log_)) {
    if (!e.has_evaluation_recorded()) continue;
    const v1::Evaluation& carried = e.evaluation_recorded().evaluation();
    auto tx = database_.db->Begin(TxMode::kRead);
    ASSERT_TRUE(tx.ok());
    auto stored = GetEvaluationVersion(**tx, carried.nomination(), carried.version());
    ASSERT_TRUE(stored.ok()) << stored.status();
    ASSERT_TRUE(stored->has_value()) << carried.name();
    EXPECT_EQ((*stored)->SerializeAsString(), carried.SerializeAsString()) << carried.name();
    EXPECT_FALSE(carried.outcomes().empty());
    EXPECT_EQ(carried.name(), absl::StrCat(carried.nomination(), "/evaluations/1"));
    ++compared;
  }
  EXPECT_EQ(compared, kSchools);
}

// Two nominations of one batch that read the same unit and records each get them whole: the
// batch's last reader of a fetched fact takes it, the others get copies.
TEST_P(EvaluationWorkerTest, NominationsOfOneBatchThatReadTheSameFactsEachGetThem) {
  PutGoodSchool(0);
  intake::v1::Nomination second = MakeNomination(0);
  second.set_name(NominationOf(1));  // the same school, nominated twice
  Submit(MakeNomination(0));
  Submit(second);
  EXPECT_EQ(worker_->RunOnce(), 2);
  auto first_evaluation = Latest(0);
  auto second_evaluation = Latest(1);
  ASSERT_TRUE(first_evaluation.has_value() && second_evaluation.has_value());
  ASSERT_EQ(first_evaluation->outcomes_size(), second_evaluation->outcomes_size());
  int met = 0;
  for (int k = 0; k < first_evaluation->outcomes_size(); ++k) {
    const v1::CriterionOutcome& a = first_evaluation->outcomes(k);
    const v1::CriterionOutcome& b = second_evaluation->outcomes(k);
    EXPECT_EQ(a.outcome(), b.outcome()) << a.criterion_id();
    EXPECT_EQ(a.figures_size(), b.figures_size()) << a.criterion_id();
    if (a.outcome() == v1::CriterionOutcome::OUTCOME_MET) ++met;
  }
  EXPECT_GT(met, 0) << "the school's records were read";
  EXPECT_EQ(first_evaluation->nominee_display_name(), "Trường số 0");
  EXPECT_EQ(second_evaluation->nominee_display_name(), "Trường số 0");
}

// A record changes after the batch fetched it: the batch's versions stand on what it saw, and
// every entry of the batch stays queued (any of them might read the record); the next run makes
// a new version for the one whose inputs changed, and none for the others.
TEST_P(EvaluationWorkerTest, ARegistryChangeWhileTheBatchGathersRunsItsEntriesAgain) {
  constexpr int kSchools = 5;
  for (int i = 0; i < kSchools; ++i) {
    PutGoodSchool(i);
    Submit(MakeNomination(i));
  }
  auto worse = testing::GoodUnitRecord(School(2), 2019);
  worse.mutable_students()->set_good(650);  // the good-student rate falls in 2019-2020
  registry_.after_fetch = [&] {
    registry_.after_fetch = nullptr;
    RegistryChanged(worse);
  };
  EXPECT_EQ(worker_->RunOnce(), kSchools);
  for (int i = 0; i < kSchools; ++i) EXPECT_EQ(Latest(i)->version(), 1) << i;
  EXPECT_EQ(Queued(), static_cast<size_t>(kSchools));

  EXPECT_EQ(worker_->RunOnce(), kSchools);
  EXPECT_EQ(Queued(), 0u);
  auto changed = Latest(2);
  ASSERT_TRUE(changed.has_value());
  EXPECT_EQ(changed->version(), 2);
  EXPECT_EQ(changed->trigger().kind(), v1::EvaluationTrigger::KIND_RECORD_CHANGED);
  EXPECT_EQ(changed->verdict(), v1::VERDICT_NOT_QUALIFIED);
  for (int i : {0, 1, 3, 4}) EXPECT_EQ(Latest(i)->version(), 1) << i;
}

// A nomination updated while the batch gathers: the others are recorded, it is not (its facts
// are for what it was); it stays queued and is recorded once, as it is now, on the next run.
TEST_P(EvaluationWorkerTest, ANominationChangedWhileTheBatchGathersIsRecordedOnceAsItIsNow) {
  constexpr int kSchools = 4;
  for (int i = 0; i < kSchools; ++i) {
    PutGoodSchool(i);
    Submit(MakeNomination(i));
  }
  intake::v1::Nomination changed = MakeNomination(1);
  changed.set_field(type::v1::FIELD_TEACHING);
  registry_.after_fetch = [&] {
    registry_.after_fetch = nullptr;
    Submit(changed, /*update=*/true);
  };
  EXPECT_EQ(worker_->RunOnce(), kSchools);
  EXPECT_FALSE(Latest(1).has_value());
  for (int i : {0, 2, 3}) EXPECT_EQ(Latest(i)->version(), 1) << i;
  EXPECT_EQ(Queued(), 1u);

  EXPECT_EQ(worker_->RunOnce(), 1);
  auto latest = Latest(1);
  ASSERT_TRUE(latest.has_value());
  EXPECT_EQ(latest->version(), 1);
  EXPECT_EQ(latest->trigger().kind(), v1::EvaluationTrigger::KIND_NOMINATION_UPDATED);
  EXPECT_EQ(Queued(), 0u);
  for (const auto& [nomination, times] : RecordedEvents()) EXPECT_EQ(times, 1) << nomination;
}

// The batch's commit fails: nothing of it stands, and each nomination is recorded again in a
// transaction of its own: one version each, none twice.
TEST_P(EvaluationWorkerTest, ABatchWhoseCommitFailsIsRecordedOneByOne) {
  constexpr int kSchools = 6;
  for (int i = 0; i < kSchools; ++i) {
    PutGoodSchool(i);
    Submit(MakeNomination(i));
  }
  int writes = db_->writes;
  db_->fail_next_commit = true;
  EXPECT_EQ(worker_->RunOnce(), kSchools);
  EXPECT_EQ(db_->writes - writes, 1 + kSchools) << "the failed batch, then one transaction each";
  EXPECT_EQ(Queued(), 0u);
  for (int i = 0; i < kSchools; ++i) {
    auto latest = Latest(i);
    ASSERT_TRUE(latest.has_value()) << i;
    EXPECT_EQ(latest->version(), 1);
  }
  auto events = RecordedEvents();
  EXPECT_EQ(events.size(), static_cast<size_t>(kSchools));
  for (const auto& [nomination, times] : events) EXPECT_EQ(times, 1) << nomination;
}

// The batch is evaluated from a snapshot before its write transaction; a review made in
// between is read again there and the nomination evaluated again with it, so the version
// recorded already holds the review and the run it queued makes no second one.
TEST_P(EvaluationWorkerTest, AReviewMadeAfterTheBatchWasEvaluatedIsInItsVersion) {
  constexpr int kSchools = 3;
  for (int i = 0; i < kSchools; ++i) {
    PutGoodSchool(i);
    Submit(MakeNomination(i));
  }
  db_->before_next_write = [&] { Review(1, "G1", v1::AttestationReview::DECISION_REJECTED); };
  EXPECT_EQ(worker_->RunOnce(), kSchools);
  EXPECT_EQ(Queued(), 1u) << "the review queued its nomination again";
  auto reviewed = Latest(1);
  ASSERT_TRUE(reviewed.has_value());
  EXPECT_EQ(reviewed->version(), 1);

  EXPECT_EQ(worker_->RunOnce(), 1);
  EXPECT_EQ(Queued(), 0u);
  EXPECT_EQ(Latest(1)->version(), 1) << "the first version was made without the review";
  EXPECT_EQ(Latest(1)->input_digest(), reviewed->input_digest());
  for (int i : {0, 2}) EXPECT_EQ(Latest(i)->version(), 1) << i;
}

// In the background the next batch is taken and evaluated while the current one is recorded:
// every nomination of a backlog many batches long is recorded once, none twice or left behind.
TEST_P(EvaluationWorkerTest, ABacklogOfManyBatchesIsRecordedOnceEach) {
  EvaluationWorker::Options options;
  options.batch_size = 4;
  options.poll_interval = absl::Milliseconds(10);
  worker_ = std::make_unique<EvaluationWorker>(db_.get(), log_.get(), plans_.get(), &registry_, options);
  constexpr int kSchools = 23;
  for (int i = 0; i < kSchools; ++i) {
    PutGoodSchool(i);
    Submit(MakeNomination(i));
  }
  worker_->Start();
  absl::Time deadline = absl::Now() + absl::Seconds(60);
  while (Queued() > 0 && absl::Now() < deadline) absl::SleepFor(absl::Milliseconds(20));
  worker_->Stop();
  EXPECT_EQ(Queued(), 0u);
  EXPECT_EQ(registry_.fetches, (kSchools + 3) / 4) << "one fetch per batch; none taken twice";
  auto events = RecordedEvents();
  EXPECT_EQ(events.size(), static_cast<size_t>(kSchools));
  for (const auto& [nomination, times] : events) EXPECT_EQ(times, 1) << nomination;
  for (int i = 0; i < kSchools; ++i) {
    auto latest = Latest(i);
    ASSERT_TRUE(latest.has_value()) << i;
    EXPECT_EQ(latest->version(), 1) << i;
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, EvaluationWorkerTest,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const auto& info) { return platform::testing::BackendName(info.param); });

}  // namespace
}  // namespace dienhinh::evaluation
