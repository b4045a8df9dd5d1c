// The intake service through a real server on 127.0.0.1:0, with real tokens, on SQLite and on
// PostgreSQL, calling a registry over gRPC: the real registry service (services/registry, on its
// own database, seeded through its API) and a fake served from memory, which also lets a test
// slow the registry past the deadline. What the issue asks to be shown: the
// full life cycle with its events; each submission check failing with its code and field and
// changing nothing; retried create and submit making one nomination and one event; the closed
// window and the department office's audited override; a second active nomination refused;
// another unit's officer refused; a registry that is down giving UNAVAILABLE and no write.
#include "services/intake/intake_service.h"

#include <gtest/gtest.h>

#include <atomic>
#include <optional>
#include <set>
#include <thread>
#include <tuple>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "dienhinh/events/v1/event.grpc.pb.h"
#include "services/intake/nomination_rules.h"
#include "services/intake/testing/registry_under_test.h"
#include "services/intake/testing/test_world.h"
#include "services/platform/auth/key_store.h"
#include "services/platform/ids/ulid.h"
#include "services/platform/status/error_details.h"
#include "services/platform/status/grpc_status.h"
#include "services/platform/testing/test_database.h"

namespace dienhinh::intake {
namespace {

using platform::Role;
using platform::testing::Backend;
using v1::Nomination;

enum class Registry { kFake, kReal };
using Setup = std::tuple<Backend, Registry>;

// A finished call: its status (with details) and its response.
template <typename Response>
struct Outcome {
  absl::Status status;
  Response response;
  bool ok() const { return status.ok(); }
  const Response* operator->() const { return &response; }
};

// The field of every violation a status carries.
std::vector<std::string> FieldsOf(const absl::Status& status) {
  std::vector<std::string> out;
  for (const auto& v : platform::FieldViolationsOf(status)) out.push_back(v.field);
  return out;
}

class IntakeServiceTest : public ::testing::TestWithParam<Setup> {
 protected:
  void SetUp() override {
    const Backend backend = std::get<0>(GetParam());
    DH_OPEN_TEST_DATABASE_OR_SKIP(opened, backend);
    database_ = std::move(opened);
    data_dir_ = platform::testing::MakeTempDir();

    if (std::get<1>(GetParam()) == Registry::kReal) {
      if (!testing::HaveRealRegistry()) GTEST_SKIP() << "this build has no registry service";
      registry_ = testing::StartRealRegistry(backend, data_dir_);
      ASSERT_NE(registry_, nullptr);
    } else {
      registry_ = testing::StartFakeRegistry();
    }
    fake_ = registry_->fake();

    now_us_ = absl::ToUnixMicros(testing::WindowOpenTime());
    StartIntake(absl::Seconds(2));
  }

  void StartIntake(absl::Duration registry_deadline) {
    platform::RuntimeOptions options;
    options.service_name = "intake";
    options.listen_address = "127.0.0.1:0";
    options.metrics_address = "off";
    options.data_dir = data_dir_;
    options.database_url = database_.url;
    options.drain_timeout = absl::Seconds(2);
    options.migrations = IntakeMigrations();
    auto runtime = platform::ServiceRuntime::Create(options);
    ASSERT_TRUE(runtime.ok()) << runtime.status();
    runtime_ = std::move(*runtime);

    IntakeOptions intake;
    intake.plans = platform::PlanCatalog::FromPlans({testing::TestPlan()});
    intake.registry_address = registry_->address();
    intake.registry_deadline = registry_deadline;
    intake.clock = [this] { return absl::FromUnixMicros(now_us_.load()); };
    service_ = std::make_unique<IntakeService>(runtime_.get(), std::move(intake));
    runtime_->Register(service_.get());
    ASSERT_TRUE(runtime_->Start().ok());
    stub_ = v1::IntakeService::NewStub(
        grpc::CreateChannel(runtime_->address(), grpc::InsecureChannelCredentials()));
  }

  void StopIntake() {
    if (runtime_ != nullptr) runtime_->Stop();
    runtime_.reset();
    service_.reset();
  }

  void TearDown() override {
    StopIntake();
    if (registry_ != nullptr) registry_->Stop();
  }

  void SetNow(absl::Time t) { now_us_ = absl::ToUnixMicros(t); }

  std::string Token(Role role, const std::string& subject, const std::string& unit = "") {
    platform::TokenRequest request;
    request.role = role;
    request.subject = subject;
    request.unit = unit;
    auto token = platform::MintTokenWithDataDirKey(data_dir_, request);
    EXPECT_TRUE(token.ok()) << token.status();
    return token.ok() ? *token : "";
  }
  // The emulation officers of two schools, the department office, a viewer.
  std::string Hoa() { return Token(Role::kUnitOfficer, "hoa", "THPT001"); }
  std::string Lan() { return Token(Role::kUnitOfficer, "lan", "THPT002"); }
  std::string Office() { return Token(Role::kDepartmentOffice, "vanphong", "VPS"); }
  std::string Viewer() { return Token(Role::kViewer, "xem"); }

