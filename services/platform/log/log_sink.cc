#include "services/platform/log/log_sink.h"

#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"

namespace dienhinh::platform {
namespace {

class Sink {
 public:
  static Sink& Instance() {
    static Sink* sink = new Sink();  // never destroyed: static destructors may still log
    return *sink;
  }

  void Write(absl::string_view lines, bool urgent) {
    absl::MutexLock lock(&mu_);
    if (buffer_.empty()) {
      oldest_ = absl::Now();
      wake_.Signal();  // the flusher sleeps until there is a line
    }
    buffer_.append(lines.data(), lines.size());
    if (urgent || direct_ || buffer_.size() >= kFlushBytes) {
      WriteOutLocked();
    } else if (!flusher_started_) {
      StartFlusherLocked();
    }
  }

  void Flush() {
    absl::MutexLock lock(&mu_);
    WriteOutLocked();
  }

  // At exit: what is buffered goes out, and every later line (a static destructor's) is
  // written as it comes, since the flusher may not run again.
  void FlushForExit() {
    absl::MutexLock lock(&mu_);
    WriteOutLocked();
    direct_ = true;
  }

  void SetInterval(absl::Duration interval) {
    absl::MutexLock lock(&mu_);
    interval_ = interval;
    ++changes_;  // the flusher's deadline was computed with the old interval
    wake_.Signal();
  }

  void SetFd(int fd) {
    absl::MutexLock lock(&mu_);
    WriteOutLocked();
    fd_ = fd;
  }

 private:
  void StartFlusherLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    flusher_started_ = true;
    std::atexit([] { Instance().FlushForExit(); });
    // Detached: the sink lives as long as the process.
    std::thread([this] { FlushLoop(); }).detach();
  }

  // Sleeps until a line is buffered, and writes the buffer out once its oldest line has waited
  // the interval (an idle service's flusher does not wake). It waits on a condition variable
  // that the writers signal only when it has something new to look at, not with a condition of
  // the mutex: every unlock by a logging thread would evaluate that (with one line per call,
  // a measurable share of a short call's work).
  void FlushLoop() {
    absl::MutexLock lock(&mu_);
    for (;;) {
      while (buffer_.empty()) wake_.Wait(&mu_);
      const absl::Time due = oldest_ + interval_;
      if (absl::Now() >= due) {
        WriteOutLocked();
        continue;
      }
      // Back early when another thread wrote the buffer out, or the interval changed, meanwhile:
      // the deadline then belongs to lines already gone, or to the old interval. (Waiting for an
      // empty buffer instead missed a write-out whose buffer had filled again before this thread
      // ran, and slept on to the old deadline: an hour, after a test's long interval.)
      const uint64_t seen = changes_;
      while (changes_ == seen && absl::Now() < due) wake_.WaitWithDeadline(&mu_, due);
    }
  }

  // Under the lock, so that the lines of a later urgent write cannot overtake these.
  void WriteOutLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    ++changes_;
    wake_.Signal();
    size_t done = 0;
    while (done < buffer_.size()) {
      const ssize_t n = ::write(fd_, buffer_.data() + done, buffer_.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;  // nowhere to write (stderr closed, disk full): the lines are dropped
      done += static_cast<size_t>(n);
    }
    buffer_.clear();
    if (buffer_.capacity() > 4 * kFlushBytes) buffer_.shrink_to_fit();  // after a burst
  }

  absl::Mutex mu_;
  absl::CondVar wake_;  // a first line buffered, a write-out, an interval change
  std::string buffer_ ABSL_GUARDED_BY(mu_);
  absl::Time oldest_ ABSL_GUARDED_BY(mu_);  // when the first line now buffered came
  absl::Duration interval_ ABSL_GUARDED_BY(mu_) = kFlushInterval;
  uint64_t changes_ ABSL_GUARDED_BY(mu_) = 0;  // write-outs and interval changes, counted
  int fd_ ABSL_GUARDED_BY(mu_) = STDERR_FILENO;
  bool flusher_started_ ABSL_GUARDED_BY(mu_) = false;
  bool direct_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace

void WriteLogLines(absl::string_view lines, bool urgent) { Sink::Instance().Write(lines, urgent); }

void FlushLog() { Sink::Instance().Flush(); }

void SetLogFlushInterval(absl::Duration interval) { Sink::Instance().SetInterval(interval); }

void SetLogFileDescriptor(int fd) { Sink::Instance().SetFd(fd); }

}  // namespace dienhinh::platform
