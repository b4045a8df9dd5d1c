// The registry through a real server on 127.0.0.1:0 with real tokens, on SQLite and on
// PostgreSQL (skipped without DIENHINH_TEST_POSTGRES_URL unless DIENHINH_REQUIRE_POSTGRES=1):
// round trips and their errors, keyset paging in Vietnamese order, diacritic-free search,
// all-or-nothing CSV import, unit officers' limits, and the events each change puts on the feed.
#include "services/registry/registry_service.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <set>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/notification.h"
#include "dienhinh/events/v1/event.grpc.pb.h"
#include "services/platform/auth/key_store.h"
#include "services/platform/status/error_details.h"
#include "services/platform/status/grpc_status.h"
#include "services/platform/testing/test_database.h"
#include "services/platform/text/vietnamese_text.h"
#include "services/registry/import_staging.h"

namespace dienhinh::registry {
namespace {

using platform::Role;
using platform::testing::Backend;
using Stub = v1::RegistryService::Stub;

class RegistryServiceTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    DH_OPEN_TEST_DATABASE_OR_SKIP(database, GetParam());
    // The runtime opens its own connections; this one reads the outbox directly.
    database_ = std::move(database.db);
    data_dir_ = platform::testing::MakeTempDir();
    platform::RuntimeOptions options;
    options.service_name = "registry";
    options.listen_address = "127.0.0.1:0";
    options.metrics_address = "off";
    options.data_dir = data_dir_;
    options.database_url = database.url;
    options.sqlite_full_sync = false;
    options.drain_timeout = absl::Seconds(1);
    options.migrations = RegistryMigrations();
    auto runtime = platform::ServiceRuntime::Create(options);
    ASSERT_TRUE(runtime.ok()) << runtime.status();
    runtime_ = std::move(*runtime);
    service_ = std::make_unique<RegistryService>(runtime_.get());
    runtime_->Register(service_.get());
    ASSERT_TRUE(runtime_->Start().ok());
    channel_ = grpc::CreateChannel(runtime_->address(), grpc::InsecureChannelCredentials());
    stub_ = v1::RegistryService::NewStub(channel_);
    admin_ = Token(Role::kAdmin);
  }

  void TearDown() override {
    if (runtime_) runtime_->Stop();
    runtime_.reset();
    database_.reset();
  }

  std::string Token(Role role, const std::string& unit = "") {
    platform::TokenRequest request;
    request.role = role;
    request.subject = absl::StrCat("tester-", std::string(platform::RoleName(role)), unit);
    request.unit = unit;
    auto token = platform::MintTokenWithDataDirKey(data_dir_, request);
    EXPECT_TRUE(token.ok()) << token.status();
    return token.ok() ? *token : "";
  }

  template <typename Request, typename Response>
  absl::Status Call(grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
                    const Request& request, Response* response, const std::string& token = "") {
    grpc::ClientContext context;
    context.AddMetadata("authorization", "Bearer " + (token.empty() ? admin_ : token));
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
    return platform::FromGrpcStatus((stub_.get()->*method)(&context, request, response));
  }

  // Streams `csv` in chunks of `chunk` bytes.
  v1::ImportRecordsResponse Import(v1::ImportKind kind, const std::string& csv,
                                   const std::string& request_id, const std::string& token = "",
                                   size_t chunk = 4096, absl::Status* status = nullptr,
                                   int school_year = 0, bool validate_only = false) {
    grpc::ClientContext context;
    context.AddMetadata("authorization", "Bearer " + (token.empty() ? admin_ : token));
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(120));
    v1::ImportRecordsResponse response;
    auto writer = stub_->ImportRecords(&context, &response);
    v1::ImportRecordsRequest header;
    header.mutable_header()->set_kind(kind);
    header.mutable_header()->set_request_id(request_id);
    header.mutable_header()->set_validate_only(validate_only);
    if (school_year != 0)
      header.mutable_header()->mutable_school_year()->set_start_year(school_year);
    writer->Write(header);
    for (size_t i = 0; i < csv.size(); i += chunk) {
      v1::ImportRecordsRequest part;
      part.set_csv_chunk(csv.substr(i, chunk));
      if (!writer->Write(part)) break;
    }
    writer->WritesDone();
    absl::Status s = platform::FromGrpcStatus(writer->Finish());
    if (status != nullptr)
      *status = s;
    else
      EXPECT_TRUE(s.ok()) << s;
    return response;
  }

  // The base of most tests: the department, Ninh Kiều and its office, two schools.
  void SeedDirectory() {
    v1::District district;
    district.set_display_name("Quận Ninh Kiều");
    district.set_province("Thành phố Cần Thơ");
    v1::CreateDistrictRequest create_district;
    *create_district.mutable_district() = district;
    create_district.set_district_id("916");
    ASSERT_TRUE(Call(&Stub::CreateDistrict, create_district, &district).ok());
    ASSERT_EQ(Import(v1::IMPORT_KIND_UNITS,
                     "Mã đơn vị,Tên đơn vị,Loại đơn vị,Cấp học,Mã đơn vị cấp trên,Mã quận huyện\n"
                     "SGDDT,Sở Giáo dục và Đào tạo thành phố Cần Thơ,Sở,,,\n"
                     "PGD916,Phòng Giáo dục và Đào tạo quận Ninh Kiều,Phòng GD&ĐT,,SGDDT,916\n"
                     "THPT001,Trường THPT Châu Văn Liêm,Trường,THPT,SGDDT,916\n"
                     "TH002,Trường Tiểu học Mạc Đĩnh Chi,Trường,Tiểu học,PGD916,916\n",
                     "seed-units")
                  .outcome(),
              v1::ImportRecordsResponse::OUTCOME_IMPORTED);
  }

  int64_t CountUnits() {
    v1::ListUnitsRequest request;
    request.set_page_size(1000);
    v1::ListUnitsResponse response;
    EXPECT_TRUE(Call(&Stub::ListUnits, request, &response).ok());
    return response.units_size();
  }

  // The events after `after`, reading until `count` arrived or a short deadline passed.
  std::vector<events::v1::Event> Events(int64_t after, size_t count) {
    auto feed = events::v1::EventFeed::NewStub(channel_);
    grpc::ClientContext context;
    context.AddMetadata("authorization", "Bearer " + Token(Role::kService));
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(3));
    events::v1::SubscribeRequest request;
    request.set_after_sequence(after);
    auto reader = feed->Subscribe(&context, request);
    std::vector<events::v1::Event> out;
    events::v1::Event event;
    while (out.size() < count && reader->Read(&event)) out.push_back(event);
    context.TryCancel();
    reader->Finish();
    return out;
  }

  // The highest committed sequence, read from the outbox itself (the event log's tail may not
  // have seen the latest commit yet).
  int64_t LastSequence() {
    auto tx = database_->Begin(platform::TxMode::kRead);
    EXPECT_TRUE(tx.ok()) << tx.status();
    auto rows = (*tx)->Query("SELECT COALESCE(MAX(sequence), 0) FROM outbox");
    EXPECT_TRUE(rows.ok()) << rows.status();
    return rows.ok() && !rows->empty() ? (*rows)[0].Int(0) : -1;
  }

  std::string data_dir_;
  std::unique_ptr<platform::Database> database_;
  std::unique_ptr<RegistryService> service_;
  std::unique_ptr<platform::ServiceRuntime> runtime_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<Stub> stub_;
  std::string admin_;
};

std::set<std::string> ViolatedFields(const absl::Status& status) {
  std::set<std::string> out;
  for (const auto& v : platform::FieldViolationsOf(status)) out.insert(v.field);
  return out;
}

