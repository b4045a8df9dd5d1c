// The threads that run the services' handlers, off gRPC's callback threads.
//
// gRPC 1.51 runs callback handlers on a handful of its own threads (two on a 2-core machine); a
// handler that waits there (an SQLite commit's fsync, a blocking call to another service) stops
// every other call of the process from being served. A handler instead takes its reactor,
// hands the work to this pool and returns; the worker finishes the reactor (api/reply.h).
//
// Threads start on demand, up to `max_threads`, and stay; tasks beyond that queue in order.
// TryRun refuses a task once `max_queued` already wait for a thread: a service under more load
// than it can serve answers RESOURCE_EXHAUSTED at once (api/reply.h) instead of queueing calls
// without bound, each holding its memory and waiting longer than the last.
// With `max_threads` 0 every task runs on the thread that submits it: the handlers inline, as
// before the pool (ServiceRuntime::lookups() is such a pool over SQLite).
#ifndef DIENHINH_SERVICES_PLATFORM_SERVER_WORKER_POOL_H_
#define DIENHINH_SERVICES_PLATFORM_SERVER_WORKER_POOL_H_

#include <deque>
#include <functional>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

namespace dienhinh::platform {

class WorkerPool {
 public:
  explicit WorkerPool(int max_threads, int max_queued = kDefaultMaxQueued);

  static constexpr int kDefaultMaxQueued = 4096;
  // A handler holds its thread while it waits (a group commit, a call to a peer), so a service
  // serves at most threads / wait calls per second: intake's submission waits ~30 ms at 1,000
  // a second (a registry lookup, then its commit group), and with 32 threads its queue grew to
  // seconds whenever the machine slowed (BENCHMARKS.md, twelfth session). Threads start on
  // demand, so an idle service has few.
  static constexpr int kDefaultMaxThreads = 96;
  // Drains.
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Runs `task` on a worker thread. After Drain (or with no threads allowed) the task runs on
  // the calling thread instead, so that a call that reaches a handler late is still answered
  // rather than left hanging.
  void Run(std::function<void()> task);
  // As Run, but false (and `task` not run) when `max_queued` tasks already wait for a thread.
  bool TryRun(std::function<void()> task);

  // Runs what is queued, waits for the running tasks and joins the threads. Call it once
  // nothing can submit any more (the server has stopped); idempotent.
  void Drain();

  int max_threads() const { return max_threads_; }
  int max_queued() const { return max_queued_; }
  // Threads started so far, and tasks waiting for one (for tests and metrics).
  int threads() const;
  int queued() const;

 private:
  void Work();
  bool Submit(std::function<void()>& task, bool bounded);

  const int max_threads_;
  const int max_queued_;
  mutable absl::Mutex mutex_;
  std::deque<std::function<void()>> queue_ ABSL_GUARDED_BY(mutex_);
  int idle_ ABSL_GUARDED_BY(mutex_) = 0;
  bool draining_ ABSL_GUARDED_BY(mutex_) = false;
  std::vector<std::thread> threads_ ABSL_GUARDED_BY(mutex_);
};

}  // namespace dienhinh::platform

#endif  // DIENHINH_SERVICES_PLATFORM_SERVER_WORKER_POOL_H_
