// Evaluates the nominations waiting in the queue, in batches, in the background: gathers their
// facts from the registry (one round of BatchGet calls for the whole batch, a second for what the
// first revealed: the units individuals worked in or headed), reads their reviews and
// dependencies from a read snapshot and runs the engine; then, in one write transaction for the
// batch, reads the reviews and dependencies again (evaluating again only if they changed) and
// records a new version when the input digest differs from the latest one's, with its
// EvaluationRecorded event. One commit, one fsync per batch, closed early after
// record_batch_time so the writer is not held long; if that transaction fails, each nomination
// is recorded again in a transaction of its own, so one failure is put off or dropped alone.
// While a full batch is recorded, the next is gathered and evaluated on a second thread.
// A new version of a collective's evaluation queues the leaders whose L4 waits on it, so they
// follow without anyone asking.
//
// Nothing is lost on a crash: an entry leaves the queue only in the transaction that recorded
// its evaluation, and only if nothing asked again meanwhile (its generation is unchanged and no
// registry change was applied while its facts were gathered); otherwise it runs again. When the
// registry cannot answer, the entry is put off with exponential backoff.
#ifndef DIENHINH_SERVICES_EVALUATION_EVALUATION_WORKER_H_
#define DIENHINH_SERVICES_EVALUATION_EVALUATION_WORKER_H_

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "dienhinh/evaluation/v1/evaluation.pb.h"
#include "services/evaluation/evaluation_store.h"
#include "services/evaluation/registry_facts.h"
#include "services/platform/events/event_log.h"
#include "services/platform/plan/plan_file.h"

namespace dienhinh::evaluation {

class EvaluationWorker {
 public:
  struct Options {
    // Nominations taken from the queue at once: their facts are fetched together and their
    // evaluations recorded together.
    int batch_size = 200;
    // A transaction recording a batch takes no more nominations once open this long.
    absl::Duration record_batch_time = absl::Milliseconds(50);
    absl::Duration poll_interval = absl::Milliseconds(200);
    absl::Duration min_backoff = absl::Milliseconds(200);
    absl::Duration max_backoff = absl::Seconds(30);
  };
  // Runs inside the transaction that records a version (audit, request log of the caller).
  using Within = std::function<absl::Status(Transaction& tx, const v1::Evaluation& recorded)>;

  EvaluationWorker(platform::Database* db, platform::EventLog* events, const platform::PlanCatalog* plans,
                   RegistryFacts* registry, Options options);
  ~EvaluationWorker();
  EvaluationWorker(const EvaluationWorker&) = delete;
  EvaluationWorker& operator=(const EvaluationWorker&) = delete;

  void Start();
  void Stop();
  // Wakes the background thread (after committing a transaction that queued work).
  void Wake();

  // Evaluates one submitted nomination now and records a version even when its inputs did not
  // change (ReevaluateNomination). NOT_FOUND for an unknown nomination, FAILED_PRECONDITION for
  // one that is not submitted, UNAVAILABLE when the registry cannot answer.
  absl::StatusOr<v1::Evaluation> EvaluateNow(const std::string& nomination, const v1::EvaluationTrigger& trigger,
                                             const Within& within);

  // Processes one batch of the entries due now, as the second thread prepares one (evaluated
  // from a snapshot before its write transaction), but on the caller's thread: tests call it
  // directly. Returns how many entries it took up.
  int RunOnce();

 private:
  struct Work;
  // What recording one item did, known once its transaction commits.
  struct Recorded {
    // The EvaluationRecorded event of the new version, if one was made: the evaluation stays in
    // it, shared with the event log, not copied out.
    std::shared_ptr<const platform::Event> event;
    bool queued_dependents = false;  // leaders queued behind a collective's version
    const v1::Evaluation* evaluation() const {
      return event ? &event->evaluation_recorded().evaluation() : nullptr;
    }
  };

  // What ReadOwnFacts found.
  struct OwnFacts {
    std::set<std::string> reads;  // every resource the evaluation reads, for its record
    bool changed = false;         // reviews or dependencies differ from those in the item's facts
  };

  // Up to batch_size entries due now, other than `skip`, with their nominations.
  std::vector<Work> Take(const std::set<std::string>& skip);
  // Gathers the items' registry facts and, with `evaluate`, evaluates them from a read snapshot
  // (else the write transaction evaluates them).
  void Prepare(std::vector<Work>& work, bool evaluate);
  // Records the prepared items, and puts off or drops those that failed.
  void Settle(std::vector<Work>& work);
  // Gathers the registry facts of every work item, in rounds of batched calls.
  absl::Status Gather(std::vector<Work>& work);
  // Reads the facts kept here (the latest reviews, the dependencies L4 needs) into the item's
  // facts.
  absl::StatusOr<OwnFacts> ReadOwnFacts(Transaction& tx, Work& work);
  // Evaluates and records one item inside `tx`.
  absl::Status RecordIn(Transaction& tx, Work& work, bool force, const Within& within, Recorded& out);
  // Evaluates and records one item in one transaction; the recorded version, if any.
  absl::StatusOr<std::optional<v1::Evaluation>> Record(Work& work, bool force, const Within& within);
  // Records queued items (facts gathered) in as few transactions as record_batch_time allows,
  // setting each item's outcome.
  void RecordBatch(const std::vector<Work*>& batch);
  // After a commit that recorded versions: wakes the feed's tail and, for queued leaders, the
  // worker itself.
  void AfterCommit(bool recorded, bool queued_dependents);
  // Evaluate, with the plan's criteria digested once (digest_starts_).
  absl::StatusOr<v1::Evaluation> EvaluateWork(const Work& work) const;
  void Loop();

  platform::Database* db_;
  platform::EventLog* events_;
  const platform::PlanCatalog* plans_;
  // The digest's start for each plan and category, made once: the catalog does not change
  // while the worker runs.
  std::map<std::pair<std::string, int>, DigestStart> digest_starts_;
  RegistryFacts* registry_;
  Options options_;

  absl::Mutex mutex_;
  bool stopping_ ABSL_GUARDED_BY(mutex_) = false;
  bool woken_ ABSL_GUARDED_BY(mutex_) = false;
  std::thread thread_;
};

}  // namespace dienhinh::evaluation

#endif  // DIENHINH_SERVICES_EVALUATION_EVALUATION_WORKER_H_