TEST_P(RegistryServiceTest, DistrictRoundTripAndItsErrors) {
  v1::CreateDistrictRequest create;
  create.set_district_id("918");
  create.mutable_district()->set_display_name("Quận Bình Thủy");
  create.mutable_district()->set_province("Thành phố Cần Thơ");
  create.set_request_id("req-918");
  v1::District created;
  ASSERT_TRUE(Call(&Stub::CreateDistrict, create, &created).ok());
  EXPECT_EQ(created.name(), "districts/918");
  EXPECT_FALSE(created.etag().empty());
  EXPECT_TRUE(created.has_create_time());

  v1::District again;
  ASSERT_TRUE(Call(&Stub::CreateDistrict, create, &again).ok())
      << "a retry with the same request id";
  EXPECT_EQ(again.etag(), created.etag());
  create.set_request_id("another");
  EXPECT_EQ(Call(&Stub::CreateDistrict, create, &again).code(), absl::StatusCode::kAlreadyExists);

  v1::CreateDistrictRequest bad;
  bad.set_district_id("Bình Thủy");
  bad.mutable_district()->set_display_name("x");
  absl::Status invalid = Call(&Stub::CreateDistrict, bad, &again);
  EXPECT_EQ(invalid.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ViolatedFields(invalid), std::set<std::string>{"district_id"});
  bad.set_district_id("917");
  bad.mutable_district()->set_display_name("   ");
  EXPECT_EQ(ViolatedFields(Call(&Stub::CreateDistrict, bad, &again)),
            std::set<std::string>{"district.display_name"});

  v1::GetDistrictRequest get;
  get.set_name("districts/918");
  v1::District got;
  ASSERT_TRUE(Call(&Stub::GetDistrict, get, &got).ok());
  EXPECT_EQ(got.display_name(), "Quận Bình Thủy");
  get.set_name("districts/999");
  EXPECT_EQ(Call(&Stub::GetDistrict, get, &got).code(), absl::StatusCode::kNotFound);
  get.set_name("nonsense");
  EXPECT_EQ(Call(&Stub::GetDistrict, get, &got).code(), absl::StatusCode::kInvalidArgument);

  v1::UpdateDistrictRequest update;
  *update.mutable_district() = created;
  update.mutable_district()->set_display_name("Quận Bình Thuỷ");  // old-style tone placement
  update.mutable_update_mask()->add_paths("display_name");
  v1::District updated;
  ASSERT_TRUE(Call(&Stub::UpdateDistrict, update, &updated).ok());
  EXPECT_EQ(updated.display_name(), "Quận Bình Thuỷ");
  EXPECT_NE(updated.etag(), created.etag());
  EXPECT_EQ(Call(&Stub::UpdateDistrict, update, &updated).code(), absl::StatusCode::kAborted)
      << "the etag sent is now stale";
  update.mutable_district()->clear_etag();
  update.mutable_update_mask()->set_paths(0, "no_such_field");
  absl::Status mask = Call(&Stub::UpdateDistrict, update, &updated);
  EXPECT_EQ(ViolatedFields(mask), std::set<std::string>{"update_mask.paths[0]"});

  v1::DeleteDistrictRequest remove;
  remove.set_name("districts/918");
  remove.set_etag(created.etag());
  google::protobuf::Empty empty;
  EXPECT_EQ(Call(&Stub::DeleteDistrict, remove, &empty).code(), absl::StatusCode::kAborted);
  remove.set_etag(updated.etag());
  EXPECT_TRUE(Call(&Stub::DeleteDistrict, remove, &empty).ok());
  EXPECT_EQ(Call(&Stub::DeleteDistrict, remove, &empty).code(), absl::StatusCode::kNotFound);
}

// Over SQLite a lookup runs on gRPC's own thread (ServiceRuntime::lookups()): with every worker
// busy, GetUnit is still answered, while ListUnits, which runs on the workers, waits for one.
// Over PostgreSQL, where a read is a network round trip, the lookup waits like any call.
TEST_P(RegistryServiceTest, ALookupOverSqliteNeedsNoWorker) {
  SeedDirectory();
  // Shared: the workers still return from waiting on it after this test's frame is gone.
  auto release = std::make_shared<absl::Notification>();
  platform::WorkerPool& workers = runtime_->workers();
  for (int i = 0; i < workers.max_threads(); ++i) {
    workers.Run([release] { release->WaitForNotification(); });
  }
  auto call_with_short_deadline = [this](auto method, const auto& request, auto* response) {
    grpc::ClientContext context;
    context.AddMetadata("authorization", "Bearer " + admin_);
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(500));
    return ((*stub_).*method)(&context, request, response).error_code();
  };
  v1::GetUnitRequest get;
  get.set_name("units/THPT001");
  v1::Unit unit;
  const grpc::StatusCode got = call_with_short_deadline(&Stub::GetUnit, get, &unit);
  v1::ListUnitsResponse listed;
  const grpc::StatusCode list =
      call_with_short_deadline(&Stub::ListUnits, v1::ListUnitsRequest(), &listed);
  release->Notify();

  EXPECT_EQ(list, grpc::StatusCode::DEADLINE_EXCEEDED);
  if (GetParam() == Backend::kSqlite) {
    EXPECT_EQ(got, grpc::StatusCode::OK);
    EXPECT_EQ(unit.display_name(), "Trường THPT Châu Văn Liêm");
  } else {
    EXPECT_EQ(got, grpc::StatusCode::DEADLINE_EXCEEDED);
  }
}

TEST_P(RegistryServiceTest, UnitsFollowTheTreeRules) {
  SeedDirectory();
  v1::CreateUnitRequest create;
  create.set_unit_id("THCS003");
  create.mutable_unit()->set_display_name("Trường THCS Đoàn Thị Điểm");
  create.mutable_unit()->set_kind(type::v1::UNIT_KIND_SCHOOL);
  create.mutable_unit()->set_parent("units/PGD999");
  v1::Unit unit;
  absl::Status invalid = Call(&Stub::CreateUnit, create, &unit);
  EXPECT_EQ(invalid.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ViolatedFields(invalid), (std::set<std::string>{"unit.district", "unit.level"}))
      << invalid;

  create.mutable_unit()->set_district("districts/916");
  create.mutable_unit()->set_level(type::v1::EDUCATION_LEVEL_LOWER_SECONDARY);
  EXPECT_EQ(ViolatedFields(Call(&Stub::CreateUnit, create, &unit)),
            std::set<std::string>{"unit.parent"})
      << "the parent does not exist";
  create.mutable_unit()->set_parent("units/PGD916");
  ASSERT_TRUE(Call(&Stub::CreateUnit, create, &unit).ok());
  EXPECT_EQ(Call(&Stub::CreateUnit, create, &unit).code(), absl::StatusCode::kAlreadyExists);

  // Moving the district office under its own school would make a cycle.
  v1::UpdateUnitRequest cycle;
  cycle.mutable_unit()->set_name("units/PGD916");
  cycle.mutable_unit()->set_parent("units/THCS003");
  cycle.mutable_update_mask()->add_paths("parent");
  EXPECT_EQ(ViolatedFields(Call(&Stub::UpdateUnit, cycle, &unit)),
            std::set<std::string>{"unit.parent"});

  v1::DeleteUnitRequest remove;
  remove.set_name("units/PGD916");
  google::protobuf::Empty empty;
  absl::Status in_use = Call(&Stub::DeleteUnit, remove, &empty);
  EXPECT_EQ(in_use.code(), absl::StatusCode::kFailedPrecondition) << "it has schools";
  remove.set_name("units/THCS003");
  EXPECT_TRUE(Call(&Stub::DeleteUnit, remove, &empty).ok());

  // Upsert (allow_missing) creates; a viewer may read but not write.
  v1::UpdateUnitRequest upsert;
  upsert.mutable_unit()->set_name("units/MN004");
  upsert.mutable_unit()->set_display_name("Trường Mầm non Hoa Sen");
  upsert.mutable_unit()->set_kind(type::v1::UNIT_KIND_SCHOOL);
  upsert.mutable_unit()->set_level(type::v1::EDUCATION_LEVEL_PRESCHOOL);
  upsert.mutable_unit()->set_parent("units/PGD916");
  upsert.mutable_unit()->set_district("districts/916");
  upsert.mutable_update_mask()->add_paths("*");
  upsert.set_allow_missing(true);
  EXPECT_EQ(Call(&Stub::UpdateUnit, upsert, &unit, Token(Role::kViewer)).code(),
            absl::StatusCode::kPermissionDenied);
  ASSERT_TRUE(Call(&Stub::UpdateUnit, upsert, &unit).ok());
  v1::GetUnitRequest get;
  get.set_name("units/MN004");
  EXPECT_TRUE(Call(&Stub::GetUnit, get, &unit, Token(Role::kViewer)).ok());
  EXPECT_EQ(unit.display_name(), "Trường Mầm non Hoa Sen");
}

