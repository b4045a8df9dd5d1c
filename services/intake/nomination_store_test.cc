// The nomination store on SQLite and on PostgreSQL (a fresh schema of the server named by
// DIENHINH_TEST_POSTGRES_URL; skipped without it unless DIENHINH_REQUIRE_POSTGRES=1): each
// command is one transaction with its audit row, its event and its remembered response; one
// active nomination per nominee, category and plan; filters, orders and keyset pages.
#include "services/intake/nomination_store.h"

#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "services/intake/nomination_rules.h"
#include "services/intake/testing/test_world.h"
#include "services/platform/api/api_schema.h"
#include "services/platform/events/event_schema.h"
#include "services/platform/ids/ulid.h"
#include "services/platform/status/error_details.h"
#include "services/platform/testing/committed_events.h"
#include "services/platform/testing/test_database.h"

namespace dienhinh::intake {
namespace {

using platform::testing::Backend;

platform::Caller Officer(const std::string& unit = "THPT001") {
  return {"hoa", platform::Role::kUnitOfficer, unit, "local"};
}
platform::Caller Office() { return {"vanphong", platform::Role::kDepartmentOffice, "VPS", "local"}; }

class NominationStoreTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    DH_OPEN_TEST_DATABASE_OR_SKIP(opened, GetParam());
    database_ = std::move(opened);
    std::vector<platform::Migration> schema = platform::EventMigrations();
    for (auto& m : platform::ApiMigrations()) schema.push_back(std::move(m));
    for (auto& m : IntakeMigrations()) schema.push_back(std::move(m));
    ASSERT_TRUE(platform::Migrate(*database_.db, schema).ok());
    events_ = std::make_unique<platform::EventLog>(database_.db.get(),
                                                   platform::EventLog::Options{"intake", "test"});
    store_ = std::make_unique<NominationStore>(database_.db.get(), events_.get());
  }

  void TearDown() override {
    store_.reset();
    events_.reset();
  }

  // A draft as the service would make it, `minutes` after the window opened.
  Nomination Draft(Nomination input, const std::string& display_name, int minutes = 0) {
    const absl::Time now = testing::WindowOpenTime() + absl::Minutes(minutes);
    RegistryFacts facts;
    facts.nominee_person.emplace().set_display_name(display_name);
    facts.nominating_unit.emplace().set_district("districts/916");
    return NewDraft(input, facts, platform::NewUlid(now), "hoa", now);
  }

  NominationStore::Change SubmitChange(const Nomination& n, const std::string& request_id) {
    NominationStore::Change change;
    change.method = "SubmitNomination";
    change.request_id = request_id;
    change.expected_etag = n.etag();
    change.publish = NominationStore::Publish::kSubmitted;
    Nomination after = Submitted(n, "hoa", testing::WindowOpenTime() + absl::Hours(1), "");
    change.apply = [after](const Nomination&) -> absl::StatusOr<Nomination> { return after; };
    return change;
  }

  std::vector<platform::Event> Events() {
    return platform::testing::CommittedEvents(*database_.db, *events_);
  }

  int64_t Count(const std::string& sql) {
    int64_t n = -1;
    absl::Status status = platform::RunInTransaction(
        *database_.db, platform::TxMode::kRead, [&](platform::Transaction& tx) {
          auto rows = tx.Query(sql);
          if (!rows.ok()) return rows.status();
          n = (*rows)[0].Int(0);
          return absl::OkStatus();
        });
    EXPECT_TRUE(status.ok()) << status;
    return n;
  }

  // Every nomination the query finds, page by page, checking each page's size.
  std::vector<Nomination> AllPages(NominationQuery query) {
    std::vector<Nomination> all;
    for (int page = 0; page < 100; ++page) {
      auto result = store_->List(query);
      EXPECT_TRUE(result.ok()) << result.status();
      if (!result.ok()) break;
      EXPECT_LE(static_cast<int>(result->nominations.size()), query.page_size);
      for (auto& n : result->nominations) all.push_back(n);
      if (result->next_after.empty()) break;
      query.after = result->next_after;
    }
    return all;
  }

