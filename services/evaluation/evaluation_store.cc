#include "services/evaluation/evaluation_store.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "services/platform/text/vietnamese_text.h"

namespace dienhinh::evaluation {
namespace {

using platform::SqlParam;
using platform::SqlRow;

template <typename Message>
absl::StatusOr<Message> Parse(const std::string& bytes, absl::string_view what) {
  Message message;
  if (!message.ParseFromString(bytes)) {
    return absl::DataLossError(absl::StrCat("a stored ", what, " does not parse"));
  }
  return message;
}

SqlParam Blob(const google::protobuf::Message& message) {
  return SqlParam::Blob(message.SerializeAsString());
}

void SetNow(google::protobuf::Timestamp* t) {
  int64_t us = absl::ToUnixMicros(absl::Now());
  t->set_seconds(us / 1000000);
  t->set_nanos(static_cast<int32_t>(us % 1000000) * 1000);
}

int64_t Micros(const google::protobuf::Timestamp& t) {
  return t.seconds() * 1000000 + t.nanos() / 1000;
}

// Preference among a unit's nominations for L4: a qualified one, then one not decided yet.
int Preference(v1::Verdict verdict) {
  switch (verdict) {
    case v1::VERDICT_QUALIFIED:
      return 0;
    case v1::VERDICT_PENDING:
    case v1::VERDICT_UNSPECIFIED:
      return 1;
    default:
      return 2;
  }
}

}  // namespace

std::string DependencyReadKey(const std::string& plan, const std::string& unit) {
  return absl::StrCat("dependency:", plan, ":", unit);
}

absl::Status PutNomination(Transaction& tx, const intake::v1::Nomination& n) {
  // One statement, so the nomination is serialized once (an UPDATE that found no row followed
  // by an INSERT serialized it twice: ~4 % of the service's CPU on a backlog of new ones).
  return tx
      .Execute("INSERT INTO eval_nominations (name, plan, category, nominee, nominating_unit, state, nomination) "
               "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET plan = excluded.plan, "
               "category = excluded.category, nominee = excluded.nominee, "
               "nominating_unit = excluded.nominating_unit, state = excluded.state, "
               "nomination = excluded.nomination",
               {SqlParam(n.name()), SqlParam(n.plan()), SqlParam(static_cast<int>(n.category())),
                SqlParam(n.nominee()), SqlParam(n.nominating_unit()), SqlParam(static_cast<int>(n.state())),
                Blob(n)})
      .status();
}

absl::StatusOr<std::optional<std::string>> GetNominationBytes(Transaction& tx, const std::string& name) {
  auto rows = tx.Query("SELECT nomination FROM eval_nominations WHERE name = ?", {SqlParam(name)});
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return std::nullopt;
  return std::optional<std::string>((*rows)[0].Blob(0));
}

absl::StatusOr<std::optional<intake::v1::Nomination>> GetNomination(Transaction& tx, const std::string& name) {
  auto bytes = GetNominationBytes(tx, name);
  if (!bytes.ok()) return bytes.status();
  if (!*bytes) return std::nullopt;
  auto n = Parse<intake::v1::Nomination>(**bytes, "nomination");
  if (!n.ok()) return n.status();
  return std::optional<intake::v1::Nomination>(std::move(*n));
}

absl::Status Enqueue(Transaction& tx, const std::string& nomination, const v1::EvaluationTrigger& trigger) {
  return tx
      .Execute("INSERT INTO evaluation_queue (nomination, generation, trigger_event, due_us, attempts) "
               "VALUES (?, 1, ?, ?, 0) ON CONFLICT (nomination) DO UPDATE SET "
               "generation = evaluation_queue.generation + 1, trigger_event = excluded.trigger_event, "
               "due_us = excluded.due_us, attempts = 0",
               {SqlParam(nomination), Blob(trigger), SqlParam(absl::ToUnixMicros(absl::Now()))})
      .status();
}

absl::StatusOr<int> EnqueueReaders(Transaction& tx, const std::string& resource,
                                   const v1::EvaluationTrigger& trigger) {
  auto rows = tx.Query(
      "SELECT r.nomination FROM evaluation_reads r JOIN eval_nominations n ON n.name = r.nomination "
      "WHERE r.resource = ? AND n.state = ? ORDER BY r.nomination",
      {SqlParam(resource), SqlParam(static_cast<int>(intake::v1::Nomination::STATE_SUBMITTED))});
  if (!rows.ok()) return rows.status();
  for (const SqlRow& row : *rows) {
    if (absl::Status s = Enqueue(tx, row.Text(0), trigger); !s.ok()) return s;
  }
  return static_cast<int>(rows->size());
}

absl::StatusOr<int> EnqueueStaleCatalogs(Transaction& tx, const std::map<std::string, std::string>& catalogs) {
  auto rows = tx.Query(
      "SELECT e.nomination, e.plan, e.catalog_version FROM evaluations e "
      "JOIN eval_nominations n ON n.name = e.nomination WHERE e.latest = 1 AND n.state = ? ORDER BY e.nomination",
      {SqlParam(static_cast<int>(intake::v1::Nomination::STATE_SUBMITTED))});
  if (!rows.ok()) return rows.status();
  int queued = 0;
  for (const SqlRow& row : *rows) {
    auto catalog = catalogs.find(row.Text(1));
    if (catalog == catalogs.end() || catalog->second == row.Text(2)) continue;
    v1::EvaluationTrigger trigger;
    trigger.set_kind(v1::EvaluationTrigger::KIND_CATALOG_CHANGED);
    trigger.set_resource(row.Text(1));
    trigger.set_reason(absl::StrCat("catalog ", row.Text(2), " -> ", catalog->second));
    if (absl::Status s = Enqueue(tx, row.Text(0), trigger); !s.ok()) return s;
    ++queued;
  }
  return queued;
}

absl::Status Dequeue(Transaction& tx, const std::string& nomination) {
  return tx.Execute("DELETE FROM evaluation_queue WHERE nomination = ?", {SqlParam(nomination)}).status();
}

absl::StatusOr<std::vector<QueueEntry>> DueEntries(Transaction& tx, int64_t now_us, int limit) {
  auto rows = tx.Query(
      "SELECT nomination, generation, trigger_event, attempts FROM evaluation_queue WHERE due_us <= ? "
      "ORDER BY due_us, nomination LIMIT ?",
      {SqlParam(now_us), SqlParam(limit)});
  if (!rows.ok()) return rows.status();
  std::vector<QueueEntry> out;
  for (const SqlRow& row : *rows) {
    QueueEntry e;
    e.nomination = row.Text(0);
    e.generation = row.Int(1);
    auto trigger = Parse<v1::EvaluationTrigger>(row.Blob(2), "evaluation trigger");
    if (!trigger.ok()) return trigger.status();
    e.trigger = std::move(*trigger);
    e.attempts = static_cast<int>(row.Int(3));
    out.push_back(std::move(e));
  }
  return out;
}

absl::StatusOr<bool> FinishEntry(Transaction& tx, const std::string& nomination, int64_t generation) {
  auto removed = tx.Execute("DELETE FROM evaluation_queue WHERE nomination = ? AND generation = ?",
                            {SqlParam(nomination), SqlParam(generation)});
  if (!removed.ok()) return removed.status();
  return *removed > 0;
}

absl::Status PostponeEntry(Transaction& tx, const std::string& nomination, int64_t due_us) {
  return tx
      .Execute("UPDATE evaluation_queue SET due_us = ?, attempts = attempts + 1 WHERE nomination = ?",
               {SqlParam(due_us), SqlParam(nomination)})
      .status();
}

absl::Status CountRegistryChange(Transaction& tx) {
  auto changed = tx.Execute("UPDATE evaluation_counters SET value = value + 1 WHERE counter = ?",
                            {SqlParam("registry_changes")});
  if (!changed.ok()) return changed.status();
  if (*changed > 0) return absl::OkStatus();
  return tx
      .Execute("INSERT INTO evaluation_counters (counter, value) VALUES (?, 1)", {SqlParam("registry_changes")})
      .status();
}

absl::StatusOr<int64_t> RegistryChanges(Transaction& tx) {
  auto rows = tx.Query("SELECT value FROM evaluation_counters WHERE counter = ?", {SqlParam("registry_changes")});
  if (!rows.ok()) return rows.status();
  return rows->empty() ? 0 : (*rows)[0].Int(0);
}

absl::StatusOr<std::optional<v1::Evaluation>> LatestEvaluation(Transaction& tx, const std::string& nomination) {
  auto rows = tx.Query("SELECT evaluation FROM evaluations WHERE nomination = ? AND latest = 1",
                       {SqlParam(nomination)});
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return std::nullopt;
  auto e = Parse<v1::Evaluation>((*rows)[0].Blob(0), "evaluation");
  if (!e.ok()) return e.status();
  return std::optional<v1::Evaluation>(std::move(*e));
}

absl::StatusOr<std::optional<VersionHead>> LatestVersionHead(Transaction& tx, const std::string& nomination) {
  auto rows = tx.Query("SELECT version, verdict, input_digest FROM evaluations WHERE nomination = ? AND latest = 1",
                       {SqlParam(nomination)});
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return std::nullopt;
  const SqlRow& row = (*rows)[0];
  return std::optional<VersionHead>(
      VersionHead{row.Int(0), static_cast<v1::Verdict>(row.Int(1)), row.Text(2)});
}

absl::StatusOr<std::optional<v1::Evaluation>> GetEvaluationVersion(Transaction& tx, const std::string& nomination,
                                                                   int64_t version) {
  auto rows = tx.Query("SELECT evaluation FROM evaluations WHERE nomination = ? AND version = ?",
                       {SqlParam(nomination), SqlParam(version)});
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return std::nullopt;
  auto e = Parse<v1::Evaluation>((*rows)[0].Blob(0), "evaluation");
  if (!e.ok()) return e.status();
  return std::optional<v1::Evaluation>(std::move(*e));
}

absl::Status InsertEvaluation(Transaction& tx, v1::Evaluation& evaluation, const std::set<std::string>& reads,
                              const std::vector<BlockStanding>& standings) {
  auto rows = tx.Query("SELECT COALESCE(MAX(version), 0) FROM evaluations WHERE nomination = ?",
                       {SqlParam(evaluation.nomination())});
  if (!rows.ok()) return rows.status();
  NumberEvaluation(evaluation, (rows->empty() ? 0 : (*rows)[0].Int(0)) + 1);
  return InsertNumberedEvaluation(tx, evaluation, evaluation.SerializeAsString(), reads, standings);
}

void NumberEvaluation(v1::Evaluation& evaluation, int64_t version) {
  evaluation.set_version(version);
  evaluation.set_name(absl::StrCat(evaluation.nomination(), "/evaluations/", version));
  SetNow(evaluation.mutable_create_time());
}

absl::Status InsertNumberedEvaluation(Transaction& tx, const v1::Evaluation& evaluation, absl::string_view bytes,
                                      const std::set<std::string>& reads,
                                      const std::vector<BlockStanding>& standings) {
  const std::string& nomination = evaluation.nomination();
  const int64_t version = evaluation.version();
  int first_year = 0, last_year = 0;
  for (const auto& y : evaluation.school_years()) {
    if (first_year == 0 || y.start_year() < first_year) first_year = y.start_year();
    last_year = std::max(last_year, y.start_year());
  }
  // Versions, what they read and the standings they saw are written here only, so before a
  // first version there are none (three statements saved per new nomination on a backlog).
  const bool first = version == 1;
  if (!first) {
    auto s = tx.Execute("UPDATE evaluations SET latest = 0 WHERE nomination = ? AND latest = 1",
                        {SqlParam(nomination)});
    if (!s.ok()) return s.status();
  }
  auto inserted = tx.Execute(
      "INSERT INTO evaluations (nomination, version, plan, verdict, category, nominee, nominating_unit, district, "
      "first_year, last_year, catalog_version, input_digest, create_time_us, latest, display_key, evaluation) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)",
      {SqlParam(nomination), SqlParam(version), SqlParam(evaluation.plan()),
       SqlParam(static_cast<int>(evaluation.verdict())), SqlParam(static_cast<int>(evaluation.category())),
       SqlParam(evaluation.nominee()), SqlParam(evaluation.nominating_unit()), SqlParam(evaluation.district()),
       SqlParam(first_year), SqlParam(last_year), SqlParam(evaluation.catalog_version()),
       SqlParam(evaluation.input_digest()), SqlParam(Micros(evaluation.create_time())),
       SqlParam(platform::CollationKey(evaluation.nominee_display_name())), SqlParam::Blob(std::string_view(bytes.data(), bytes.size()))});
  if (!inserted.ok()) return inserted.status();
  if (!first) {
    auto s = tx.Execute("DELETE FROM evaluation_reads WHERE nomination = ?", {SqlParam(nomination)});
    if (!s.ok()) return s.status();
  }
  for (const std::string& resource : reads) {
    auto s = tx.Execute("INSERT INTO evaluation_reads (nomination, resource) VALUES (?, ?)",
                        {SqlParam(nomination), SqlParam(resource)});
    if (!s.ok()) return s.status();
  }
  if (!first) {
    auto s = tx.Execute("DELETE FROM nomination_standings WHERE nomination = ?", {SqlParam(nomination)});
    if (!s.ok()) return s.status();
  }
  for (const BlockStanding& st : standings) {
    auto s = tx.Execute(
        "INSERT INTO nomination_standings (nomination, school_year, emulation_block, block_rank, block_size) "
        "VALUES (?, ?, ?, ?, ?)",
        {SqlParam(nomination), SqlParam(st.school_year), SqlParam(st.emulation_block), SqlParam(st.rank),
         SqlParam(st.group_size)});
    if (!s.ok()) return s.status();
  }
  return absl::OkStatus();
}

absl::StatusOr<std::map<std::string, v1::AttestationReview>> LatestReviews(Transaction& tx,
                                                                          const std::string& nomination) {
  auto rows = tx.Query(
      "SELECT review FROM attestation_reviews WHERE nomination = ? ORDER BY criterion_id, create_time_us, name",
      {SqlParam(nomination)});
  if (!rows.ok()) return rows.status();
  std::map<std::string, v1::AttestationReview> latest;
  for (const SqlRow& row : *rows) {
    auto review = Parse<v1::AttestationReview>(row.Blob(0), "attestation review");
    if (!review.ok()) return review.status();
    latest[review->criterion_id()] = std::move(*review);  // later rows win
  }
  return latest;
}

absl::StatusOr<std::optional<v1::AttestationReview>> GetReview(Transaction& tx, const std::string& name) {
  auto rows = tx.Query("SELECT review FROM attestation_reviews WHERE name = ?", {SqlParam(name)});
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return std::nullopt;
  auto review = Parse<v1::AttestationReview>((*rows)[0].Blob(0), "attestation review");
  if (!review.ok()) return review.status();
  return std::optional<v1::AttestationReview>(std::move(*review));
}

absl::Status InsertReview(Transaction& tx, const v1::AttestationReview& review) {
  return tx
      .Execute("INSERT INTO attestation_reviews (name, nomination, criterion_id, decision, reviewer, "
               "create_time_us, review) VALUES (?, ?, ?, ?, ?, ?, ?)",
               {SqlParam(review.name()), SqlParam(review.nomination()), SqlParam(review.criterion_id()),
                SqlParam(static_cast<int>(review.decision())), SqlParam(review.reviewer()),
                SqlParam(Micros(review.create_time())), Blob(review)})
      .status();
}

absl::StatusOr<std::optional<DependencyState>> FindDependency(Transaction& tx, const std::string& plan,
                                                              const std::string& unit,
                                                              const std::set<int>& categories) {
  auto rows = tx.Query(
      "SELECT n.name, n.category, e.version, e.verdict FROM eval_nominations n "
      "LEFT JOIN evaluations e ON e.nomination = n.name AND e.latest = 1 "
      "WHERE n.plan = ? AND n.nominee = ? AND n.state = ? ORDER BY n.name",
      {SqlParam(plan), SqlParam(unit), SqlParam(static_cast<int>(intake::v1::Nomination::STATE_SUBMITTED))});
  if (!rows.ok()) return rows.status();
  std::optional<DependencyState> best;
  for (const SqlRow& row : *rows) {
    if (!categories.count(static_cast<int>(row.Int(1)))) continue;
    DependencyState d;
    d.nomination = row.Text(0);
    if (!row.IsNull(2)) {
      d.evaluation = absl::StrCat(d.nomination, "/evaluations/", row.Int(2));
      d.verdict = static_cast<v1::Verdict>(row.Int(3));
    }
    if (!best || Preference(d.verdict) < Preference(best->verdict)) best = std::move(d);
  }
  return best;
}

}  // namespace dienhinh::evaluation