TEST_P(RegistryServiceTest, APersonHeadingAUnitIsItsHead) {
  SeedDirectory();
  v1::CreatePersonRequest create;
  create.set_person_id("CB001");
  create.mutable_person()->set_display_name("Nguyễn Thị Thu Hà");
  create.mutable_person()->set_unit("units/THPT001");
  create.mutable_person()->set_post("Hiệu trưởng");
  create.mutable_person()->set_head_of("units/THPT001");
  v1::Person person;
  ASSERT_TRUE(Call(&Stub::CreatePerson, create, &person).ok());
  EXPECT_TRUE(person.holds_leadership_post()) << "heading a unit is a leadership post";
  v1::GetUnitRequest get;
  get.set_name("units/THPT001");
  v1::Unit unit;
  ASSERT_TRUE(Call(&Stub::GetUnit, get, &unit).ok());
  EXPECT_EQ(unit.head(), "persons/CB001");

  create.set_person_id("CB002");
  create.mutable_person()->set_display_name("Trần Văn Bình");
  EXPECT_EQ(Call(&Stub::CreatePerson, create, &person).code(),
            absl::StatusCode::kFailedPrecondition)
      << "a unit has one head";

  v1::UpdatePersonRequest step_down;
  step_down.mutable_person()->set_name("persons/CB001");
  step_down.mutable_update_mask()->add_paths("head_of");
  ASSERT_TRUE(Call(&Stub::UpdatePerson, step_down, &person).ok());
  ASSERT_TRUE(Call(&Stub::GetUnit, get, &unit).ok());
  EXPECT_EQ(unit.head(), "");
}

// Over SQLite a unit read once is kept in memory (unit_cache.h): each kind of write must
// still show on the next read, an import and a deletion as much as an update.
TEST_P(RegistryServiceTest, AUnitReadAgainShowsEveryWriteSince) {
  SeedDirectory();
  v1::GetUnitRequest get;
  get.set_name("units/TH002");
  v1::Unit unit;
  ASSERT_TRUE(Call(&Stub::GetUnit, get, &unit).ok());
  ASSERT_EQ(unit.display_name(), "Trường Tiểu học Mạc Đĩnh Chi");
  ASSERT_TRUE(Call(&Stub::GetUnit, get, &unit).ok());  // now from memory, over SQLite

  ASSERT_EQ(Import(v1::IMPORT_KIND_UNITS,
                   "Mã đơn vị,Tên đơn vị\nTH002,Trường Tiểu học Mạc Đĩnh Chi (cơ sở 2)\n",
                   "rename-by-import")
                .outcome(),
            v1::ImportRecordsResponse::OUTCOME_IMPORTED);
  ASSERT_TRUE(Call(&Stub::GetUnit, get, &unit).ok());
  EXPECT_EQ(unit.display_name(), "Trường Tiểu học Mạc Đĩnh Chi (cơ sở 2)");

  v1::UpdateUnitRequest rename;
  rename.mutable_unit()->set_name("units/TH002");
  rename.mutable_unit()->set_display_name("Trường Tiểu học Lê Quý Đôn");
  rename.mutable_update_mask()->add_paths("display_name");
  ASSERT_TRUE(Call(&Stub::UpdateUnit, rename, &unit).ok());
  ASSERT_TRUE(Call(&Stub::GetUnit, get, &unit).ok());
  EXPECT_EQ(unit.display_name(), "Trường Tiểu học Lê Quý Đôn");

  v1::DeleteUnitRequest remove;
  remove.set_name("units/TH002");
  google::protobuf::Empty empty;
  ASSERT_TRUE(Call(&Stub::DeleteUnit, remove, &empty).ok());
  EXPECT_EQ(Call(&Stub::GetUnit, get, &unit).code(), absl::StatusCode::kNotFound);
}

// Readers hammer one unit while it is renamed a hundred times: a read that began after a
// rename returned never answers an older name (over SQLite some answers come from memory).
TEST_P(RegistryServiceTest, AReadNeverAnswersANameOlderThanTheLastRenameReturned) {
  SeedDirectory();
  std::atomic<int> renamed{0};
  std::atomic<bool> done{false};
  std::atomic<int> reads{0};
  std::atomic<int> stale{0};
  auto reader = [&] {
    auto stub = v1::RegistryService::NewStub(channel_);
    while (!done.load()) {
      const int at_least = renamed.load();
      grpc::ClientContext context;
      context.AddMetadata("authorization", "Bearer " + admin_);
      v1::GetUnitRequest get;
      get.set_name("units/TH002");
      v1::Unit unit;
      if (!stub->GetUnit(&context, get, &unit).ok()) continue;
      int seen = 0;
      if (absl::StartsWith(unit.display_name(), "Trường số ")) {
        (void)absl::SimpleAtoi(unit.display_name().substr(strlen("Trường số ")), &seen);
      }
      if (seen < at_least) ++stale;
      ++reads;
    }
  };
  std::vector<std::thread> readers;
  for (int i = 0; i < 3; ++i) readers.emplace_back(reader);
  for (int i = 1; i <= 100; ++i) {
    v1::UpdateUnitRequest rename;
    rename.mutable_unit()->set_name("units/TH002");
    rename.mutable_unit()->set_display_name(absl::StrCat("Trường số ", i));
    rename.mutable_update_mask()->add_paths("display_name");
    v1::Unit unit;
    if (absl::Status s = Call(&Stub::UpdateUnit, rename, &unit); !s.ok()) {
      ADD_FAILURE() << s;  // not ASSERT: the readers must still be stopped and joined
      break;
    }
    renamed.store(i);
  }
  done.store(true);
  for (std::thread& t : readers) t.join();
  EXPECT_EQ(stale.load(), 0) << "of " << reads.load() << " reads";
  EXPECT_GT(reads.load(), 100);
}

