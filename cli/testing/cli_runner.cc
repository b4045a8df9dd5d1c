#include "cli/testing/cli_runner.h"

#include <sys/wait.h>

#include <cstdio>
#include <fstream>
#include <sstream>

namespace dienhinh::cli::testing {
namespace {

// Single quotes for the shell, with any quote inside closed, escaped and reopened.
std::string Quote(const std::string& arg) {
  std::string out = "'";
  for (char c : arg) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

}  // namespace

CliRun RunCli(const std::string& binary, const std::vector<std::string>& args,
              const std::string& work_dir) {
  std::string command = Quote(binary);
  for (const std::string& arg : args) command += " " + Quote(arg);
  const std::string err_path = work_dir + "/stderr";
  command += " 2>" + Quote(err_path);
  CliRun run;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return run;
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof(buffer), pipe)) > 0) run.out.append(buffer, n);
  int status = pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  run.err = ReadTestFile(err_path);
  return run;
}

std::string WriteTestFile(const std::string& dir, const std::string& name,
                          const std::string& content) {
  std::string path = dir + "/" + name;
  std::ofstream(path) << content;
  return path;
}

std::string ReadTestFile(const std::string& path) {
  std::ifstream file(path);
  std::stringstream content;
  content << file.rdbuf();
  return content.str();
}

}  // namespace dienhinh::cli::testing
