// The audit trail: every mutating call writes who did what to which resource, when, and under
// which request id, in the same transaction as the change (so there is no change without its
// row, and no row for a change that rolled back).
#ifndef DIENHINH_SERVICES_PLATFORM_API_AUDIT_LOG_H_
#define DIENHINH_SERVICES_PLATFORM_API_AUDIT_LOG_H_

#include <string>

#include "absl/status/status.h"
#include "services/platform/auth/caller.h"
#include "services/platform/storage/database.h"

namespace dienhinh::platform {

struct AuditEntry {
  std::string method;      // "CreateUnit", "SubmitNomination", ...
  std::string resource;    // "units/THPT001", "nominations/01J..."
  std::string request_id;  // when the call had one
  std::string detail;      // what a reader needs beyond the method (e.g. "window overridden: ...")
};

absl::Status RecordAudit(Transaction& tx, const Caller& caller, const AuditEntry& entry);

}  // namespace dienhinh::platform

#endif  // DIENHINH_SERVICES_PLATFORM_API_AUDIT_LOG_H_
