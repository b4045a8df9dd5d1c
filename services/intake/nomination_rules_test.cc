// The nomination rules on their own: the form of a dossier, the submission checks against the
// plan, the nominee against the registry's facts, the nomination window, and the changes of
// state. Each failing check must name its field and its reason.
#include "services/intake/nomination_rules.h"

#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"

#include <algorithm>
#include <map>

#include "services/intake/testing/test_world.h"
#include "services/platform/api/etag.h"
#include "services/platform/plan/plan_file.h"
#include "services/platform/status/error_details.h"

namespace dienhinh::intake {
namespace {

using testing::InstitutionNomination;
using testing::LeaderNomination;
using testing::OfficialNomination;
using testing::TestPlan;

// What the registry of the test world says about a nomination.
RegistryFacts FactsFor(const Nomination& n) {
  std::map<std::string, registry::v1::Unit> units;
  std::map<std::string, registry::v1::Person> persons;
  for (const auto& u : testing::TestUnits()) units[u.name()] = u;
  for (const auto& p : testing::TestPersons()) persons[p.name()] = p;
  RegistryFacts facts;
  if (units.count(n.nominee())) facts.nominee_unit = units[n.nominee()];
  if (persons.count(n.nominee())) facts.nominee_person = persons[n.nominee()];
  if (units.count(n.nominating_unit())) facts.nominating_unit = units[n.nominating_unit()];
  return facts;
}

// "field: REASON" of each failure, for compact assertions.
std::vector<std::string> Summary(const std::vector<RuleFailure>& failures) {
  std::vector<std::string> out;
  for (const auto& f : failures) out.push_back(f.field + ": " + f.reason);
  return out;
}

using Strings = std::vector<std::string>;

TEST(NominationRulesTest, CompleteNominationsOfEveryCategoryPassEveryCheck) {
  const Plan plan = TestPlan();
  for (const Nomination& n : {InstitutionNomination(), OfficialNomination(), LeaderNomination(),
                              testing::DepartmentNomination()}) {
    SCOPED_TRACE(n.nominee());
    EXPECT_EQ(Summary(CheckNominationForm(n, &plan)), Strings{});
    EXPECT_EQ(Summary(CheckDossierAgainstPlan(n, plan)), Strings{});
    EXPECT_EQ(Summary(CheckNomineeFits(n, plan, FactsFor(n))), Strings{});
  }
}

TEST(NominationRulesTest, FormNamesEachBadField) {
  const Plan plan = TestPlan();
  Nomination n = InstitutionNomination();
  n.set_nominee("persons/GV001");  // an institution names a unit
  n.mutable_evidence(1)->set_id("e1");
  n.mutable_evidence(0)->set_sha256("ABC");
  n.mutable_attestations(0)->add_evidence_ids("e9");
  n.mutable_attestations(1)->set_criterion_id("G1");
  n.mutable_acknowledgement_vote()->set_present(-1);
  n.mutable_school_years(1)->set_start_year(2018);
  EXPECT_EQ(Summary(CheckNominationForm(n, &plan)),
            (Strings{"nominee: INVALID_ARGUMENT", "school_years[1].start_year: INVALID_ARGUMENT",
                     "evidence[0].sha256: INVALID_ARGUMENT", "evidence[1].id: INVALID_ARGUMENT",
                     "attestations[0].evidence_ids[1]: INVALID_ARGUMENT",
                     "attestations[1].criterion_id: INVALID_ARGUMENT",
                     "acknowledgement_vote.present: INVALID_ARGUMENT",
                     // e2 was renamed, so the minutes no longer have their evidence item
                     "acknowledgement_vote.minutes_evidence_id: INVALID_ARGUMENT"}));
}

TEST(NominationRulesTest, FormNeedsAKnownPlanAndOneOfItsCategories) {
  const Plan plan = TestPlan();
  Nomination n = OfficialNomination();
  EXPECT_EQ(Summary(CheckNominationForm(n, nullptr)), Strings{"plan: PLAN_NOT_FOUND"});
  n.clear_plan();
  n.clear_nominating_unit();
  n.set_category(type::v1::CATEGORY_UNSPECIFIED);
  EXPECT_EQ(Summary(CheckNominationForm(n, nullptr)),
            (Strings{"plan: INVALID_ARGUMENT", "category: INVALID_ARGUMENT",
                     "nominating_unit: INVALID_ARGUMENT"}));

  Plan two_categories = plan;
  two_categories.mutable_categories()->DeleteSubrange(2, 2);  // no official, no leader
  EXPECT_EQ(Summary(CheckNominationForm(OfficialNomination(), &two_categories)),
            Strings{"category: CATEGORY_NOT_IN_PLAN"});
}

TEST(NominationRulesTest, ADraftNeedNotBeCompleteButASubmissionMust) {
  const Plan plan = TestPlan();
  Nomination n;
  n.set_plan(testing::kPlanName);
  n.set_category(type::v1::CATEGORY_OFFICIAL);
  n.set_nominee("persons/GV001");
  n.set_nominating_unit("units/THPT001");
  EXPECT_EQ(Summary(CheckNominationForm(n, &plan)), Strings{});
  EXPECT_EQ(Summary(CheckDossierAgainstPlan(n, plan)),
            (Strings{"school_years: DOSSIER_INCOMPLETE", "field: DOSSIER_INCOMPLETE",
                     "achievements: DOSSIER_INCOMPLETE", "acknowledgement_vote: DOSSIER_INCOMPLETE"}));

  n = OfficialNomination();
  n.set_field(type::v1::FIELD_OTHER);
  EXPECT_EQ(Summary(CheckDossierAgainstPlan(n, plan)), Strings{"field_detail: DOSSIER_INCOMPLETE"});
}

TEST(NominationRulesTest, SchoolYearsMustLieInThePlan) {
  Nomination n = OfficialNomination();
  n.add_school_years()->set_start_year(2020);
  auto failures = CheckDossierAgainstPlan(n, TestPlan());
  ASSERT_EQ(Summary(failures), Strings{"school_years[2]: SCHOOL_YEAR_NOT_IN_PLAN"});
  EXPECT_NE(failures[0].description.find("2020-2021"), std::string::npos) << failures[0].description;
}

TEST(NominationRulesTest, AttestationsMustNameCriteriaOfTheCategory) {
  Nomination n = OfficialNomination();
  n.mutable_attestations(1)->set_criterion_id("I4");  // an institution's criterion
  n.add_attestations()->set_criterion_id("X9");       // no such criterion
  EXPECT_EQ(Summary(CheckDossierAgainstPlan(n, TestPlan())),
            (Strings{"attestations[1].criterion_id: CRITERION_NOT_IN_CATEGORY",
                     "attestations[2].criterion_id: CRITERION_NOT_IN_CATEGORY"}));
}

TEST(NominationRulesTest, TheVoteMustAddUp) {
  const Plan plan = TestPlan();
  Nomination n = OfficialNomination();
  n.mutable_acknowledgement_vote()->set_votes_for(39);  // 38 present
  EXPECT_EQ(Summary(CheckDossierAgainstPlan(n, plan)),
            Strings{"acknowledgement_vote.votes_for: VOTE_DOES_NOT_ADD_UP"});
  n.mutable_acknowledgement_vote()->set_votes_for(38);
  EXPECT_EQ(Summary(CheckDossierAgainstPlan(n, plan)), Strings{}) << "all present voting for";
  n.mutable_acknowledgement_vote()->set_present(41);  // 40 members
  EXPECT_EQ(Summary(CheckDossierAgainstPlan(n, plan)),
            Strings{"acknowledgement_vote.present: VOTE_DOES_NOT_ADD_UP"});
  n.mutable_acknowledgement_vote()->set_members(0);
  n.mutable_acknowledgement_vote()->set_present(0);
  n.mutable_acknowledgement_vote()->set_votes_for(0);
  EXPECT_EQ(Summary(CheckDossierAgainstPlan(n, plan)),
            Strings{"acknowledgement_vote.members: VOTE_DOES_NOT_ADD_UP"});
}

TEST(NominationRulesTest, AnInstitutionIsASchoolOrCentreDirectlyUnderTheDepartment) {
  const Plan plan = TestPlan();
  Nomination n = InstitutionNomination();
  n.set_nominee("units/PGD916");
  n.set_nominating_unit("units/PGD916");
  EXPECT_EQ(Summary(CheckNomineeFits(n, plan, FactsFor(n))),
            Strings{"nominee: NOMINEE_NOT_IN_CATEGORY"}) << "a district office";
  n.set_nominee("units/TH003");
  n.set_nominating_unit("units/TH003");
  EXPECT_EQ(Summary(CheckNomineeFits(n, plan, FactsFor(n))),
            Strings{"nominee: NOMINEE_NOT_IN_CATEGORY"}) << "a school under a district office";
  n.set_nominee("units/NOPE");
  EXPECT_EQ(Summary(CheckNomineeFits(n, plan, FactsFor(n))), Strings{"nominee: NOMINEE_NOT_FOUND"});

  Nomination department = testing::DepartmentNomination();
  department.set_nominee("units/THPT002");
  department.set_nominating_unit("units/THPT002");
  EXPECT_EQ(Summary(CheckNomineeFits(department, plan, FactsFor(department))),
            Strings{"nominee: NOMINEE_NOT_IN_CATEGORY"});
}

TEST(NominationRulesTest, ACollectivePutsItselfForward) {
  Nomination n = InstitutionNomination();
  n.set_nominating_unit("units/THPT002");
  EXPECT_EQ(Summary(CheckNomineeFits(n, TestPlan(), FactsFor(n))),
            Strings{"nominating_unit: NOMINATING_UNIT_MISMATCH"});
}

TEST(NominationRulesTest, TheLeaderCategoryNamesAPersonWhoHeadsAUnit) {
  const Plan plan = TestPlan();
  Nomination n = LeaderNomination();
  n.set_nominee("persons/PHT001");  // a deputy: leadership post, heads nothing
  EXPECT_EQ(Summary(CheckNomineeFits(n, plan, FactsFor(n))),
            Strings{"nominee: NOMINEE_NOT_IN_CATEGORY"});
  n.set_nominee("persons/GV001");  // a teacher: neither
  EXPECT_EQ(Summary(CheckNomineeFits(n, plan, FactsFor(n))),
            (Strings{"nominee: NOMINEE_NOT_IN_CATEGORY", "nominee: NOMINEE_NOT_IN_CATEGORY"}));

  // Even a plan whose rule forgets requires_unit_head: the leader is judged by the unit led (L4).
  Plan lax = plan;
  lax.mutable_categories(3)->set_requires_unit_head(false);
  lax.mutable_categories(3)->set_requires_leadership_post(false);
  n.set_nominee("persons/PHT001");
  EXPECT_EQ(Summary(CheckNomineeFits(n, lax, FactsFor(n))),
            Strings{"nominee: NOMINEE_NOT_IN_CATEGORY"});
}

TEST(NominationRulesTest, AnIndividualIsPutForwardByTheirOwnUnit) {
  const Plan plan = TestPlan();
  Nomination n = OfficialNomination();
  n.set_nominating_unit("units/THPT002");
  EXPECT_EQ(Summary(CheckNomineeFits(n, plan, FactsFor(n))),
            Strings{"nominating_unit: NOMINATING_UNIT_MISMATCH"});
  n.set_nominee("persons/GONE");
  EXPECT_EQ(Summary(CheckNomineeFits(n, plan, FactsFor(n))), Strings{"nominee: NOMINEE_NOT_FOUND"});
}

TEST(NominationRulesTest, TheWindowIsPerCategoryInVietnamTime) {
  const Plan plan = TestPlan();
  using type::v1::CATEGORY_INSTITUTION;
  using type::v1::CATEGORY_OFFICIAL;
  EXPECT_TRUE(CheckNominationWindow(plan, CATEGORY_INSTITUTION, testing::WindowOpenTime(), false).ok());
  absl::Status closed =
      CheckNominationWindow(plan, CATEGORY_INSTITUTION, testing::InstitutionWindowClosedTime(), false);
  EXPECT_EQ(closed.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(platform::ReasonOf(closed), kReasonWindowClosed);
  ASSERT_EQ(platform::FieldViolationsOf(closed).size(), 1u);
  EXPECT_EQ(platform::FieldViolationsOf(closed)[0].field, "override_window");
  // The others close two weeks later.
  EXPECT_TRUE(
      CheckNominationWindow(plan, CATEGORY_OFFICIAL, testing::InstitutionWindowClosedTime(), false)
          .ok());
  // 30 April 23:59 in Vietnam is 16:59 UTC: still open; 1 May 00:00 in Vietnam is closed.
  EXPECT_TRUE(CheckNominationWindow(plan, CATEGORY_INSTITUTION,
                                    testing::VietnamTime(2020, 4, 30, 23, 59), false).ok());
  EXPECT_FALSE(CheckNominationWindow(plan, CATEGORY_INSTITUTION,
                                     testing::VietnamTime(2020, 5, 1, 0, 0), false).ok());
  absl::Status early =
      CheckNominationWindow(plan, CATEGORY_OFFICIAL, testing::VietnamTime(2020, 2, 1), false);
  EXPECT_EQ(platform::ReasonOf(early), kReasonWindowNotYetOpen);
  EXPECT_TRUE(CheckNominationWindow(plan, CATEGORY_INSTITUTION,
                                    testing::InstitutionWindowClosedTime(), true).ok())
      << "an override lets it through";
}

TEST(NominationRulesTest, FailuresBecomeOneStatusWithEveryFieldAndACommonReason) {
  absl::Status one = FailuresToStatus(absl::StatusCode::kFailedPrecondition, "checks failed",
                                      {{"school_years[0]", "no", kReasonSchoolYearNotInPlan},
                                       {"school_years[1]", "no", kReasonSchoolYearNotInPlan}},
                                      "nomination.");
  EXPECT_EQ(one.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(platform::ReasonOf(one), kReasonSchoolYearNotInPlan);
  auto violations = platform::FieldViolationsOf(one);
  ASSERT_EQ(violations.size(), 2u);
  EXPECT_EQ(violations[1].field, "nomination.school_years[1]");

  absl::Status mixed = FailuresToStatus(absl::StatusCode::kFailedPrecondition, "checks failed",
                                        {{"a", "x", kReasonSchoolYearNotInPlan},
                                         {"b", "y", kReasonVoteDoesNotAddUp}});
  EXPECT_EQ(platform::ReasonOf(mixed), kReasonSubmissionChecksFailed);
  EXPECT_TRUE(FailuresToStatus(absl::StatusCode::kInvalidArgument, "x", {}).ok());
}

TEST(NominationRulesTest, UpdatesMayNotTouchTheIdentityOrOutputFields) {
  auto paths = [](std::vector<std::string> in) {
    google::protobuf::FieldMask mask;
    for (auto& p : in) mask.add_paths(p);
    return UpdatablePaths(mask);
  };
  EXPECT_EQ(paths({"plan"}).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(paths({"achievements", "nominee"}).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(paths({"state"}).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(paths({"etag"}).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(paths({"no_such_field"}).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(paths({"acknowledgement_vote.no_such"}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(paths({}).status().code(), absl::StatusCode::kInvalidArgument);
  ASSERT_TRUE(paths({"*"}).ok());
  EXPECT_EQ(paths({"*"})->size(), 9u);
  EXPECT_EQ(*paths({"evidence", "achievements", "evidence"}), (Strings{"achievements", "evidence"}));
  EXPECT_TRUE(paths({"acknowledgement_vote.members"}).ok());
}

TEST(NominationRulesTest, AnUpdateReplacesRepeatedFieldsWholeAndLeavesTheRest) {
  Nomination stored = InstitutionNomination();
  Nomination patch;
  patch.add_evidence()->set_id("only");
  patch.set_achievements("mới");
  patch.set_nominee("units/OTHER");  // not in the paths: ignored
  patch.mutable_acknowledgement_vote()->set_members(50);
  Nomination out = ApplyUpdate(stored, patch, {"acknowledgement_vote.members", "evidence"});
  ASSERT_EQ(out.evidence_size(), 1);
  EXPECT_EQ(out.evidence(0).id(), "only");
  EXPECT_EQ(out.achievements(), stored.achievements());
  EXPECT_EQ(out.nominee(), "units/THPT001");
  EXPECT_EQ(out.acknowledgement_vote().members(), 50);
  EXPECT_EQ(out.acknowledgement_vote().present(), 38) << "a sub-path changes only that field";
}

TEST(NominationRulesTest, StateChangesStampTimesActorsAndANewEtag) {
  const absl::Time t0 = testing::WindowOpenTime();
  RegistryFacts facts;
  facts.nominee_person.emplace().set_display_name("Nguyễn Thị Hoa");
  facts.nominating_unit.emplace().set_district("districts/916");
  Nomination draft = NewDraft(OfficialNomination(), facts, "01ARZ3NDEKTSV4RRFFQ69G5FAV", "hoa", t0);
  EXPECT_EQ(draft.name(), "nominations/01ARZ3NDEKTSV4RRFFQ69G5FAV");
  EXPECT_EQ(draft.state(), Nomination::STATE_DRAFT);
  EXPECT_EQ(draft.created_by(), "hoa");
  EXPECT_EQ(draft.nominee_display_name(), "Nguyễn Thị Hoa");
  EXPECT_EQ(draft.district(), "districts/916");
  EXPECT_FALSE(draft.etag().empty());
  EXPECT_EQ(draft.etag(), platform::ComputeEtag(draft)) << "the etag covers the registry's facts";

  Nomination submitted = Submitted(draft, "vanphong", t0 + absl::Hours(1), "công văn gia hạn");
  EXPECT_EQ(submitted.state(), Nomination::STATE_SUBMITTED);
  EXPECT_EQ(submitted.submitted_by(), "vanphong");
  EXPECT_EQ(submitted.window_override().reason(), "công văn gia hạn");
  EXPECT_EQ(submitted.window_override().actor(), "vanphong");
  EXPECT_NE(submitted.etag(), draft.etag());
  EXPECT_FALSE(Submitted(draft, "hoa", t0, "").has_window_override());

  Nomination withdrawn = Withdrawn(submitted, t0 + absl::Hours(2), "trùng hồ sơ");
  EXPECT_EQ(withdrawn.state(), Nomination::STATE_WITHDRAWN);
  EXPECT_EQ(withdrawn.withdraw_reason(), "trùng hồ sơ");
  EXPECT_NE(withdrawn.etag(), submitted.etag());
  EXPECT_TRUE(IsActive(Nomination::STATE_DRAFT));
  EXPECT_TRUE(IsActive(Nomination::STATE_SUBMITTED));
  EXPECT_FALSE(IsActive(Nomination::STATE_WITHDRAWN));
}

TEST(NominationRulesTest, NamesAndSchoolYears) {
  EXPECT_EQ(NominationIdOf("nominations/01ARZ3NDEKTSV4RRFFQ69G5FAV"), "01ARZ3NDEKTSV4RRFFQ69G5FAV");
  EXPECT_FALSE(NominationIdOf("nominations/x"));
  EXPECT_FALSE(NominationIdOf("units/01ARZ3NDEKTSV4RRFFQ69G5FAV"));
  EXPECT_EQ(UnitCodeOf("units/THPT001"), "THPT001");
  EXPECT_FALSE(UnitCodeOf("units/"));
  EXPECT_FALSE(UnitCodeOf("units/a/b"));
  EXPECT_TRUE(IsPersonName("persons/GV001"));
  EXPECT_EQ(ParseSchoolYear("2019-2020"), 2019);
  EXPECT_FALSE(ParseSchoolYear("2019-2021"));
  EXPECT_FALSE(ParseSchoolYear("2019"));
  EXPECT_FALSE(ParseSchoolYear("+019-2020"));
  EXPECT_EQ(SchoolYearText(2019), "2019-2020");
}

// The plans the service loads (plans/*.textproto): in each category, a nomination covering
// the plan's years, attesting every qualitative criterion of the category, passes the dossier
// checks, and the window is open from its first instant.
TEST(NominationRulesTest, TheCommittedPlansAcceptACompleteNominationInEveryCategory) {
  auto catalog = platform::PlanCatalog::LoadDirectory(DH_PLANS_DIR);
  if (!catalog.ok() && catalog.status().code() == absl::StatusCode::kNotFound) {
    GTEST_SKIP() << "no plan files yet: " << catalog.status();
  }
  ASSERT_TRUE(catalog.ok()) << catalog.status();
  for (const Plan* plan : catalog->plans()) {
    for (const auto& rule : plan->categories()) {
      SCOPED_TRACE(absl::StrCat(plan->name(), " ", type::v1::Category_Name(rule.category())));
      Nomination n = OfficialNomination();
      n.set_plan(plan->name());
      n.set_category(rule.category());
      n.set_nominee(IsIndividualCategory(plan, rule.category()) ? "persons/P1" : "units/U1");
      n.set_nominating_unit("units/U1");
      n.mutable_school_years()->CopyFrom(plan->school_years());
      n.clear_attestations();
      for (const auto& criterion : plan->criteria()) {
        if (criterion.kind() != evaluation::v1::Criterion::KIND_ATTESTATION) continue;
        if (std::find(criterion.categories().begin(), criterion.categories().end(),
                      rule.category()) == criterion.categories().end()) {
          continue;
        }
        auto* a = n.add_attestations();
        a->set_criterion_id(criterion.id());
        a->set_statement("x");
      }
      EXPECT_EQ(Summary(CheckNominationForm(n, plan)), Strings{});
      EXPECT_EQ(Summary(CheckDossierAgainstPlan(n, *plan)), Strings{});
      for (const auto& window : plan->nomination_windows()) {
        if (window.category() != rule.category() &&
            window.category() != type::v1::CATEGORY_UNSPECIFIED) {
          continue;
        }
        auto opens = platform::ToTime(window.opens(), window.time_zone());
        ASSERT_TRUE(opens.ok()) << opens.status();
        EXPECT_TRUE(CheckNominationWindow(*plan, rule.category(), *opens, false).ok());
      }
    }
  }
}

}  // namespace
}  // namespace dienhinh::intake
