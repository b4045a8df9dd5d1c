#include "services/intake/person_batcher.h"

#include <algorithm>
#include <utility>

namespace dienhinh::intake {

PersonBatcher::PersonBatcher(Send send, size_t max_names)
    : send_(std::move(send)), max_names_(std::max<size_t>(1, max_names)) {}

std::shared_ptr<const PersonBatcher::Answer> PersonBatcher::Get(const std::string& name) {
  absl::MutexLock lock(&mutex_);
  if (waiting_.empty() || waiting_.back()->names.size() >= max_names_) {
    waiting_.push_back(std::make_shared<Batch>());
  }
  std::shared_ptr<Batch> mine = waiting_.back();
  if (std::find(mine->names.begin(), mine->names.end(), name) == mine->names.end()) {
    mine->names.push_back(name);
  }
  auto answered_or_next = [this, &mine]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_) {
    return mine->answer != nullptr || (!sending_ && waiting_.front() == mine);
  };
  mutex_.Await(absl::Condition(&answered_or_next));
  if (mine->answer != nullptr) return mine->answer;

  // The next batch and no call in flight: this caller sends it. Names arriving from now on go
  // to a batch of their own.
  waiting_.pop_front();
  sending_ = true;
  const std::vector<std::string> names = mine->names;
  mutex_.Unlock();
  auto answer = std::make_shared<const Answer>(send_(names));
  mutex_.Lock();
  mine->answer = answer;
  sending_ = false;
  return answer;
}

}  // namespace dienhinh::intake