  platform::testing::TestDatabase database_;
  std::unique_ptr<platform::EventLog> events_;
  std::unique_ptr<NominationStore> store_;
};

TEST_P(NominationStoreTest, ADraftIsStoredWholeWithItsAuditRow) {
  Nomination draft = Draft(testing::InstitutionNomination(), "Trường THPT Châu Văn Liêm");
  auto created = store_->Create(Officer(), draft, "req-1");
  ASSERT_TRUE(created.ok()) << created.status();
  auto got = store_->Get(*NominationIdOf(draft.name()));
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->SerializeAsString(), draft.SerializeAsString());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log WHERE method = 'CreateNomination'"), 1);
  EXPECT_TRUE(Events().empty()) << "drafts publish nothing";
  EXPECT_EQ(store_->Get("01ARZ3NDEKTSV4RRFFQ69G5FAV").status().code(), absl::StatusCode::kNotFound);
}

TEST_P(NominationStoreTest, ARetriedCreateReturnsTheFirstNomination) {
  Nomination first = Draft(testing::InstitutionNomination(), "A");
  Nomination retry = Draft(testing::InstitutionNomination(), "A", 1);  // a new id, as a retry has
  ASSERT_TRUE(store_->Create(Officer(), first, "req-1").ok());
  auto again = store_->Create(Officer(), retry, "req-1");
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->name(), first.name());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM nominations"), 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log"), 1);
  auto remembered = store_->Remembered("CreateNomination", "req-1");
  ASSERT_TRUE(remembered.ok());
  ASSERT_TRUE(remembered->has_value());
  EXPECT_EQ((*remembered)->name(), first.name());
}

TEST_P(NominationStoreTest, ANomineeHasOneActiveNominationPerCategoryAndPlan) {
  Nomination first = Draft(testing::LeaderNomination(), "Trần Văn Bình");
  ASSERT_TRUE(store_->Create(Officer(), first, "req-1").ok());
  auto second = store_->Create(Office(), Draft(testing::LeaderNomination(), "Trần Văn Bình", 1),
                               "req-2");
  EXPECT_EQ(second.status().code(), absl::StatusCode::kAlreadyExists) << second.status();
  EXPECT_EQ(platform::ReasonOf(second.status()), kReasonActiveNominationExists);
  EXPECT_NE(second.status().message().find(first.name()), std::string::npos) << second.status();

  // The same person in another category is another nomination.
  Nomination as_official = testing::LeaderNomination();
  as_official.set_category(type::v1::CATEGORY_OFFICIAL);
  EXPECT_TRUE(store_->Create(Officer(), Draft(as_official, "Trần Văn Bình", 2), "req-3").ok());

  // Once the first is submitted and withdrawn, a new one may be made.
  auto submitted = store_->Apply(Officer(), *NominationIdOf(first.name()), SubmitChange(first, "s1"));
  ASSERT_TRUE(submitted.ok()) << submitted.status();
  EXPECT_EQ(store_->Create(Office(), Draft(testing::LeaderNomination(), "B", 3), "req-4")
                .status().code(),
            absl::StatusCode::kAlreadyExists) << "a submitted nomination is active";
  NominationStore::Change withdraw;
  withdraw.method = "WithdrawNomination";
  withdraw.expected_etag = submitted->etag();
  withdraw.publish = NominationStore::Publish::kWithdrawn;
  Nomination withdrawn = Withdrawn(*submitted, testing::WindowOpenTime() + absl::Hours(2), "lý do");
  withdraw.apply = [withdrawn](const Nomination&) -> absl::StatusOr<Nomination> { return withdrawn; };
  ASSERT_TRUE(store_->Apply(Officer(), *NominationIdOf(first.name()), withdraw).ok());
  EXPECT_TRUE(store_->Create(Office(), Draft(testing::LeaderNomination(), "B", 4), "req-5").ok());
}