// Intake asks for a nominee and the unit that nominates them in one call.
TEST_P(RegistryServiceTest, BatchGetPersonsWithTheirUnitsNamesEachUnitOnce) {
  SeedDirectory();
  v1::CreatePersonRequest create;
  create.mutable_person()->set_unit("units/THPT001");
  v1::Person person;
  for (const char* id : {"GV101", "GV102"}) {
    create.set_person_id(id);
    create.mutable_person()->set_display_name(absl::StrCat("Giáo viên ", id));
    ASSERT_TRUE(Call(&Stub::CreatePerson, create, &person).ok());
  }
  v1::BatchGetPersonsRequest batch;
  batch.add_names("persons/GV101");
  batch.add_names("persons/GV102");
  batch.add_names("persons/NOBODY");
  batch.set_allow_missing(true);
  v1::BatchGetPersonsResponse response;
  ASSERT_TRUE(Call(&Stub::BatchGetPersons, batch, &response).ok());
  EXPECT_EQ(response.persons_size(), 2);
  EXPECT_EQ(response.units_size(), 0) << "units only when asked";

  batch.set_include_units(true);
  response.Clear();
  ASSERT_TRUE(Call(&Stub::BatchGetPersons, batch, &response).ok());
  EXPECT_EQ(response.persons_size(), 2);
  ASSERT_EQ(response.units_size(), 1) << "two persons of one unit: the unit once";
  EXPECT_EQ(response.units(0).name(), "units/THPT001");
  EXPECT_FALSE(response.units(0).district().empty());
  EXPECT_EQ(response.missing_size(), 1);
}

// Fictional Vietnamese school names, with the letters and tones that make Vietnamese order
// differ from byte order (Đ after D, Â after Ă after A, tones).
std::string SchoolName(int i) {
  static const char* kPrefixes[] = {"Trường THPT", "Trường THCS", "Trường Tiểu học",
                                    "Trường Mầm non"};
  static const char* kNames[] = {"An",   "Ân",   "Ăn",  "Bình", "Bính", "Châu", "Đào",   "Dao",
                                 "Điền", "Hòa",  "Hoà", "Hải",  "Lê",   "Lễ",   "Ô Môn", "Ơn",
                                 "Thới", "Thốt", "Tân", "Ứng",  "Vĩnh", "Yên",  "Zét",   "Ánh"};
  return absl::StrCat(kPrefixes[i % 4], " ", kNames[(i * 7) % 24], " ", kNames[(i * 13 + 5) % 24],
                      " ", i % 10 == 0 ? "" : absl::StrCat(i % 37));
}

TEST_P(RegistryServiceTest, PagingThroughAThousandUnitsReturnsEachOnceInVietnameseOrder) {
  SeedDirectory();
  std::string csv = "unit_code,display_name,kind,level,parent_code,district_code\n";
  for (int i = 0; i < 1000; ++i) {
    absl::StrAppend(&csv, "S", 10000 + i, ",\"", SchoolName(i), "\",SCHOOL,PRIMARY,PGD916,916\n");
  }
  auto imported = Import(v1::IMPORT_KIND_UNITS, csv, "thousand");
  ASSERT_EQ(imported.outcome(), v1::ImportRecordsResponse::OUTCOME_IMPORTED);
  EXPECT_EQ(imported.created(), 1000);

  std::vector<v1::Unit> seen;
  v1::ListUnitsRequest request;
  request.set_page_size(37);
  request.set_filter("parent = \"units/PGD916\" AND kind = UNIT_KIND_SCHOOL");
  int pages = 0;
  do {
    v1::ListUnitsResponse response;
    ASSERT_TRUE(Call(&Stub::ListUnits, request, &response).ok());
    for (const auto& unit : response.units()) seen.push_back(unit);
    request.set_page_token(response.next_page_token());
    ASSERT_LT(++pages, 100);
  } while (!request.page_token().empty());
  // 1000 imported plus the seed's primary school under the same office.
  ASSERT_EQ(seen.size(), 1001u);
  std::set<std::string> names;
  for (const auto& unit : seen) names.insert(unit.name());
  EXPECT_EQ(names.size(), seen.size()) << "no unit twice";
  for (size_t i = 1; i < seen.size(); ++i) {
    const auto& a = seen[i - 1];
    const auto& b = seen[i];
    EXPECT_FALSE(platform::VietnameseLess(b.display_name(), a.display_name()))
        << a.display_name() << " came before " << b.display_name();
  }
  // A token is bound to its query.
  v1::ListUnitsRequest other;
  other.set_page_size(37);
  other.set_filter("kind = UNIT_KIND_SCHOOL");
  v1::ListUnitsRequest first = request;
  first.clear_page_token();
  v1::ListUnitsResponse page;
  ASSERT_TRUE(Call(&Stub::ListUnits, first, &page).ok());
  other.set_page_token(page.next_page_token());
  EXPECT_EQ(ViolatedFields(Call(&Stub::ListUnits, other, &page)),
            std::set<std::string>{"page_token"});
}

TEST_P(RegistryServiceTest, SearchIgnoresCaseAndDiacritics) {
  SeedDirectory();
  v1::SearchUnitsRequest search;
  search.set_query("truong thpt chau van liem");
  v1::SearchUnitsResponse found;
  ASSERT_TRUE(Call(&Stub::SearchUnits, search, &found).ok());
  ASSERT_EQ(found.units_size(), 1);
  EXPECT_EQ(found.units(0).display_name(), "Trường THPT Châu Văn Liêm");

  search.set_query("MẠC ĐĨNH");
  ASSERT_TRUE(Call(&Stub::SearchUnits, search, &found).ok());
  ASSERT_EQ(found.units_size(), 1);
  EXPECT_EQ(found.units(0).name(), "units/TH002");

  search.set_query("truong");
  search.set_filter("level = THPT");
  ASSERT_TRUE(Call(&Stub::SearchUnits, search, &found).ok());
  ASSERT_EQ(found.units_size(), 1);
  EXPECT_EQ(found.units(0).name(), "units/THPT001");

  search.set_query("50%_off");
  search.clear_filter();
  ASSERT_TRUE(Call(&Stub::SearchUnits, search, &found).ok());
  EXPECT_EQ(found.units_size(), 0) << "LIKE's own characters are matched literally";
  search.set_query("  ");
  EXPECT_EQ(Call(&Stub::SearchUnits, search, &found).code(), absl::StatusCode::kInvalidArgument);
}

TEST_P(RegistryServiceTest, AFileWithThreeBadRowsNamesAllThreeAndChangesNothing) {
  SeedDirectory();
  int64_t units_before = CountUnits();
  int64_t sequence_before = LastSequence();
  const std::string csv =
      "\xEF\xBB\xBFMã đơn vị,Tên đơn vị,Loại đơn vị,Cấp học,Mã đơn vị cấp trên,Mã quận huyện\r\n"
      "THCS010,Trường THCS Lê Lợi,Trường,THCS,PGD916,916\r\n"       // line 2: good
      "THCS011,Trường THCS Trần Phú,Trường,Đại học,PGD916,916\r\n"  // line 3: no such level
      "THCS012,\"Trường THCS \"\"Hai Bà Trưng\"\"\",Trường,THCS,PGD916,916\r\n"  // line 4: good
      "THCS013,Trường THCS Nguyễn Du,Trường,THCS,PGD999,916\r\n"  // line 5: no such parent
      "THCS014,,Trường,THCS,PGD916,916\r\n";                      // line 6: no name
  auto response = Import(v1::IMPORT_KIND_UNITS, csv, "three-bad", "", 7);
  EXPECT_EQ(response.outcome(), v1::ImportRecordsResponse::OUTCOME_REJECTED);
  EXPECT_EQ(response.rows(), 5);
  ASSERT_EQ(response.errors_size(), 3) << response.DebugString();
  EXPECT_EQ(response.errors(0).line(), 3);
  EXPECT_EQ(response.errors(0).column(), "Cấp học");
  EXPECT_EQ(response.errors(0).value(), "Đại học");
  EXPECT_FALSE(response.errors(0).message().vi().empty());
  EXPECT_FALSE(response.errors(0).message().en().empty());
  EXPECT_EQ(response.errors(1).line(), 5);
  EXPECT_EQ(response.errors(1).column(), "Mã đơn vị cấp trên");
  EXPECT_EQ(response.errors(1).value(), "units/PGD999");
  EXPECT_EQ(response.errors(2).line(), 6);
  EXPECT_EQ(response.errors(2).column(), "Tên đơn vị");
  EXPECT_EQ(CountUnits(), units_before) << "the good rows 2 and 4 were not imported either";
  EXPECT_EQ(LastSequence(), sequence_before) << "a rejected file emits no event";

  // With the cell error fixed, the rows that remain bad are found by the store alone; the good
  // rows 2, 3 and 4 it already wrote in the transaction are rolled back with them.
  std::string store_bad = csv;
  store_bad.replace(store_bad.find("Đại học"), std::string("Đại học").size(), "THCS");
  response = Import(v1::IMPORT_KIND_UNITS, store_bad, "two-bad", "", 5);
  EXPECT_EQ(response.outcome(), v1::ImportRecordsResponse::OUTCOME_REJECTED);
  ASSERT_EQ(response.errors_size(), 2) << response.DebugString();
  EXPECT_EQ(response.errors(0).line(), 5);
  EXPECT_EQ(response.errors(1).line(), 6);
  EXPECT_EQ(CountUnits(), units_before);
  EXPECT_EQ(LastSequence(), sequence_before);

  // A dry run of the fixed file changes nothing and says what would happen.
  std::string fixed =
      "Mã đơn vị,Tên đơn vị,Loại đơn vị,Cấp học,Mã đơn vị cấp trên,Mã quận huyện\n"
      "THCS010,Trường THCS Lê Lợi,Trường,THCS,PGD916,916\n";
  response = Import(v1::IMPORT_KIND_UNITS, fixed, "dry", "", 4096, nullptr, 0, true);
  EXPECT_EQ(response.outcome(), v1::ImportRecordsResponse::OUTCOME_VALIDATED);
  EXPECT_EQ(response.created(), 1);
  EXPECT_EQ(CountUnits(), units_before);
}

