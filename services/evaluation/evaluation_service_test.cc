// The evaluation service end to end on loopback, on SQLite and PostgreSQL: a real server at
// 127.0.0.1:0 with real tokens, fed by a real intake feed (an EventLog and EventFeed started here,
// as intake will serve it) and a registry that serves the batch gets from memory behind a real
// registry feed. Nobody calls evaluation to evaluate: submissions, record changes, reviews and the
// school's own verdict reach it as events, and each new fact shows as a new version.
#include "services/evaluation/evaluation_service.h"

#include <chrono>
#include <functional>

#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "dienhinh/evaluation/v1/evaluation_service.grpc.pb.h"
#include "services/evaluation/testing/fake_registry.h"
#include "services/evaluation/testing/sample_records.h"
#include "services/evaluation/testing/upstream_feed.h"
#include "services/platform/auth/key_store.h"
#include "services/platform/plan/criteria_parameters.h"
#include "services/platform/testing/test_database.h"

namespace dienhinh::evaluation {
namespace {

using platform::Role;
using platform::testing::Backend;

constexpr char kPlan[] = "plans/can-tho-2019-2020";
constexpr char kSchool[] = "units/92000701";
constexpr char kOtherSchool[] = "units/92000702";
constexpr char kLeader[] = "persons/CT0000001";
constexpr char kBlock[] = "emulationBlocks/thpt-can-tho";

class EvaluationServiceTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    DH_OPEN_TEST_DATABASE_OR_SKIP(opened, GetParam());
    database_ = std::move(opened);
    auto plans = platform::LoadCheckedPlanDirectory(DH_PLANS_DIR);
    ASSERT_TRUE(plans.ok()) << plans.status();
    plans_ = std::make_unique<platform::PlanCatalog>(std::move(*plans));
    auto registry = testing::FakeRegistry::Start();
    ASSERT_TRUE(registry.ok()) << registry.status();
    registry_ = std::move(*registry);
    auto intake = testing::UpstreamFeed::Start("intake");
    ASSERT_TRUE(intake.ok()) << intake.status();
    intake_ = std::move(*intake);

    data_dir_ = platform::testing::MakeTempDir();
    platform::RuntimeOptions options;
    options.service_name = "evaluation";
    options.listen_address = "127.0.0.1:0";
    options.metrics_address = "off";
    options.data_dir = data_dir_;
    options.database_url = database_.url;
    options.drain_timeout = absl::Seconds(2);
    options.sqlite_full_sync = false;
    options.migrations = EvaluationMigrations();
    auto runtime = platform::ServiceRuntime::Create(options);
    ASSERT_TRUE(runtime.ok()) << runtime.status();
    runtime_ = std::move(*runtime);
    RegistryClientOptions client;
    client.target = registry_->address();
    client.deadline = absl::Seconds(2);
    client.channel = runtime_->NewChannel(client.target);
    std::string token = runtime_->ServiceToken();
    client.bearer_token = [token] { return token; };
    registry_client_ = NewRegistryClient(client);
    EvaluationWorker::Options worker;
    worker.poll_interval = absl::Milliseconds(50);
    worker.min_backoff = absl::Milliseconds(50);
    worker.max_backoff = absl::Milliseconds(200);
    service_ = std::make_unique<EvaluationService>(runtime_.get(), plans_.get(), registry_client_.get(), worker);
    runtime_->Register(service_.get());
    service_->AddConsumers(intake_->address(), registry_->address());
    ASSERT_TRUE(runtime_->Start().ok());
    service_->StartWorker();
    stub_ = v1::EvaluationService::NewStub(
        grpc::CreateChannel(runtime_->address(), grpc::InsecureChannelCredentials()));
    PutGoodSchool(kSchool, "Trường THPT Châu Văn Liêm");
  }

  void TearDown() override {
    if (service_) service_->StopWorker();
    if (runtime_) runtime_->Stop();
    service_.reset();
    runtime_.reset();
    intake_.reset();
    registry_.reset();
  }

