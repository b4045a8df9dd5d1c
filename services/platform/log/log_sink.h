// Where log lines go: stderr, written in batches rather than one write(2) per line.
//
// A service logs one line per call, and on this project's machines a system call costs as much
// as a good part of a short call's work (BENCHMARKS.md). Lines are therefore gathered in a buffer
// that a background thread writes out every kFlushInterval, and that the logging thread writes
// itself once it holds kFlushBytes. A line at warning level or above is written at once, with
// every line before it, so that what explains a failure is out before the process can die.
//
// What a SIGKILL or a crash loses is therefore at most the last kFlushInterval of info and debug
// lines. At a normal exit the buffer is written out (atexit), and from then on every line is
// written as it comes.
#ifndef DIENHINH_SERVICES_PLATFORM_LOG_LOG_SINK_H_
#define DIENHINH_SERVICES_PLATFORM_LOG_LOG_SINK_H_

#include <cstddef>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace dienhinh::platform {

inline constexpr absl::Duration kFlushInterval = absl::Milliseconds(100);
inline constexpr size_t kFlushBytes = 64 * 1024;

// Appends whole lines (each ending in '\n') to the buffer; `urgent` writes the buffer at once.
// Lines from several threads never interleave within a line, and keep the order of the calls.
void WriteLogLines(absl::string_view lines, bool urgent);

// Writes out whatever is buffered. Safe to call at any time, from any thread.
void FlushLog();

// How long a line may wait in the buffer (kFlushInterval unless changed); for tests.
void SetLogFlushInterval(absl::Duration interval);

// Points the sink at `fd` instead of stderr (2), after flushing what it holds; for tests.
void SetLogFileDescriptor(int fd);

}  // namespace dienhinh::platform

#endif  // DIENHINH_SERVICES_PLATFORM_LOG_LOG_SINK_H_
