// Registry, intake and evaluation together on loopback, each the real service on its own
// database, sharing one site key as a stack does. The registry is seeded through its own API and
// the nomination created and submitted through intake's, as a school's officer would; evaluation
// is never called to evaluate, only asked what it concluded.
#include <chrono>
#include <functional>

#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "dienhinh/evaluation/v1/evaluation_service.grpc.pb.h"
#include "dienhinh/intake/v1/intake_service.grpc.pb.h"
#include "dienhinh/registry/v1/registry_service.grpc.pb.h"
#include "services/evaluation/evaluation_service.h"
#include "services/evaluation/registry_facts.h"
#include "services/evaluation/testing/sample_records.h"
#include "services/intake/intake_service.h"
#include "services/intake/nomination_store.h"
#include "services/platform/auth/key_store.h"
#include "services/platform/plan/criteria_parameters.h"
#include "services/platform/testing/test_database.h"
#include "services/registry/registry_service.h"

namespace dienhinh::evaluation {
namespace {

using platform::Role;

constexpr char kPlan[] = "plans/can-tho-2019-2020";
constexpr char kSchool[] = "units/92000701";

// One service of the stack: its runtime on a fresh SQLite database in the shared data folder.
std::unique_ptr<platform::ServiceRuntime> StartRuntime(const std::string& name, const std::string& data_dir,
                                                       std::vector<platform::Migration> migrations) {
  platform::RuntimeOptions options;
  options.service_name = name;
  options.listen_address = "127.0.0.1:0";
  options.metrics_address = "off";
  options.data_dir = data_dir;
  options.database_url = absl::StrCat(platform::testing::MakeTempDir(), "/", name, ".db");
  options.sqlite_full_sync = false;
  options.drain_timeout = absl::Seconds(2);
  options.migrations = std::move(migrations);
  auto runtime = platform::ServiceRuntime::Create(options);
  EXPECT_TRUE(runtime.ok()) << name << ": " << runtime.status();
  return runtime.ok() ? std::move(*runtime) : nullptr;
}

class CrossServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    data_dir_ = platform::testing::MakeTempDir();
    auto plans = platform::LoadCheckedPlanDirectory(DH_PLANS_DIR);
    ASSERT_TRUE(plans.ok()) << plans.status();
    plans_ = std::make_unique<platform::PlanCatalog>(*plans);

    registry_runtime_ = StartRuntime("registry", data_dir_, registry::RegistryMigrations());
    ASSERT_NE(registry_runtime_, nullptr);
    registry_ = std::make_unique<registry::RegistryService>(registry_runtime_.get());
    registry_runtime_->Register(registry_.get());
    ASSERT_TRUE(registry_runtime_->Start().ok());

    intake_runtime_ = StartRuntime("intake", data_dir_, intake::IntakeMigrations());
    ASSERT_NE(intake_runtime_, nullptr);
    intake::IntakeOptions intake_options;
    intake_options.plans = *plans;
    intake_options.registry_address = registry_runtime_->address();
    // Inside the plan's nomination window (15 July - 15 August 2020, Vietnam time).
    intake_options.clock = [] {
      return absl::FromCivil(absl::CivilSecond(2020, 7, 20, 9, 0, 0), absl::FixedTimeZone(7 * 3600));
    };
    intake_ = std::make_unique<intake::IntakeService>(intake_runtime_.get(), std::move(intake_options));
    intake_runtime_->Register(intake_.get());
    ASSERT_TRUE(intake_runtime_->Start().ok());

    evaluation_runtime_ = StartRuntime("evaluation", data_dir_, EvaluationMigrations());
    ASSERT_NE(evaluation_runtime_, nullptr);
    RegistryClientOptions client;
    client.target = registry_runtime_->address();
    client.channel = evaluation_runtime_->NewChannel(client.target);
    std::string token = evaluation_runtime_->ServiceToken();
    client.bearer_token = [token] { return token; };
    registry_client_ = NewRegistryClient(client);
    EvaluationWorker::Options worker;
    worker.poll_interval = absl::Milliseconds(50);
    evaluation_ = std::make_unique<EvaluationService>(evaluation_runtime_.get(), plans_.get(),
                                                      registry_client_.get(), worker);
    evaluation_runtime_->Register(evaluation_.get());
    evaluation_->AddConsumers(intake_runtime_->address(), registry_runtime_->address());
    ASSERT_TRUE(evaluation_runtime_->Start().ok());
    evaluation_->StartWorker();

