// The evaluation store on SQLite and PostgreSQL alike: versions are appended, never rewritten;
// the queue keeps an entry that was asked for again while it was worked on; what a version read
// brings it back when it changes; dependencies prefer a qualified nomination; lists page by key
// and hide other units' evaluations from a unit officer.
#include "services/evaluation/evaluation_store.h"

#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "services/evaluation/council_store.h"
#include "services/evaluation/evaluation_queries.h"
#include "services/evaluation/evaluation_service.h"
#include "services/platform/api/api_schema.h"
#include "services/platform/events/event_schema.h"
#include "services/platform/testing/test_database.h"

namespace dienhinh::evaluation {
namespace {

using platform::RunInTransaction;
using platform::TxMode;
using platform::testing::Backend;

intake::v1::Nomination MakeNomination(const std::string& id, const std::string& nominee, type::v1::Category category,
                                      const std::string& nominating_unit) {
  intake::v1::Nomination n;
  n.set_name(absl::StrCat("nominations/", id));
  n.set_plan("plans/can-tho-2019-2020");
  n.set_category(category);
  n.set_nominee(nominee);
  n.set_nominating_unit(nominating_unit);
  n.set_state(intake::v1::Nomination::STATE_SUBMITTED);
  n.add_school_years()->set_start_year(2018);
  n.add_school_years()->set_start_year(2019);
  return n;
}

v1::Evaluation MakeEvaluation(const intake::v1::Nomination& n, v1::Verdict verdict, const std::string& digest) {
  v1::Evaluation e;
  e.set_nomination(n.name());
  e.set_plan(n.plan());
  e.set_verdict(verdict);
  e.set_category(n.category());
  e.set_nominee(n.nominee());
  e.set_nominee_display_name(n.nominee());
  e.set_nominating_unit(n.nominating_unit());
  e.set_input_digest(digest);
  *e.mutable_school_years() = n.school_years();
  return e;
}

v1::EvaluationTrigger Trigger(v1::EvaluationTrigger::Kind kind) {
  v1::EvaluationTrigger t;
  t.set_kind(kind);
  return t;
}

class EvaluationStoreTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    DH_OPEN_TEST_DATABASE_OR_SKIP(opened, GetParam());
    db_ = std::move(opened);
    ASSERT_TRUE(platform::Migrate(*db_.db, platform::ServiceSchema(EvaluationMigrations())).ok());
  }

  // Runs `body` in one write transaction and expects it to commit.
  void Write(const std::function<absl::Status(Transaction&)>& body) {
    absl::Status s = RunInTransaction(*db_.db, TxMode::kWrite, body);
    ASSERT_TRUE(s.ok()) << s;
  }

  platform::testing::TestDatabase db_;
};

TEST_P(EvaluationStoreTest, VersionsAreAppendedAndTheLatestIsMarked) {
  auto n = MakeNomination("N1", "units/92000701", type::v1::CATEGORY_INSTITUTION, "units/92000701");
  Write([&](Transaction& tx) { return PutNomination(tx, n); });
  v1::Evaluation first = MakeEvaluation(n, v1::VERDICT_PENDING, "d1");
  v1::Evaluation second = MakeEvaluation(n, v1::VERDICT_QUALIFIED, "d2");
  Write([&](Transaction& tx) { return InsertEvaluation(tx, first, {"units/92000701"}, {}); });
  Write([&](Transaction& tx) { return InsertEvaluation(tx, second, {"units/92000701/yearlyRecords/2019-2020"}, {}); });
  EXPECT_EQ(first.name(), "nominations/N1/evaluations/1");
  EXPECT_EQ(second.version(), 2);
  auto tx = db_.db->Begin(TxMode::kRead);
  ASSERT_TRUE(tx.ok());
  auto latest = LatestEvaluation(**tx, n.name());
  ASSERT_TRUE(latest.ok() && *latest);
  EXPECT_EQ((*latest)->input_digest(), "d2");
  auto head = LatestVersionHead(**tx, n.name());
  ASSERT_TRUE(head.ok() && *head);
  EXPECT_EQ((*head)->version, 2);
  EXPECT_EQ((*head)->verdict, v1::VERDICT_QUALIFIED);
  EXPECT_EQ((*head)->input_digest, "d2");
  auto none = LatestVersionHead(**tx, "nominations/N2");
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
  auto old = GetEvaluationVersion(**tx, n.name(), 1);
  ASSERT_TRUE(old.ok() && *old);
  EXPECT_EQ((*old)->verdict(), v1::VERDICT_PENDING) << "version 1 is kept as it was";
  // Only the latest version's reads count.
  auto readers = (*tx)->Query("SELECT resource FROM evaluation_reads WHERE nomination = ?", {platform::SqlParam(n.name())});
  ASSERT_TRUE(readers.ok());
  ASSERT_EQ(readers->size(), 1u);
  EXPECT_EQ((*readers)[0].Text(0), "units/92000701/yearlyRecords/2019-2020");
}

