// Errors that explain themselves. Inside the services every failure is an absl::Status; the
// details a caller needs to fix the call (which fields are wrong, a machine-readable reason) ride
// on it as payloads holding google.rpc messages, and are turned into google.rpc.Status details
// once, at the edge (grpc_status.h).
#ifndef DIENHINH_SERVICES_PLATFORM_STATUS_ERROR_DETAILS_H_
#define DIENHINH_SERVICES_PLATFORM_STATUS_ERROR_DETAILS_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "google/rpc/error_details.pb.h"

namespace dienhinh::platform {

// The ErrorInfo domain of every error dienhinh raises.
inline constexpr absl::string_view kErrorDomain = "dienhinh.edu.vn";

struct FieldViolation {
  std::string field;        // path of the field, e.g. "nomination.vote.votes_for"
  std::string description;  // what is wrong and what would be right
};

// INVALID_ARGUMENT carrying google.rpc.BadRequest with every violation.
absl::Status InvalidArgument(absl::string_view message, const std::vector<FieldViolation>& violations);
// Shorthand for a single bad field: the message names the field.
absl::Status InvalidField(absl::string_view field, absl::string_view description);

// Returns `status` with a google.rpc.ErrorInfo attached: `reason` is UPPER_SNAKE_CASE and stable
// (clients branch on it), metadata adds context such as the resource name.
absl::Status WithReason(absl::Status status, absl::string_view reason,
                        const std::vector<std::pair<std::string, std::string>>& metadata = {});

// Collects field violations while validating a request, then yields one status.
class ViolationList {
 public:
  void Add(std::string field, std::string description) {
    violations_.push_back({std::move(field), std::move(description)});
  }
  bool empty() const { return violations_.empty(); }
  const std::vector<FieldViolation>& violations() const { return violations_; }
  // OK when nothing was added; otherwise INVALID_ARGUMENT listing all violations.
  absl::Status ToStatus(absl::string_view message = "the request has invalid fields") const;

 private:
  std::vector<FieldViolation> violations_;
};

// Reading details back, for clients (the CLI, one service calling another) and tests.
std::vector<FieldViolation> FieldViolationsOf(const absl::Status& status);
std::string ReasonOf(const absl::Status& status);

// Type URLs under which the details are stored as absl::Status payloads.
inline constexpr absl::string_view kBadRequestTypeUrl = "type.googleapis.com/google.rpc.BadRequest";
inline constexpr absl::string_view kErrorInfoTypeUrl = "type.googleapis.com/google.rpc.ErrorInfo";

}  // namespace dienhinh::platform

#endif  // DIENHINH_SERVICES_PLATFORM_STATUS_ERROR_DETAILS_H_
