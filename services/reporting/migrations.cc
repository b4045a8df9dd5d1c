// The schema is written once with two markers that differ between the dialects: {KEY} for
// text that keys, sorts or pages (bytewise on PostgreSQL too, COLLATE "C", as keyset paging and
// collation keys need) and {BLOB} for serialized protobuf.
//
// Read-model tables (rm_*) are keyed by (site, name): the same feeds of several sites may be
// followed at once, and a row always says which site's event wrote it, so one site's data never
// overwrites or mixes with another's.
#include "services/reporting/migrations.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "services/reporting/summary_counts.h"

namespace dienhinh::reporting {
namespace {

constexpr char kReadModels[] = R"sql(
CREATE TABLE rm_units (
  site {KEY} NOT NULL,
  name {KEY} NOT NULL,
  display_name TEXT NOT NULL,
  sort_key {KEY} NOT NULL,
  kind INTEGER NOT NULL,
  level INTEGER NOT NULL,
  parent TEXT NOT NULL,
  district TEXT NOT NULL,
  PRIMARY KEY (site, name)
);
CREATE INDEX rm_units_by_name ON rm_units (name);
CREATE TABLE rm_districts (
  site {KEY} NOT NULL,
  name {KEY} NOT NULL,
  display_name TEXT NOT NULL,
  PRIMARY KEY (site, name)
);
CREATE TABLE rm_persons (
  site {KEY} NOT NULL,
  name {KEY} NOT NULL,
  display_name TEXT NOT NULL,
  unit TEXT NOT NULL,
  PRIMARY KEY (site, name)
);
CREATE TABLE rm_nominations (
  site {KEY} NOT NULL,
  name {KEY} NOT NULL,
  plan TEXT NOT NULL,
  category INTEGER NOT NULL,
  field INTEGER NOT NULL,
  nominee TEXT NOT NULL,
  nominating_unit TEXT NOT NULL,
  district TEXT NOT NULL,
  state INTEGER NOT NULL,
  body {BLOB} NOT NULL,
  PRIMARY KEY (site, name)
);
CREATE INDEX rm_nominations_by_plan ON rm_nominations (plan, state);
CREATE TABLE rm_nomination_years (
  site {KEY} NOT NULL,
  nomination {KEY} NOT NULL,
  start_year INTEGER NOT NULL,
  PRIMARY KEY (site, nomination, start_year)
);
CREATE TABLE rm_verdicts (
  site {KEY} NOT NULL,
  nomination {KEY} NOT NULL,
  version BIGINT NOT NULL,
  verdict INTEGER NOT NULL,
  PRIMARY KEY (site, nomination)
);
CREATE TABLE rm_decisions (
  site {KEY} NOT NULL,
  name {KEY} NOT NULL,
  nomination {KEY} NOT NULL,
  plan TEXT NOT NULL,
  state INTEGER NOT NULL,
  body {BLOB} NOT NULL,
  PRIMARY KEY (site, name)
);
CREATE INDEX rm_decisions_by_nomination ON rm_decisions (nomination, state);
CREATE INDEX rm_decisions_by_plan ON rm_decisions (plan, state);
CREATE TABLE rm_sources (
  site {KEY} NOT NULL,
  source {KEY} NOT NULL,
  last_sequence BIGINT NOT NULL,
  last_event_time_us BIGINT NOT NULL,
  PRIMARY KEY (site, source)
);
)sql";

constexpr char kAnnualReports[] = R"sql(
CREATE TABLE annual_reports (
  name {KEY} PRIMARY KEY,
  unit {KEY} NOT NULL,
  plan {KEY} NOT NULL,
  start_year INTEGER NOT NULL,
  site TEXT NOT NULL,
  district {KEY} NOT NULL,
  unit_kind INTEGER NOT NULL,
  unit_sort_key {KEY} NOT NULL,
  timeliness INTEGER NOT NULL,
  days_late INTEGER NOT NULL,
  revision INTEGER NOT NULL,
  first_file_time_us BIGINT NOT NULL,
  etag TEXT NOT NULL,
  body {BLOB} NOT NULL
);
CREATE INDEX annual_reports_by_plan ON annual_reports (plan, start_year);
CREATE INDEX annual_reports_by_unit ON annual_reports (unit, first_file_time_us);
CREATE TABLE annual_report_revisions (
  name {KEY} NOT NULL,
  revision INTEGER NOT NULL,
  change_note TEXT NOT NULL,
  body {BLOB} NOT NULL,
  PRIMARY KEY (name, revision)
);
)sql";

constexpr char kReplication[] = R"sql(
CREATE TABLE replication_records (
  id {KEY} PRIMARY KEY,
  model {KEY} NOT NULL,
  plan {KEY} NOT NULL,
  adopting_unit {KEY} NOT NULL,
  district {KEY} NOT NULL,
  category INTEGER NOT NULL,
  adopted_on INTEGER NOT NULL,
  create_time_us BIGINT NOT NULL,
  body {BLOB} NOT NULL
);
CREATE INDEX replication_records_by_plan ON replication_records (plan, adopted_on);
CREATE INDEX replication_records_by_model ON replication_records (model);
)sql";

// The summary's counts (summary_counts.h), filled from the read model as it stands; the index
// a unit's change reads its nominations by; and, per source, the last event the counts were
// moved for (RecountSummaryIfStale).
constexpr char kSummaryCounts[] = R"sql(
CREATE TABLE rm_summary_counts (
  plan {KEY} NOT NULL,
  start_year INTEGER NOT NULL,
  site {KEY} NOT NULL,
  district {KEY} NOT NULL,
  category INTEGER NOT NULL,
  level INTEGER NOT NULL,
  nominations INTEGER NOT NULL,
  qualified INTEGER NOT NULL,
  recognised INTEGER NOT NULL,
  revoked INTEGER NOT NULL,
  PRIMARY KEY (plan, start_year, site, district, category, level)
);
CREATE INDEX rm_nominations_by_unit ON rm_nominations (site, nominating_unit);
ALTER TABLE rm_sources ADD COLUMN counted_sequence BIGINT NOT NULL DEFAULT 0;
)sql";

std::string ForDialect(const char* sql, bool postgres) {
  return absl::StrReplaceAll(sql, {{"{KEY}", postgres ? "TEXT COLLATE \"C\"" : "TEXT"},
                                   {"{BLOB}", postgres ? "BYTEA" : "BLOB"}});
}

platform::Migration Both(int version, const char* name, const char* sql) {
  return {version, name, ForDialect(sql, false), ForDialect(sql, true)};
}

}  // namespace

std::vector<platform::Migration> ReportingMigrations() {
  return {
      Both(100, "read models of the registry, intake and evaluation feeds", kReadModels),
      Both(101, "unit annual reports and their revisions", kAnnualReports),
      Both(102, "replication records", kReplication),
      // Compliance reads the units a plan binds by their parent (the plan's issuing unit).
      Both(103, "units by parent", "CREATE INDEX rm_units_by_parent ON rm_units (parent, kind);"),
      // GetSummary reads counts kept as events are applied instead of every nomination.
      Both(104, "summary counts",
           absl::StrCat(kSummaryCounts, RecountSummaryCellsSql(),
                        "UPDATE rm_sources SET counted_sequence = last_sequence;")
               .c_str()),
  };
}

}  // namespace dienhinh::reporting