TEST_P(EvaluationStoreTest, AChangedCatalogQueuesWhatWasEvaluatedUnderTheOldOne) {
  auto old_catalog = MakeNomination("OLD", "units/1", type::v1::CATEGORY_INSTITUTION, "units/1");
  auto current = MakeNomination("CUR", "units/2", type::v1::CATEGORY_INSTITUTION, "units/2");
  Write([&](Transaction& tx) -> absl::Status {
    for (auto* n : {&old_catalog, &current}) {
      if (auto s = PutNomination(tx, *n); !s.ok()) return s;
      v1::Evaluation e = MakeEvaluation(*n, v1::VERDICT_PENDING, "d");
      e.set_catalog_version(n == &old_catalog ? "2019-2020.0" : "2019-2020.1");
      if (auto s = InsertEvaluation(tx, e, {}, {}); !s.ok()) return s;
    }
    return absl::OkStatus();
  });
  int queued = -1;
  Write([&](Transaction& tx) {
    auto n = EnqueueStaleCatalogs(tx, {{"plans/can-tho-2019-2020", "2019-2020.1"}});
    if (n.ok()) queued = *n;
    return n.status();
  });
  EXPECT_EQ(queued, 1);
  auto tx = db_.db->Begin(TxMode::kRead);
  auto entries = DueEntries(**tx, absl::ToUnixMicros(absl::Now()) + 1, 10);
  ASSERT_TRUE(entries.ok());
  ASSERT_EQ(entries->size(), 1u);
  EXPECT_EQ((*entries)[0].nomination, "nominations/OLD");
  EXPECT_EQ((*entries)[0].trigger.kind(), v1::EvaluationTrigger::KIND_CATALOG_CHANGED);
}

TEST_P(EvaluationStoreTest, AnEntryAskedForAgainWhileWorkedOnStays) {
  auto n = MakeNomination("N1", "units/92000701", type::v1::CATEGORY_INSTITUTION, "units/92000701");
  Write([&](Transaction& tx) { return Enqueue(tx, n.name(), Trigger(v1::EvaluationTrigger::KIND_NOMINATION_SUBMITTED)); });
  std::vector<QueueEntry> due;
  {
    auto tx = db_.db->Begin(TxMode::kRead);
    auto entries = DueEntries(**tx, absl::ToUnixMicros(absl::Now()) + 1, 10);
    ASSERT_TRUE(entries.ok());
    due = *entries;
  }
  ASSERT_EQ(due.size(), 1u);
  // A record changes while the worker gathers facts: the entry gets a new generation.
  Write([&](Transaction& tx) { return Enqueue(tx, n.name(), Trigger(v1::EvaluationTrigger::KIND_RECORD_CHANGED)); });
  bool removed = true;
  Write([&](Transaction& tx) {
    auto r = FinishEntry(tx, n.name(), due[0].generation);
    if (r.ok()) removed = *r;
    return r.status();
  });
  EXPECT_FALSE(removed) << "the worker must not drop a request it has not seen";
  auto tx = db_.db->Begin(TxMode::kRead);
  auto entries = DueEntries(**tx, absl::ToUnixMicros(absl::Now()) + 1, 10);
  ASSERT_TRUE(entries.ok());
  ASSERT_EQ(entries->size(), 1u);
  EXPECT_EQ((*entries)[0].trigger.kind(), v1::EvaluationTrigger::KIND_RECORD_CHANGED);
  EXPECT_EQ((*entries)[0].generation, due[0].generation + 1);
}