TEST_P(RegistryServiceTest, ThreeBadCellsAreAllNamedInOneRead) {
  SeedDirectory();
  int64_t units_before = CountUnits();
  auto response = Import(v1::IMPORT_KIND_UNITS,
                         "unit_code,display_name,kind,level,parent_code,district_code\n"
                         "A1,Trường A,SCHOOL,PRIMARY,PGD916,916\n"
                         "A 2,Trường B,SCHOOL,PRIMARY,PGD916,916\n"  // bad code
                         "A3,Trường C,NHA_MAY,PRIMARY,PGD916,916\n"  // bad kind
                         "A4,Trường D,SCHOOL,PRIMARY,PGD916,9x6\n",  // bad district code
                         "three-cells");
  EXPECT_EQ(response.outcome(), v1::ImportRecordsResponse::OUTCOME_REJECTED);
  ASSERT_EQ(response.errors_size(), 3) << response.DebugString();
  EXPECT_EQ(response.errors(0).line(), 3);
  EXPECT_EQ(response.errors(0).column(), "unit_code");
  EXPECT_EQ(response.errors(1).line(), 4);
  EXPECT_EQ(response.errors(1).column(), "kind");
  EXPECT_EQ(response.errors(1).value(), "NHA_MAY");
  EXPECT_EQ(response.errors(2).line(), 5);
  EXPECT_EQ(response.errors(2).column(), "district_code");
  EXPECT_EQ(CountUnits(), units_before);
}

TEST_P(RegistryServiceTest, ReimportingUpdatesInPlaceWithoutDuplicates) {
  SeedDirectory();
  const std::string persons =
      "Mã cán bộ,Họ và tên,Mã đơn vị,Chức vụ,Lãnh đạo quản lý,Đứng đầu đơn vị\n"
      "CB100,Lê Thị Mai,THPT001,Hiệu trưởng,có,THPT001\n"
      "CB101,Phạm Văn Tâm,THPT001,Giáo viên,không,\n";
  auto first = Import(v1::IMPORT_KIND_PERSONS, persons, "persons-1");
  ASSERT_EQ(first.outcome(), v1::ImportRecordsResponse::OUTCOME_IMPORTED) << first.DebugString();
  EXPECT_EQ(first.created(), 2);
  int64_t sequence = LastSequence();

  auto second = Import(v1::IMPORT_KIND_PERSONS, persons, "persons-2");
  EXPECT_EQ(second.created(), 0);
  EXPECT_EQ(second.updated(), 0);
  EXPECT_EQ(second.unchanged(), 2);
  EXPECT_EQ(LastSequence(), sequence) << "unchanged rows emit no event";

  auto replay = Import(v1::IMPORT_KIND_PERSONS, persons, "persons-1");
  EXPECT_EQ(replay.created(), 2) << "the same request id returns the first answer";

  std::string changed = persons;
  changed.replace(changed.find("Giáo viên"), std::string("Giáo viên").size(), "Tổ trưởng");
  auto third = Import(v1::IMPORT_KIND_PERSONS, changed, "persons-3");
  EXPECT_EQ(third.updated(), 1);
  EXPECT_EQ(third.unchanged(), 1);

  v1::ListPersonsRequest list;
  v1::ListPersonsResponse listed;
  ASSERT_TRUE(Call(&Stub::ListPersons, list, &listed).ok());
  EXPECT_EQ(listed.persons_size(), 2);
  v1::GetUnitRequest get;
  get.set_name("units/THPT001");
  v1::Unit unit;
  ASSERT_TRUE(Call(&Stub::GetUnit, get, &unit).ok());
  EXPECT_EQ(unit.head(), "persons/CB100");
}

