// The worker pool alone, then under a real ServiceHost at 127.0.0.1:0: a handler whose work
// waits on the pool does not keep other calls from being served, and a drain with calls in
// flight finishes them (or cancels them) and returns with no task left running.
#include "services/platform/server/worker_pool.h"

#include <atomic>
#include <chrono>
#include <memory>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "absl/synchronization/blocking_counter.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "dienhinh/registry/v1/registry_service.grpc.pb.h"
#include "services/platform/api/reply.h"
#include "services/platform/server/service_host.h"

namespace dienhinh::platform {
namespace {

namespace reg = ::dienhinh::registry::v1;

TEST(WorkerPoolTest, RunsTasksSideBySide) {
  WorkerPool pool(8);
  absl::BlockingCounter done(8);
  const absl::Time start = absl::Now();
  for (int i = 0; i < 8; ++i) {
    pool.Run([&done] {
      absl::SleepFor(absl::Milliseconds(200));
      done.DecrementCount();
    });
  }
  done.Wait();
  EXPECT_LT(absl::Now() - start, absl::Milliseconds(800));
  EXPECT_EQ(pool.threads(), 8);
}

TEST(WorkerPoolTest, StartsNoMoreThreadsThanAllowedAndQueuesTheRest) {
  WorkerPool pool(2);
  std::atomic<int> ran{0};
  absl::Notification release;
  for (int i = 0; i < 6; ++i) {
    pool.Run([&] {
      release.WaitForNotification();
      ++ran;
    });
  }
  EXPECT_EQ(pool.threads(), 2);
  EXPECT_GE(pool.queued(), 4);
  release.Notify();
  pool.Drain();
  EXPECT_EQ(ran.load(), 6);
}

TEST(WorkerPoolTest, DrainRunsWhatWasQueuedThenRunsLateTasksInline) {
  WorkerPool pool(1);
  std::atomic<int> ran{0};
  for (int i = 0; i < 5; ++i) {
    pool.Run([&ran] {
      absl::SleepFor(absl::Milliseconds(10));
      ++ran;
    });
  }
  pool.Drain();
  EXPECT_EQ(ran.load(), 5);
  std::thread::id ran_on;
  pool.Run([&ran_on] { ran_on = std::this_thread::get_id(); });
  EXPECT_EQ(ran_on, std::this_thread::get_id());
  pool.Drain();  // twice is fine
}

TEST(WorkerPoolTest, NoThreadsMeansInline) {
  WorkerPool pool(0);
  std::thread::id ran_on;
  pool.Run([&ran_on] { ran_on = std::this_thread::get_id(); });
  EXPECT_EQ(ran_on, std::this_thread::get_id());
  EXPECT_EQ(pool.threads(), 0);
}

// A stand-in service: GetUnit sleeps on the host's workers, as a handler waiting for an fsync
// or a peer would, and counts the tasks that are running.
TEST(WorkerPoolTest, TryRunRefusesPastTheQueueBoundButRunAlwaysQueues) {
  WorkerPool pool(1, /*max_queued=*/2);
  std::atomic<int> ran{0};
  absl::Notification release, started;
  ASSERT_TRUE(pool.TryRun([&] {
    started.Notify();
    release.WaitForNotification();
    ++ran;
  }));
  started.WaitForNotification();  // the one thread is busy: the next ones wait
  EXPECT_TRUE(pool.TryRun([&] { ++ran; }));
  EXPECT_TRUE(pool.TryRun([&] { ++ran; }));
  EXPECT_FALSE(pool.TryRun([&] { ran += 100; })) << "two already wait";
  pool.Run([&] { ++ran; });  // a stream's own step is never refused
  release.Notify();
  pool.Drain();
  EXPECT_EQ(ran.load(), 4) << "the refused task never ran";
}

class SleepyRegistry final : public reg::RegistryService::CallbackService {
 public:
  SleepyRegistry(WorkerPool* workers, absl::Duration sleep) : workers_(workers), sleep_(sleep) {}

  grpc::ServerUnaryReactor* GetUnit(grpc::CallbackServerContext* context,
                                    const reg::GetUnitRequest* request,
                                    reg::Unit* response) override {
    return Reply(context, *workers_, [this, request, response] {
      ++running_;
      absl::SleepFor(sleep_);
      response->set_name(request->name());
      --running_;
      return absl::OkStatus();
    });
  }

  int running() const { return running_.load(); }

