// Lookups of persons that go together: while one BatchGetPersons call is in flight, the persons
// asked for meanwhile wait and are sent together in the next call, which the first of their
// callers to find no call in flight sends. A lookup alone goes at once, without waiting for
// company; under load one call answers many creates and submissions, so the registry verifies a
// token, logs a call and reads a transaction once for all of them instead of once each.
//
// A caller waits at most for the call in flight and then its own, each with the client's
// deadline.
#ifndef DIENHINH_SERVICES_INTAKE_PERSON_BATCHER_H_
#define DIENHINH_SERVICES_INTAKE_PERSON_BATCHER_H_

#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "dienhinh/registry/v1/registry_service.pb.h"

namespace dienhinh::intake {

class PersonBatcher {
 public:
  // What one call answered, shared by every caller whose person it asked for.
  struct Answer {
    grpc::Status status;
    registry::v1::BatchGetPersonsResponse response;
  };
  // Makes the call for `names` (distinct, at most max_names).
  using Send = std::function<Answer(const std::vector<std::string>& names)>;

  PersonBatcher(Send send, size_t max_names);
  PersonBatcher(const PersonBatcher&) = delete;
  PersonBatcher& operator=(const PersonBatcher&) = delete;

  // The answer of the call that asked for `name`.
  std::shared_ptr<const Answer> Get(const std::string& name);

 private:
  struct Batch {
    std::vector<std::string> names;
    std::shared_ptr<const Answer> answer;  // set once its call returned
  };

  const Send send_;
  const size_t max_names_;
  absl::Mutex mutex_;
  // Batches not sent yet, oldest first; names join the newest until it is full.
  std::deque<std::shared_ptr<Batch>> waiting_ ABSL_GUARDED_BY(mutex_);
  bool sending_ ABSL_GUARDED_BY(mutex_) = false;
};

}  // namespace dienhinh::intake

#endif  // DIENHINH_SERVICES_INTAKE_PERSON_BATCHER_H_