TEST_P(RegistryServiceTest, YearlyRecordsKeepEveryFigureTheCriteriaNeed) {
  SeedDirectory();
  v1::CreateEmulationBlockRequest block;
  block.set_emulation_block_id("khoi-thpt");
  block.mutable_emulation_block()->set_display_name("Khối trường THPT");
  auto* membership = block.mutable_emulation_block()->add_memberships();
  membership->mutable_school_year()->set_start_year(2019);
  membership->add_units("units/THPT001");
  v1::EmulationBlock created_block;
  ASSERT_TRUE(Call(&Stub::CreateEmulationBlock, block, &created_block).ok());

  const std::string csv =
      "Mã đơn vị,Năm học,Số lớp,Số học sinh,Số lớp năm trước,Số học sinh năm trước,"
      "Chỉ tiêu tuyển sinh đầu cấp,Tuyển sinh đầu cấp,Tổng số CBGVNV,CBGVNV đạt chuẩn trình độ,"
      "Số giáo viên,Số xếp loại tốt,Số xếp loại khá,Số xếp loại đạt,Số xếp loại chưa đạt,"
      "Học sinh được đánh giá,Học sinh giỏi,Học sinh khá,Dự thi cấp thành phố,"
      "Đạt giải cấp thành phố,Giáo viên dạy giỏi cấp thành phố,Chuẩn quốc gia,Phổ cập giáo dục,"
      "Đánh giá năm học,Cấp đánh giá,Xếp loại tổ chức đảng,Công đoàn,Đoàn thanh niên,"
      "Khối thi đua,Xếp hạng trong khối,Số đơn vị trong khối,Danh hiệu thi đua,Hình thức khen "
      "thưởng\n"
      "THPT001,2019-2020,40,1600,39,1580,560,572,95,95,80,60,35,0,0,1600,700,650,40,25,6,"
      "Mức độ 1,Duy trì,Hoàn thành xuất sắc nhiệm vụ,Sở GD&ĐT Cần Thơ,Hoàn thành tốt nhiệm vụ,"
      "Vững mạnh xuất sắc,Vững mạnh,khoi-thpt,1,12,"
      "Tập thể lao động xuất sắc@UBND thành phố,Bằng khen: Bằng khen của Bộ trưởng@Bộ\n";
  auto imported = Import(v1::IMPORT_KIND_UNIT_YEARLY_RECORDS, csv, "records-1", "", 3);
  ASSERT_EQ(imported.outcome(), v1::ImportRecordsResponse::OUTCOME_IMPORTED)
      << imported.DebugString();

  v1::GetUnitYearlyRecordRequest get;
  get.set_name("units/THPT001/yearlyRecords/2019-2020");
  v1::UnitYearlyRecord record;
  ASSERT_TRUE(Call(&Stub::GetUnitYearlyRecord, get, &record).ok());
  EXPECT_EQ(record.school_year().start_year(), 2019);
  EXPECT_EQ(record.staff().professional_ratings().good(), 60);
  EXPECT_EQ(record.staff().professional_ratings().fair(), 35);
  EXPECT_FALSE(record.staff().professional_ratings().has_not_rated()) << "no column: not recorded";
  EXPECT_EQ(record.previous_scale().students(), 1580);
  EXPECT_EQ(record.entry_enrolment().actual(), 572);
  EXPECT_EQ(record.students().city_contest_prize_winners(), 25);
  EXPECT_EQ(record.national_standard().level(), v1::NationalStandard::LEVEL_ONE);
  EXPECT_EQ(record.universal_education().status(), v1::UniversalEducation::STATUS_MAINTAINED);
  EXPECT_EQ(record.assessment().assessment(), type::v1::TASK_ASSESSMENT_EXCELLENT);
  EXPECT_EQ(record.party_organisation().assessment(), type::v1::TASK_ASSESSMENT_GOOD);
  ASSERT_EQ(record.union_ratings_size(), 2);
  EXPECT_EQ(record.block_standing().group(), "emulationBlocks/khoi-thpt");
  EXPECT_EQ(record.block_standing().rank(), 1);
  ASSERT_EQ(record.titles_size(), 1);
  EXPECT_EQ(record.titles(0).title(), type::v1::EMULATION_TITLE_EXCELLENT_COLLECTIVE);
  EXPECT_EQ(record.titles(0).authority_level(), type::v1::AUTHORITY_LEVEL_PROVINCE);
  ASSERT_EQ(record.awards_size(), 1);
  EXPECT_EQ(record.awards(0).form(), type::v1::AWARD_FORM_CERTIFICATE_OF_MERIT);
  EXPECT_EQ(record.awards(0).award_text(), "Bằng khen của Bộ trưởng");
  EXPECT_EQ(record.source(), "import:records-1");

  // An update into a sub-message; the arithmetic is checked.
  v1::UpdateUnitYearlyRecordRequest update;
  update.mutable_unit_yearly_record()->set_name(get.name());
  update.mutable_unit_yearly_record()->mutable_staff()->mutable_professional_ratings()->set_good(
      90);
  update.mutable_update_mask()->add_paths("staff.professional_ratings.good");
  absl::Status too_many = Call(&Stub::UpdateUnitYearlyRecord, update, &record);
  EXPECT_EQ(ViolatedFields(too_many),
            std::set<std::string>{"unit_yearly_record.staff.professional_ratings"})
      << too_many;
  update.mutable_unit_yearly_record()->mutable_staff()->mutable_professional_ratings()->set_good(
      -1);
  EXPECT_EQ(ViolatedFields(Call(&Stub::UpdateUnitYearlyRecord, update, &record)),
            std::set<std::string>{"unit_yearly_record.staff.professional_ratings.good"});
  update.mutable_unit_yearly_record()->mutable_staff()->mutable_professional_ratings()->set_good(
      58);
  ASSERT_TRUE(Call(&Stub::UpdateUnitYearlyRecord, update, &record).ok());
  EXPECT_EQ(record.staff().professional_ratings().good(), 58);
  EXPECT_EQ(record.staff().professional_ratings().fair(), 35) << "other figures stay";
  EXPECT_EQ(record.source(), "api");

  // The block is in use by the standing; the batch get reports what is missing.
  v1::DeleteEmulationBlockRequest remove_block;
  remove_block.set_name("emulationBlocks/khoi-thpt");
  google::protobuf::Empty empty;
  EXPECT_EQ(Call(&Stub::DeleteEmulationBlock, remove_block, &empty).code(),
            absl::StatusCode::kFailedPrecondition);
  v1::BatchGetUnitYearlyRecordsRequest batch;
  batch.set_parent("units/-");
  batch.add_names("units/THPT001/yearlyRecords/2019-2020");
  batch.add_names("units/THPT001/yearlyRecords/2018-2019");
  v1::BatchGetUnitYearlyRecordsResponse batched;
  EXPECT_EQ(Call(&Stub::BatchGetUnitYearlyRecords, batch, &batched).code(),
            absl::StatusCode::kNotFound);
  batch.set_allow_missing(true);
  ASSERT_TRUE(Call(&Stub::BatchGetUnitYearlyRecords, batch, &batched).ok());
  EXPECT_EQ(batched.unit_yearly_records_size(), 1);
  ASSERT_EQ(batched.missing_size(), 1);
  EXPECT_EQ(batched.missing(0), "units/THPT001/yearlyRecords/2018-2019");

  v1::ListUnitYearlyRecordsRequest list;
  list.set_parent("units/-");
  list.set_filter("school_year = \"2019-2020\" AND emulation_block = \"khoi-thpt\"");
  v1::ListUnitYearlyRecordsResponse listed;
  ASSERT_TRUE(Call(&Stub::ListUnitYearlyRecords, list, &listed).ok());
  EXPECT_EQ(listed.unit_yearly_records_size(), 1);
}

TEST_P(RegistryServiceTest, AUnitOfficerWritesOnlyTheirOwnUnit) {
  SeedDirectory();
  std::string officer = Token(Role::kUnitOfficer, "THPT001");
  v1::CreatePersonRequest own;
  own.set_person_id("CB200");
  own.mutable_person()->set_display_name("Võ Thị Hồng");
  own.mutable_person()->set_unit("units/THPT001");
  v1::Person person;
  EXPECT_TRUE(Call(&Stub::CreatePerson, own, &person, officer).ok());

  v1::CreatePersonRequest other = own;
  other.set_person_id("CB201");
  other.mutable_person()->set_unit("units/TH002");
  EXPECT_EQ(Call(&Stub::CreatePerson, other, &person, officer).code(),
            absl::StatusCode::kPermissionDenied);

  v1::UpdatePersonRequest move;
  move.mutable_person()->set_name("persons/CB200");
  move.mutable_person()->set_unit("units/TH002");
  move.mutable_update_mask()->add_paths("unit");
  EXPECT_EQ(Call(&Stub::UpdatePerson, move, &person, officer).code(),
            absl::StatusCode::kPermissionDenied);

  v1::CreateUnitYearlyRecordRequest record;
  record.set_parent("units/TH002");
  record.set_unit_yearly_record_id("2019-2020");
  v1::UnitYearlyRecord created;
  EXPECT_EQ(Call(&Stub::CreateUnitYearlyRecord, record, &created, officer).code(),
            absl::StatusCode::kPermissionDenied);
  record.set_parent("units/THPT001");
  EXPECT_TRUE(Call(&Stub::CreateUnitYearlyRecord, record, &created, officer).ok());

  v1::CreateUnitRequest unit;
  unit.set_unit_id("X1");
  unit.mutable_unit()->set_display_name("x");
  v1::Unit u;
  EXPECT_EQ(Call(&Stub::CreateUnit, unit, &u, officer).code(), absl::StatusCode::kPermissionDenied);

  absl::Status import_status;
  Import(v1::IMPORT_KIND_PERSONS, "person_code,display_name,unit_code\nCB202,Đỗ Văn An,TH002\n",
         "officer-import", officer, 4096, &import_status);
  EXPECT_EQ(import_status.code(), absl::StatusCode::kPermissionDenied);

  // Reading: a unit officer's lists are narrowed to their unit.
  v1::ListPersonsRequest list;
  v1::ListPersonsResponse listed;
  ASSERT_TRUE(Call(&Stub::ListPersons, list, &listed, officer).ok());
  for (const auto& p : listed.persons()) EXPECT_EQ(p.unit(), "units/THPT001");
  list.set_filter("unit = \"units/TH002\"");
  EXPECT_EQ(Call(&Stub::ListPersons, list, &listed, officer).code(),
            absl::StatusCode::kPermissionDenied);
}

