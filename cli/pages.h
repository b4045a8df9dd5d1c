// Every page of a List method, for commands that show a whole list (people read all of the
// compliance table, not its first hundred rows).
#ifndef DIENHINH_CLI_PAGES_H_
#define DIENHINH_CLI_PAGES_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace dienhinh::cli {

// `fetch(page_token)` makes one call, keeps what it got and returns the next page token (empty
// on the last page). Stops at the first error. A server that hands back the token it was given
// would loop forever; that is reported as an error instead.
template <typename Fetch>
absl::Status ForEachPage(Fetch fetch) {
  std::string token;
  do {
    absl::StatusOr<std::string> next = fetch(token);
    if (!next.ok()) return next.status();
    if (!next->empty() && *next == token) {
      return absl::InternalError("the service returned the same page token twice");
    }
    token = *std::move(next);
  } while (!token.empty());
  return absl::OkStatus();
}

}  // namespace dienhinh::cli

#endif  // DIENHINH_CLI_PAGES_H_
