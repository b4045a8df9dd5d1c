#include "services/platform/log/json_log.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "services/platform/log/log_sink.h"

namespace dienhinh::platform {
namespace {

// Points the log at a fresh file for one test and reads back what reached it.
class LogFile {
 public:
  explicit LogFile(absl::Duration flush_interval = absl::Hours(1)) {
    SetLogFlushInterval(flush_interval);
    path_ = absl::StrCat(::testing::TempDir(), "/json_log_test.", ::getpid(), ".",
                         reinterpret_cast<uintptr_t>(this));
    fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    SetLogFileDescriptor(fd_);
  }
  ~LogFile() {
    SetLogFileDescriptor(STDERR_FILENO);
    SetLogFlushInterval(kFlushInterval);
    ::close(fd_);
    ::unlink(path_.c_str());
  }
  std::vector<std::string> Lines() const {
    std::ifstream in(path_);
    std::stringstream text;
    text << in.rdbuf();
    std::vector<std::string> lines = absl::StrSplit(text.str(), '\n', absl::SkipEmpty());
    return lines;
  }

 private:
  std::string path_;
  int fd_;
};

TEST(JsonLogTest, InfoLinesWaitInTheBufferUntilFlushed) {
  LogFile file;
  LogInfo("first");
  LogInfo("second", {{"n", int64_t{2}}});
  EXPECT_TRUE(file.Lines().empty()) << "an info line cost a write(2) of its own";
  FlushLog();
  auto lines = file.Lines();
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_TRUE(absl::StrContains(lines[0], "\"message\":\"first\""));
  EXPECT_TRUE(absl::StrContains(lines[1], "\"message\":\"second\",\"n\":2}"));
}

TEST(JsonLogTest, AWarningGoesOutAtOnceWithTheLinesBeforeIt) {
  LogFile file;
  LogInfo("before");
  LogWarning("trouble");
  auto lines = file.Lines();
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_TRUE(absl::StrContains(lines[0], "\"level\":\"info\",\"service\""));
  EXPECT_TRUE(absl::StrContains(lines[0], "\"message\":\"before\""));
  EXPECT_TRUE(absl::StrContains(lines[1], "\"level\":\"warning\""));
  LogError("worse");
  EXPECT_EQ(file.Lines().size(), 3u);
}

TEST(JsonLogTest, BufferedLinesGoOutByThemselves) {
  LogFile file(kFlushInterval);
  LogInfo("left alone");
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  while (file.Lines().empty() && absl::Now() < deadline) absl::SleepFor(kFlushInterval / 4);
  ASSERT_EQ(file.Lines().size(), 1u) << "the flusher did not write a lone line within 10 s";
}

// A line already waiting out a long interval goes out on the shorter one set after it: the
// flusher's wait ends when the interval changes (or the buffer is written out), not only when
// it finds the buffer empty. Before, it slept on to the old deadline. The test above failed
// that way once in CI's sanitizer run: the test before it left the flusher waiting out an hour
// for a line its warning then wrote out, and the next line arrived before the flusher ran.
TEST(JsonLogTest, AShorterIntervalAppliesToALineAlreadyWaiting) {
  LogFile file;  // an hour
  LogInfo("waiting");
  absl::SleepFor(absl::Milliseconds(50));  // the flusher is waiting for the hour to pass
  EXPECT_TRUE(file.Lines().empty());
  SetLogFlushInterval(kFlushInterval);
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  while (file.Lines().empty() && absl::Now() < deadline) absl::SleepFor(kFlushInterval / 4);
  ASSERT_EQ(file.Lines().size(), 1u) << "the line waited for the old interval";
}

TEST(JsonLogTest, LinesFromManyThreadsStayWholeAndInEachThreadsOrder) {
  LogFile file;
  constexpr int kThreads = 8;
  constexpr int kPerThread = 2000;  // ~0.3 MB: several buffers' worth
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([t] {
      for (int i = 0; i < kPerThread; ++i) {
        LogInfo("line", {{"thread", int64_t{t}}, {"i", int64_t{i}}});
      }
    });
  }
  for (auto& thread : threads) thread.join();
  FlushLog();
  auto lines = file.Lines();
  ASSERT_EQ(lines.size(), static_cast<size_t>(kThreads * kPerThread));
  std::vector<int> next(kThreads, 0);
  for (const std::string& line : lines) {
    ASSERT_TRUE(absl::StartsWith(line, "{\"time\":\"") && absl::EndsWith(line, "}")) << line;
    int thread = -1, i = -1;
    ASSERT_EQ(std::sscanf(line.substr(line.find("\"thread\":")).c_str(), "\"thread\":%d,\"i\":%d",
                          &thread, &i),
              2)
        << line;
    ASSERT_GE(thread, 0);
    ASSERT_LT(thread, kThreads);
    EXPECT_EQ(i, next[thread]) << "thread " << thread << " out of order";
    next[thread] = i + 1;
  }
}

TEST(JsonLogTest, TimesAreUtcToTheMicrosecond) {
  const absl::Time base = absl::FromUnixMicros(1795578227541533);  // 2026-11-25T03:43:47.541533Z
  std::string out;
  AppendUtcTime(out, base);
  EXPECT_EQ(out, "2026-11-25T03:43:47.541533Z");
  // Within the same second (the text of the second is reused), into the next, and back again.
  for (const auto& [micros, text] : std::vector<std::pair<int64_t, std::string>>{
           {1795578227000001, "2026-11-25T03:43:47.000001Z"},
           {1795578228000000, "2026-11-25T03:43:48.000000Z"},
           {1795578227999999, "2026-11-25T03:43:47.999999Z"},
           {-1, "1969-12-31T23:59:59.999999Z"}}) {
    out.clear();
    AppendUtcTime(out, absl::FromUnixMicros(micros));
    EXPECT_EQ(out, text);
  }
}

TEST(JsonLogTest, InvalidUtf8IsReplacedAndQuotesEscaped) {
  std::string out;
  AppendJsonString(out, "tr\xC6\xB0\xE1\xBB\x9Dng \"A\"\n\xFF");
  EXPECT_EQ(out, "\"tr\xC6\xB0\xE1\xBB\x9Dng \\\"A\\\"\\n\xEF\xBF\xBD\"");
  // Backslashes, tabs and other control characters between runs of plain text.
  out.clear();
  AppendJsonString(out, "C:\\dir\tcol\x01" "end");
  EXPECT_EQ(out, "\"C:\\\\dir\\tcol\\u0001end\"");
}

}  // namespace
}  // namespace dienhinh::platform
