// The intake service's schema, versions from 100 (the platform's are 1-99). Nominations are
// kept whole as protobuf (BLOB / BYTEA) with the columns that filters, orders and the
// one-active-nomination rule need. Sort keys and ids compare bytewise on PostgreSQL too
// (COLLATE "C"), as keyset paging needs.
#include "services/intake/nomination_store.h"

namespace dienhinh::intake {
namespace {

constexpr char kSqlite100[] = R"sql(
CREATE TABLE nominations (
  id TEXT PRIMARY KEY,
  plan TEXT NOT NULL,
  category INTEGER NOT NULL,
  nominee TEXT NOT NULL,
  nominating_unit TEXT NOT NULL,
  district TEXT NOT NULL,
  field INTEGER NOT NULL,
  state INTEGER NOT NULL,
  create_time_us BIGINT NOT NULL,
  submit_time_us BIGINT NOT NULL,
  nominee_sort_key TEXT NOT NULL,
  etag TEXT NOT NULL,
  body BLOB NOT NULL
);
CREATE UNIQUE INDEX nominations_one_active ON nominations (plan, category, nominee)
  WHERE state IN (1, 2);
CREATE INDEX nominations_by_create_time ON nominations (create_time_us, id);
CREATE INDEX nominations_by_unit ON nominations (nominating_unit, create_time_us);
CREATE INDEX nominations_by_plan ON nominations (plan, state);
CREATE TABLE nomination_school_years (
  nomination_id TEXT NOT NULL,
  start_year INTEGER NOT NULL,
  PRIMARY KEY (nomination_id, start_year)
);
CREATE INDEX nomination_school_years_by_year ON nomination_school_years (start_year, nomination_id);
)sql";

constexpr char kPostgres100[] = R"sql(
CREATE TABLE nominations (
  id TEXT COLLATE "C" PRIMARY KEY,
  plan TEXT NOT NULL,
  category INTEGER NOT NULL,
  nominee TEXT NOT NULL,
  nominating_unit TEXT NOT NULL,
  district TEXT NOT NULL,
  field INTEGER NOT NULL,
  state INTEGER NOT NULL,
  create_time_us BIGINT NOT NULL,
  submit_time_us BIGINT NOT NULL,
  nominee_sort_key TEXT COLLATE "C" NOT NULL,
  etag TEXT NOT NULL,
  body BYTEA NOT NULL
);
CREATE UNIQUE INDEX nominations_one_active ON nominations (plan, category, nominee)
  WHERE state IN (1, 2);
CREATE INDEX nominations_by_create_time ON nominations (create_time_us, id);
CREATE INDEX nominations_by_unit ON nominations (nominating_unit, create_time_us);
CREATE INDEX nominations_by_plan ON nominations (plan, state);
CREATE TABLE nomination_school_years (
  nomination_id TEXT COLLATE "C" NOT NULL,
  start_year INTEGER NOT NULL,
  PRIMARY KEY (nomination_id, start_year)
);
CREATE INDEX nomination_school_years_by_year ON nomination_school_years (start_year, nomination_id);
)sql";

}  // namespace

std::vector<platform::Migration> IntakeMigrations() {
  return {{100, "nominations", kSqlite100, kPostgres100}};
}

}  // namespace dienhinh::intake
