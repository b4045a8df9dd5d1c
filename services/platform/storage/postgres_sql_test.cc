// Placeholder rewriting and the SQLSTATE table, without a server.
#include "services/platform/storage/postgres_sql.h"

#include "gtest/gtest.h"

namespace dienhinh::platform {
namespace {

TEST(RewritePlaceholdersTest, NumbersPlaceholdersInOrder) {
  PostgresStatement out = RewritePlaceholders("SELECT a FROM t WHERE b = ? AND c IN (?, ?)");
  EXPECT_EQ(out.sql, "SELECT a FROM t WHERE b = $1 AND c IN ($2, $3)");
  EXPECT_EQ(out.placeholders, 3);
}

TEST(RewritePlaceholdersTest, LeavesStatementsWithoutPlaceholdersAlone) {
  PostgresStatement out = RewritePlaceholders("SELECT 1");
  EXPECT_EQ(out.sql, "SELECT 1");
  EXPECT_EQ(out.placeholders, 0);
  EXPECT_EQ(RewritePlaceholders("").placeholders, 0);
}

TEST(RewritePlaceholdersTest, SkipsStringLiteralsAndQuotedIdentifiers) {
  EXPECT_EQ(RewritePlaceholders("SELECT '?', 'it''s ?', ?").sql,
            "SELECT '?', 'it''s ?', $1");
  EXPECT_EQ(RewritePlaceholders("SELECT \"?\", \"a\"\"?\" FROM t WHERE x = ?").sql,
            "SELECT \"?\", \"a\"\"?\" FROM t WHERE x = $1");
  // In E'' strings a backslash escapes the quote; in standard strings it does not.
  EXPECT_EQ(RewritePlaceholders("SELECT E'\\'?', ?").sql, "SELECT E'\\'?', $1");
  EXPECT_EQ(RewritePlaceholders("SELECT '\\', ?").sql, "SELECT '\\', $1");
  // An unterminated literal swallows the rest; the rewrite must not run past the end.
  EXPECT_EQ(RewritePlaceholders("SELECT 'unterminated ?").placeholders, 0);
}

TEST(RewritePlaceholdersTest, SkipsComments) {
  PostgresStatement out =
      RewritePlaceholders("SELECT ? -- what? \n, /* a /* nested ? */ comment? */ ?");
  EXPECT_EQ(out.sql, "SELECT $1 -- what? \n, /* a /* nested ? */ comment? */ $2");
  EXPECT_EQ(out.placeholders, 2);
  EXPECT_EQ(RewritePlaceholders("SELECT 1 -- ?").placeholders, 0);
  EXPECT_EQ(RewritePlaceholders("SELECT 1 /* ? ").placeholders, 0);
}

TEST(RewritePlaceholdersTest, SkipsDollarQuotedBodies) {
  EXPECT_EQ(RewritePlaceholders("SELECT $$a ? b$$, ?").sql, "SELECT $$a ? b$$, $1");
  EXPECT_EQ(RewritePlaceholders("SELECT $fn$ ? $$ ? $fn$, ?").sql,
            "SELECT $fn$ ? $$ ? $fn$, $1");
  // $1 is a parameter reference, not a dollar quote; a$b$ is an identifier.
  EXPECT_EQ(RewritePlaceholders("SELECT $1, ?").sql, "SELECT $1, $1");
  EXPECT_EQ(RewritePlaceholders("SELECT a$b$ FROM t WHERE x = ?").placeholders, 1);
}

TEST(RewritePlaceholdersTest, KeepsVietnameseTextIntact) {
  EXPECT_EQ(RewritePlaceholders("SELECT 'Đào tạo?' AS \"tên?\", ?").sql,
            "SELECT 'Đào tạo?' AS \"tên?\", $1");
}

TEST(StatusCodeForSqlStateTest, MapsTheCodesStoresRelyOn) {
  EXPECT_EQ(StatusCodeForSqlState("23505"), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(StatusCodeForSqlState("23503"), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(StatusCodeForSqlState("23502"), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(StatusCodeForSqlState("40001"), absl::StatusCode::kAborted);
  EXPECT_EQ(StatusCodeForSqlState("40P01"), absl::StatusCode::kAborted);
  EXPECT_EQ(StatusCodeForSqlState("08006"), absl::StatusCode::kUnavailable);
  EXPECT_EQ(StatusCodeForSqlState("08001"), absl::StatusCode::kUnavailable);
  EXPECT_EQ(StatusCodeForSqlState("57P01"), absl::StatusCode::kUnavailable);
  EXPECT_EQ(StatusCodeForSqlState("42601"), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(StatusCodeForSqlState("42P01"), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(StatusCodeForSqlState("22P02"), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(StatusCodeForSqlState("08P01"), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(StatusCodeForSqlState("25006"), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(StatusCodeForSqlState("57014"), absl::StatusCode::kDeadlineExceeded);
  EXPECT_EQ(StatusCodeForSqlState("XX000"), absl::StatusCode::kInternal);
  EXPECT_EQ(StatusCodeForSqlState(""), absl::StatusCode::kInternal);
}

TEST(StatusCodeForSqlStateTest, OnlyConnectionErrorsEndTheSession) {
  EXPECT_TRUE(SqlStateEndsSession("08006"));
  EXPECT_TRUE(SqlStateEndsSession("57P01"));
  EXPECT_FALSE(SqlStateEndsSession("08P01"));
  EXPECT_FALSE(SqlStateEndsSession("40001"));
  EXPECT_FALSE(SqlStateEndsSession(""));
}

}  // namespace
}  // namespace dienhinh::platform
