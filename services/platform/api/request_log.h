// Idempotent creating calls (AIP-155). A call with a request_id stores its response in the same
// transaction as its effect; a retry with the same id (same method) finds it and returns it,
// so a client that lost the first answer never makes a second resource or a second event.
//
//   if (auto seen = FindResponse(tx, "CreateNomination", request_id, &response); !seen.ok()) ...
//   else if (*seen) return OK;            // a retry: `response` holds the first answer
//   ... do the work, fill response ...
//   RememberResponse(tx, "CreateNomination", request_id, caller, response);
#ifndef DIENHINH_SERVICES_PLATFORM_API_REQUEST_LOG_H_
#define DIENHINH_SERVICES_PLATFORM_API_REQUEST_LOG_H_

#include <string>

#include <google/protobuf/message.h>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "services/platform/storage/database.h"

namespace dienhinh::platform {

// True (and `response` filled) when `request_id` was seen for `method`. An empty request_id is
// never seen. A request_id longer than 200 characters is INVALID_ARGUMENT.
absl::StatusOr<bool> FindResponse(Transaction& tx, absl::string_view method,
                                  absl::string_view request_id,
                                  google::protobuf::Message* response);

// Stores the response for `request_id` (no-op for an empty id).
absl::Status RememberResponse(Transaction& tx, absl::string_view method,
                              absl::string_view request_id, absl::string_view actor,
                              const google::protobuf::Message& response);
// The same with the response already serialized (a caller that stored the resource has its
// bytes): FindResponse parses them.
absl::Status RememberResponseBytes(Transaction& tx, absl::string_view method,
                                   absl::string_view request_id, absl::string_view actor,
                                   absl::string_view response);

}  // namespace dienhinh::platform

#endif  // DIENHINH_SERVICES_PLATFORM_API_REQUEST_LOG_H_