  // ---- The world.

  void PutGoodSchool(const std::string& unit, const std::string& display_name) {
    registry::v1::Unit u;
    u.set_name(unit);
    u.set_display_name(display_name);
    u.set_kind(type::v1::UNIT_KIND_SCHOOL);
    u.set_parent("units/SGDDT");
    ASSERT_TRUE(registry_->PutUnit(u).ok());
    for (int year = 2017; year <= 2019; ++year) {
      ASSERT_TRUE(registry_->PutUnitRecord(testing::GoodUnitRecord(unit, year)).ok());
    }
  }

  void PutGoodLeader() {
    registry::v1::Person p;
    p.set_name(kLeader);
    p.set_display_name("Trần Văn Hùng");
    p.set_unit(kSchool);
    p.set_holds_leadership_post(true);
    p.set_head_of(kSchool);
    ASSERT_TRUE(registry_->PutPerson(p).ok());
    for (int year = 2018; year <= 2019; ++year) {
      ASSERT_TRUE(registry_->PutPersonRecord(testing::GoodPersonRecord(kLeader, year, kSchool, kSchool)).ok());
    }
  }

  // A nomination as intake publishes it on submission, with an attestation (citing one evidence
  // item) for every attested criterion of its category, and a vote of 18 of 20.
  intake::v1::Nomination MakeNomination(const std::string& id, const std::string& nominee,
                                        type::v1::Category category) {
    intake::v1::Nomination n;
    n.set_name(absl::StrCat("nominations/", id));
    n.set_plan(kPlan);
    n.add_school_years()->set_start_year(2018);
    n.add_school_years()->set_start_year(2019);
    n.set_category(category);
    n.set_field(type::v1::FIELD_COMPREHENSIVE);
    n.set_nominee(nominee);
    n.set_nominating_unit(kSchool);
    n.set_district("districts/916");
    n.set_state(intake::v1::Nomination::STATE_SUBMITTED);
    auto* e = n.add_evidence();
    e->set_id("e1");
    e->set_kind(intake::v1::Evidence::KIND_REPORT);
    e->set_title("Báo cáo thành tích");
    for (const auto& c : plans_->Find(kPlan)->criteria()) {
      if (c.kind() != v1::Criterion::KIND_ATTESTATION) continue;
      if (std::find(c.categories().begin(), c.categories().end(), category) == c.categories().end()) continue;
      auto* a = n.add_attestations();
      a->set_criterion_id(c.id());
      a->set_statement(absl::StrCat("Đáp ứng tiêu chí ", c.id()));
      a->add_evidence_ids("e1");
    }
    auto* vote = n.mutable_acknowledgement_vote();
    vote->set_members(20);
    vote->set_present(20);
    vote->set_votes_for(18);
    return n;
  }

  void Submit(const intake::v1::Nomination& n) {
    platform::Event event;
    *event.mutable_nomination_submitted()->mutable_nomination() = n;
    event.set_actor("canbo-thidua");
    ASSERT_TRUE(intake_->Publish(event).ok());
  }

  // ---- Calls.

  std::string Token(Role role, const std::string& unit = "", const std::string& subject = "tester") {
    platform::TokenRequest request;
    request.role = role;
    request.subject = subject;
    request.unit = unit;
    auto token = platform::MintTokenWithDataDirKey(data_dir_, request);
    EXPECT_TRUE(token.ok()) << token.status();
    return token.ok() ? *token : "";
  }

  std::unique_ptr<grpc::ClientContext> Context(const std::string& token) {
    auto context = std::make_unique<grpc::ClientContext>();
    context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    if (!token.empty()) context->AddMetadata("authorization", absl::StrCat("Bearer ", token));
    return context;
  }

  grpc::Status Get(const std::string& name, v1::Evaluation* out, const std::string& token = "") {
    v1::GetEvaluationRequest request;
    request.set_name(name);
    return stub_->GetEvaluation(Context(token.empty() ? Token(Role::kViewer) : token).get(), request, out);
  }