    registry_stub_ = registry::v1::RegistryService::NewStub(Channel(*registry_runtime_));
    intake_stub_ = intake::v1::IntakeService::NewStub(Channel(*intake_runtime_));
    evaluation_stub_ = v1::EvaluationService::NewStub(Channel(*evaluation_runtime_));
    SeedRegistry();
  }

  void TearDown() override {
    if (evaluation_) evaluation_->StopWorker();
    for (auto* runtime : {evaluation_runtime_.get(), intake_runtime_.get(), registry_runtime_.get()}) {
      if (runtime != nullptr) runtime->Stop();
    }
  }

  static std::shared_ptr<grpc::Channel> Channel(const platform::ServiceRuntime& runtime) {
    return grpc::CreateChannel(runtime.address(), grpc::InsecureChannelCredentials());
  }

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
    context->AddMetadata("authorization", absl::StrCat("Bearer ", token));
    return context;
  }

  // The department, a school under it and the school's records, as an administrator enters them.
  void SeedRegistry() {
    std::string admin = Token(Role::kAdmin, "", "seeder");
    registry::v1::CreateDistrictRequest district;
    district.set_district_id("916");
    district.mutable_district()->set_display_name("Quận Ninh Kiều");
    district.mutable_district()->set_province("Thành phố Cần Thơ");
    registry::v1::District created_district;
    grpc::Status s = registry_stub_->CreateDistrict(Context(admin).get(), district, &created_district);
    ASSERT_TRUE(s.ok()) << s.error_message();
    registry::v1::CreateUnitRequest department;
    department.set_unit_id("SGDDT");
    department.mutable_unit()->set_display_name("Sở Giáo dục và Đào tạo thành phố Cần Thơ");
    department.mutable_unit()->set_kind(type::v1::UNIT_KIND_DEPARTMENT);
    registry::v1::Unit created;
    s = registry_stub_->CreateUnit(Context(admin).get(), department, &created);
    ASSERT_TRUE(s.ok()) << s.error_message();
    registry::v1::CreateUnitRequest school;
    school.set_unit_id("92000701");
    school.mutable_unit()->set_display_name("Trường THPT Châu Văn Liêm");
    school.mutable_unit()->set_kind(type::v1::UNIT_KIND_SCHOOL);
    school.mutable_unit()->set_level(type::v1::EDUCATION_LEVEL_UPPER_SECONDARY);
    school.mutable_unit()->set_parent("units/SGDDT");
    school.mutable_unit()->set_district("districts/916");
    s = registry_stub_->CreateUnit(Context(admin).get(), school, &created);
    ASSERT_TRUE(s.ok()) << s.error_message();
    registry::v1::CreateEmulationBlockRequest block;
    block.set_emulation_block_id("thpt-can-tho");
    block.mutable_emulation_block()->set_display_name("Khối các trường THPT thành phố Cần Thơ");
    for (int year = 2017; year <= 2019; ++year) {
      auto* membership = block.mutable_emulation_block()->add_memberships();
      membership->mutable_school_year()->set_start_year(year);
      membership->add_units(kSchool);
    }
    registry::v1::EmulationBlock created_block;
    s = registry_stub_->CreateEmulationBlock(Context(admin).get(), block, &created_block);
    ASSERT_TRUE(s.ok()) << s.error_message();
    for (int year = 2017; year <= 2019; ++year) {
      registry::v1::CreateUnitYearlyRecordRequest request;
      request.set_parent(kSchool);
      request.set_unit_yearly_record_id(absl::StrCat(year, "-", year + 1));
      *request.mutable_unit_yearly_record() = testing::GoodUnitRecord(kSchool, year);
      request.mutable_unit_yearly_record()->clear_name();
      request.mutable_unit_yearly_record()->clear_school_year();
      registry::v1::UnitYearlyRecord record;
      s = registry_stub_->CreateUnitYearlyRecord(Context(admin).get(), request, &record);
      ASSERT_TRUE(s.ok()) << year << ": " << s.error_message();
    }
  }

  // The school's officer creates and submits its nomination through intake.
  std::string SubmitSchoolNomination() {
    intake::v1::CreateNominationRequest create;
    intake::v1::Nomination* n = create.mutable_nomination();
    n->set_plan(kPlan);
    n->set_category(type::v1::CATEGORY_INSTITUTION);
    n->set_nominee(kSchool);
    n->set_nominating_unit(kSchool);
    n->add_school_years()->set_start_year(2018);
    n->add_school_years()->set_start_year(2019);
    n->set_field(type::v1::FIELD_COMPREHENSIVE);
    n->set_achievements("Hai năm liền hoàn thành xuất sắc nhiệm vụ; tỷ lệ học sinh khá giỏi tăng đều.");
    auto* evidence = n->add_evidence();
    evidence->set_id("e1");
    evidence->set_kind(intake::v1::Evidence::KIND_REPORT);
    evidence->set_title("Báo cáo thành tích giai đoạn 2019-2020");
    auto* minutes = n->add_evidence();
    minutes->set_id("e2");
    minutes->set_kind(intake::v1::Evidence::KIND_MINUTES);
    minutes->set_title("Biên bản hội nghị suy tôn");
    for (const char* id : {"G1", "G3", "G4", "G5", "I4", "I6"}) {
      auto* a = n->add_attestations();
      a->set_criterion_id(id);
      a->set_statement(absl::StrCat("Đáp ứng tiêu chí ", id, " (xem báo cáo thành tích)."));
      a->add_evidence_ids("e1");
    }
    auto* vote = n->mutable_acknowledgement_vote();
    vote->set_body("Hội nghị cán bộ, viên chức trường THPT Châu Văn Liêm");
    vote->mutable_date()->set_year(2020);
    vote->mutable_date()->set_month(7);
    vote->mutable_date()->set_day(10);
    vote->set_members(60);
    vote->set_present(55);
    vote->set_votes_for(50);
    vote->set_minutes_reference("03/BB-HN");
    vote->set_minutes_evidence_id("e2");
    create.set_request_id("create-school");
    std::string officer = Token(Role::kUnitOfficer, "92000701", "canbo");
    intake::v1::Nomination created;
    grpc::Status s = intake_stub_->CreateNomination(Context(officer).get(), create, &created);
    EXPECT_TRUE(s.ok()) << s.error_message();
    intake::v1::SubmitNominationRequest submit;
    submit.set_name(created.name());
    submit.set_etag(created.etag());
    submit.set_request_id("submit-school");
    intake::v1::Nomination submitted;
    s = intake_stub_->SubmitNomination(Context(officer).get(), submit, &submitted);
    EXPECT_TRUE(s.ok()) << s.error_message();
    EXPECT_EQ(submitted.state(), intake::v1::Nomination::STATE_SUBMITTED);
    return created.name();
  }

  v1::Evaluation WaitFor(const std::string& nomination, const std::function<bool(const v1::Evaluation&)>& done,
                         const std::string& what) {
    v1::Evaluation latest;
    absl::Time deadline = absl::Now() + absl::Seconds(20);
    std::string viewer = Token(Role::kViewer);
    while (absl::Now() < deadline) {
      v1::GetEvaluationRequest request;
      request.set_name(absl::StrCat(nomination, "/evaluations/latest"));
      v1::Evaluation e;
      if (evaluation_stub_->GetEvaluation(Context(viewer).get(), request, &e).ok()) {
        latest = e;
        if (done(e)) return e;
      }
      absl::SleepFor(absl::Milliseconds(50));
    }
    ADD_FAILURE() << "timed out waiting for " << what << "; latest: " << latest.ShortDebugString();
    return latest;
  }

  std::string data_dir_;
  std::unique_ptr<platform::PlanCatalog> plans_;
  std::unique_ptr<platform::ServiceRuntime> registry_runtime_, intake_runtime_, evaluation_runtime_;
  std::unique_ptr<registry::RegistryService> registry_;
  std::unique_ptr<intake::IntakeService> intake_;
  std::unique_ptr<RegistryFacts> registry_client_;
  std::unique_ptr<EvaluationService> evaluation_;
  std::unique_ptr<registry::v1::RegistryService::Stub> registry_stub_;
  std::unique_ptr<intake::v1::IntakeService::Stub> intake_stub_;
  std::unique_ptr<v1::EvaluationService::Stub> evaluation_stub_;
};