TEST_P(RegistryServiceTest, EveryChangeAppearsOnTheFeed) {
  SeedDirectory();
  int64_t after = LastSequence();
  v1::CreateUnitRequest create;
  create.set_unit_id("GDTX01");
  create.mutable_unit()->set_display_name("Trung tâm GDTX quận Ninh Kiều");
  create.mutable_unit()->set_kind(type::v1::UNIT_KIND_CENTRE);
  create.mutable_unit()->set_level(type::v1::EDUCATION_LEVEL_CONTINUING);
  create.mutable_unit()->set_parent("units/SGDDT");
  create.mutable_unit()->set_district("districts/916");
  create.set_request_id("gdtx");
  v1::Unit unit;
  ASSERT_TRUE(Call(&Stub::CreateUnit, create, &unit).ok());
  v1::CreatePersonRequest person;
  person.set_person_id("CB300");
  person.mutable_person()->set_display_name("Huỳnh Văn Út");
  person.mutable_person()->set_unit("units/GDTX01");
  person.mutable_person()->set_head_of("units/GDTX01");
  v1::Person created_person;
  ASSERT_TRUE(Call(&Stub::CreatePerson, person, &created_person).ok());
  v1::CreatePersonYearlyRecordRequest record;
  record.set_parent("persons/CB300");
  record.set_person_yearly_record_id("2019-2020");
  record.mutable_person_yearly_record()->set_unit("units/GDTX01");
  record.mutable_person_yearly_record()->set_professional_rating(
      type::v1::PROFESSIONAL_RATING_GOOD);
  auto* ack = record.mutable_person_yearly_record()->add_acknowledgements();
  ack->set_kind(type::v1::ACKNOWLEDGEMENT_KIND_HO_CHI_MINH_EXAMPLE);
  ack->set_acknowledged_by("Chi bộ Trung tâm GDTX");
  v1::PersonYearlyRecord created_record;
  ASSERT_TRUE(Call(&Stub::CreatePersonYearlyRecord, record, &created_record).ok());
  v1::DeletePersonYearlyRecordRequest remove;
  remove.set_name(created_record.name());
  google::protobuf::Empty empty;
  ASSERT_TRUE(Call(&Stub::DeletePersonYearlyRecord, remove, &empty).ok());

  auto events = Events(after, 5);
  ASSERT_EQ(events.size(), 5u);
  EXPECT_TRUE(events[0].has_unit_changed());
  EXPECT_TRUE(events[0].unit_changed().created());
  EXPECT_EQ(events[0].request_id(), "gdtx");
  EXPECT_EQ(events[0].actor(), "tester-admin");
  EXPECT_TRUE(events[1].has_person_changed());
  ASSERT_TRUE(events[2].has_unit_changed()) << "the unit's head changed";
  EXPECT_EQ(events[2].unit_changed().unit().head(), "persons/CB300");
  EXPECT_FALSE(events[2].unit_changed().created());
  EXPECT_TRUE(events[3].has_person_yearly_record_changed());
  EXPECT_EQ(events[3].person_yearly_record_changed().person_yearly_record().acknowledgements_size(),
            1);
  EXPECT_TRUE(events[4].has_person_yearly_record_deleted());
  for (size_t i = 1; i < events.size(); ++i)
    EXPECT_GT(events[i].sequence(), events[i - 1].sequence());
}