  // Waits until the nomination's latest evaluation satisfies `done`.
  v1::Evaluation WaitFor(const std::string& nomination, const std::function<bool(const v1::Evaluation&)>& done,
                         const std::string& what) {
    v1::Evaluation latest;
    absl::Time deadline = absl::Now() + absl::Seconds(20);
    while (absl::Now() < deadline) {
      v1::Evaluation e;
      if (Get(absl::StrCat(nomination, "/evaluations/latest"), &e).ok()) {
        latest = e;
        if (done(e)) return e;
      }
      absl::SleepFor(absl::Milliseconds(50));
    }
    ADD_FAILURE() << "timed out waiting for " << what << "; latest: " << latest.ShortDebugString();
    return latest;
  }

  grpc::Status Review(const std::string& nomination, const std::string& criterion,
                      v1::AttestationReview::Decision decision, const std::string& token,
                      v1::AttestationReview* out = nullptr, const std::string& comment = "đủ minh chứng") {
    v1::ReviewAttestationRequest request;
    request.set_parent(nomination);
    request.set_criterion_id(criterion);
    request.set_decision(decision);
    request.set_comment(comment);
    v1::AttestationReview ignored;
    return stub_->ReviewAttestation(Context(token).get(), request, out ? out : &ignored);
  }

  // Accepts every attestation of the nomination as the department office.
  void AcceptAll(const intake::v1::Nomination& n) {
    std::string office = Token(Role::kDepartmentOffice, "92000010", "vanphong");
    for (const auto& a : n.attestations()) {
      grpc::Status s = Review(n.name(), a.criterion_id(), v1::AttestationReview::DECISION_ACCEPTED, office);
      ASSERT_TRUE(s.ok()) << a.criterion_id() << ": " << s.error_message();
    }
  }

  grpc::Status Decide(const std::string& nomination, int members, int votes_for, const std::string& request_id,
                      v1::CouncilDecision* out) {
    v1::CreateCouncilDecisionRequest request;
    auto* d = request.mutable_council_decision();
    d->set_nomination(nomination);
    d->set_decision_number("456/QĐ-SGDĐT");
    d->mutable_decision_date()->set_year(2020);
    d->mutable_decision_date()->set_month(8);
    d->mutable_decision_date()->set_day(20);
    d->set_recognition_title("Gương điển hình tiên tiến ngành giáo dục và đào tạo giai đoạn 2019-2020");
    d->set_council_members(members);
    d->set_members_present(members);
    d->set_votes_for(votes_for);
    request.set_request_id(request_id);
    return stub_->CreateCouncilDecision(Context(Token(Role::kCouncilMember, "", "hoidong")).get(), request, out);
  }

  // The criterion's outcome in `e`; an empty one when `e` has none (a wait that timed out).
  v1::CriterionOutcome Outcome(const v1::Evaluation& e, const std::string& id) {
    for (const auto& o : e.outcomes()) {
      if (o.criterion_id() == id) return o;
    }
    ADD_FAILURE() << id << " has no outcome in " << e.name();
    return v1::CriterionOutcome();
  }

  platform::testing::TestDatabase database_;
  std::unique_ptr<platform::PlanCatalog> plans_;
  std::unique_ptr<testing::FakeRegistry> registry_;
  std::unique_ptr<testing::UpstreamFeed> intake_;
  std::string data_dir_;
  std::unique_ptr<platform::ServiceRuntime> runtime_;
  std::unique_ptr<RegistryFacts> registry_client_;
  std::unique_ptr<EvaluationService> service_;
  std::unique_ptr<v1::EvaluationService::Stub> stub_;
};