TEST_P(EvaluationStoreTest, AChangedResourceQueuesTheSubmittedNominationsThatReadIt) {
  auto a = MakeNomination("A", "units/1", type::v1::CATEGORY_INSTITUTION, "units/1");
  auto b = MakeNomination("B", "units/2", type::v1::CATEGORY_INSTITUTION, "units/2");
  auto withdrawn = MakeNomination("C", "units/3", type::v1::CATEGORY_INSTITUTION, "units/3");
  Write([&](Transaction& tx) -> absl::Status {
    for (auto* n : {&a, &b, &withdrawn}) {
      if (auto s = PutNomination(tx, *n); !s.ok()) return s;
      v1::Evaluation e = MakeEvaluation(*n, v1::VERDICT_PENDING, "d");
      if (auto s = InsertEvaluation(tx, e, {"units/1/yearlyRecords/2019-2020"}, {}); !s.ok()) return s;
    }
    withdrawn.set_state(intake::v1::Nomination::STATE_WITHDRAWN);
    return PutNomination(tx, withdrawn);
  });
  int queued = -1;
  Write([&](Transaction& tx) {
    auto q = EnqueueReaders(tx, "units/1/yearlyRecords/2019-2020", Trigger(v1::EvaluationTrigger::KIND_RECORD_CHANGED));
    if (q.ok()) queued = *q;
    return q.status();
  });
  EXPECT_EQ(queued, 2) << "A and B read it; C is withdrawn";
}

TEST_P(EvaluationStoreTest, TheDependencyIsTheUnitsBestActiveNomination) {
  auto pending = MakeNomination("P", "units/1", type::v1::CATEGORY_INSTITUTION, "units/1");
  auto qualified = MakeNomination("Q", "units/1", type::v1::CATEGORY_INSTITUTION, "units/1");
  auto other_category = MakeNomination("R", "units/1", type::v1::CATEGORY_OFFICIAL, "units/1");
  Write([&](Transaction& tx) -> absl::Status {
    for (auto* n : {&pending, &qualified, &other_category}) {
      if (auto s = PutNomination(tx, *n); !s.ok()) return s;
    }
    v1::Evaluation p = MakeEvaluation(pending, v1::VERDICT_PENDING, "p");
    v1::Evaluation q = MakeEvaluation(qualified, v1::VERDICT_QUALIFIED, "q");
    if (auto s = InsertEvaluation(tx, p, {}, {}); !s.ok()) return s;
    return InsertEvaluation(tx, q, {}, {});
  });
  auto tx = db_.db->Begin(TxMode::kRead);
  auto found = FindDependency(**tx, "plans/can-tho-2019-2020", "units/1", {type::v1::CATEGORY_INSTITUTION});
  ASSERT_TRUE(found.ok() && *found) << found.status();
  EXPECT_EQ((*found)->nomination, "nominations/Q");
  EXPECT_EQ((*found)->evaluation, "nominations/Q/evaluations/1");
  EXPECT_EQ((*found)->verdict, v1::VERDICT_QUALIFIED);
  auto none = FindDependency(**tx, "plans/can-tho-2019-2020", "units/2", {type::v1::CATEGORY_INSTITUTION});
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(*none);
}

TEST_P(EvaluationStoreTest, TheLatestReviewOfEachCriterionCounts) {
  auto n = MakeNomination("N1", "units/1", type::v1::CATEGORY_INSTITUTION, "units/1");
  Write([&](Transaction& tx) -> absl::Status {
    if (auto s = PutNomination(tx, n); !s.ok()) return s;
    int64_t t = 1700000000;
    for (auto [id, criterion, decision] :
         std::vector<std::tuple<std::string, std::string, v1::AttestationReview::Decision>>{
             {"R1", "G1", v1::AttestationReview::DECISION_REJECTED},
             {"R2", "G1", v1::AttestationReview::DECISION_ACCEPTED},
             {"R3", "I4", v1::AttestationReview::DECISION_REJECTED}}) {
      v1::AttestationReview r;
      r.set_name(absl::StrCat(n.name(), "/attestationReviews/", id));
      r.set_nomination(n.name());
      r.set_criterion_id(criterion);
      r.set_decision(decision);
      r.mutable_create_time()->set_seconds(t++);
      if (auto s = InsertReview(tx, r); !s.ok()) return s;
    }
    return absl::OkStatus();
  });
  auto tx = db_.db->Begin(TxMode::kRead);
  auto reviews = LatestReviews(**tx, n.name());
  ASSERT_TRUE(reviews.ok());
  ASSERT_EQ(reviews->size(), 2u);
  EXPECT_EQ(reviews->at("G1").decision(), v1::AttestationReview::DECISION_ACCEPTED);
  EXPECT_EQ(reviews->at("I4").decision(), v1::AttestationReview::DECISION_REJECTED);
}

