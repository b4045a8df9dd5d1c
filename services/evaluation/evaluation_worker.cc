#include "services/evaluation/evaluation_worker.h"

#include <algorithm>
#include <future>
#include <map>
#include <set>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "services/evaluation/criteria_engine.h"
#include "services/platform/log/json_log.h"
#include "services/platform/wire/wire_bytes.h"

namespace dienhinh::evaluation {

using platform::RunInTransaction;
using platform::TxMode;

// One nomination being evaluated.
struct EvaluationWorker::Work {
  QueueEntry entry;
  bool from_queue = true;
  intake::v1::Nomination nomination;
  std::string nomination_bytes;  // as stored when read: recording checks it is still the same
  const v1::Plan* plan = nullptr;
  EvaluationFacts facts;     // the registry's part, then reviews and dependencies (ReadOwnFacts)
  FactRequest requested;     // every registry name asked for (found or not)
  // The engine's verdict, worked out before the write transaction from a read snapshot; the
  // transaction uses it if the reviews and dependencies it reads are still the ones it was
  // made from, and evaluates again otherwise (or when there is none).
  std::optional<absl::StatusOr<v1::Evaluation>> prepared;
  int64_t registry_changes = 0;
  absl::Status failed;       // set when its facts could not be gathered
  absl::Status outcome;      // how gathering, then recording, went (Settle)
};

namespace {

// The categories the plan's dependency criteria (L4) look for.
std::set<int> DependencyCategories(const v1::Plan& plan) {
  std::set<int> out;
  for (const auto& c : plan.criteria()) {
    if (c.kind() != v1::Criterion::KIND_DEPENDENCY) continue;
    for (int category : c.dependency().categories()) out.insert(category);
  }
  return out;
}

// Gives `facts` the resources of `names` found in `pool`. The last nomination of the batch to
// need one (`uses` counts them down) takes it; the others get copies. Copying every fact was
// ~3 % of evaluation's CPU on a backlog, and most facts (a person and their records) belong to
// one nomination.
template <typename Resource>
void HandOut(const std::set<std::string>& names, std::map<std::string, Resource>& pool,
             std::map<std::string, Resource>& facts, absl::flat_hash_map<std::string, int>& uses) {
  for (const std::string& name : names) {
    auto it = pool.find(name);
    if (it == pool.end()) continue;
    if (--uses[name] == 0) {
      facts[name] = std::move(it->second);
    } else {
      facts[name] = it->second;
    }
  }
}

bool Transient(const absl::Status& s) {
  switch (s.code()) {
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kDeadlineExceeded:
    case absl::StatusCode::kAborted:
    case absl::StatusCode::kResourceExhausted:
    case absl::StatusCode::kInternal:
    case absl::StatusCode::kUnknown:
      return true;
    default:
      return false;
  }
}

}  // namespace

EvaluationWorker::EvaluationWorker(platform::Database* db, platform::EventLog* events,
                                   const platform::PlanCatalog* plans, RegistryFacts* registry, Options options)
    : db_(db), events_(events), plans_(plans), registry_(registry), options_(options) {
  for (const v1::Plan* plan : plans_->plans()) {
    for (const auto& category : plan->categories()) {
      digest_starts_.emplace(std::make_pair(plan->name(), static_cast<int>(category.category())),
                             DigestStart(*plan, category.category()));
    }
  }
}

absl::StatusOr<v1::Evaluation> EvaluationWorker::EvaluateWork(const Work& work) const {
  auto it = digest_starts_.find({work.plan->name(), work.nomination.category()});
  return Evaluate(*work.plan, work.nomination, work.facts, it != digest_starts_.end() ? &it->second : nullptr);
}

EvaluationWorker::~EvaluationWorker() { Stop(); }

void EvaluationWorker::Start() {
  // A plan file whose catalog changed since the last run: its evaluations are made again, as new
  // versions, under the catalog now in force.
  std::map<std::string, std::string> catalogs;
  for (const v1::Plan* plan : plans_->plans()) catalogs[plan->name()] = plan->catalog_version();
  int stale = 0;
  absl::Status queued = RunInTransaction(*db_, TxMode::kWrite, [&](Transaction& tx) -> absl::Status {
    auto n = EnqueueStaleCatalogs(tx, catalogs);
    if (!n.ok()) return n.status();
    stale = *n;
    return absl::OkStatus();
  });
  if (!queued.ok()) {
    platform::LogWarning("cannot queue evaluations of a changed catalog", {{"error", queued.ToString()}});
  } else if (stale > 0) {
    platform::LogInfo("catalog changed; evaluating again", {{"nominations", static_cast<int64_t>(stale)}});
  }
  absl::MutexLock lock(&mutex_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { Loop(); });
}

void EvaluationWorker::Stop() {
  {
    absl::MutexLock lock(&mutex_);
    stopping_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

void EvaluationWorker::Wake() {
  absl::MutexLock lock(&mutex_);
  woken_ = true;
}

void EvaluationWorker::Loop() {
  while (true) {
    {
      absl::MutexLock lock(&mutex_);
      auto ready = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_) { return stopping_ || woken_; };
      mutex_.AwaitWithTimeout(absl::Condition(&ready), options_.poll_interval);
      if (stopping_) return;
      woken_ = false;
    }
    std::vector<Work> current = Take({});
    if (current.empty()) continue;
    // Evaluated in the write transaction: ahead of it would only read the reviews and
    // dependencies twice, with nothing to run beside.
    Prepare(current, /*evaluate=*/false);
    // While there are full batches, the next one is taken, gathered and evaluated on a second
    // thread while this one records the current one, so the registry's answers and the criteria
    // run beside the single writer instead of before it. The next batch leaves out the current
    // one's nominations: they are still queued until recorded.
    while (true) {
      std::future<std::vector<Work>> next;
      if (current.size() >= static_cast<size_t>(options_.batch_size)) {
        std::set<std::string> taken;
        for (const Work& w : current) taken.insert(w.entry.nomination);
        next = std::async(std::launch::async, [this, taken = std::move(taken)] {
          std::vector<Work> work = Take(taken);
          Prepare(work, /*evaluate=*/true);
          return work;
        });
      }
      Settle(current);
      if (!next.valid()) break;
      current = next.get();
      if (current.empty()) break;
      absl::MutexLock lock(&mutex_);
      if (stopping_) return;
    }
  }
}

absl::Status EvaluationWorker::Gather(std::vector<Work>& work) {
  for (int round = 0; round < 4; ++round) {
    FactRequest wanted;
    std::vector<FactRequest> needs(work.size());
    for (size_t i = 0; i < work.size(); ++i) {
      if (!work[i].failed.ok()) continue;
      needs[i] = FactsNeeded(*work[i].plan, work[i].nomination, work[i].facts).Minus(work[i].requested);
      needs[i].dependency_units.clear();  // those are ours, read when recording
      wanted.Merge(needs[i]);
    }
    if (wanted.empty()) return absl::OkStatus();
    EvaluationFacts pool;
    if (absl::Status s = registry_->Fetch(wanted, pool); !s.ok()) return s;
    absl::flat_hash_map<std::string, int> uses;
    for (size_t i = 0; i < work.size(); ++i) {
      if (!work[i].failed.ok()) continue;
      for (const auto* names : {&needs[i].units, &needs[i].persons, &needs[i].unit_records,
                                &needs[i].person_records}) {
        for (const std::string& name : *names) ++uses[name];
      }
    }
    for (size_t i = 0; i < work.size(); ++i) {
      if (!work[i].failed.ok()) continue;
      EvaluationFacts& facts = work[i].facts;
      HandOut(needs[i].units, pool.units, facts.units, uses);
      HandOut(needs[i].persons, pool.persons, facts.persons, uses);
      HandOut(needs[i].unit_records, pool.unit_records, facts.unit_records, uses);
      HandOut(needs[i].person_records, pool.person_records, facts.person_records, uses);
      work[i].requested.Merge(needs[i]);
    }
  }
  return absl::OkStatus();
}

namespace {

void LogRecorded(const v1::Evaluation& recorded) {
  platform::LogInfo("evaluation recorded",
                    {{"evaluation", recorded.name()},
                     {"verdict", v1::Verdict_Name(recorded.verdict())},
                     {"trigger", v1::EvaluationTrigger::Kind_Name(recorded.trigger().kind())}});
}

}  // namespace

absl::StatusOr<EvaluationWorker::OwnFacts> EvaluationWorker::ReadOwnFacts(Transaction& tx,
                                                                          Work& work) {
  OwnFacts out;
  // What is read here is replaced whole on each read, so a batch recorded again one by one, or
  // an item prepared from a snapshot and then recorded, reads it afresh.
  EvaluationFacts& facts = work.facts;
  auto reviews = LatestReviews(tx, work.nomination.name());
  if (!reviews.ok()) return reviews.status();
  // Reviews are never changed once made, so their names say whether they are the same ones.
  auto same_review = [](const auto& a, const auto& b) {
    return a.first == b.first && a.second.name() == b.second.name();
  };
  out.changed = !std::equal(reviews->begin(), reviews->end(), facts.reviews.begin(),
                            facts.reviews.end(), same_review);
  facts.reviews = std::move(*reviews);
  std::map<std::string, DependencyState> dependencies;
  out.reads = work.requested.RegistryNames();
  std::set<int> categories = DependencyCategories(*work.plan);
  for (const std::string& unit : FactsNeeded(*work.plan, work.nomination, facts).dependency_units) {
    out.reads.insert(DependencyReadKey(work.plan->name(), unit));
    auto dependency = FindDependency(tx, work.plan->name(), unit, categories);
    if (!dependency.ok()) return dependency.status();
    if (*dependency) dependencies[unit] = **dependency;
  }
  auto same_dependency = [](const auto& a, const auto& b) {
    return a.first == b.first && a.second.nomination == b.second.nomination &&
           a.second.evaluation == b.second.evaluation && a.second.verdict == b.second.verdict;
  };
  out.changed = out.changed || !std::equal(dependencies.begin(), dependencies.end(),
                                           facts.dependencies.begin(), facts.dependencies.end(),
                                           same_dependency);
  facts.dependencies = std::move(dependencies);
  return out;
}

absl::Status EvaluationWorker::RecordIn(Transaction& tx, Work& work, bool force, const Within& within,
                                        Recorded& out) {
  out = Recorded();
  auto stored = GetNominationBytes(tx, work.nomination.name());
  if (!stored.ok()) return stored.status();
  // The nomination changed while its facts were gathered: its entry has a new generation and
  // runs again with facts for what it is now. (The stored bytes are compared: a parse and two
  // serializations per nomination were ~5% of the service's CPU while it worked a backlog.)
  if (!*stored || **stored != work.nomination_bytes) {
    if (!work.from_queue) return absl::AbortedError("the nomination changed while it was being evaluated");
    return absl::OkStatus();
  }
  if (work.nomination.state() != intake::v1::Nomination::STATE_SUBMITTED) {
    if (!work.from_queue) {
      return absl::FailedPreconditionError(absl::StrCat(work.nomination.name(), " is not submitted"));
    }
    return FinishEntry(tx, work.entry.nomination, work.entry.generation).status();
  }
  auto own = ReadOwnFacts(tx, work);
  if (!own.ok()) return own.status();
  const std::set<std::string>& reads = own->reads;
  absl::StatusOr<v1::Evaluation> evaluation = work.prepared && !own->changed
                                                  ? std::move(*work.prepared)
                                                  : EvaluateWork(work);
  // Used up either way: recorded again (a batch retried one by one), it is evaluated afresh.
  work.prepared.reset();
  if (!evaluation.ok()) {
    // A nomination the plan cannot judge (another plan's category, no school year): nothing
    // will change that but a new nomination event, which queues it again.
    platform::LogWarning("cannot evaluate nomination", {{"nomination", work.nomination.name()},
                                                        {"error", evaluation.status().ToString()}});
    if (!work.from_queue) return evaluation.status();
    return FinishEntry(tx, work.entry.nomination, work.entry.generation).status();
  }
  auto latest = LatestVersionHead(tx, work.nomination.name());
  if (!latest.ok()) return latest.status();
  if (force || !*latest || (*latest)->input_digest != evaluation->input_digest()) {
    *evaluation->mutable_trigger() = work.entry.trigger;
    std::vector<BlockStanding> standings;
    if (IsCollective(work.nomination)) {
      for (int year : NominationYears(work.nomination)) {
        auto record = work.facts.unit_records.find(UnitRecordName(work.nomination.nominee(), year));
        if (record == work.facts.unit_records.end() || !record->second.has_block_standing()) continue;
        const auto& s = record->second.block_standing();
        if (s.group().empty()) continue;
        standings.push_back({year, s.group(), s.rank(), s.group_size()});
      }
    }
    NumberEvaluation(*evaluation, *latest ? (*latest)->version + 1 : 1);
    // The evaluation is moved into its event, which the log shares, never copied (three deep
    // copies of every outcome and figure were ~14% of the worker thread's time).
    platform::Event event;
    auto* payload = event.mutable_evaluation_recorded();
    *payload->mutable_evaluation() = std::move(*evaluation);
    payload->set_previous_verdict(*latest ? (*latest)->verdict : v1::VERDICT_UNSPECIFIED);
    event.set_actor(work.entry.trigger.actor());
    std::string stored;
    auto appended = events_->Append(tx, std::move(event), &stored);
    if (!appended.ok()) return appended.status();
    out.event = *std::move(appended);
    // The version's row keeps the evaluation's bytes as its event carries them: serializing
    // ~4 KB of outcomes in two languages a second time (and checking all its text is UTF-8
    // again) was ~3 % of the service's CPU on a backlog.
    const v1::Evaluation& recorded = *out.evaluation();
    const std::optional<absl::string_view> bytes = platform::EmbeddedMessageBytes(
        stored, {platform::Event::kEvaluationRecordedFieldNumber,
                 events::v1::EvaluationRecorded::kEvaluationFieldNumber});
    if (absl::Status s = InsertNumberedEvaluation(tx, recorded, bytes ? *bytes : recorded.SerializeAsString(),
                                                  reads, standings);
        !s.ok()) {
      return s;
    }
    // Leaders whose L4 waits on this unit follow its new version.
    if (IsCollective(work.nomination)) {
      v1::EvaluationTrigger dependent;
      dependent.set_kind(v1::EvaluationTrigger::KIND_DEPENDENCY_CHANGED);
      dependent.set_resource(out.evaluation()->name());
      auto queued = EnqueueReaders(tx, DependencyReadKey(work.plan->name(), work.nomination.nominee()), dependent);
      if (!queued.ok()) return queued.status();
      out.queued_dependents = *queued > 0;
    }
  }
  if (within) {
    const v1::Evaluation* recorded = out.evaluation();
    std::optional<v1::Evaluation> unchanged;  // the latest version, when none was made here
    if (recorded == nullptr) {
      auto read = LatestEvaluation(tx, work.nomination.name());
      if (!read.ok()) return read.status();
      unchanged = std::move(*read);
    }
    const v1::Evaluation& current =
        recorded ? *recorded : (unchanged ? *unchanged : v1::Evaluation::default_instance());
    if (absl::Status s = within(tx, current); !s.ok()) return s;
  }
  if (!work.from_queue) return absl::OkStatus();
  auto changes = RegistryChanges(tx);
  if (!changes.ok()) return changes.status();
  if (*changes != work.registry_changes) {
    // A registry change was applied while the facts were gathered; it may concern a record
    // this evaluation did not yet know it reads. Run again with fresh facts, and say that a
    // record change is why (which record is not known here: only that one changed) — unless
    // something was queued for this nomination meanwhile (a review, an update): that run
    // gathers fresh facts anyway, and its own trigger is the truer reason for it.
    auto finished = FinishEntry(tx, work.entry.nomination, work.entry.generation);
    if (!finished.ok()) return finished.status();
    if (!*finished) return absl::OkStatus();
    v1::EvaluationTrigger again;
    again.set_kind(v1::EvaluationTrigger::KIND_RECORD_CHANGED);
    again.set_reason("a registry change was applied while the previous evaluation gathered its facts");
    return Enqueue(tx, work.entry.nomination, again);
  }
  return FinishEntry(tx, work.entry.nomination, work.entry.generation).status();
}

void EvaluationWorker::AfterCommit(bool recorded, bool queued_dependents) {
  if (recorded) events_->Notify();
  if (queued_dependents) Wake();
}

absl::StatusOr<std::optional<v1::Evaluation>> EvaluationWorker::Record(Work& work, bool force,
                                                                       const Within& within) {
  Recorded recorded;
  absl::Status status = RunInTransaction(*db_, TxMode::kWrite, [&](Transaction& tx) {
    return RecordIn(tx, work, force, within, recorded);
  });
  if (!status.ok()) return status;
  AfterCommit(recorded.event != nullptr, recorded.queued_dependents);
  if (recorded.event == nullptr) return std::optional<v1::Evaluation>();
  return std::optional<v1::Evaluation>(*recorded.evaluation());
}

void EvaluationWorker::RecordBatch(const std::vector<Work*>& batch) {
  size_t next = 0;
  while (next < batch.size()) {
    size_t end = next;  // after the body: one past the last item recorded, or the failing one
    std::vector<Recorded> recorded;
    absl::Status committed = RunInTransaction(*db_, TxMode::kWrite, [&](Transaction& tx) {
      end = next;
      recorded.clear();
      absl::Time close_at = absl::Now() + options_.record_batch_time;
      while (end < batch.size()) {
        recorded.emplace_back();
        if (absl::Status s = RecordIn(tx, *batch[end], /*force=*/false, nullptr, recorded.back()); !s.ok()) {
          return s;
        }
        ++end;
        if (absl::Now() >= close_at) break;
      }
      return absl::OkStatus();
    });
    if (committed.ok()) {
      bool any_recorded = false, any_dependents = false;
      for (size_t i = next; i < end; ++i) {
        const Recorded& r = recorded[i - next];
        batch[i]->outcome = absl::OkStatus();
        if (r.event) LogRecorded(*r.evaluation());
        any_recorded = any_recorded || r.event != nullptr;
        any_dependents = any_dependents || r.queued_dependents;
      }
      AfterCommit(any_recorded, any_dependents);
      next = end;
      continue;
    }
    // Rolled back, nothing of it recorded. The items up to the failing one (or, when the commit
    // failed, the whole transaction's) are recorded again one per transaction, so a failure
    // belongs to its own item, which RunOnce then puts off or drops alone.
    size_t through = std::min(end + 1, batch.size());
    platform::LogWarning("evaluation batch not recorded; recording one by one",
                         {{"nominations", static_cast<int64_t>(through - next)}, {"error", committed.ToString()}});
    for (; next < through; ++next) {
      auto r = Record(*batch[next], /*force=*/false, nullptr);
      batch[next]->outcome = r.status();
      if (r.ok() && *r) LogRecorded(**r);
    }
  }
}

std::vector<EvaluationWorker::Work> EvaluationWorker::Take(const std::set<std::string>& skip) {
  std::vector<Work> work;
  work.reserve(options_.batch_size);  // a Work is large: moved on every growth
  auto tx = db_->Begin(TxMode::kRead);
  if (!tx.ok()) {
    platform::LogWarning("evaluation queue unreadable", {{"error", tx.status().ToString()}});
    return work;
  }
  auto entries =
      DueEntries(**tx, absl::ToUnixMicros(absl::Now()), options_.batch_size + static_cast<int>(skip.size()));
  auto changes = RegistryChanges(**tx);
  if (!entries.ok() || !changes.ok()) {
    platform::LogWarning("evaluation queue unreadable",
                         {{"error", (!entries.ok() ? entries.status() : changes.status()).ToString()}});
    return work;
  }
  for (QueueEntry& entry : *entries) {
    if (skip.count(entry.nomination) > 0) continue;
    if (work.size() >= static_cast<size_t>(options_.batch_size)) break;
    Work w;
    w.entry = std::move(entry);
    w.registry_changes = *changes;
    auto nomination = GetNominationBytes(**tx, w.entry.nomination);
    if (!nomination.ok()) {
      w.failed = nomination.status();
    } else if (!*nomination) {
      w.failed = absl::NotFoundError(absl::StrCat(w.entry.nomination, " is not known"));
    } else if (!w.nomination.ParseFromString(**nomination)) {
      w.failed = absl::DataLossError("a stored nomination does not parse");
    } else {
      w.nomination_bytes = std::move(**nomination);
      w.plan = plans_->Find(w.nomination.plan());
      if (w.plan == nullptr) {
        // Kept and retried, not dropped: adding the plan file (and restarting) makes it evaluable.
        w.failed = absl::UnavailableError(absl::StrCat(w.nomination.plan(), " is not a plan of this service"));
      }
    }
    work.push_back(std::move(w));
  }
  return work;
}

void EvaluationWorker::Prepare(std::vector<Work>& work, bool evaluate) {
  absl::Status gathered = Gather(work);
  for (Work& w : work) w.outcome = w.failed.ok() ? gathered : w.failed;
  if (!gathered.ok() || !evaluate) return;
  // Evaluated from a read snapshot, so the write transaction that records them has only to
  // check and store. Without a snapshot they are evaluated there instead.
  auto tx = db_->Begin(TxMode::kRead);
  if (!tx.ok()) return;
  for (Work& w : work) {
    if (!w.outcome.ok() || w.nomination.state() != intake::v1::Nomination::STATE_SUBMITTED) continue;
    if (!ReadOwnFacts(**tx, w).ok()) continue;
    w.prepared = EvaluateWork(w);
  }
}

void EvaluationWorker::Settle(std::vector<Work>& work) {
  std::vector<Work*> ready;
  for (Work& w : work) {
    if (w.outcome.ok()) ready.push_back(&w);
  }
  RecordBatch(ready);
  for (Work& w : work) {
    const absl::Status& outcome = w.outcome;
    if (outcome.ok()) continue;
    absl::Status handled = RunInTransaction(*db_, TxMode::kWrite, [&](Transaction& tx) -> absl::Status {
      if (Transient(outcome)) {
        absl::Duration backoff =
            std::min(options_.max_backoff, options_.min_backoff * (int64_t{1} << std::min(w.entry.attempts, 16)));
        return PostponeEntry(tx, w.entry.nomination, absl::ToUnixMicros(absl::Now() + backoff));
      }
      return FinishEntry(tx, w.entry.nomination, w.entry.generation).status();
    });
    (Transient(outcome) ? platform::LogWarning : platform::LogError)(
        Transient(outcome) ? "evaluation put off" : "evaluation dropped",
        {{"nomination", w.entry.nomination}, {"error", outcome.ToString()},
         {"attempts", static_cast<int64_t>(w.entry.attempts)},
         {"queue", handled.ok() ? std::string("updated") : handled.ToString()}});
  }
}

int EvaluationWorker::RunOnce() {
  std::vector<Work> work = Take({});
  if (work.empty()) return 0;
  Prepare(work, /*evaluate=*/true);
  Settle(work);
  return static_cast<int>(work.size());
}

absl::StatusOr<v1::Evaluation> EvaluationWorker::EvaluateNow(const std::string& nomination,
                                                             const v1::EvaluationTrigger& trigger,
                                                             const Within& within) {
  std::vector<Work> work(1);
  Work& w = work[0];
  w.from_queue = false;
  w.entry.nomination = nomination;
  w.entry.trigger = trigger;
  {
    auto tx = db_->Begin(TxMode::kRead);
    if (!tx.ok()) return tx.status();
    auto stored = GetNominationBytes(**tx, nomination);
    if (!stored.ok()) return stored.status();
    if (!*stored) return absl::NotFoundError(absl::StrCat(nomination, " is not known to evaluation"));
    if (!w.nomination.ParseFromString(**stored)) return absl::DataLossError("a stored nomination does not parse");
    w.nomination_bytes = std::move(**stored);
  }
  if (w.nomination.state() != intake::v1::Nomination::STATE_SUBMITTED) {
    return absl::FailedPreconditionError(absl::StrCat(nomination, " is not submitted"));
  }
  w.plan = plans_->Find(w.nomination.plan());
  if (w.plan == nullptr) {
    return absl::FailedPreconditionError(absl::StrCat(w.nomination.plan(), " is not a plan of this service"));
  }
  if (absl::Status s = Gather(work); !s.ok()) return s;
  auto recorded = Record(w, /*force=*/true, within);
  if (!recorded.ok()) return recorded.status();
  return **recorded;
}

}  // namespace dienhinh::evaluation
