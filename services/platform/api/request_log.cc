#include "services/platform/api/request_log.h"

#include "absl/time/clock.h"
#include "services/platform/status/error_details.h"

namespace dienhinh::platform {

absl::StatusOr<bool> FindResponse(Transaction& tx, absl::string_view method,
                                  absl::string_view request_id,
                                  google::protobuf::Message* response) {
  if (request_id.empty()) return false;
  if (request_id.size() > 200) return InvalidField("request_id", "must be at most 200 characters");
  auto rows = tx.Query("SELECT response FROM request_log WHERE method = ? AND request_id = ?",
                       {SqlParam(std::string(method)), SqlParam(std::string(request_id))});
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return false;
  if (!response->ParseFromString((*rows)[0].Blob(0))) {
    return absl::DataLossError("a stored response does not parse");
  }
  return true;
}

absl::Status RememberResponse(Transaction& tx, absl::string_view method,
                              absl::string_view request_id, absl::string_view actor,
                              const google::protobuf::Message& response) {
  if (request_id.empty()) return absl::OkStatus();
  return RememberResponseBytes(tx, method, request_id, actor, response.SerializeAsString());
}

absl::Status RememberResponseBytes(Transaction& tx, absl::string_view method,
                                   absl::string_view request_id, absl::string_view actor,
                                   absl::string_view response) {
  if (request_id.empty()) return absl::OkStatus();
  return tx
      .Execute("INSERT INTO request_log (method, request_id, actor, response, created_at_us) "
               "VALUES (?, ?, ?, ?, ?)",
               {SqlParam(std::string(method)), SqlParam(std::string(request_id)),
                SqlParam(std::string(actor)),
                SqlParam::Blob(std::string_view(response.data(), response.size())),
                SqlParam(absl::ToUnixMicros(absl::Now()))})
      .status();
}

}  // namespace dienhinh::platform