TEST_P(EvaluationServiceTest, ASubmissionIsEvaluatedWithoutAnyManualStep) {
  auto n = MakeNomination("01J0SCHOOL000000000000000000", kSchool, type::v1::CATEGORY_INSTITUTION);
  Submit(n);
  v1::Evaluation e = WaitFor(n.name(), [](const v1::Evaluation& e) { return e.version() >= 1; }, "version 1");
  EXPECT_EQ(e.name(), n.name() + "/evaluations/1");
  EXPECT_EQ(e.catalog_version(), "2019-2020.1");
  EXPECT_EQ(e.input_digest().size(), 64u);
  EXPECT_EQ(e.trigger().kind(), v1::EvaluationTrigger::KIND_NOMINATION_SUBMITTED);
  EXPECT_EQ(e.nominee_display_name(), "Trường THPT Châu Văn Liêm");
  EXPECT_EQ(e.outcomes_size(), 13);
  // The records are all good; the attestations wait for the department office.
  EXPECT_EQ(e.verdict(), v1::VERDICT_PENDING);
  EXPECT_EQ(Outcome(e, "I3").outcome(), v1::CriterionOutcome::OUTCOME_MET) << Outcome(e, "I3").reason().en();
  EXPECT_EQ(Outcome(e, "G1").outcome(), v1::CriterionOutcome::OUTCOME_PENDING);
  // The facts came in batches: a handful of calls, not one per record.
  EXPECT_LE(registry_->batch_calls(), 4);

  // The version is published on evaluation's own feed.
  auto feed = events::v1::EventFeed::NewStub(grpc::CreateChannel(runtime_->address(), grpc::InsecureChannelCredentials()));
  auto context = Context(Token(Role::kService, "", "reporting"));
  auto reader = feed->Subscribe(context.get(), events::v1::SubscribeRequest());
  events::v1::Event event;
  bool recorded = false;
  while (reader->Read(&event)) {
    if (event.has_evaluation_recorded()) {
      recorded = true;
      EXPECT_EQ(event.evaluation_recorded().evaluation().name(), e.name());
      EXPECT_EQ(event.evaluation_recorded().previous_verdict(), v1::VERDICT_UNSPECIFIED);
      break;
    }
  }
  context->TryCancel();
  EXPECT_TRUE(recorded);
}

TEST_P(EvaluationServiceTest, AChangedYearlyRecordProducesANewVersion) {
  auto n = MakeNomination("01J0SCHOOL000000000000000000", kSchool, type::v1::CATEGORY_INSTITUTION);
  Submit(n);
  v1::Evaluation first = WaitFor(n.name(), [](const v1::Evaluation& e) { return e.version() >= 1; }, "version 1");

  auto record = testing::GoodUnitRecord(kSchool, 2019);
  record.mutable_students()->set_good(650);  // the good-student rate falls in 2019-2020
  ASSERT_TRUE(registry_->PutUnitRecord(record).ok());
  v1::Evaluation second = WaitFor(n.name(), [](const v1::Evaluation& e) { return e.version() >= 2; }, "version 2");
  EXPECT_EQ(second.trigger().kind(), v1::EvaluationTrigger::KIND_RECORD_CHANGED);
  // The record's event names it, unless it arrived while version 1 was gathering its facts:
  // then the re-run knows only that some record changed, and says so.
  if (second.trigger().resource().empty()) {
    EXPECT_NE(second.trigger().reason().find("registry change"), std::string::npos);
  } else {
    EXPECT_EQ(second.trigger().resource(), record.name());
  }
  EXPECT_NE(second.input_digest(), first.input_digest());
  EXPECT_EQ(second.verdict(), v1::VERDICT_NOT_QUALIFIED);
  EXPECT_EQ(Outcome(second, "I3").outcome(), v1::CriterionOutcome::OUTCOME_NOT_MET);
  EXPECT_NE(Outcome(second, "I3").reason().vi().find("giảm từ"), std::string::npos);

  // Version 1 is still there, as it was.
  v1::Evaluation kept;
  ASSERT_TRUE(Get(first.name(), &kept).ok());
  EXPECT_EQ(kept.SerializeAsString(), first.SerializeAsString());

  // The same record saved again changes no input: no third version.
  ASSERT_TRUE(registry_->PutUnitRecord(record).ok());
  absl::SleepFor(absl::Milliseconds(600));
  v1::Evaluation latest;
  ASSERT_TRUE(Get(n.name() + "/evaluations/latest", &latest).ok());
  EXPECT_EQ(latest.version(), 2);
}