 private:
  WorkerPool* workers_;
  absl::Duration sleep_;
  std::atomic<int> running_{0};
};

HostOptions TestOptions(int worker_threads, int max_queued_calls = 4096) {
  HostOptions options;
  options.max_queued_calls = max_queued_calls;
  options.service_name = "test";
  options.listen_address = "127.0.0.1:0";
  options.metrics_address = "off";
  options.drain_timeout = absl::Milliseconds(100);
  options.worker_threads = worker_threads;
  return options;
}

struct CallResult {
  reg::Unit unit;
  grpc::Status status;
};

// Starts `n` GetUnit calls at once, all in flight together; `done` counts them down.
void StartCalls(reg::RegistryService::Stub* stub, int n,
                std::vector<std::unique_ptr<grpc::ClientContext>>* contexts,
                std::vector<CallResult>* results, absl::BlockingCounter* done) {
  reg::GetUnitRequest request;
  request.set_name("units/92916401");
  results->resize(n);
  for (int i = 0; i < n; ++i) {
    contexts->push_back(std::make_unique<grpc::ClientContext>());
    contexts->back()->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    CallResult* result = &(*results)[i];
    stub->async()->GetUnit(contexts->back().get(), &request, &result->unit,
                           [result, done](grpc::Status status) {
                             result->status = std::move(status);
                             done->DecrementCount();
                           });
  }
}

TEST(WorkerPoolHostTest, ACallWaitingOnAWorkerDoesNotHoldUpTheOthers) {
  ServiceHost host(TestOptions(32));
  SleepyRegistry service(&host.workers(), absl::Milliseconds(200));
  host.Register(&service);
  ASSERT_TRUE(host.Start().ok());
  auto stub = reg::RegistryService::NewStub(
      grpc::CreateChannel(host.address(), grpc::InsecureChannelCredentials()));

  // gRPC's callback threads (two on this machine) would serve 8 sleeping calls in 4 rounds of
  // 200 ms; on the workers they sleep side by side.
  constexpr int kCalls = 8;
  std::vector<std::unique_ptr<grpc::ClientContext>> contexts;
  std::vector<CallResult> results;
  absl::BlockingCounter done(kCalls);
  const absl::Time start = absl::Now();
  StartCalls(stub.get(), kCalls, &contexts, &results, &done);
  done.Wait();
  const absl::Duration took = absl::Now() - start;
  for (const CallResult& r : results) {
    EXPECT_TRUE(r.status.ok()) << r.status.error_message();
    EXPECT_EQ(r.unit.name(), "units/92916401");
  }
  EXPECT_LT(took, absl::Milliseconds(kCalls * 200 / 2)) << "calls were served one after another";
  host.Drain();
}

// Admission control: with one worker busy and room for two calls to wait, of six calls sent
// at once three are answered and three are refused at once, untouched, with RESOURCE_EXHAUSTED.
TEST(WorkerPoolHostTest, CallsPastTheQueueBoundAreRefusedAsOverloaded) {
  ServiceHost host(TestOptions(1, /*max_queued_calls=*/2));
  SleepyRegistry service(&host.workers(), absl::Milliseconds(300));
  host.Register(&service);
  ASSERT_TRUE(host.Start().ok());
  auto stub = reg::RegistryService::NewStub(
      grpc::CreateChannel(host.address(), grpc::InsecureChannelCredentials()));

  std::vector<std::unique_ptr<grpc::ClientContext>> contexts;
  std::vector<CallResult> first, rest;
  absl::BlockingCounter first_done(1), rest_done(5);
  StartCalls(stub.get(), 1, &contexts, &first, &first_done);
  const absl::Time deadline = absl::Now() + absl::Seconds(5);
  while (service.running() == 0 && absl::Now() < deadline) absl::SleepFor(absl::Milliseconds(1));
  ASSERT_EQ(service.running(), 1) << "the one worker is busy";
  StartCalls(stub.get(), 5, &contexts, &rest, &rest_done);
  first_done.Wait();
  rest_done.Wait();
  int served = 0, refused = 0;
  rest.push_back(first[0]);
  for (const CallResult& r : rest) {
    if (r.status.ok()) {
      ++served;
    } else {
      EXPECT_EQ(r.status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED)
          << r.status.error_message();
      EXPECT_NE(r.status.error_message().find("overloaded"), std::string::npos)
          << r.status.error_message();
      ++refused;
    }
  }
  EXPECT_EQ(served, 3) << "one running, two waiting";
  EXPECT_EQ(refused, 3);
  host.Drain();
}

TEST(WorkerPoolHostTest, DrainWithCallsInFlightEndsWithNoTaskRunning) {
  // Fewer workers than calls: some calls are still queued when the drain's deadline passes
  // and gRPC cancels them; those are answered without being worked on.
  auto host = std::make_unique<ServiceHost>(TestOptions(4));
  auto service = std::make_unique<SleepyRegistry>(&host->workers(), absl::Milliseconds(300));
  host->Register(service.get());
  ASSERT_TRUE(host->Start().ok());
  auto stub = reg::RegistryService::NewStub(
      grpc::CreateChannel(host->address(), grpc::InsecureChannelCredentials()));

  constexpr int kCalls = 16;
  std::vector<std::unique_ptr<grpc::ClientContext>> contexts;
  std::vector<CallResult> results;
  absl::BlockingCounter done(kCalls);
  StartCalls(stub.get(), kCalls, &contexts, &results, &done);
  absl::SleepFor(absl::Milliseconds(100));  // the first four are sleeping, the rest queued

  const absl::Time start = absl::Now();
  host->Drain();
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));
  // Nothing runs past the drain: the service can go now.
  EXPECT_EQ(service->running(), 0);
  service.reset();
  host.reset();

  done.Wait();
  // Each call got an answer: its result, or the cancellation of the drain.
  for (const CallResult& r : results) {
    if (!r.status.ok()) {
      EXPECT_TRUE(r.status.error_code() == grpc::StatusCode::CANCELLED ||
                  r.status.error_code() == grpc::StatusCode::UNAVAILABLE)
          << r.status.error_code() << " " << r.status.error_message();
    }
  }
}

}  // namespace
}  // namespace dienhinh::platform
