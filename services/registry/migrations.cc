// The registry's schema, numbered from 100 (the platform's migrations are 1-99). Every table
// keeps the resource as serialized protobuf in `resource` and, beside it, only the columns that
// lookups, filters and sort orders need. `name` is the resource name and the primary key.
//
// On PostgreSQL every text column is declared COLLATE "C": collation keys are compared
// byte by byte (that is what makes them sort in Vietnamese order), and names must order the
// same way on both backends for keyset paging.
#include <string>

#include "absl/strings/str_replace.h"
#include "services/registry/registry_service.h"

namespace dienhinh::registry {
namespace {

constexpr char kSchemaV100[] = R"sql(
CREATE TABLE districts (
  name TEXT PRIMARY KEY,
  collation_key TEXT NOT NULL,
  province TEXT NOT NULL,
  resource BLOB NOT NULL
);
CREATE INDEX districts_order ON districts (collation_key, name);

CREATE TABLE emulation_blocks (
  name TEXT PRIMARY KEY,
  collation_key TEXT NOT NULL,
  resource BLOB NOT NULL
);
CREATE INDEX emulation_blocks_order ON emulation_blocks (collation_key, name);

-- One row per member unit and school year; a unit is in at most one block a year.
CREATE TABLE block_members (
  block_name TEXT NOT NULL,
  start_year INTEGER NOT NULL,
  unit_name TEXT NOT NULL,
  PRIMARY KEY (start_year, unit_name)
);
CREATE INDEX block_members_block ON block_members (block_name, start_year);
CREATE INDEX block_members_unit ON block_members (unit_name);

CREATE TABLE units (
  name TEXT PRIMARY KEY,
  code TEXT NOT NULL,
  collation_key TEXT NOT NULL,
  search_key TEXT NOT NULL,
  kind INTEGER NOT NULL,
  levels TEXT NOT NULL,
  parent TEXT NOT NULL,
  district TEXT NOT NULL,
  head TEXT NOT NULL,
  resource BLOB NOT NULL
);
CREATE INDEX units_order ON units (collation_key, name);
CREATE INDEX units_parent ON units (parent);
CREATE INDEX units_district ON units (district, collation_key, name);
CREATE INDEX units_code ON units (code);

-- head_of is NULL for persons who head nothing; the unique index keeps one head per unit.
CREATE TABLE persons (
  name TEXT PRIMARY KEY,
  collation_key TEXT NOT NULL,
  unit TEXT NOT NULL,
  staff_category INTEGER NOT NULL,
  leader INTEGER NOT NULL,
  head_of TEXT,
  resource BLOB NOT NULL
);
CREATE INDEX persons_order ON persons (collation_key, name);
CREATE INDEX persons_unit ON persons (unit, collation_key, name);
CREATE UNIQUE INDEX persons_head_of ON persons (head_of);

CREATE TABLE unit_records (
  name TEXT PRIMARY KEY,
  unit TEXT NOT NULL,
  start_year INTEGER NOT NULL,
  block TEXT NOT NULL,
  resource BLOB NOT NULL
);
CREATE INDEX unit_records_unit ON unit_records (unit, start_year);
CREATE INDEX unit_records_year ON unit_records (start_year, name);
CREATE INDEX unit_records_block ON unit_records (block);

CREATE TABLE person_records (
  name TEXT PRIMARY KEY,
  person TEXT NOT NULL,
  start_year INTEGER NOT NULL,
  unit TEXT NOT NULL,
  leader INTEGER NOT NULL,
  head_of TEXT NOT NULL,
  resource BLOB NOT NULL
);
CREATE INDEX person_records_person ON person_records (person, start_year);
CREATE INDEX person_records_unit ON person_records (unit, start_year);
CREATE INDEX person_records_year ON person_records (start_year, name);
CREATE INDEX person_records_head_of ON person_records (head_of);
)sql";

// An import's parsed rows while its file streams in (import_staging.h): read back by its own
// import only, deleted when it ends.
constexpr char kImportStagingV101[] = R"sql(
CREATE TABLE import_sessions (
  id INTEGER PRIMARY KEY,
  started_at_us INTEGER NOT NULL
);
CREATE TABLE import_staging (
  session INTEGER NOT NULL,
  line INTEGER NOT NULL,
  name TEXT NOT NULL,
  item BLOB NOT NULL,
  PRIMARY KEY (session, line)
);
)sql";

std::string ForPostgres(const std::string& sql) {
  return absl::StrReplaceAll(sql, {{" TEXT", " TEXT COLLATE \"C\""}, {" BLOB", " BYTEA"}});
}

}  // namespace

std::vector<platform::Migration> RegistryMigrations() {
  return {{100, "registry: districts, blocks, units, persons, yearly records", kSchemaV100,
           ForPostgres(kSchemaV100)},
          {101, "registry: import staging", kImportStagingV101,
           absl::StrReplaceAll(ForPostgres(kImportStagingV101), {{" INTEGER", " BIGINT"}})}};
}

}  // namespace dienhinh::registry
