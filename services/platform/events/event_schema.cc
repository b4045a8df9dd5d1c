#include "services/platform/events/event_schema.h"

namespace dienhinh::platform {

std::vector<Migration> EventMigrations() {
  return {
      {1, "event outbox and consumer cursors",
       R"sql(
CREATE TABLE outbox (
  sequence BIGINT PRIMARY KEY,
  event_id TEXT NOT NULL UNIQUE,
  created_at_us BIGINT NOT NULL,
  event BLOB NOT NULL
);
CREATE TABLE consumer_cursors (
  consumer TEXT PRIMARY KEY,
  sequence BIGINT NOT NULL,
  updated_at_us BIGINT NOT NULL
);
CREATE TABLE consumer_dead_letters (
  consumer TEXT NOT NULL,
  sequence BIGINT NOT NULL,
  event BLOB NOT NULL,
  error TEXT NOT NULL,
  created_at_us BIGINT NOT NULL,
  PRIMARY KEY (consumer, sequence)
);
)sql",
       // PostgreSQL: sequence numbers come from a SEQUENCE taken under an advisory lock (see
       // event_log.cc), so that sequence order is commit order.
       R"sql(
CREATE SEQUENCE outbox_sequence;
CREATE TABLE outbox (
  sequence BIGINT PRIMARY KEY,
  event_id TEXT NOT NULL UNIQUE,
  created_at_us BIGINT NOT NULL,
  event BYTEA NOT NULL
);
CREATE TABLE consumer_cursors (
  consumer TEXT PRIMARY KEY,
  sequence BIGINT NOT NULL,
  updated_at_us BIGINT NOT NULL
);
CREATE TABLE consumer_dead_letters (
  consumer TEXT NOT NULL,
  sequence BIGINT NOT NULL,
  event BYTEA NOT NULL,
  error TEXT NOT NULL,
  created_at_us BIGINT NOT NULL,
  PRIMARY KEY (consumer, sequence)
);
)sql"},
  };
}

}  // namespace dienhinh::platform