TEST_P(NominationStoreTest, ConcurrentCreatesLeaveOneActiveNominationAndRetriesOneResponse) {
  // Eight clients race: four retry one request, four send their own for the same nominee.
  constexpr int kClients = 8;
  std::vector<absl::StatusOr<Nomination>> results(kClients, absl::UnknownError("not run"));
  std::vector<std::thread> clients;
  for (int i = 0; i < kClients; ++i) {
    clients.emplace_back([&, i] {
      Nomination draft = Draft(testing::OfficialNomination(), "Hà", i);
      results[i] = store_->Create(Officer(), draft, i < 4 ? "same" : absl::StrCat("own-", i));
    });
  }
  for (auto& client : clients) client.join();
  std::set<std::string> made;
  int refused = 0;
  for (const auto& result : results) {
    if (result.ok()) {
      made.insert(result->name());
    } else {
      EXPECT_EQ(result.status().code(), absl::StatusCode::kAlreadyExists) << result.status();
      ++refused;
    }
  }
  EXPECT_EQ(made.size(), 1u) << "one nomination, whoever won";
  EXPECT_EQ(Count("SELECT COUNT(*) FROM nominations"), 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log"), 1);
  if (results[0].ok()) {
    for (int i = 1; i < 4; ++i) EXPECT_TRUE(results[i].ok()) << "a retry of the winner";
  }
  EXPECT_GE(refused, 3);
}

TEST_P(NominationStoreTest, SubmissionPublishesOneEventEvenWhenRetried) {
  Nomination draft = Draft(testing::OfficialNomination(), "Nguyễn Thị Thu Hà");
  ASSERT_TRUE(store_->Create(Officer(), draft, "req-1").ok());
  const std::string id = *NominationIdOf(draft.name());
  auto first = store_->Apply(Officer(), id, SubmitChange(draft, "submit-1"));
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->state(), Nomination::STATE_SUBMITTED);
  // The retry carries the etag of the draft, which is stale now: the request log answers first.
  auto retry = store_->Apply(Officer(), id, SubmitChange(draft, "submit-1"));
  ASSERT_TRUE(retry.ok()) << retry.status();
  EXPECT_EQ(retry->SerializeAsString(), first->SerializeAsString());

  std::vector<platform::Event> events = Events();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_TRUE(events[0].has_nomination_submitted());
  EXPECT_EQ(events[0].nomination_submitted().nomination().SerializeAsString(),
            first->SerializeAsString()) << "the event carries the whole nomination";
  auto stored = store_->Get(id);
  ASSERT_TRUE(stored.ok()) << stored.status();
  EXPECT_EQ(stored->SerializeAsString(), first->SerializeAsString()) << "and so does its row";
  EXPECT_EQ(events[0].actor(), "hoa");
  EXPECT_EQ(events[0].request_id(), "submit-1");
  EXPECT_EQ(events[0].source(), "intake");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log WHERE method = 'SubmitNomination'"), 1);
}

TEST_P(NominationStoreTest, AStaleEtagIsAbortedAndChangesNothing) {
  Nomination draft = Draft(testing::OfficialNomination(), "Hà");
  ASSERT_TRUE(store_->Create(Officer(), draft, "req-1").ok());
  NominationStore::Change change = SubmitChange(draft, "submit-1");
  change.expected_etag = "0000000000000000";
  auto result = store_->Apply(Officer(), *NominationIdOf(draft.name()), change);
  EXPECT_EQ(result.status().code(), absl::StatusCode::kAborted) << result.status();
  EXPECT_EQ(store_->Get(*NominationIdOf(draft.name()))->state(), Nomination::STATE_DRAFT);
  EXPECT_TRUE(Events().empty());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM request_log WHERE method = 'SubmitNomination'"), 0);
}

