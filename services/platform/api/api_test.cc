#include <openssl/evp.h>

#include <gtest/gtest.h>

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include "absl/strings/escaping.h"
#include "dienhinh/registry/v1/unit.pb.h"
#include "google/rpc/error_details.pb.h"
#include "services/platform/api/api_schema.h"
#include "services/platform/api/audit_log.h"
#include "services/platform/api/etag.h"
#include "services/platform/api/list_filter.h"
#include "services/platform/api/page_token.h"
#include "services/platform/api/request_log.h"
#include "services/platform/api/resource_text.h"
#include "services/platform/status/error_details.h"
#include "services/platform/testing/test_database.h"

namespace dienhinh::platform {
namespace {

const std::vector<std::string> kUnitFields = {"district", "kind", "school_year", "active"};

TEST(ListFilterTest, ParsesTermsJoinedByAnd) {
  auto filter = ParseListFilter(
      R"( district = "districts/916" AND kind = UNIT_KIND_SCHOOL AND school_year="2019-2020" )",
      kUnitFields);
  ASSERT_TRUE(filter.ok()) << filter.status();
  EXPECT_EQ(filter->Get("district"), "districts/916");
  EXPECT_EQ(filter->Get("kind"), "UNIT_KIND_SCHOOL");
  EXPECT_EQ(filter->Get("school_year"), "2019-2020");
  EXPECT_FALSE(filter->Has("active"));
  EXPECT_TRUE(ParseListFilter("", kUnitFields).ok());
  EXPECT_EQ(ParseListFilter(R"(district = "Cái \"Răng\"")", kUnitFields)->Get("district"),
            "Cái \"Răng\"");
}

TEST(ListFilterTest, RefusesWhatItDoesNotUnderstandNamingTheFilterField) {
  for (const char* bad : {"owner = \"x\"", "district", "district = ", "district = \"open",
                          "kind = A kind = B", "kind = A AND kind = B", "kind = A OR district = B",
                          "kind = A AND"}) {
    auto filter = ParseListFilter(bad, kUnitFields);
    ASSERT_FALSE(filter.ok()) << bad;
    EXPECT_EQ(filter.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    auto violations = FieldViolationsOf(filter.status());
    ASSERT_EQ(violations.size(), 1u) << bad;
    EXPECT_EQ(violations[0].field, "filter");
  }
}

TEST(PageTokenTest, RoundTripsTheLastKey) {
  std::string digest = QueryDigest("ListUnits", "kind = X", "");
  std::string token = EncodePageToken(digest, {"0a1b2c", "units/THPT001"});
  auto key = DecodePageToken(token, digest);
  ASSERT_TRUE(key.ok()) << key.status();
  EXPECT_EQ(*key, (std::vector<std::string>{"0a1b2c", "units/THPT001"}));
  EXPECT_TRUE(DecodePageToken("", digest)->empty());
}

TEST(PageTokenTest, ForgedOrForeignTokensAreInvalidArgument) {
  std::string digest = QueryDigest("ListUnits", "kind = X", "");
  std::string token = EncodePageToken(digest, {"k"});
  std::string forged = token;
  forged[forged.size() / 2] = forged[forged.size() / 2] == 'A' ? 'B' : 'A';
  for (const std::string& bad :
       {forged, std::string("garbage!"), std::string("AAAA"), std::string(5000, 'A')}) {
    EXPECT_EQ(DecodePageToken(bad, digest).status().code(), absl::StatusCode::kInvalidArgument)
        << bad;
  }
  std::string other_query = QueryDigest("ListUnits", "kind = Y", "");
  EXPECT_EQ(DecodePageToken(token, other_query).status().code(),
            absl::StatusCode::kInvalidArgument)
      << "a token is valid only with the filter it was made for";
}

// A client that knows the token's format still cannot make one: the MAC is keyed by the site.
TEST(PageTokenTest, ATokenHoldsOnlyUnderTheKeyItWasSignedWith) {
  std::string digest = QueryDigest("ListUnits", "", "");
  SetPageTokenKey(std::string(32, 'a'));
  std::string token = EncodePageToken(digest, {"k"});
  SetPageTokenKey(std::string(32, 'b'));
  EXPECT_EQ(DecodePageToken(token, digest).status().code(), absl::StatusCode::kInvalidArgument)
      << "signed under another site's key";
  EXPECT_NE(EncodePageToken(digest, {"k"}), token);
  // Another replica of the site (the same secret) accepts it.
  SetPageTokenKey(std::string(32, 'a'));
  auto key = DecodePageToken(token, digest);
  ASSERT_TRUE(key.ok()) << key.status();
  EXPECT_EQ(*key, std::vector<std::string>{"k"});
}

TEST(PageTokenTest, PageSizes) {
  EXPECT_EQ(*EffectivePageSize(0), kDefaultPageSize);
  EXPECT_EQ(*EffectivePageSize(5), 5);
  EXPECT_EQ(*EffectivePageSize(1000000), kMaxPageSize);
  EXPECT_EQ(EffectivePageSize(-1).status().code(), absl::StatusCode::kInvalidArgument);
}

// Etags are stored with every resource and compared with what clients send back, so computing
// them must give what earlier releases gave: the SHA-256 of a copy with its etag cleared,
// serialized deterministically (the way they were computed), for a resource with text in
// Vietnamese, nested messages and an etag already set.
TEST(EtagTest, IsTheDigestOfACopyWithItsEtagCleared) {
  registry::v1::Unit unit;
  unit.set_name("units/92000701");
  unit.set_display_name("Trường Tiểu học Lê Quý Đôn");
  unit.set_parent("districts/916");
  unit.mutable_create_time()->set_seconds(1700000000);
  unit.set_etag("0123456789abcdef");
  registry::v1::Unit copy = unit;
  copy.clear_etag();
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    copy.SerializeToCodedStream(&coded);
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_sha256(), nullptr);
  const std::string expected = absl::BytesToHexString(absl::string_view(reinterpret_cast<char*>(digest), 8));
  EXPECT_EQ(ComputeEtag(unit), expected);
  EXPECT_EQ(ComputeEtag(copy), expected) << "its own etag left out";
}

TEST(EtagTest, ChangesWithContentAndIgnoresItself) {
  google::rpc::ErrorInfo info;
  info.set_reason("A");
  std::string first = ComputeEtag(info);
  EXPECT_EQ(first.size(), 16u);
  EXPECT_EQ(ComputeEtag(info), first) << "stable";
  info.set_reason("B");
  EXPECT_NE(ComputeEtag(info), first);
  EXPECT_TRUE(CheckEtag("", "x", "units/A").ok());
  EXPECT_TRUE(CheckEtag("x", "x", "units/A").ok());
  absl::Status stale = CheckEtag("old", "new", "units/A");
  EXPECT_EQ(stale.code(), absl::StatusCode::kAborted);
  EXPECT_EQ(ReasonOf(stale), "STALE_ETAG");
}

TEST(ResourceTextTest, NormalizesEveryStringFieldToNfc) {
  google::rpc::BadRequest request;
  auto* v = request.add_field_violations();
  v->set_field("Ti\x65\xCC\x82\xCC\x81n");  // "Tiến" decomposed: e + circumflex + acute
  v->set_description("Trường");
  ASSERT_TRUE(NormalizeMessageText(request).ok());
  EXPECT_EQ(request.field_violations(0).field(), "Tiến");
  EXPECT_EQ(request.field_violations(0).description(), "Trường");
}

TEST(ResourceTextTest, InvalidUtf8IsNamedByItsPath) {
  google::rpc::BadRequest request;
  request.add_field_violations()->set_field("ok");
  request.add_field_violations()->set_description("bad \xC3\x28 byte");
  absl::Status status = NormalizeMessageText(request);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  auto violations = FieldViolationsOf(status);
  ASSERT_EQ(violations.size(), 1u);
  EXPECT_EQ(violations[0].field, "field_violations[1].description");
}

// Repeated strings are normalized and named by their index; ASCII is left as it is, but a NUL
// inside it is refused as it is in any other text.
TEST(ResourceTextTest, RepeatedTextAndNulAreHandledLikeAnyOtherText) {
  google::rpc::DebugInfo request;
  request.add_stack_entries("plain ascii");
  request.add_stack_entries("Ti\x65\xCC\x82\xCC\x81n");
  request.add_stack_entries("bad \xC3\x28 byte");
  request.set_detail(std::string("a\0b", 3));
  absl::Status status = NormalizeMessageText(request);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  auto violations = FieldViolationsOf(status);
  ASSERT_EQ(violations.size(), 2u);
  EXPECT_EQ(violations[0].field, "stack_entries[2]");
  EXPECT_EQ(violations[1].field, "detail");
  EXPECT_EQ(request.stack_entries(0), "plain ascii");
  EXPECT_EQ(request.stack_entries(1), "Tiến");
}

class RequestLogTest : public ::testing::TestWithParam<testing::Backend> {};

TEST_P(RequestLogTest, ASecondCallWithTheSameRequestIdFindsTheFirstAnswer) {
  DH_OPEN_TEST_DATABASE_OR_SKIP(test_db, GetParam());
  ASSERT_TRUE(Migrate(*test_db.db, ApiMigrations()).ok());
  google::rpc::ErrorInfo first;
  first.set_reason("created nominations/01");
  ASSERT_TRUE(RunInTransaction(*test_db.db, TxMode::kWrite, [&](Transaction& tx) {
                google::rpc::ErrorInfo seen;
                auto found = FindResponse(tx, "CreateNomination", "req-1", &seen);
                if (!found.ok()) return found.status();
                EXPECT_FALSE(*found);
                Caller caller;
                caller.subject = "officer";
                if (auto s = RecordAudit(tx, caller, {"CreateNomination", "nominations/01", "req-1", ""});
                    !s.ok()) {
                  return s;
                }
                return RememberResponse(tx, "CreateNomination", "req-1", "officer", first);
              }).ok());
  auto tx = test_db.db->Begin(TxMode::kRead);
  ASSERT_TRUE(tx.ok());
  google::rpc::ErrorInfo again;
  auto found = FindResponse(**tx, "CreateNomination", "req-1", &again);
  ASSERT_TRUE(found.ok());
  EXPECT_TRUE(*found);
  EXPECT_EQ(again.reason(), "created nominations/01");
  google::rpc::ErrorInfo other;
  EXPECT_FALSE(*FindResponse(**tx, "SubmitNomination", "req-1", &other))
      << "request ids are per method";
  EXPECT_EQ(FindResponse(**tx, "X", std::string(201, 'r'), &other).status().code(),
            absl::StatusCode::kInvalidArgument);
  auto audit = (*tx)->Query("SELECT actor, method, resource FROM audit_log");
  ASSERT_TRUE(audit.ok());
  ASSERT_EQ(audit->size(), 1u);
  EXPECT_EQ((*audit)[0].Text(2), "nominations/01");
}

INSTANTIATE_TEST_SUITE_P(Backends, RequestLogTest,
                         ::testing::Values(testing::Backend::kSqlite, testing::Backend::kPostgres),
                         [](const auto& info) { return testing::BackendName(info.param); });

}  // namespace
}  // namespace dienhinh::platform