TEST_P(EvaluationServiceTest, ACouncilDecisionOnANonQualifiedNominationIsFailedPrecondition) {
  auto n = MakeNomination("01J0SCHOOL000000000000000000", kSchool, type::v1::CATEGORY_INSTITUTION);
  Submit(n);
  WaitFor(n.name(), [](const v1::Evaluation& e) { return e.version() >= 1; }, "version 1");
  v1::CouncilDecision decision;
  grpc::Status s = Decide(n.name(), 9, 9, "decide-1", &decision);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << s.error_message();
  s = Decide("nominations/UNKNOWN", 9, 9, "decide-2", &decision);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND) << s.error_message();
}

TEST_P(EvaluationServiceTest, ReviewsQualifyAndTheCouncilRecognisesAndRevokes) {
  auto n = MakeNomination("01J0SCHOOL000000000000000000", kSchool, type::v1::CATEGORY_INSTITUTION);
  Submit(n);
  WaitFor(n.name(), [](const v1::Evaluation& e) { return e.version() >= 1; }, "version 1");

  // Nobody reviews a nomination of their own unit; rejecting needs a comment; viewers don't review.
  grpc::Status s = Review(n.name(), "G1", v1::AttestationReview::DECISION_ACCEPTED,
                          Token(Role::kDepartmentOffice, "92000701", "hieutruong"));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED) << s.error_message();
  s = Review(n.name(), "G1", v1::AttestationReview::DECISION_REJECTED, Token(Role::kDepartmentOffice, "92000010"),
             nullptr, "");
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  s = Review(n.name(), "G1", v1::AttestationReview::DECISION_ACCEPTED, Token(Role::kViewer));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  s = Review(n.name(), "I1", v1::AttestationReview::DECISION_ACCEPTED, Token(Role::kDepartmentOffice, "92000010"));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << "I1 is not an attested criterion";

  AcceptAll(n);
  v1::Evaluation qualified = WaitFor(
      n.name(), [](const v1::Evaluation& e) { return e.verdict() == v1::VERDICT_QUALIFIED; }, "QUALIFIED");
  EXPECT_EQ(qualified.trigger().kind(), v1::EvaluationTrigger::KIND_ATTESTATION_REVIEWED);

  // Explained: the criterion, its outcome and the review it rests on.
  v1::ExplainEvaluationRequest explain;
  explain.set_name(qualified.name());
  explain.add_criterion_ids("G1");
  v1::ExplainEvaluationResponse explained;
  ASSERT_TRUE(stub_->ExplainEvaluation(Context(Token(Role::kViewer)).get(), explain, &explained).ok());
  ASSERT_EQ(explained.explanations_size(), 1);
  EXPECT_EQ(explained.explanations(0).criterion().id(), "G1");
  EXPECT_EQ(explained.explanations(0).review().decision(), v1::AttestationReview::DECISION_ACCEPTED);
  EXPECT_EQ(explained.explanations(0).review().reviewer(), "vanphong");

  // 8 of 9 members is short of the plan's 90 % of the full membership.
  v1::CouncilDecision decision;
  s = Decide(n.name(), 9, 8, "decide-short", &decision);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << s.error_message();
  s = Decide(n.name(), 9, 9, "decide-1", &decision);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(decision.state(), v1::CouncilDecision::STATE_RECOGNISED);
  EXPECT_EQ(decision.evaluation(), qualified.name());
  EXPECT_EQ(decision.required_share_bp(), 9000);
  // A retry with the same request id returns the same decision; a new one is refused.
  v1::CouncilDecision retried;
  ASSERT_TRUE(Decide(n.name(), 9, 9, "decide-1", &retried).ok());
  EXPECT_EQ(retried.name(), decision.name());
  s = Decide(n.name(), 9, 9, "decide-2", &retried);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);

  // Revoked with its ground and legal basis; a stale etag is refused first.
  v1::RevokeCouncilDecisionRequest revoke;
  revoke.set_name(decision.name());
  revoke.set_etag("stale");
  revoke.set_request_id("revoke-1");
  auto* r = revoke.mutable_revocation();
  r->set_reason(v1::Revocation::REASON_FALSE_DOSSIER);
  r->set_legal_basis("Luật Thi đua, khen thưởng số 06/2022/QH15, chương VII");
  r->set_decision_number("789/QĐ-SGDĐT");
  r->mutable_decision_date()->set_year(2024);
  r->mutable_decision_date()->set_month(3);
  r->mutable_decision_date()->set_day(1);
  v1::CouncilDecision revoked;
  std::string council = Token(Role::kCouncilMember, "", "hoidong");
  s = stub_->RevokeCouncilDecision(Context(council).get(), revoke, &revoked);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::ABORTED);
  revoke.set_etag(decision.etag());
  s = stub_->RevokeCouncilDecision(Context(council).get(), revoke, &revoked);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(revoked.state(), v1::CouncilDecision::STATE_REVOKED);
  EXPECT_EQ(revoked.revocation().revoked_by(), "hoidong");
  revoke.set_request_id("revoke-2");
  revoke.clear_etag();
  s = stub_->RevokeCouncilDecision(Context(council).get(), revoke, &revoked);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);

  v1::ListCouncilDecisionsRequest list;
  list.set_filter("state = STATE_REVOKED");
  v1::ListCouncilDecisionsResponse listed;
  ASSERT_TRUE(stub_->ListCouncilDecisions(Context(Token(Role::kViewer)).get(), list, &listed).ok());
  ASSERT_EQ(listed.council_decisions_size(), 1);
  EXPECT_EQ(listed.council_decisions(0).name(), decision.name());
}

