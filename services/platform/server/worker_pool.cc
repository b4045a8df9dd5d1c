#include "services/platform/server/worker_pool.h"

#include <pthread.h>

#include <algorithm>
#include <utility>

namespace dienhinh::platform {

WorkerPool::WorkerPool(int max_threads, int max_queued)
    : max_threads_(std::max(0, max_threads)), max_queued_(std::max(1, max_queued)) {}

WorkerPool::~WorkerPool() { Drain(); }

void WorkerPool::Run(std::function<void()> task) { Submit(task, /*bounded=*/false); }

bool WorkerPool::TryRun(std::function<void()> task) { return Submit(task, /*bounded=*/true); }

bool WorkerPool::Submit(std::function<void()>& task, bool bounded) {
  {
    absl::MutexLock lock(&mutex_);
    if (!draining_ && max_threads_ > 0) {
      // Tasks waiting beyond the idle threads that will take them at once.
      if (bounded && static_cast<int>(queue_.size()) - idle_ >= max_queued_) return false;
      queue_.push_back(std::move(task));
      // A new thread only when every started one is busy: a queued task never waits behind a
      // running one while the pool may still grow.
      if (idle_ < static_cast<int>(queue_.size()) &&
          static_cast<int>(threads_.size()) < max_threads_) {
        threads_.emplace_back([this] { Work(); });
      }
      return true;
    }
  }
  task();
  return true;
}

void WorkerPool::Work() {
  // Named for `top -H` and profiles (otherwise it carries the name of the gRPC thread that
  // started it).
  pthread_setname_np(pthread_self(), "dh-worker");
  while (true) {
    std::function<void()> task;
    {
      absl::MutexLock lock(&mutex_);
      ++idle_;
      mutex_.Await(absl::Condition(
          +[](WorkerPool* pool) ABSL_EXCLUSIVE_LOCKS_REQUIRED(pool->mutex_) {
            return !pool->queue_.empty() || pool->draining_;
          },
          this));
      --idle_;
      // Draining still runs what was queued before it: those calls are owed an answer.
      if (queue_.empty()) return;
      task = std::move(queue_.front());
      queue_.pop_front();
    }
    task();
  }
}

void WorkerPool::Drain() {
  std::vector<std::thread> threads;
  {
    absl::MutexLock lock(&mutex_);
    draining_ = true;
    threads.swap(threads_);
  }
  for (std::thread& thread : threads) thread.join();
}

int WorkerPool::threads() const {
  absl::MutexLock lock(&mutex_);
  return static_cast<int>(threads_.size());
}

int WorkerPool::queued() const {
  absl::MutexLock lock(&mutex_);
  return static_cast<int>(queue_.size());
}

}  // namespace dienhinh::platform
