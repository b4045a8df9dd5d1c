// The evaluation service's SQL: nominations as intake published them, evaluation versions (never
// overwritten), what each latest version read, the queue of nominations waiting to be evaluated,
// attestation reviews and standings. Every function works inside the caller's transaction, so a
// consumer's effect commits with its cursor and a command's change commits with its event, audit
// row and request log entry. Works the same on SQLite and PostgreSQL.
#ifndef DIENHINH_SERVICES_EVALUATION_EVALUATION_STORE_H_
#define DIENHINH_SERVICES_EVALUATION_EVALUATION_STORE_H_

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "dienhinh/evaluation/v1/attestation_review.pb.h"
#include "dienhinh/evaluation/v1/evaluation.pb.h"
#include "dienhinh/intake/v1/nomination.pb.h"
#include "services/evaluation/evaluation_facts.h"
#include "services/platform/storage/database.h"

namespace dienhinh::evaluation {

using platform::Transaction;

// A nomination waiting in the queue.
struct QueueEntry {
  std::string nomination;
  int64_t generation = 0;
  v1::EvaluationTrigger trigger;
  int attempts = 0;
};

// A standing in an emulation block that an evaluation read, kept for block rankings.
struct BlockStanding {
  int school_year = 0;
  std::string emulation_block;
  int rank = 0;
  int group_size = 0;
};

// The key under which a leader's evaluation records that it read the verdict of `unit`'s
// collective nomination under `plan` (L4).
std::string DependencyReadKey(const std::string& plan, const std::string& unit);

// ---- Nominations, as intake published them.
absl::Status PutNomination(Transaction& tx, const intake::v1::Nomination& nomination);
absl::StatusOr<std::optional<intake::v1::Nomination>> GetNomination(Transaction& tx,
                                                                    const std::string& name);
// The nomination as stored (serialized), for a check that it did not change since it was read.
absl::StatusOr<std::optional<std::string>> GetNominationBytes(Transaction& tx, const std::string& name);

// ---- The queue.
// Asks for `nomination` to be evaluated (again): a new entry, or the waiting one with a new
// generation and the latest trigger.
absl::Status Enqueue(Transaction& tx, const std::string& nomination, const v1::EvaluationTrigger& trigger);
// Enqueues every nomination whose latest evaluation read `resource`.
absl::StatusOr<int> EnqueueReaders(Transaction& tx, const std::string& resource,
                                   const v1::EvaluationTrigger& trigger);
absl::Status Dequeue(Transaction& tx, const std::string& nomination);
// Enqueues (trigger CATALOG_CHANGED) every submitted nomination whose latest evaluation applied
// another catalog version than its plan's now, `catalogs` mapping plan name to version; plans
// not in the map are left alone. Returns how many.
absl::StatusOr<int> EnqueueStaleCatalogs(Transaction& tx, const std::map<std::string, std::string>& catalogs);
// Entries due at `now_us`, oldest first.
absl::StatusOr<std::vector<QueueEntry>> DueEntries(Transaction& tx, int64_t now_us, int limit);
// Removes the entry if nothing asked again since `generation`; true when removed.
absl::StatusOr<bool> FinishEntry(Transaction& tx, const std::string& nomination, int64_t generation);
// Puts an entry off until `due_us` after a failure, counting the attempt.
absl::Status PostponeEntry(Transaction& tx, const std::string& nomination, int64_t due_us);

// ---- The count of registry changes applied, which the worker compares before and after
// gathering facts.
absl::Status CountRegistryChange(Transaction& tx);
absl::StatusOr<int64_t> RegistryChanges(Transaction& tx);

// ---- Evaluations.
absl::StatusOr<std::optional<v1::Evaluation>> LatestEvaluation(Transaction& tx, const std::string& nomination);
// What recording the next version needs of the latest one, read without the evaluation itself
// (parsing ~4 KB of outcomes to learn three fields).
struct VersionHead {
  int64_t version = 0;
  v1::Verdict verdict = v1::VERDICT_UNSPECIFIED;
  std::string input_digest;
};
absl::StatusOr<std::optional<VersionHead>> LatestVersionHead(Transaction& tx, const std::string& nomination);
absl::StatusOr<std::optional<v1::Evaluation>> GetEvaluationVersion(Transaction& tx,
                                                                   const std::string& nomination,
                                                                   int64_t version);
// Stores `evaluation` as the nomination's next version (setting name, version and create_time
// on it), marks it latest, and replaces what the nomination's latest version read and the
// standings it saw: NumberEvaluation, then InsertNumberedEvaluation.
absl::Status InsertEvaluation(Transaction& tx, v1::Evaluation& evaluation, const std::set<std::string>& reads,
                              const std::vector<BlockStanding>& standings);
// Makes `evaluation` the nomination's version `version`: sets its version, name and
// create_time. The next version is the latest one's plus one (1 for the first), as the worker
// knows from the latest it read in the same transaction.
void NumberEvaluation(v1::Evaluation& evaluation, int64_t version);
// Stores a numbered `evaluation` whose serialized form is `bytes` (the worker has them already,
// inside its EvaluationRecorded event's bytes), as InsertEvaluation says. A first version has
// no earlier one to unmark and nothing read or seen before it to replace, so it writes its
// rows only.
absl::Status InsertNumberedEvaluation(Transaction& tx, const v1::Evaluation& evaluation, absl::string_view bytes,
                                      const std::set<std::string>& reads,
                                      const std::vector<BlockStanding>& standings);

// ---- Facts kept here: reviews and dependencies.
// The latest review of each criterion of `nomination`.
absl::StatusOr<std::map<std::string, v1::AttestationReview>> LatestReviews(Transaction& tx,
                                                                          const std::string& nomination);
absl::StatusOr<std::optional<v1::AttestationReview>> GetReview(Transaction& tx, const std::string& name);
absl::Status InsertReview(Transaction& tx, const v1::AttestationReview& review);
// The best active nomination of `unit` under `plan` in one of `categories` (a QUALIFIED one
// first, then one still pending, then the others; ties by name), with its latest evaluation.
absl::StatusOr<std::optional<DependencyState>> FindDependency(Transaction& tx, const std::string& plan,
                                                              const std::string& unit,
                                                              const std::set<int>& categories);

}  // namespace dienhinh::evaluation

#endif  // DIENHINH_SERVICES_EVALUATION_EVALUATION_STORE_H_