TEST_P(NominationStoreTest, AFailedTransitionRollsEverythingBack) {
  Nomination draft = Draft(testing::OfficialNomination(), "Hà");
  ASSERT_TRUE(store_->Create(Officer(), draft, "req-1").ok());
  NominationStore::Change change = SubmitChange(draft, "submit-1");
  change.apply = [](const Nomination&) -> absl::StatusOr<Nomination> {
    return absl::FailedPreconditionError("no");
  };
  EXPECT_EQ(store_->Apply(Officer(), *NominationIdOf(draft.name()), change).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(Events().empty());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log"), 1) << "only the create's";
}

TEST_P(NominationStoreTest, UpdatesArePublishedOnlyAfterSubmission) {
  Nomination draft = Draft(testing::OfficialNomination(), "Hà");
  ASSERT_TRUE(store_->Create(Officer(), draft, "req-1").ok());
  const std::string id = *NominationIdOf(draft.name());
  auto update = [&](const Nomination& stored, const std::string& text) {
    Nomination after = stored;
    after.set_achievements(text);
    Touch(after, testing::WindowOpenTime() + absl::Hours(3));
    NominationStore::Change change;
    change.method = "UpdateNomination";
    change.expected_etag = stored.etag();
    change.publish = NominationStore::Publish::kUpdatedIfSubmitted;
    change.update_mask.add_paths("achievements");
    change.apply = [after](const Nomination&) -> absl::StatusOr<Nomination> { return after; };
    return store_->Apply(Officer(), id, change);
  };
  auto edited = update(draft, "bản nháp 2");
  ASSERT_TRUE(edited.ok()) << edited.status();
  EXPECT_TRUE(Events().empty());
  EXPECT_EQ(store_->Get(id)->achievements(), "bản nháp 2") << "a draft's edit is stored, unpublished";
  auto submitted = store_->Apply(Officer(), id, SubmitChange(*edited, "submit-1"));
  ASSERT_TRUE(submitted.ok());
  auto corrected = update(*submitted, "đã sửa");
  ASSERT_TRUE(corrected.ok()) << corrected.status();
  std::vector<platform::Event> events = Events();
  ASSERT_EQ(events.size(), 2u);
  ASSERT_TRUE(events[1].has_nomination_updated());
  EXPECT_EQ(events[1].nomination_updated().nomination().achievements(), "đã sửa");
  EXPECT_EQ(events[1].nomination_updated().update_mask().paths(0), "achievements");
  EXPECT_GT(events[1].sequence(), events[0].sequence());
  // The row holds each published change as its event carries it.
  EXPECT_EQ(store_->Get(id)->SerializeAsString(), corrected->SerializeAsString());
  auto redone = update(*corrected, "sửa lần hai");
  ASSERT_TRUE(redone.ok()) << redone.status();
  EXPECT_EQ(store_->Get(id)->achievements(), "sửa lần hai");
}

// A change writes the school years and the nominating unit only when they change (a
// submission changes neither); lists find a nomination by what it is after each change.
TEST_P(NominationStoreTest, ListsFindANominationByItsYearsAndUnitAfterAChange) {
  Nomination draft = Draft(testing::OfficialNomination(), "Hà");  // 2018-2019 and 2019-2020
  ASSERT_TRUE(store_->Create(Officer(), draft, "req-1").ok());
  const std::string id = *NominationIdOf(draft.name());
  auto found = [&](std::optional<int> year, const std::string& unit) {
    NominationQuery q;
    q.page_size = 10;
    q.school_year = year;
    q.nominating_unit = unit;
    return AllPages(q).size();
  };
  const std::string unit = draft.nominating_unit();
  Nomination moved = draft;
  moved.mutable_school_years()->RemoveLast();  // 2018-2019 only
  moved.set_nominating_unit("units/THPT002");
  Touch(moved, testing::WindowOpenTime() + absl::Hours(2));
  NominationStore::Change change;
  change.method = "UpdateNomination";
  change.expected_etag = draft.etag();
  change.publish = NominationStore::Publish::kUpdatedIfSubmitted;
  change.apply = [moved](const Nomination&) -> absl::StatusOr<Nomination> { return moved; };
  ASSERT_TRUE(store_->Apply(Officer(), id, change).ok());
  EXPECT_EQ(found(2019, ""), 0u);
  EXPECT_EQ(found(2018, ""), 1u);
  EXPECT_EQ(found(std::nullopt, unit), 0u);
  EXPECT_EQ(found(std::nullopt, "units/THPT002"), 1u);

  auto submitted = store_->Apply(Officer(), id, SubmitChange(moved, "submit-1"));
  ASSERT_TRUE(submitted.ok()) << submitted.status();
  EXPECT_EQ(found(2018, "units/THPT002"), 1u);
  EXPECT_EQ(found(2019, ""), 0u);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM nomination_school_years"), 1);
}

TEST_P(NominationStoreTest, OnlyDraftsAreDeleted) {
  Nomination draft = Draft(testing::OfficialNomination(), "Hà");
  Nomination other = Draft(testing::InstitutionNomination(), "Trường", 1);
  ASSERT_TRUE(store_->Create(Officer(), draft, "req-1").ok());
  ASSERT_TRUE(store_->Create(Officer(), other, "req-2").ok());
  const std::string other_id = *NominationIdOf(other.name());
  ASSERT_TRUE(store_->Apply(Officer(), other_id, SubmitChange(other, "s")).ok());
  EXPECT_EQ(store_->DeleteDraft(Officer(), other_id, "").code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(store_->DeleteDraft(Officer(), *NominationIdOf(draft.name()), "stale").code(),
            absl::StatusCode::kAborted);
  ASSERT_TRUE(store_->DeleteDraft(Officer(), *NominationIdOf(draft.name()), draft.etag()).ok());
  EXPECT_EQ(store_->Get(*NominationIdOf(draft.name())).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM nomination_school_years"), 2) << "only the other's years";
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log WHERE method = 'DeleteNomination'"), 1);
}

TEST_P(NominationStoreTest, ListsFilterAndPageInEveryOrder) {
  // Nine nominations: three units' officials and institutions, in both years or one.
  const std::vector<std::string> names = {"Đỗ Thị Ánh", "An Văn Ba",   "Ân Thị Hoa",
                                          "Bùi Văn Đức", "Ba Thị Lan", "Đào Văn Nam",
                                          "Dương Thị Mai", "Ăn Văn Tư", "Bạch Thị Yến"};
  std::vector<Nomination> made;
  for (int i = 0; i < static_cast<int>(names.size()); ++i) {
    Nomination n = testing::OfficialNomination();
    n.set_nominee(absl::StrCat("persons/P", i));
    n.set_nominating_unit(i % 3 == 0 ? "units/THPT002" : "units/THPT001");
    if (i % 2 == 0) n.mutable_school_years()->RemoveLast();  // 2018-2019 only
    Nomination draft = Draft(n, names[i], i);
    if (i == 4) draft.set_district("districts/917");
    ASSERT_TRUE(store_->Create(Officer(), draft, absl::StrCat("c", i)).ok());
    if (i % 3 != 1) {
      NominationStore::Change change = SubmitChange(draft, absl::StrCat("s", i));
      Nomination after = Submitted(draft, "hoa", testing::WindowOpenTime() + absl::Hours(10 - i), "");
      change.apply = [after](const Nomination&) -> absl::StatusOr<Nomination> { return after; };
      ASSERT_TRUE(store_->Apply(Officer(), *NominationIdOf(draft.name()), change).ok());
    }
    made.push_back(draft);
  }

  auto count = [&](NominationQuery q) { return AllPages(q).size(); };
  NominationQuery q;
  q.page_size = 2;
  EXPECT_EQ(count(q), 9u);
  q.plan = testing::kPlanName;
  EXPECT_EQ(count(q), 9u);
  q.plan = "plans/other";
  EXPECT_EQ(count(q), 0u);
  q = NominationQuery();
  q.page_size = 2;
  q.state = Nomination::STATE_SUBMITTED;
  EXPECT_EQ(count(q), 6u);
  q.state.reset();
  q.school_year = 2019;
  EXPECT_EQ(count(q), 4u) << "the odd ones cover 2019-2020";
  q.school_year = 2018;
  EXPECT_EQ(count(q), 9u);
  q.school_year.reset();
  q.nominating_unit = "units/THPT002";
  EXPECT_EQ(count(q), 3u);
  q.nominating_unit.clear();
  q.district = "districts/917";
  EXPECT_EQ(count(q), 1u);
  q.district.clear();
  q.nominee = "persons/P5";
  EXPECT_EQ(count(q), 1u);
  q.nominee.clear();
  q.category = type::v1::CATEGORY_INSTITUTION;
  EXPECT_EQ(count(q), 0u);
  q.category = type::v1::CATEGORY_OFFICIAL;
  q.field = type::v1::FIELD_COMPREHENSIVE;
  EXPECT_EQ(count(q), 9u);
  q = NominationQuery();
  q.page_size = 2;
  q.visible_unit = "units/THPT002";
  EXPECT_EQ(count(q), 3u) << "a unit officer's scope";
  q.visible_unit.clear();
  q.hide_drafts = true;
  EXPECT_EQ(count(q), 6u) << "a reader's scope";

  // create_time desc (default): newest first, each exactly once across pages of 2.
  q = NominationQuery();
  q.page_size = 2;
  std::vector<Nomination> newest_first = AllPages(q);
  ASSERT_EQ(newest_first.size(), 9u);
  for (int i = 0; i < 9; ++i) EXPECT_EQ(newest_first[i].name(), made[8 - i].name());
  q.order = NominationOrder::kCreateTimeAsc;
  std::vector<Nomination> oldest_first = AllPages(q);
  ASSERT_EQ(oldest_first.size(), 9u);
  for (int i = 0; i < 9; ++i) EXPECT_EQ(oldest_first[i].name(), made[i].name());

  // submit_time: drafts (never submitted) first, then submitted ones, latest submitted last.
  q.order = NominationOrder::kSubmitTimeAsc;
  std::vector<Nomination> by_submit = AllPages(q);
  ASSERT_EQ(by_submit.size(), 9u);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(by_submit[i].state(), Nomination::STATE_DRAFT);
  for (int i = 4; i < 9; ++i) {
    EXPECT_GE(by_submit[i].submit_time().seconds(), by_submit[i - 1].submit_time().seconds());
  }
  q.order = NominationOrder::kSubmitTimeDesc;
  EXPECT_EQ(AllPages(q).front().state(), Nomination::STATE_SUBMITTED);

  // nominee_display_name: Vietnamese order (a ă â b ... d đ), stable across pages.
  q.order = NominationOrder::kNomineeDisplayName;
  std::vector<std::string> sorted;
  for (const auto& n : AllPages(q)) sorted.push_back(n.nominee_display_name());
  EXPECT_EQ(sorted, (std::vector<std::string>{"An Văn Ba", "Ăn Văn Tư", "Ân Thị Hoa", "Ba Thị Lan",
                                              "Bạch Thị Yến", "Bùi Văn Đức", "Dương Thị Mai",
                                              "Đào Văn Nam", "Đỗ Thị Ánh"}));
}

INSTANTIATE_TEST_SUITE_P(Backends, NominationStoreTest,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const ::testing::TestParamInfo<Backend>& info) {
                           return platform::testing::BackendName(info.param);
                         });

}  // namespace
}  // namespace dienhinh::intake
