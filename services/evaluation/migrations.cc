// The evaluation service's schema, numbered from 100 (the platform's are 1-99). Resources are
// stored as serialized protobuf beside the columns that filters, sort orders and lookups need.
#include "absl/strings/str_replace.h"
#include "services/evaluation/evaluation_service.h"

namespace dienhinh::evaluation {
namespace {

// Written once for SQLite; PostgreSQL gets BYTEA for blobs and bytewise order for the
// collation keys (CollationKey's bytes are the Vietnamese order only under "C").
platform::Migration Both(int version, std::string name, std::string sql) {
  std::string postgres = absl::StrReplaceAll(sql, {{" BLOB", " BYTEA"}, {"_key TEXT", "_key TEXT COLLATE \"C\""}});
  return {version, std::move(name), std::move(sql), std::move(postgres)};
}

}  // namespace

std::vector<platform::Migration> EvaluationMigrations() {
  return {
      Both(100, "nominations, evaluations, reads, queue",
           R"sql(
-- The nominations intake published (submitted, updated, withdrawn), as last seen.
CREATE TABLE eval_nominations (
  name TEXT PRIMARY KEY,
  plan TEXT NOT NULL,
  category INTEGER NOT NULL,
  nominee TEXT NOT NULL,
  nominating_unit TEXT NOT NULL,
  state INTEGER NOT NULL,
  nomination BLOB NOT NULL
);
CREATE INDEX eval_nominations_nominee ON eval_nominations (plan, nominee);

-- Evaluation versions; never updated but for the `latest` flag.
CREATE TABLE evaluations (
  nomination TEXT NOT NULL,
  version BIGINT NOT NULL,
  plan TEXT NOT NULL,
  verdict INTEGER NOT NULL,
  category INTEGER NOT NULL,
  nominee TEXT NOT NULL,
  nominating_unit TEXT NOT NULL,
  district TEXT NOT NULL,
  first_year INTEGER NOT NULL,
  last_year INTEGER NOT NULL,
  catalog_version TEXT NOT NULL,
  input_digest TEXT NOT NULL,
  create_time_us BIGINT NOT NULL,
  latest INTEGER NOT NULL,
  display_key TEXT NOT NULL,
  evaluation BLOB NOT NULL,
  PRIMARY KEY (nomination, version)
);
CREATE INDEX evaluations_latest ON evaluations (latest, plan, nominee);
CREATE INDEX evaluations_time ON evaluations (create_time_us, nomination, version);

-- What the latest version of each nomination read: registry resource names (found or not) and
-- dependency keys ("dependency:{plan}:{unit}"), so a change of one re-evaluates it.
CREATE TABLE evaluation_reads (
  nomination TEXT NOT NULL,
  resource TEXT NOT NULL,
  PRIMARY KEY (nomination, resource)
);
CREATE INDEX evaluation_reads_resource ON evaluation_reads (resource);

-- Nominations waiting to be evaluated, with what asked for it. `generation` grows with each
-- request, so a worker removes an entry only if nothing asked again while it worked.
CREATE TABLE evaluation_queue (
  nomination TEXT PRIMARY KEY,
  generation BIGINT NOT NULL,
  trigger_event BLOB NOT NULL,
  due_us BIGINT NOT NULL,
  attempts INTEGER NOT NULL
);

-- Counters the service keeps for itself (registry changes applied, for the worker's check
-- that no change slipped in while it gathered facts).
CREATE TABLE evaluation_counters (
  counter TEXT PRIMARY KEY,
  value BIGINT NOT NULL
);

-- Each nomination's standing in its emulation block per school year, as its latest evaluation
-- read it (for block rankings).
CREATE TABLE nomination_standings (
  nomination TEXT NOT NULL,
  school_year INTEGER NOT NULL,
  emulation_block TEXT NOT NULL,
  block_rank INTEGER NOT NULL,
  block_size INTEGER NOT NULL,
  PRIMARY KEY (nomination, school_year)
);
CREATE INDEX nomination_standings_block ON nomination_standings (emulation_block, school_year);
)sql"),
      Both(101, "attestation reviews and council decisions",
           R"sql(
CREATE TABLE attestation_reviews (
  name TEXT PRIMARY KEY,
  nomination TEXT NOT NULL,
  criterion_id TEXT NOT NULL,
  decision INTEGER NOT NULL,
  reviewer TEXT NOT NULL,
  create_time_us BIGINT NOT NULL,
  review BLOB NOT NULL
);
CREATE INDEX attestation_reviews_nomination ON attestation_reviews (nomination, criterion_id, create_time_us);

CREATE TABLE council_decisions (
  name TEXT PRIMARY KEY,
  nomination TEXT NOT NULL,
  plan TEXT NOT NULL,
  state INTEGER NOT NULL,
  category INTEGER NOT NULL,
  district TEXT NOT NULL,
  nominating_unit TEXT NOT NULL,
  decision_date TEXT NOT NULL,
  display_key TEXT NOT NULL,
  decision BLOB NOT NULL
);
CREATE INDEX council_decisions_nomination ON council_decisions (nomination, state);
)sql"),
      // The worker takes the queue's due entries oldest first, a batch at a time: without this
      // index each batch scanned and sorted the whole queue (150,000 entries after a national
      // import, once per batch of 200).
      Both(102, "the queue in due order",
           R"sql(
CREATE INDEX evaluation_queue_due ON evaluation_queue (due_us, nomination);
)sql"),
  };
}

}  // namespace dienhinh::evaluation
