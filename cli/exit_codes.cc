// Status → exit code and readable error text.
#include "cli/exit_codes.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "services/platform/status/error_details.h"

namespace dienhinh::cli {

int ExitCodeFor(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kOk:
      return kExitOk;
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kOutOfRange:
      return kExitInvalidArgument;
    case absl::StatusCode::kNotFound:
      return kExitNotFound;
    case absl::StatusCode::kPermissionDenied:
    case absl::StatusCode::kUnauthenticated:
      return kExitPermission;
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kAborted:
    case absl::StatusCode::kAlreadyExists:
      return kExitConflict;
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kDeadlineExceeded:
    case absl::StatusCode::kResourceExhausted:  // overloaded: try again later, as for unavailable
      return kExitUnavailable;
    default:
      return kExitOther;
  }
}

std::string DescribeError(const absl::Status& status) {
  const std::vector<platform::FieldViolation> violations = platform::FieldViolationsOf(status);
  // Services often repeat the first violation in the message ("summary; field: what"); it is
  // printed once, on its own line below, so the headline keeps only the summary.
  std::string headline(status.message());
  if (!violations.empty()) {
    size_t repeated = headline.find(violations[0].field + ": " + violations[0].description);
    if (repeated != std::string::npos) {
      headline = std::string(absl::StripTrailingAsciiWhitespace(headline.substr(0, repeated)));
      while (!headline.empty() && (headline.back() == ';' || headline.back() == ':' ||
                                   headline.back() == ',')) {
        headline.pop_back();
      }
      if (headline.empty()) headline = "the request is invalid";
    }
  }
  std::string out = absl::StrCat("error: ", headline);
  for (const platform::FieldViolation& violation : violations) {
    absl::StrAppend(&out, "\n  ", violation.field, ": ", violation.description);
  }
  switch (status.code()) {
    case absl::StatusCode::kUnauthenticated:
      absl::StrAppend(&out,
                      "\n  hint: give a valid token with --token, --token_file or DIENHINH_TOKEN");
      break;
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kDeadlineExceeded:
      absl::StrAppend(&out, "\n  hint: is the service running at the address given "
                            "(--registry, --intake, --evaluation, --reporting)?");
      break;
    case absl::StatusCode::kAborted:
      absl::StrAppend(&out, "\n  hint: the resource changed; get it again and retry with its etag");
      break;
    case absl::StatusCode::kResourceExhausted:
      absl::StrAppend(&out, "\n  hint: the service is busy or the request too large; if busy, "
                            "try again in a moment");
      break;
    default:
      break;
  }
  return out;
}

}  // namespace dienhinh::cli
