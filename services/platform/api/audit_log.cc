#include "services/platform/api/audit_log.h"

#include "absl/time/clock.h"

namespace dienhinh::platform {

absl::Status RecordAudit(Transaction& tx, const Caller& caller, const AuditEntry& entry) {
  return tx
      .Execute("INSERT INTO audit_log (time_us, actor, role, unit, method, resource, request_id, "
               "detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
               {SqlParam(absl::ToUnixMicros(absl::Now())), SqlParam(caller.subject),
                SqlParam(std::string(RoleName(caller.role))), SqlParam(caller.unit),
                SqlParam(entry.method), SqlParam(entry.resource), SqlParam(entry.request_id),
                SqlParam(entry.detail)})
      .status();
}

}  // namespace dienhinh::platform
