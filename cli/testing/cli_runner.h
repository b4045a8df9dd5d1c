// Runs the real `dienhinh` binary from a command test, as a user would from a shell: the
// arguments quoted, stdout captured, stderr to a file in the test's folder, the exit code kept.
#ifndef DIENHINH_CLI_TESTING_CLI_RUNNER_H_
#define DIENHINH_CLI_TESTING_CLI_RUNNER_H_

#include <string>
#include <vector>

namespace dienhinh::cli::testing {

struct CliRun {
  int exit_code = -1;  // -1 when the binary could not be started or did not exit normally
  std::string out;
  std::string err;
};

// `binary args...`; stderr goes through `work_dir`/stderr (overwritten by each run).
CliRun RunCli(const std::string& binary, const std::vector<std::string>& args,
              const std::string& work_dir);

// Writes `content` to `dir`/`name` and returns the path.
std::string WriteTestFile(const std::string& dir, const std::string& name,
                          const std::string& content);

std::string ReadTestFile(const std::string& path);

}  // namespace dienhinh::cli::testing

#endif  // DIENHINH_CLI_TESTING_CLI_RUNNER_H_