TEST_P(EvaluationStoreTest, ListsPageByKeyAndHideOtherUnits) {
  Write([&](Transaction& tx) -> absl::Status {
    for (int i = 0; i < 5; ++i) {
      auto n = MakeNomination(absl::StrCat("N", i), absl::StrCat("units/", i % 2), type::v1::CATEGORY_INSTITUTION,
                              absl::StrCat("units/", i % 2));
      if (auto s = PutNomination(tx, n); !s.ok()) return s;
      v1::Evaluation e = MakeEvaluation(n, i == 0 ? v1::VERDICT_QUALIFIED : v1::VERDICT_PENDING, "d");
      if (auto s = InsertEvaluation(tx, e, {}, {}); !s.ok()) return s;
    }
    return absl::OkStatus();
  });
  auto tx = db_.db->Begin(TxMode::kRead);
  EvaluationQuery q;
  q.order_by = "version";
  q.page_size = 2;
  std::vector<std::string> seen;
  for (int page = 0; page < 5; ++page) {
    auto result = QueryEvaluations(**tx, q);
    ASSERT_TRUE(result.ok()) << result.status();
    for (const auto& e : result->items) seen.push_back(e.nomination());
    if (result->next_key.empty()) break;
    q.after = result->next_key;
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"nominations/N0", "nominations/N1", "nominations/N2", "nominations/N3",
                                            "nominations/N4"}));
  EvaluationQuery mine;
  mine.visible_unit = "units/1";
  auto visible = QueryEvaluations(**tx, mine);
  ASSERT_TRUE(visible.ok());
  EXPECT_EQ(visible->items.size(), 2u) << "a unit officer of units/1 sees N1 and N3 only";
  EvaluationQuery qualified;
  qualified.verdict = v1::VERDICT_QUALIFIED;
  EXPECT_EQ(QueryEvaluations(**tx, qualified)->items.size(), 1u);
}

TEST_P(EvaluationStoreTest, ARecognitionStandsUntilRevoked) {
  v1::CouncilDecision d;
  d.set_name("councilDecisions/D1");
  d.set_nomination("nominations/N1");
  d.set_state(v1::CouncilDecision::STATE_RECOGNISED);
  d.mutable_decision_date()->set_year(2020);
  d.mutable_decision_date()->set_month(8);
  d.mutable_decision_date()->set_day(20);
  Write([&](Transaction& tx) { return InsertCouncilDecision(tx, d, "units/1"); });
  {
    auto tx = db_.db->Begin(TxMode::kRead);
    auto standing = StandingRecognition(**tx, "nominations/N1");
    ASSERT_TRUE(standing.ok() && *standing);
    EXPECT_EQ((*standing)->name(), "councilDecisions/D1");
  }
  d.set_state(v1::CouncilDecision::STATE_REVOKED);
  Write([&](Transaction& tx) { return UpdateCouncilDecision(tx, d); });
  auto tx = db_.db->Begin(TxMode::kRead);
  auto standing = StandingRecognition(**tx, "nominations/N1");
  ASSERT_TRUE(standing.ok());
  EXPECT_FALSE(*standing);
  auto loaded = LoadCouncilDecision(**tx, "councilDecisions/D1");
  ASSERT_TRUE(loaded.ok() && *loaded);
  EXPECT_EQ((*loaded)->state(), v1::CouncilDecision::STATE_REVOKED);
}

INSTANTIATE_TEST_SUITE_P(Backends, EvaluationStoreTest, ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const ::testing::TestParamInfo<Backend>& info) {
                           return platform::testing::BackendName(info.param);
                         });

}  // namespace
}  // namespace dienhinh::evaluation