  std::unique_ptr<grpc::ClientContext> Context(const std::string& token) {
    auto context = std::make_unique<grpc::ClientContext>();
    context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    if (!token.empty()) context->AddMetadata("authorization", "Bearer " + token);
    return context;
  }

  Outcome<Nomination> Create(const std::string& token, const Nomination& n,
                             const std::string& request_id) {
    v1::CreateNominationRequest request;
    *request.mutable_nomination() = n;
    request.set_request_id(request_id);
    Outcome<Nomination> out;
    out.status = platform::FromGrpcStatus(stub_->CreateNomination(Context(token).get(), request,
                                                                  &out.response));
    return out;
  }

  Outcome<Nomination> Get(const std::string& token, const std::string& name) {
    v1::GetNominationRequest request;
    request.set_name(name);
    Outcome<Nomination> out;
    out.status =
        platform::FromGrpcStatus(stub_->GetNomination(Context(token).get(), request, &out.response));
    return out;
  }

  Outcome<Nomination> Submit(const std::string& token, const Nomination& n,
                             const std::string& request_id, const std::string& override_reason = "",
                             bool override_window = false) {
    v1::SubmitNominationRequest request;
    request.set_name(n.name());
    request.set_etag(n.etag());
    request.set_request_id(request_id);
    request.set_override_window(override_window);
    request.set_override_reason(override_reason);
    Outcome<Nomination> out;
    out.status = platform::FromGrpcStatus(
        stub_->SubmitNomination(Context(token).get(), request, &out.response));
    return out;
  }

  Outcome<Nomination> Update(const std::string& token, const Nomination& n,
                             std::vector<std::string> paths) {
    v1::UpdateNominationRequest request;
    *request.mutable_nomination() = n;
    for (auto& p : paths) request.mutable_update_mask()->add_paths(p);
    Outcome<Nomination> out;
    out.status = platform::FromGrpcStatus(
        stub_->UpdateNomination(Context(token).get(), request, &out.response));
    return out;
  }

  Outcome<Nomination> Withdraw(const std::string& token, const Nomination& n,
                               const std::string& reason, const std::string& request_id = "") {
    v1::WithdrawNominationRequest request;
    request.set_name(n.name());
    request.set_etag(n.etag());
    request.set_reason(reason);
    request.set_request_id(request_id);
    Outcome<Nomination> out;
    out.status = platform::FromGrpcStatus(
        stub_->WithdrawNomination(Context(token).get(), request, &out.response));
    return out;
  }

  absl::Status Delete(const std::string& token, const Nomination& n) {
    v1::DeleteNominationRequest request;
    request.set_name(n.name());
    request.set_etag(n.etag());
    google::protobuf::Empty empty;
    return platform::FromGrpcStatus(stub_->DeleteNomination(Context(token).get(), request, &empty));
  }

  Outcome<v1::ListNominationsResponse> List(const std::string& token, const std::string& filter,
                                            int page_size = 0, const std::string& page_token = "",
                                            const std::string& order_by = "") {
    v1::ListNominationsRequest request;
    request.set_filter(filter);
    request.set_page_size(page_size);
    request.set_page_token(page_token);
    request.set_order_by(order_by);
    Outcome<v1::ListNominationsResponse> out;
    out.status = platform::FromGrpcStatus(
        stub_->ListNominations(Context(token).get(), request, &out.response));
    return out;
  }

  // A draft created by Hoa's unit (or `token`), which must succeed. The clock moves on a
  // second after it, so drafts made one after another have distinct creation times.
  Nomination Draft(const Nomination& n, const std::string& token = "") {
    auto created = Create(token.empty() ? Hoa() : token, n, platform::NewUlid());
    EXPECT_TRUE(created.ok()) << created.status;
    now_us_ += absl::ToInt64Microseconds(absl::Seconds(1));
    return created.response;
  }

  // The events the intake feed serves, read until `count` arrived or a short wait passed.
  std::vector<events::v1::Event> FeedEvents(size_t count) {
    auto stub = events::v1::EventFeed::NewStub(
        grpc::CreateChannel(runtime_->address(), grpc::InsecureChannelCredentials()));
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(1500));
    context.AddMetadata("authorization", "Bearer " + Token(Role::kService, "evaluation"));
    auto reader = stub->Subscribe(&context, events::v1::SubscribeRequest());
    std::vector<events::v1::Event> out;
    events::v1::Event event;
    while (out.size() < count && reader->Read(&event)) out.push_back(event);
    context.TryCancel();
    reader->Finish();
    return out;
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
  int64_t Nominations() { return Count("SELECT COUNT(*) FROM nominations"); }
  int64_t Events() { return Count("SELECT COUNT(*) FROM outbox"); }

