// Exit codes of the `dienhinh` command and how an error becomes the text a user can act on.
// Scripts branch on the code; people read the message, which lists every field violation the
// service returned instead of gRPC's internals.
#ifndef DIENHINH_CLI_EXIT_CODES_H_
#define DIENHINH_CLI_EXIT_CODES_H_

#include <string>

#include "absl/status/status.h"

namespace dienhinh::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitOther = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitInvalidArgument = 3;
inline constexpr int kExitNotFound = 4;
inline constexpr int kExitPermission = 5;      // permission denied or unauthenticated
inline constexpr int kExitConflict = 6;        // failed precondition, aborted, already exists
inline constexpr int kExitUnavailable = 7;     // unavailable or deadline exceeded

// The exit code for a status (kExitOk for OK).
int ExitCodeFor(const absl::Status& status);

// "error: <message>" plus one "  <field>: <description>" line per field violation, and a hint
// for codes whose fix is outside the request (token, address).
std::string DescribeError(const absl::Status& status);

}  // namespace dienhinh::cli

#endif  // DIENHINH_CLI_EXIT_CODES_H_