TEST_F(CrossServiceTest, SubmissionEvaluatesAndARecordChangeMakesANewVersion) {
  const std::string nomination = SubmitSchoolNomination();
  ASSERT_FALSE(nomination.empty());
  v1::Evaluation first =
      WaitFor(nomination, [](const v1::Evaluation& e) { return e.version() >= 1; }, "the first evaluation");
  EXPECT_EQ(first.trigger().kind(), v1::EvaluationTrigger::KIND_NOMINATION_SUBMITTED);
  EXPECT_EQ(first.nominee_display_name(), "Trường THPT Châu Văn Liêm");
  EXPECT_EQ(first.verdict(), v1::VERDICT_PENDING) << "the attestations wait for their reviews";
  for (const auto& o : first.outcomes()) {
    if (o.kind() == v1::Criterion::KIND_ATTESTATION) continue;
    EXPECT_EQ(o.outcome(), v1::CriterionOutcome::OUTCOME_MET) << o.criterion_id() << ": " << o.reason().en();
  }

  // A council decision now is refused: the nomination is not qualified.
  v1::CreateCouncilDecisionRequest decide;
  auto* d = decide.mutable_council_decision();
  d->set_nomination(nomination);
  d->set_decision_number("456/QĐ-SGDĐT");
  d->mutable_decision_date()->set_year(2020);
  d->mutable_decision_date()->set_month(8);
  d->mutable_decision_date()->set_day(20);
  d->set_recognition_title("Gương điển hình tiên tiến ngành giáo dục và đào tạo giai đoạn 2019-2020");
  d->set_council_members(9);
  d->set_members_present(9);
  d->set_votes_for(9);
  decide.set_request_id("decide-early");
  v1::CouncilDecision decision;
  grpc::Status s = evaluation_stub_->CreateCouncilDecision(Context(Token(Role::kCouncilMember)).get(), decide,
                                                           &decision);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << s.error_message();

  // The registry corrects the 2019-2020 record: the good-student rate fell.
  registry::v1::UpdateUnitYearlyRecordRequest update;
  update.mutable_unit_yearly_record()->set_name(absl::StrCat(kSchool, "/yearlyRecords/2019-2020"));
  *update.mutable_unit_yearly_record()->mutable_students() = testing::GoodUnitRecord(kSchool, 2019).students();
  update.mutable_unit_yearly_record()->mutable_students()->set_good(650);
  update.mutable_update_mask()->add_paths("students");
  registry::v1::UnitYearlyRecord updated;
  s = registry_stub_->UpdateUnitYearlyRecord(Context(Token(Role::kAdmin)).get(), update, &updated);
  ASSERT_TRUE(s.ok()) << s.error_message();
  v1::Evaluation second =
      WaitFor(nomination, [](const v1::Evaluation& e) { return e.version() >= 2; }, "a second version");
  EXPECT_EQ(second.trigger().kind(), v1::EvaluationTrigger::KIND_RECORD_CHANGED);
  EXPECT_EQ(second.trigger().resource(), absl::StrCat(kSchool, "/yearlyRecords/2019-2020"));
  EXPECT_EQ(second.verdict(), v1::VERDICT_NOT_QUALIFIED);
  EXPECT_NE(second.input_digest(), first.input_digest());
}

}  // namespace
}  // namespace dienhinh::evaluation