  // Expects a submission to fail with `code`, `reason` and a violation on `field`, and to leave
  // the draft as it was, with no event.
  void ExpectSubmissionRefused(const Nomination& draft, absl::StatusCode code,
                               const std::string& reason, const std::string& field) {
    const int64_t events_before = Events();
    auto submitted = Submit(Hoa(), draft, platform::NewUlid());
    EXPECT_EQ(submitted.status.code(), code) << submitted.status;
    EXPECT_EQ(platform::ReasonOf(submitted.status), reason) << submitted.status;
    std::vector<std::string> fields = FieldsOf(submitted.status);
    EXPECT_NE(std::find(fields.begin(), fields.end(), field), fields.end())
        << "no violation on " << field << ": " << submitted.status;
    auto after = Get(Hoa(), draft.name());
    ASSERT_TRUE(after.ok());
    EXPECT_EQ(after->state(), Nomination::STATE_DRAFT);
    EXPECT_EQ(after->etag(), draft.etag()) << "nothing changed";
    EXPECT_EQ(Events(), events_before) << "no event";
  }

  platform::testing::TestDatabase database_;
  std::string data_dir_;
  std::unique_ptr<testing::RegistryUnderTest> registry_;
  testing::FakeRegistry* fake_ = nullptr;  // null with the real registry
  std::atomic<int64_t> now_us_{0};
  std::unique_ptr<platform::ServiceRuntime> runtime_;
  std::unique_ptr<IntakeService> service_;
  std::unique_ptr<v1::IntakeService::Stub> stub_;
};

TEST_P(IntakeServiceTest, FullLifeCycleFromDraftToWithdrawalWithItsEvents) {
  // Create: a draft, with what the registry says about the nominee.
  auto created = Create(Hoa(), testing::InstitutionNomination(), "create-1");
  ASSERT_TRUE(created.ok()) << created.status;
  Nomination draft = created.response;
  EXPECT_TRUE(NominationIdOf(draft.name()));
  EXPECT_EQ(draft.state(), Nomination::STATE_DRAFT);
  EXPECT_EQ(draft.nominee_display_name(), "Trường THPT Châu Văn Liêm");
  EXPECT_EQ(draft.district(), "districts/916");
  EXPECT_EQ(draft.created_by(), "hoa");
  if (fake_ != nullptr) {
    EXPECT_TRUE(absl::StartsWith(fake_->last_authorization(), "Bearer "))
        << "intake calls the registry with its own token";
  }

  auto got = Get(Hoa(), draft.name());
  ASSERT_TRUE(got.ok()) << got.status;
  EXPECT_EQ(got->SerializeAsString(), draft.SerializeAsString());

  // Update the draft: a new etag; no event for a draft.
  Nomination patch;
  patch.set_name(draft.name());
  patch.set_etag(draft.etag());
  patch.set_achievements("Ba năm liền là đơn vị dẫn đầu khối thi đua.");
  auto updated = Update(Hoa(), patch, {"achievements"});
  ASSERT_TRUE(updated.ok()) << updated.status;
  EXPECT_EQ(updated->achievements(), patch.achievements());
  EXPECT_NE(updated->etag(), draft.etag());
  EXPECT_EQ(updated->evidence_size(), 2) << "fields outside the mask are kept";
  EXPECT_EQ(Events(), 0);
  EXPECT_EQ(Update(Hoa(), patch, {"achievements"}).status.code(), absl::StatusCode::kAborted)
      << "the etag is stale now";

  // Submit.
  auto submitted = Submit(Hoa(), updated.response, "submit-1");
  ASSERT_TRUE(submitted.ok()) << submitted.status;
  EXPECT_EQ(submitted->state(), Nomination::STATE_SUBMITTED);
  EXPECT_EQ(submitted->submitted_by(), "hoa");
  EXPECT_FALSE(submitted->has_window_override());
  EXPECT_EQ(absl::FromUnixSeconds(submitted->submit_time().seconds()),
            absl::FromUnixSeconds(absl::ToUnixSeconds(testing::WindowOpenTime())));

  // Correct it after submission: published.
  patch.set_etag(submitted->etag());
  patch.mutable_acknowledgement_vote()->set_members(40);
  patch.mutable_acknowledgement_vote()->set_present(40);
  patch.mutable_acknowledgement_vote()->set_votes_for(39);
  patch.mutable_acknowledgement_vote()->mutable_date()->set_year(2020);
  patch.mutable_acknowledgement_vote()->mutable_date()->set_month(3);
  patch.mutable_acknowledgement_vote()->mutable_date()->set_day(21);
  auto corrected = Update(Office(), patch, {"acknowledgement_vote"});
  ASSERT_TRUE(corrected.ok()) << corrected.status;
  EXPECT_EQ(corrected->state(), Nomination::STATE_SUBMITTED);

  // Withdraw.
  auto withdrawn = Withdraw(Hoa(), corrected.response, "Đơn vị xin rút để bổ sung hồ sơ");
  ASSERT_TRUE(withdrawn.ok()) << withdrawn.status;
  EXPECT_EQ(withdrawn->state(), Nomination::STATE_WITHDRAWN);
  EXPECT_EQ(withdrawn->withdraw_reason(), "Đơn vị xin rút để bổ sung hồ sơ");
  EXPECT_EQ(Withdraw(Hoa(), withdrawn.response, "again").status.code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Update(Hoa(), patch, {"achievements"}).status.code(), absl::StatusCode::kAborted);

  // The feed: submitted, updated, withdrawn, each with the whole nomination.
  std::vector<events::v1::Event> events = FeedEvents(3);
  ASSERT_EQ(events.size(), 3u);
  ASSERT_TRUE(events[0].has_nomination_submitted());
  EXPECT_EQ(events[0].nomination_submitted().nomination().SerializeAsString(),
            submitted->SerializeAsString());
  EXPECT_EQ(events[0].request_id(), "submit-1");
  EXPECT_EQ(events[0].actor(), "hoa");
  ASSERT_TRUE(events[1].has_nomination_updated());
  EXPECT_EQ(events[1].nomination_updated().nomination().SerializeAsString(),
            corrected->SerializeAsString());
  EXPECT_EQ(events[1].nomination_updated().update_mask().paths(0), "acknowledgement_vote");
  EXPECT_EQ(events[1].actor(), "vanphong");
  ASSERT_TRUE(events[2].has_nomination_withdrawn());
  EXPECT_EQ(events[2].nomination_withdrawn().nomination().SerializeAsString(),
            withdrawn->SerializeAsString());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log"), 5) << "create, 2 updates, submit, withdraw";
}

TEST_P(IntakeServiceTest, EveryKindOfNominationIsSubmitted) {
  for (const Nomination& n : {testing::OfficialNomination(), testing::LeaderNomination()}) {
    Nomination draft = Draft(n);
    auto submitted = Submit(Hoa(), draft, platform::NewUlid());
    EXPECT_TRUE(submitted.ok()) << n.nominee() << ": " << submitted.status;
  }
  Nomination department = Draft(testing::DepartmentNomination(), Office());
  EXPECT_TRUE(Submit(Office(), department, platform::NewUlid()).ok());
  EXPECT_EQ(Events(), 3);
  auto leader = List(Viewer(), "category = CATEGORY_LEADER");
  ASSERT_TRUE(leader.ok()) << leader.status;
  ASSERT_EQ(leader->nominations_size(), 1);
  EXPECT_EQ(leader->nominations(0).nominee_display_name(), "Trần Văn Bình");
}

TEST_P(IntakeServiceTest, SchoolYearsOutsideThePlanAreRefusedAtSubmission) {
  Nomination n = testing::OfficialNomination();
  n.mutable_school_years(1)->set_start_year(2020);
  ExpectSubmissionRefused(Draft(n), absl::StatusCode::kFailedPrecondition,
                          kReasonSchoolYearNotInPlan, "school_years[1]");
}

TEST_P(IntakeServiceTest, AttestationsOfAnotherCategoryAreRefusedAtSubmission) {
  Nomination n = testing::OfficialNomination();
  n.mutable_attestations(1)->set_criterion_id("L2");  // a leader's criterion
  ExpectSubmissionRefused(Draft(n), absl::StatusCode::kFailedPrecondition,
                          kReasonCriterionNotInCategory, "attestations[1].criterion_id");
}

TEST_P(IntakeServiceTest, AVoteThatDoesNotAddUpIsRefusedAtSubmission) {
  Nomination n = testing::OfficialNomination();
  n.mutable_acknowledgement_vote()->set_votes_for(39);  // 38 present
  ExpectSubmissionRefused(Draft(n), absl::StatusCode::kFailedPrecondition,
                          kReasonVoteDoesNotAddUp, "acknowledgement_vote.votes_for");
  n = testing::OfficialNomination();
  n.mutable_acknowledgement_vote()->set_present(41);  // 40 members
  n.set_nominee("persons/PHT001");
  ExpectSubmissionRefused(Draft(n), absl::StatusCode::kFailedPrecondition,
                          kReasonVoteDoesNotAddUp, "acknowledgement_vote.present");
}

TEST_P(IntakeServiceTest, ANomineeGoneFromTheRegistryIsRefusedAtSubmission) {
  Nomination draft = Draft(testing::OfficialNomination());
  ASSERT_TRUE(registry_->RemovePerson("persons/GV001").ok());
  ExpectSubmissionRefused(draft, absl::StatusCode::kFailedPrecondition, kReasonNomineeNotFound,
                          "nominee");
}

TEST_P(IntakeServiceTest, ALeaderWhoNoLongerHeadsAUnitIsRefusedAtSubmission) {
  Nomination draft = Draft(testing::LeaderNomination());
  registry::v1::Person principal = testing::TestPersons()[1];
  ASSERT_EQ(principal.name(), "persons/HT001");
  principal.clear_head_of();
  ASSERT_TRUE(registry_->PutPerson(principal).ok());
  ExpectSubmissionRefused(draft, absl::StatusCode::kFailedPrecondition,
                          kReasonNomineeNotInCategory, "nominee");
}

TEST_P(IntakeServiceTest, ANomineeThatDoesNotFitItsCategoryIsRefusedAtCreation) {
  Nomination n = testing::InstitutionNomination();
  n.set_nominee("units/TH003");  // under a district office, not directly under the department
  n.set_nominating_unit("units/TH003");
  auto created = Create(Office(), n, "c1");
  EXPECT_EQ(created.status.code(), absl::StatusCode::kFailedPrecondition) << created.status;
  EXPECT_EQ(platform::ReasonOf(created.status), kReasonNomineeNotInCategory);
  EXPECT_EQ(FieldsOf(created.status), std::vector<std::string>{"nomination.nominee"});

  n = testing::LeaderNomination();
  n.set_nominee("persons/PHT001");  // a deputy heads no unit
  created = Create(Hoa(), n, "c2");
  EXPECT_EQ(created.status.code(), absl::StatusCode::kFailedPrecondition) << created.status;
  EXPECT_EQ(platform::ReasonOf(created.status), kReasonNomineeNotInCategory);
  EXPECT_EQ(Nominations(), 0);
}

TEST_P(IntakeServiceTest, BadInputIsInvalidArgumentNamingTheFieldAndWritesNothing) {
  Nomination n = testing::OfficialNomination();
  n.mutable_evidence(0)->set_sha256("not-a-digest");
  n.set_nominee("units/THPT001");  // an official is a person
  auto created = Create(Hoa(), n, "c1");
  EXPECT_EQ(created.status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldsOf(created.status),
            (std::vector<std::string>{"nomination.nominee", "nomination.evidence[0].sha256"}));
  created = Create(Hoa(), testing::OfficialNomination(), "");
  EXPECT_EQ(FieldsOf(created.status), std::vector<std::string>{"request_id"});
  n = testing::OfficialNomination();
  n.set_plan("plans/no-such-plan");
  created = Create(Hoa(), n, "c2");
  EXPECT_EQ(created.status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(platform::ReasonOf(created.status), kReasonPlanNotFound);
  EXPECT_EQ(Get(Hoa(), "nominations/not-an-id").status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Get(Hoa(), "nominations/01ARZ3NDEKTSV4RRFFQ69G5FAV").status.code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(Nominations(), 0);
  if (fake_ != nullptr) {
    EXPECT_EQ(fake_->calls(), 0) << "bad input is refused before the registry is asked";
  }

  Nomination draft = Draft(testing::OfficialNomination());
  Nomination patch;
  patch.set_name(draft.name());
  patch.set_etag(draft.etag());
  patch.set_nominee("persons/GV002");
  EXPECT_EQ(Update(Hoa(), patch, {"nominee"}).status.code(), absl::StatusCode::kInvalidArgument)
      << "the nominee is fixed";
  patch.mutable_acknowledgement_vote()->set_members(-3);
  auto bad_vote = Update(Hoa(), patch, {"acknowledgement_vote.members"});
  EXPECT_EQ(FieldsOf(bad_vote.status),
            std::vector<std::string>{"nomination.acknowledgement_vote.members"});
  EXPECT_EQ(Submit(Hoa(), draft, platform::NewUlid(), "no override asked").status.code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_P(IntakeServiceTest, ARetriedCreateAndARetriedSubmitMakeOneNominationAndOneEvent) {
  auto first = Create(Hoa(), testing::OfficialNomination(), "create-once");
  ASSERT_TRUE(first.ok()) << first.status;
  auto retry = Create(Hoa(), testing::OfficialNomination(), "create-once");
  ASSERT_TRUE(retry.ok()) << retry.status;
  EXPECT_EQ(retry->name(), first->name());
  EXPECT_EQ(retry->etag(), first->etag());
  EXPECT_EQ(Nominations(), 1);

  auto submitted = Submit(Hoa(), first.response, "submit-once");
  ASSERT_TRUE(submitted.ok()) << submitted.status;
  auto resubmitted = Submit(Hoa(), first.response, "submit-once");
  ASSERT_TRUE(resubmitted.ok()) << resubmitted.status;
  EXPECT_EQ(resubmitted->SerializeAsString(), submitted->SerializeAsString());
  EXPECT_EQ(Events(), 1);
  EXPECT_EQ(FeedEvents(2).size(), 1u);

  // Even with the registry down, a retry gets its first answer.
  registry_->Stop();
  EXPECT_TRUE(Create(Hoa(), testing::OfficialNomination(), "create-once").ok());
  EXPECT_TRUE(Submit(Hoa(), first.response, "submit-once").ok());
  // A new submit request for the already submitted nomination is refused, not repeated.
  EXPECT_EQ(Submit(Hoa(), submitted.response, "submit-twice").status.code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Events(), 1);
}

TEST_P(IntakeServiceTest, TheClosedWindowRefusesSubmissionUnlessTheOfficeOverridesIt) {
  Nomination school = Draft(testing::InstitutionNomination());
  Nomination teacher = Draft(testing::OfficialNomination());
  SetNow(testing::InstitutionWindowClosedTime());
  ExpectSubmissionRefused(school, absl::StatusCode::kFailedPrecondition, kReasonWindowClosed,
                          "override_window");
  EXPECT_TRUE(Submit(Hoa(), teacher, platform::NewUlid()).ok()) << "officials' window is open";

  auto by_officer = Submit(Hoa(), school, platform::NewUlid(), "xin gia hạn", true);
  EXPECT_EQ(by_officer.status.code(), absl::StatusCode::kPermissionDenied) << by_officer.status;
  auto without_reason = Submit(Office(), school, platform::NewUlid(), "", true);
  EXPECT_EQ(FieldsOf(without_reason.status), std::vector<std::string>{"override_reason"});

  auto overridden =
      Submit(Office(), school, "override-1", "Công văn 123/SGDĐT-VP cho phép nộp bổ sung", true);
  ASSERT_TRUE(overridden.ok()) << overridden.status;
  EXPECT_EQ(overridden->state(), Nomination::STATE_SUBMITTED);
  EXPECT_EQ(overridden->window_override().actor(), "vanphong");
  EXPECT_EQ(overridden->window_override().reason(), "Công văn 123/SGDĐT-VP cho phép nộp bổ sung");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log WHERE method = 'SubmitNomination' AND "
                  "actor = 'vanphong' AND detail LIKE '%overridden%Công văn 123%'"),
            1)
      << "the override is audited";

  // Before the windows open, the same.
  SetNow(testing::VietnamTime(2020, 2, 1));
  ExpectSubmissionRefused(Draft(testing::LeaderNomination()), absl::StatusCode::kFailedPrecondition,
                          kReasonWindowNotYetOpen, "override_window");
}

TEST_P(IntakeServiceTest, ASecondActiveNominationOfTheSameNomineeIsRefused) {
  Nomination first = Draft(testing::OfficialNomination());
  auto second = Create(Office(), testing::OfficialNomination(), "second");
  EXPECT_EQ(second.status.code(), absl::StatusCode::kAlreadyExists) << second.status;
  EXPECT_EQ(platform::ReasonOf(second.status), kReasonActiveNominationExists);
  EXPECT_TRUE(absl::StrContains(second.status.message(), first.name())) << second.status;
  auto submitted = Submit(Hoa(), first, "s1");
  ASSERT_TRUE(submitted.ok());
  EXPECT_EQ(Create(Hoa(), testing::OfficialNomination(), "third").status.code(),
            absl::StatusCode::kAlreadyExists);
  ASSERT_TRUE(Withdraw(Hoa(), submitted.response, "nộp nhầm").ok());
  EXPECT_TRUE(Create(Hoa(), testing::OfficialNomination(), "fourth").ok())
      << "a withdrawn nomination is no longer active";
  EXPECT_EQ(Nominations(), 2);
}

TEST_P(IntakeServiceTest, AnotherUnitsOfficerIsRefused) {
  Nomination theirs = Draft(testing::OfficialNomination());  // THPT001's
  // Lan (THPT002) may not nominate for THPT001, nor read, change or submit its nominations.
  auto created = Create(Lan(), testing::LeaderNomination(), "lan-1");
  EXPECT_EQ(created.status.code(), absl::StatusCode::kPermissionDenied) << created.status;
  EXPECT_EQ(Get(Lan(), theirs.name()).status.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(Submit(Lan(), theirs, "lan-2").status.code(), absl::StatusCode::kPermissionDenied);
  Nomination patch;
  patch.set_name(theirs.name());
  patch.set_etag(theirs.etag());
  patch.set_achievements("x");
  EXPECT_EQ(Update(Lan(), patch, {"achievements"}).status.code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(Delete(Lan(), theirs).code(), absl::StatusCode::kPermissionDenied);
  // Moving one's own nomination to another unit is refused too.
  patch.set_nominating_unit("units/THPT002");
  EXPECT_EQ(Update(Hoa(), patch, {"nominating_unit"}).status.code(),
            absl::StatusCode::kPermissionDenied);

  // Lan nominates her own people, and each officer lists only their own unit's nominations.
  Nomination lans = testing::OfficialNomination();
  lans.set_nominee("persons/GV002");
  lans.set_nominating_unit("units/THPT002");
  Draft(lans, Lan());
  auto listed = List(Lan(), "");
  ASSERT_TRUE(listed.ok()) << listed.status;
  ASSERT_EQ(listed->nominations_size(), 1);
  EXPECT_EQ(listed->nominations(0).nominee(), "persons/GV002");
  EXPECT_EQ(List(Hoa(), "")->nominations_size(), 1);
  EXPECT_EQ(List(Office(), "")->nominations_size(), 2);

  // Viewers read, but not drafts, and change nothing.
  EXPECT_EQ(List(Viewer(), "")->nominations_size(), 0);
  EXPECT_EQ(Get(Viewer(), theirs.name()).status.code(), absl::StatusCode::kPermissionDenied);
  ASSERT_TRUE(Submit(Hoa(), theirs, "s").ok());
  EXPECT_TRUE(Get(Viewer(), theirs.name()).ok());
  EXPECT_EQ(List(Viewer(), "")->nominations_size(), 1);
  EXPECT_EQ(Create(Viewer(), lans, "v").status.code(), absl::StatusCode::kPermissionDenied);

  // No token, no call.
  v1::GetNominationRequest request;
  request.set_name(theirs.name());
  Nomination response;
  EXPECT_EQ(stub_->GetNomination(Context("").get(), request, &response).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
}

TEST_P(IntakeServiceTest, ARegistryThatIsDownGivesUnavailableAndNoWrite) {
  Nomination draft = Draft(testing::OfficialNomination());
  registry_->Stop();  // nothing listens on its port any more

  auto created = Create(Hoa(), testing::InstitutionNomination(), "c-down");
  EXPECT_EQ(created.status.code(), absl::StatusCode::kUnavailable) << created.status;
  auto submitted = Submit(Hoa(), draft, "s-down");
  EXPECT_EQ(submitted.status.code(), absl::StatusCode::kUnavailable) << submitted.status;
  EXPECT_EQ(Nominations(), 1);
  EXPECT_EQ(Events(), 0);
  EXPECT_EQ(Get(Hoa(), draft.name())->state(), Nomination::STATE_DRAFT);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM request_log WHERE request_id IN ('c-down', 's-down')"), 0)
      << "a retry after the registry is back must do the work, not replay a failure";
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log"), 1) << "the first create only";
}

TEST_P(IntakeServiceTest, ASlowRegistryIsCutOffAtTheDeadline) {
  if (fake_ == nullptr) GTEST_SKIP() << "only the fake registry can be slowed down";
  StopIntake();
  StartIntake(absl::Milliseconds(300));
  Nomination draft = Draft(testing::OfficialNomination());
  fake_->set_delay(absl::Seconds(2));
  absl::Time start = absl::Now();
  auto submitted = Submit(Hoa(), draft, "slow");
  EXPECT_EQ(submitted.status.code(), absl::StatusCode::kUnavailable) << submitted.status;
  EXPECT_LT(absl::Now() - start, absl::Seconds(1.5)) << "the deadline, not the registry, decides";
  fake_->set_delay(absl::ZeroDuration());
  EXPECT_EQ(Events(), 0);
  EXPECT_TRUE(Submit(Hoa(), draft, "slow").ok()) << "the same request id works once it answers";
  EXPECT_EQ(Events(), 1);
}

TEST_P(IntakeServiceTest, APersonAndTheirUnitAreAskedOfTheRegistryInOneCall) {
  if (fake_ == nullptr) GTEST_SKIP() << "the fake registry counts the calls";
  const int before = fake_->calls();
  auto created = Create(Hoa(), testing::OfficialNomination(), "one-call");
  ASSERT_TRUE(created.ok()) << created.status;
  EXPECT_EQ(fake_->calls() - before, 1);
  EXPECT_FALSE(created->district().empty()) << "the nominating unit's district, from that call";
}

// Lookups that arrive while a registry call is in flight share the next call: four creates
// at once, the first held by a slow registry, cost two calls, and each is judged as if alone.
TEST_P(IntakeServiceTest, CreatesAtOnceShareRegistryCalls) {
  if (fake_ == nullptr) GTEST_SKIP() << "the fake registry counts the calls";
  fake_->set_delay(absl::Milliseconds(300));
  const int before = fake_->calls();
  std::vector<Outcome<Nomination>> outcomes(4);
  std::vector<std::thread> clients;
  for (size_t i = 0; i < outcomes.size(); ++i) {
    clients.emplace_back([&, i] {
      outcomes[i] = Create(Hoa(), testing::OfficialNomination(), absl::StrCat("together-", i));
    });
    if (i == 0) absl::SleepFor(absl::Milliseconds(50));  // the first call is in flight
  }
  for (auto& c : clients) c.join();
  fake_->set_delay(absl::ZeroDuration());
  EXPECT_EQ(fake_->calls() - before, 2) << "one call alone, then one for the three that waited";
  int made = 0;
  for (const auto& o : outcomes) {
    if (o.ok()) {
      ++made;
      EXPECT_FALSE(o->district().empty()) << "the nominating unit's district, from the shared call";
    } else {
      EXPECT_EQ(o.status.code(), absl::StatusCode::kAlreadyExists) << o.status;
    }
  }
  EXPECT_EQ(made, 1) << "one active nomination of the nominee";
}

// During a rolling upgrade intake may be newer than the registry, which then refuses
// include_units as an unknown field: intake asks in two calls instead, and goes on doing so.
TEST_P(IntakeServiceTest, ARegistryOfAnEarlierReleaseIsAskedInTwoCalls) {
  if (fake_ == nullptr) GTEST_SKIP() << "only the fake registry can play an earlier release";
  fake_->set_predates_include_units(true);
  int before = fake_->calls();
  auto created = Create(Hoa(), testing::OfficialNomination(), "old-registry");
  ASSERT_TRUE(created.ok()) << created.status;
  EXPECT_EQ(fake_->calls() - before, 3) << "refused, then persons and units apart";
  EXPECT_FALSE(created->district().empty());
  before = fake_->calls();
  auto submitted = Submit(Hoa(), created.response, "old-registry-submit");
  ASSERT_TRUE(submitted.ok()) << submitted.status;
  EXPECT_EQ(fake_->calls() - before, 2) << "no second try of include_units";
}

// Only an unknown-field refusal means an earlier release: any other INVALID_ARGUMENT is the
// registry failing the call, and the next lookup still asks in one call.
TEST_P(IntakeServiceTest, AnotherRefusalOfTheRegistryIsNotTakenForAnEarlierRelease) {
  if (fake_ == nullptr) GTEST_SKIP() << "only the fake registry can refuse on demand";
  fake_->set_refuses_persons(true);
  auto refused = Create(Hoa(), testing::OfficialNomination(), "refused");
  EXPECT_EQ(refused.status.code(), absl::StatusCode::kInternal) << refused.status;
  EXPECT_EQ(platform::ReasonOf(refused.status), "REGISTRY_FAILED");
  fake_->set_refuses_persons(false);
  const int before = fake_->calls();
  auto created = Create(Hoa(), testing::OfficialNomination(), "after-refusal");
  ASSERT_TRUE(created.ok()) << created.status;
  EXPECT_EQ(fake_->calls() - before, 1) << "still one call";
}

TEST_P(IntakeServiceTest, DraftsAreDeletedSubmittedOnesAreKept) {
  Nomination draft = Draft(testing::OfficialNomination());
  Nomination other = Draft(testing::InstitutionNomination());
  auto submitted = Submit(Hoa(), other, "s");
  ASSERT_TRUE(submitted.ok());
  EXPECT_EQ(Delete(Hoa(), submitted.response).code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(Delete(Hoa(), draft).ok());
  EXPECT_EQ(Get(Hoa(), draft.name()).status.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(Withdraw(Hoa(), draft, "x").status.code(), absl::StatusCode::kNotFound);
}

TEST_P(IntakeServiceTest, ListsFilterAndPage) {
  Nomination a = Draft(testing::OfficialNomination());
  Nomination b = Draft(testing::InstitutionNomination());
  Nomination c = Draft(testing::LeaderNomination());
  ASSERT_TRUE(Submit(Hoa(), b, "sb").ok());

  auto submitted = List(Office(), "plan = \"plans/test-2019-2020\" AND state = STATE_SUBMITTED");
  ASSERT_TRUE(submitted.ok()) << submitted.status;
  ASSERT_EQ(submitted->nominations_size(), 1);
  EXPECT_EQ(submitted->nominations(0).name(), b.name());
  EXPECT_EQ(List(Office(), "school_year = \"2019-2020\" AND district = \"districts/916\"")
                ->nominations_size(),
            3);
  EXPECT_EQ(List(Office(), "school_year = \"2017-2018\"")->nominations_size(), 0);
  EXPECT_EQ(List(Office(), "nominee = \"persons/HT001\"")->nominations_size(), 1);
  EXPECT_EQ(List(Office(), "nominating_unit = \"units/THPT001\" AND field = FIELD_MANAGEMENT")
                ->nominations_size(),
            1);
  EXPECT_EQ(FieldsOf(List(Office(), "colour = \"red\"").status), std::vector<std::string>{"filter"});
  EXPECT_EQ(FieldsOf(List(Office(), "state = SUBMITTED").status), std::vector<std::string>{"filter"});
  EXPECT_EQ(FieldsOf(List(Office(), "", 0, "", "nominee").status),
            std::vector<std::string>{"order_by"});

  // Pages of one, newest first, then a token used with another filter is refused.
  std::vector<std::string> seen;
  std::string token;
  do {
    auto page = List(Office(), "", 1, token);
    ASSERT_TRUE(page.ok()) << page.status;
    for (const auto& n : page->nominations()) seen.push_back(n.name());
    token = page->next_page_token();
  } while (!token.empty() && seen.size() < 10);
  EXPECT_EQ(seen, (std::vector<std::string>{c.name(), b.name(), a.name()}));
  auto first = List(Office(), "", 1);
  EXPECT_EQ(List(Office(), "state = STATE_DRAFT", 1, first->next_page_token()).status.code(),
            absl::StatusCode::kInvalidArgument);

  auto by_name = List(Office(), "", 0, "", "nominee_display_name");
  ASSERT_TRUE(by_name.ok()) << by_name.status;
  std::vector<std::string> names;
  for (const auto& n : by_name->nominations()) names.push_back(n.nominee_display_name());
  EXPECT_EQ(names, (std::vector<std::string>{"Nguyễn Thị Thu Hà", "Trần Văn Bình",
                                             "Trường THPT Châu Văn Liêm"}));
}

INSTANTIATE_TEST_SUITE_P(
    BackendsAndRegistries, IntakeServiceTest,
    ::testing::Combine(::testing::Values(Backend::kSqlite, Backend::kPostgres),
                       ::testing::Values(Registry::kReal, Registry::kFake)),
    [](const ::testing::TestParamInfo<Setup>& info) {
      return platform::testing::BackendName(std::get<0>(info.param)) +
             (std::get<1>(info.param) == Registry::kReal ? "_RealRegistry" : "_FakeRegistry");
    });

}  // namespace
}  // namespace dienhinh::intake
