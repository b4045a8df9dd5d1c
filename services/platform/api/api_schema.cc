#include "services/platform/api/api_schema.h"

namespace dienhinh::platform {

std::vector<Migration> ApiMigrations() {
  return {{2, "request log and audit trail",
           R"sql(
CREATE TABLE request_log (
  method TEXT NOT NULL,
  request_id TEXT NOT NULL,
  actor TEXT NOT NULL,
  response BLOB NOT NULL,
  created_at_us BIGINT NOT NULL,
  PRIMARY KEY (method, request_id)
);
CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  time_us BIGINT NOT NULL,
  actor TEXT NOT NULL,
  role TEXT NOT NULL,
  unit TEXT NOT NULL,
  method TEXT NOT NULL,
  resource TEXT NOT NULL,
  request_id TEXT NOT NULL,
  detail TEXT NOT NULL
);
CREATE INDEX audit_log_resource ON audit_log (resource, time_us);
)sql",
           R"sql(
CREATE TABLE request_log (
  method TEXT NOT NULL,
  request_id TEXT NOT NULL,
  actor TEXT NOT NULL,
  response BYTEA NOT NULL,
  created_at_us BIGINT NOT NULL,
  PRIMARY KEY (method, request_id)
);
CREATE TABLE audit_log (
  id BIGSERIAL PRIMARY KEY,
  time_us BIGINT NOT NULL,
  actor TEXT NOT NULL,
  role TEXT NOT NULL,
  unit TEXT NOT NULL,
  method TEXT NOT NULL,
  resource TEXT NOT NULL,
  request_id TEXT NOT NULL,
  detail TEXT NOT NULL
);
CREATE INDEX audit_log_resource ON audit_log (resource, time_us);
)sql"}};
}

}  // namespace dienhinh::platform
