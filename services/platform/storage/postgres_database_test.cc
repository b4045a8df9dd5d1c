// What the PostgreSQL driver does without a server: a bad URL and an unreachable server are
// statuses, promptly, never a crash or a hang.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "services/platform/storage/database.h"
#include "services/platform/storage/storage_test_util.h"

namespace dienhinh::platform {
namespace {

// A loopback port nothing listens on: bound, read back, released.
int UnusedLoopbackPort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof(address);
  int port = -1;
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
    port = ntohs(address.sin_port);
  }
  close(fd);
  return port;
}

TEST(PostgresDatabaseTest, UnreachableServerIsUnavailable) {
  const int port = UnusedLoopbackPort();
  ASSERT_GT(port, 0);
  const absl::Time start = absl::Now();
  absl::StatusOr<std::unique_ptr<Database>> db = Database::Open(
      {absl::StrCat("postgres://postgres@127.0.0.1:", port, "/dienhinh?connect_timeout=3")});
  DH_EXPECT_CODE(db, absl::StatusCode::kUnavailable);
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));
}

TEST(PostgresDatabaseTest, MalformedUrlIsInvalidArgument) {
  DH_EXPECT_CODE(Database::Open({"postgres://127.0.0.1:5432/db?no_such_parameter=1"}),
                 absl::StatusCode::kInvalidArgument);
  DH_EXPECT_CODE(Database::Open({"postgresql://[::1/db"}), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace dienhinh::platform