TEST_P(EvaluationServiceTest, ALeaderFollowsTheSchoolWithNoCallFromAnyone) {
  PutGoodLeader();
  auto school = MakeNomination("01J0SCHOOL000000000000000000", kSchool, type::v1::CATEGORY_INSTITUTION);
  auto leader = MakeNomination("01J0LEADER000000000000000000", kLeader, type::v1::CATEGORY_LEADER);
  Submit(school);
  Submit(leader);
  WaitFor(school.name(), [](const v1::Evaluation& e) { return e.version() >= 1; }, "the school's version 1");
  WaitFor(leader.name(), [](const v1::Evaluation& e) { return e.version() >= 1; }, "the leader's version 1");
  AcceptAll(leader);
  // Everything of the leader's own is met; L4 waits for the school, which waits for its reviews.
  v1::Evaluation waiting = WaitFor(
      leader.name(),
      [&](const v1::Evaluation& e) {
        for (const auto& o : e.outcomes()) {
          if (o.criterion_id() != "L4" && o.outcome() != v1::CriterionOutcome::OUTCOME_MET) return false;
        }
        return e.outcomes_size() > 0;
      },
      "the leader's own criteria met");
  EXPECT_EQ(waiting.verdict(), v1::VERDICT_PENDING);
  EXPECT_EQ(Outcome(waiting, "L4").outcome(), v1::CriterionOutcome::OUTCOME_PENDING);

  // The school qualifies; the leader's evaluation follows by itself.
  AcceptAll(school);
  WaitFor(school.name(), [](const v1::Evaluation& e) { return e.verdict() == v1::VERDICT_QUALIFIED; },
          "the school QUALIFIED");
  v1::Evaluation qualified = WaitFor(
      leader.name(), [](const v1::Evaluation& e) { return e.verdict() == v1::VERDICT_QUALIFIED; }, "leader QUALIFIED");
  EXPECT_EQ(qualified.trigger().kind(), v1::EvaluationTrigger::KIND_DEPENDENCY_CHANGED);
  ASSERT_GT(Outcome(qualified, "L4").depends_on_size(), 0);
  EXPECT_EQ(Outcome(qualified, "L4").depends_on(0).rfind(school.name() + "/evaluations/", 0), 0u);

  // The school's 2018-2019 assessment corrected to "hoàn thành tốt": both fall, L4 NOT_MET.
  auto record = testing::GoodUnitRecord(kSchool, 2018);
  record.mutable_assessment()->set_assessment(type::v1::TASK_ASSESSMENT_GOOD);
  ASSERT_TRUE(registry_->PutUnitRecord(record).ok());
  v1::Evaluation fallen = WaitFor(
      leader.name(), [](const v1::Evaluation& e) { return e.verdict() == v1::VERDICT_NOT_QUALIFIED; },
      "leader NOT_QUALIFIED");
  EXPECT_EQ(Outcome(fallen, "L4").outcome(), v1::CriterionOutcome::OUTCOME_NOT_MET);
}