TEST_P(RegistryServiceTest, AMalformedImportStreamIsRefused) {
  auto send = [&](const std::vector<v1::ImportRecordsRequest>& messages, const std::string& token) {
    grpc::ClientContext context;
    context.AddMetadata("authorization", "Bearer " + token);
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    v1::ImportRecordsResponse response;
    auto writer = stub_->ImportRecords(&context, &response);
    for (const auto& m : messages) {
      if (!writer->Write(m)) break;
    }
    writer->WritesDone();
    return platform::FromGrpcStatus(writer->Finish());
  };
  v1::ImportRecordsRequest header, chunk;
  header.mutable_header()->set_kind(v1::IMPORT_KIND_UNITS);
  header.mutable_header()->set_request_id("x");
  chunk.set_csv_chunk("unit_code,display_name\n");
  EXPECT_EQ(send({chunk}, admin_).code(), absl::StatusCode::kInvalidArgument) << "no header first";
  EXPECT_EQ(send({header, chunk, header}, admin_).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(send({}, admin_).code(), absl::StatusCode::kInvalidArgument) << "nothing at all";
  v1::ImportRecordsRequest no_id = header;
  no_id.mutable_header()->clear_request_id();
  EXPECT_EQ(ViolatedFields(send({no_id}, admin_)), std::set<std::string>{"header.request_id"});
  EXPECT_EQ(send({header, chunk}, "not-a-token").code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(send({header, chunk}, Token(Role::kViewer)).code(),
            absl::StatusCode::kPermissionDenied);

  // A declared size guards against a stream cut short: fewer or more bytes than declared import
  // nothing; exactly the declared bytes import the file.
  SeedDirectory();
  const int64_t units_before = CountUnits();
  const int64_t sequence_before = LastSequence();
  v1::ImportRecordsRequest sized = header;
  sized.mutable_header()->set_request_id("sized");
  v1::ImportRecordsRequest first, second;
  first.set_csv_chunk(
      "Mã đơn vị,Tên đơn vị,Loại đơn vị,Cấp học,Mã đơn vị cấp trên,Mã quận huyện\n");
  second.set_csv_chunk("THCS020,Trường THCS Đoàn Thị Điểm,Trường,THCS,PGD916,916\n");
  const int64_t whole = first.csv_chunk().size() + second.csv_chunk().size();
  sized.mutable_header()->set_file_bytes(whole);
  EXPECT_EQ(ViolatedFields(send({sized, first}, admin_)),
            std::set<std::string>{"header.file_bytes"})
      << "the second chunk never came";
  sized.mutable_header()->set_file_bytes(whole - 1);
  EXPECT_EQ(ViolatedFields(send({sized, first, second}, admin_)),
            std::set<std::string>{"header.file_bytes"});
  sized.mutable_header()->set_file_bytes(-1);
  EXPECT_EQ(ViolatedFields(send({sized, first, second}, admin_)),
            std::set<std::string>{"header.file_bytes"});
  EXPECT_EQ(CountUnits(), units_before);
  EXPECT_EQ(LastSequence(), sequence_before);
  sized.mutable_header()->set_file_bytes(whole);
  EXPECT_TRUE(send({sized, first, second}, admin_).ok());
  EXPECT_EQ(CountUnits(), units_before + 1);
}

TEST_P(RegistryServiceTest, BlockMembershipIsOnePerUnitAndYear) {
  SeedDirectory();
  v1::CreateEmulationBlockRequest block;
  block.set_emulation_block_id("khoi-a");
  block.mutable_emulation_block()->set_display_name("Khối A");
  auto* membership = block.mutable_emulation_block()->add_memberships();
  membership->mutable_school_year()->set_start_year(2019);
  membership->add_units("units/THPT001");
  membership->add_units("units/TH002");
  v1::EmulationBlock created;
  ASSERT_TRUE(Call(&Stub::CreateEmulationBlock, block, &created).ok());
  block.set_emulation_block_id("khoi-b");
  absl::Status twice = Call(&Stub::CreateEmulationBlock, block, &created);
  EXPECT_EQ(ViolatedFields(twice),
            (std::set<std::string>{"emulation_block.memberships[0].units[0]",
                                   "emulation_block.memberships[0].units[1]"}))
      << twice;
  membership->mutable_school_year()->set_start_year(2018);
  ASSERT_TRUE(Call(&Stub::CreateEmulationBlock, block, &created).ok()) << "another year is fine";

  v1::ListUnitsRequest list;
  list.set_filter("emulation_block = \"emulationBlocks/khoi-a\" AND school_year = \"2019-2020\"");
  v1::ListUnitsResponse listed;
  ASSERT_TRUE(Call(&Stub::ListUnits, list, &listed).ok());
  EXPECT_EQ(listed.units_size(), 2);
  v1::ListEmulationBlocksRequest blocks;
  blocks.set_filter("unit = \"units/TH002\" AND school_year = 2018-2019");
  v1::ListEmulationBlocksResponse found;
  ASSERT_TRUE(Call(&Stub::ListEmulationBlocks, blocks, &found).ok());
  ASSERT_EQ(found.emulation_blocks_size(), 1);
  EXPECT_EQ(found.emulation_blocks(0).name(), "emulationBlocks/khoi-b");
}

// A cancelled import (the client went away, or a drain ran out of time and cancelled its
// calls) stops before the next batch it reads back, CANCELLED, and its transaction applies
// nothing: a file of a million rows does not hold a draining registry past its deadline.
TEST_P(RegistryServiceTest, ACancelledImportStopsAtItsNextBatch) {
  auto staging = ImportStaging::Open(database_.get());
  ASSERT_TRUE(staging.ok()) << staging.status();
  const int kRows = 2 * static_cast<int>(ImportStaging::kBatchRows) + 10;
  for (int i = 0; i < kRows; ++i) {
    auto values = std::make_unique<v1::Person>();
    values->set_display_name(absl::StrCat("Nguyễn Văn ", i));
    ASSERT_TRUE((*staging)->Add({i + 2, absl::StrCat("persons/CB", i), std::move(values)}).ok());
  }
  ASSERT_TRUE((*staging)->Flush().ok());
  bool cancelled = false;
  (*staging)->StopWhen([&cancelled] { return cancelled; });
  int seen = 0;
  absl::Status status = platform::RunInTransaction(
      *database_, platform::TxMode::kWrite, [&](platform::Transaction& tx) {
        seen = 0;
        return (*staging)->ForEach(tx, v1::Person::default_instance(), [&](const ImportItem&) {
          ++seen;
          cancelled = true;  // the call is cancelled while the first batch is applied
          return absl::OkStatus();
        });
      });
  EXPECT_EQ(status.code(), absl::StatusCode::kCancelled) << status;
  EXPECT_EQ(seen, static_cast<int>(ImportStaging::kBatchRows));
  EXPECT_TRUE((*staging)->Drop().ok());
}

// Rows wait in the import_staging table while a file streams in, written and read back a
// batch of ImportStaging::kBatchRows at a time; these files span several batches.
TEST_P(RegistryServiceTest, AFileOfSeveralStagingBatchesIsStillWholeOrNothing) {
  SeedDirectory();
  auto count = [&](const std::string& table) -> int64_t {
    auto tx = database_->Begin(platform::TxMode::kRead);
    EXPECT_TRUE(tx.ok()) << tx.status();
    auto rows = (*tx)->Query(absl::StrCat("SELECT COUNT(*) FROM ", table));
    EXPECT_TRUE(rows.ok()) << rows.status();
    return rows.ok() && !rows->empty() ? (*rows)[0].Int(0) : -1;
  };
  const int kRows = 2 * static_cast<int>(ImportStaging::kBatchRows) + 500;

  // Schools named before the office they report to, which comes last: the reference is
  // found across batches.
  std::string units = "unit_code,display_name,kind,level,parent_code,district_code\n";
  for (int i = 0; i < kRows; ++i) {
    absl::StrAppend(&units, "S", 10000 + i, ",Trường ", i, ",SCHOOL,PRIMARY,PGD917,916\n");
  }
  absl::StrAppend(&units, "PGD917,Phòng GD&ĐT mới,DISTRICT_OFFICE,,SGDDT,916\n");
  auto imported = Import(v1::IMPORT_KIND_UNITS, units, "many-units", "", 64 * 1024);
  ASSERT_EQ(imported.outcome(), v1::ImportRecordsResponse::OUTCOME_IMPORTED)
      << imported.DebugString();
  EXPECT_EQ(imported.created(), kRows + 1);

  // A key repeated from the first batch near the end, and a missing unit in the last batch:
  // both named, nothing imported.
  std::string persons = "person_code,display_name,unit_code\n";
  for (int i = 0; i < kRows; ++i) {
    std::string unit = i == kRows - 3 ? "NOWHERE" : absl::StrCat("S", 10000 + i);
    absl::StrAppend(&persons, "CB", i, ",Nguyễn Văn ", i, ",", unit, "\n");
  }
  std::string bad = persons + "CB1,Nguyễn Văn Một,S10001\n";
  const int64_t events_before = count("outbox");  // (PostgreSQL's sequence has gaps)
  auto rejected = Import(v1::IMPORT_KIND_PERSONS, bad, "many-persons-bad", "", 64 * 1024);
  ASSERT_EQ(rejected.outcome(), v1::ImportRecordsResponse::OUTCOME_REJECTED);
  ASSERT_EQ(rejected.errors_size(), 2) << rejected.DebugString();
  EXPECT_EQ(rejected.errors(0).line(), kRows - 3 + 2);
  EXPECT_EQ(rejected.errors(0).column(), "unit_code");
  EXPECT_EQ(rejected.errors(1).line(), kRows + 2);
  EXPECT_EQ(rejected.errors(1).message().en(), "Repeats line 3");
  EXPECT_EQ(count("persons"), 0);
  EXPECT_EQ(count("outbox"), events_before);
  EXPECT_EQ(count("import_staging"), 0) << "staged rows are deleted";
  EXPECT_EQ(count("import_sessions"), 0);

  // Fixed: a dry run changes nothing, the import takes every row, and nothing stays staged.
  absl::StrReplaceAll({{",NOWHERE\n", absl::StrCat(",S", 10000 + kRows - 3, "\n")}}, &persons);
  auto dry = Import(v1::IMPORT_KIND_PERSONS, persons, "many-persons-dry", "", 64 * 1024, nullptr,
                    0, true);
  EXPECT_EQ(dry.outcome(), v1::ImportRecordsResponse::OUTCOME_VALIDATED) << dry.DebugString();
  EXPECT_EQ(count("persons"), 0);
  auto good = Import(v1::IMPORT_KIND_PERSONS, persons, "many-persons", "", 64 * 1024);
  ASSERT_EQ(good.outcome(), v1::ImportRecordsResponse::OUTCOME_IMPORTED) << good.DebugString();
  EXPECT_EQ(good.created(), kRows);
  EXPECT_EQ(count("persons"), kRows);
  EXPECT_EQ(count("outbox"), events_before + kRows) << "one event per person";
  EXPECT_EQ(count("import_staging"), 0);
  EXPECT_EQ(count("import_sessions"), 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, RegistryServiceTest,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const auto& info) {
                           return platform::testing::BackendName(info.param);
                         });

}  // namespace
}  // namespace dienhinh::registry
