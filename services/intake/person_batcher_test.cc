// PersonBatcher: a lookup alone is sent at once; lookups made while a call is in flight go
// together in the next call, each name once; every caller gets the answer of the call that
// asked for its person, failures included.
#include "services/intake/person_batcher.h"

#include <algorithm>
#include <thread>

#include <gtest/gtest.h>

#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"

namespace dienhinh::intake {
namespace {

// A registry call that records what it was asked and, for the first call, waits until released.
class HeldCalls {
 public:
  PersonBatcher::Answer Call(const std::vector<std::string>& names) {
    int index;
    {
      absl::MutexLock lock(&mutex_);
      index = static_cast<int>(calls_.size());
      calls_.push_back(names);
    }
    if (index == 0) {
      first_entered_.Notify();
      release_first_.WaitForNotification();
    }
    PersonBatcher::Answer answer;
    if (index >= fail_from_call_) {
      answer.status = grpc::Status(grpc::StatusCode::UNAVAILABLE, "down (test)");
      return answer;
    }
    for (const std::string& name : names) answer.response.add_persons()->set_name(name);
    return answer;
  }

  std::vector<std::vector<std::string>> calls() {
    absl::MutexLock lock(&mutex_);
    return calls_;
  }

  absl::Notification first_entered_;
  absl::Notification release_first_;
  int fail_from_call_ = 1 << 30;  // calls from this one on (0 = the first) fail

 private:
  absl::Mutex mutex_;
  std::vector<std::vector<std::string>> calls_;
};

std::vector<std::string> NamesIn(const PersonBatcher::Answer& answer) {
  std::vector<std::string> out;
  for (const auto& p : answer.response.persons()) out.push_back(p.name());
  return out;
}

TEST(PersonBatcherTest, ALookupAloneIsSentAtOnce) {
  HeldCalls held;
  held.release_first_.Notify();
  PersonBatcher batcher([&](const auto& names) { return held.Call(names); }, 100);
  auto answer = batcher.Get("persons/a");
  ASSERT_TRUE(answer->status.ok());
  EXPECT_EQ(NamesIn(*answer), std::vector<std::string>{"persons/a"});
  EXPECT_EQ(held.calls().size(), 1u);
}

TEST(PersonBatcherTest, LookupsMadeDuringACallGoTogetherInTheNext) {
  HeldCalls held;
  PersonBatcher batcher([&](const auto& names) { return held.Call(names); }, 100);
  std::shared_ptr<const PersonBatcher::Answer> first;
  std::thread sender([&] { first = batcher.Get("persons/a"); });
  held.first_entered_.WaitForNotification();

  // Three lookups (one person twice) arrive while the first call is held.
  std::vector<std::shared_ptr<const PersonBatcher::Answer>> later(3);
  const std::vector<std::string> names = {"persons/b", "persons/c", "persons/b"};
  std::vector<std::thread> waiting;
  for (size_t i = 0; i < names.size(); ++i) {
    waiting.emplace_back([&, i] { later[i] = batcher.Get(names[i]); });
  }
  absl::SleepFor(absl::Milliseconds(100));  // let them all queue behind the held call
  EXPECT_EQ(held.calls().size(), 1u) << "nothing is sent while a call is in flight";
  held.release_first_.Notify();
  sender.join();
  for (auto& t : waiting) t.join();

  auto calls = held.calls();
  ASSERT_EQ(calls.size(), 2u) << "the three lookups made during the first call share one";
  std::sort(calls[1].begin(), calls[1].end());  // in the order the threads arrived
  EXPECT_EQ(calls[1], (std::vector<std::string>{"persons/b", "persons/c"}));
  EXPECT_EQ(NamesIn(*first), std::vector<std::string>{"persons/a"});
  for (const auto& answer : later) {
    ASSERT_NE(answer, nullptr);
    EXPECT_EQ(answer.get(), later[0].get()) << "one answer, shared";
  }
}

TEST(PersonBatcherTest, AFullBatchStartsAnother) {
  HeldCalls held;
  PersonBatcher batcher([&](const auto& names) { return held.Call(names); }, 2);
  std::thread sender([&] { batcher.Get("persons/a"); });
  held.first_entered_.WaitForNotification();
  std::vector<std::thread> waiting;
  for (const char* name : {"persons/b", "persons/c", "persons/d"}) {
    waiting.emplace_back([&batcher, name] { batcher.Get(name); });
    absl::SleepFor(absl::Milliseconds(30));  // in this order
  }
  held.release_first_.Notify();
  sender.join();
  for (auto& t : waiting) t.join();
  auto calls = held.calls();
  ASSERT_EQ(calls.size(), 3u);
  EXPECT_EQ(calls[1], (std::vector<std::string>{"persons/b", "persons/c"}));
  EXPECT_EQ(calls[2], std::vector<std::string>{"persons/d"});
}

// The first call answers; the one shared by the two lookups made meanwhile fails, and both
// of them get that failure.
TEST(PersonBatcherTest, EveryCallerOfAFailedCallGetsItsFailure) {
  HeldCalls held;
  held.fail_from_call_ = 1;
  PersonBatcher batcher([&](const auto& names) { return held.Call(names); }, 100);
  std::shared_ptr<const PersonBatcher::Answer> first;
  std::thread sender([&] { first = batcher.Get("persons/a"); });
  held.first_entered_.WaitForNotification();
  std::shared_ptr<const PersonBatcher::Answer> b, c;
  std::thread tb([&] { b = batcher.Get("persons/b"); });
  std::thread tc([&] { c = batcher.Get("persons/c"); });
  absl::SleepFor(absl::Milliseconds(50));
  held.release_first_.Notify();
  sender.join();
  tb.join();
  tc.join();
  ASSERT_NE(first, nullptr);
  EXPECT_TRUE(first->status.ok());
  EXPECT_EQ(held.calls().size(), 2u);
  for (const auto& answer : {b, c}) {
    ASSERT_NE(answer, nullptr);
    EXPECT_EQ(answer->status.error_code(), grpc::StatusCode::UNAVAILABLE);
  }
  EXPECT_EQ(b.get(), c.get()) << "one failed call, shared";
}

}  // namespace
}  // namespace dienhinh::intake