TEST_P(EvaluationServiceTest, ReadsFollowTheCallersUnit) {
  auto n = MakeNomination("01J0SCHOOL000000000000000000", kSchool, type::v1::CATEGORY_INSTITUTION);
  Submit(n);
  WaitFor(n.name(), [](const v1::Evaluation& e) { return e.version() >= 1; }, "version 1");
  v1::Evaluation e;
  EXPECT_TRUE(Get(n.name() + "/evaluations/1", &e, Token(Role::kUnitOfficer, "92000701")).ok());
  EXPECT_EQ(Get(n.name() + "/evaluations/1", &e, Token(Role::kUnitOfficer, "92000702")).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  v1::GetEvaluationRequest request;
  request.set_name(n.name() + "/evaluations/1");
  grpc::ClientContext anonymous;
  EXPECT_EQ(stub_->GetEvaluation(&anonymous, request, &e).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(Get(n.name() + "/evaluations/9", &e).error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Get("nominations/x/evaluations/zero", &e).error_code(), grpc::StatusCode::INVALID_ARGUMENT);

  v1::ListEvaluationsRequest list;
  list.set_parent("nominations/-");
  v1::ListEvaluationsResponse listed;
  ASSERT_TRUE(stub_->ListEvaluations(Context(Token(Role::kUnitOfficer, "92000702")).get(), list, &listed).ok());
  EXPECT_EQ(listed.evaluations_size(), 0) << "another unit's officer sees none";
  list.set_filter("verdict = VERDICT_PENDING AND plan = \"plans/can-tho-2019-2020\"");
  ASSERT_TRUE(stub_->ListEvaluations(Context(Token(Role::kUnitOfficer, "92000701")).get(), list, &listed).ok());
  EXPECT_EQ(listed.evaluations_size(), 1);
  list.set_filter("colour = \"red\"");
  EXPECT_EQ(stub_->ListEvaluations(Context(Token(Role::kViewer)).get(), list, &listed).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_P(EvaluationServiceTest, TheRegistryBeingDownDelaysButLosesNothing) {
  registry_->SetUnavailable(true);
  auto n = MakeNomination("01J0SCHOOL000000000000000000", kSchool, type::v1::CATEGORY_INSTITUTION);
  Submit(n);
  absl::SleepFor(absl::Milliseconds(500));
  v1::Evaluation e;
  EXPECT_EQ(Get(n.name() + "/evaluations/latest", &e).error_code(), grpc::StatusCode::NOT_FOUND);
  registry_->SetUnavailable(false);
  e = WaitFor(n.name(), [](const v1::Evaluation& e) { return e.version() >= 1; }, "version 1 after the outage");
  EXPECT_EQ(e.version(), 1);
}

TEST_P(EvaluationServiceTest, AnAdministratorAsksForANewVersion) {
  auto n = MakeNomination("01J0SCHOOL000000000000000000", kSchool, type::v1::CATEGORY_INSTITUTION);
  Submit(n);
  v1::Evaluation first = WaitFor(n.name(), [](const v1::Evaluation& e) { return e.version() >= 1; }, "version 1");
  v1::ReevaluateNominationRequest request;
  request.set_name(n.name());
  request.set_reason("kiểm tra lại sau khi sửa dữ liệu");
  request.set_request_id("again-1");
  v1::Evaluation again;
  EXPECT_EQ(stub_->ReevaluateNomination(Context(Token(Role::kDepartmentOffice, "92000010")).get(), request, &again)
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  std::string admin = Token(Role::kAdmin, "", "admin");
  ASSERT_TRUE(stub_->ReevaluateNomination(Context(admin).get(), request, &again).ok());
  EXPECT_EQ(again.version(), 2);
  EXPECT_EQ(again.input_digest(), first.input_digest()) << "same inputs, same digest";
  EXPECT_EQ(again.trigger().kind(), v1::EvaluationTrigger::KIND_REEVALUATION_REQUESTED);
  EXPECT_EQ(again.trigger().actor(), "admin");
  v1::Evaluation retried;
  ASSERT_TRUE(stub_->ReevaluateNomination(Context(admin).get(), request, &retried).ok());
  EXPECT_EQ(retried.version(), 2) << "a retry with the same request id makes no third version";
}

TEST_P(EvaluationServiceTest, TheBlockIsRankedByStanding) {
  PutGoodSchool(kOtherSchool, "Trường THPT An Khánh");
  auto second = testing::GoodUnitRecord(kSchool, 2019);
  second.mutable_block_standing()->set_rank(2);
  ASSERT_TRUE(registry_->PutUnitRecord(second).ok());
  registry::v1::EmulationBlock block;
  block.set_name(kBlock);
  block.set_display_name("Khối THPT");
  auto* membership = block.add_memberships();
  membership->mutable_school_year()->set_start_year(2019);
  membership->add_units(kSchool);
  membership->add_units(kOtherSchool);
  ASSERT_TRUE(registry_->PutEmulationBlock(block).ok());
  auto a = MakeNomination("01J0SCHOOL000000000000000000", kSchool, type::v1::CATEGORY_INSTITUTION);
  auto b = MakeNomination("01J0SCHOOL000000000000000001", kOtherSchool, type::v1::CATEGORY_INSTITUTION);
  b.set_nominating_unit(kOtherSchool);
  Submit(a);
  Submit(b);
  WaitFor(a.name(), [](const v1::Evaluation& e) { return e.version() >= 1; }, "a");
  WaitFor(b.name(), [](const v1::Evaluation& e) { return e.version() >= 1; }, "b");
  v1::RankBlockRequest request;
  request.set_plan(kPlan);
  request.mutable_school_year()->set_start_year(2019);
  request.set_emulation_block(kBlock);
  v1::BlockRanking ranking;
  grpc::Status s = stub_->RankBlock(Context(Token(Role::kCouncilMember)).get(), request, &ranking);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_EQ(ranking.entries_size(), 2);
  EXPECT_EQ(ranking.entries(0).nominee(), kOtherSchool);
  EXPECT_EQ(ranking.entries(0).position(), 1);
  EXPECT_EQ(ranking.entries(1).nominee(), kSchool);
  EXPECT_EQ(ranking.entries(1).block_rank(), 2);
  EXPECT_EQ(ranking.entries(1).block_size(), 12);
  EXPECT_EQ(stub_->RankBlock(Context(Token(Role::kUnitOfficer, "92000701")).get(), request, &ranking).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

INSTANTIATE_TEST_SUITE_P(Backends, EvaluationServiceTest, ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const ::testing::TestParamInfo<Backend>& info) {
                           return platform::testing::BackendName(info.param);
                         });

}  // namespace
}  // namespace dienhinh::evaluation
