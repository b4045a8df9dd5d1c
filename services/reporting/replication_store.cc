#include "services/reporting/replication_store.h"

#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/util/time_util.h"
#include "services/platform/api/audit_log.h"
#include "services/platform/api/request_log.h"
#include "services/platform/ids/ulid.h"
#include "services/platform/status/error_details.h"
#include "services/reporting/annual_report_store.h"
#include "services/reporting/read_model_queries.h"

namespace dienhinh::reporting {
namespace {

using platform::SqlParam;
using platform::SqlRow;
using platform::Transaction;
using ::dienhinh::evaluation::v1::CouncilDecision;
using ::google::protobuf::util::TimeUtil;

constexpr char kMethod[] = "CreateReplicationRecord";

int64_t DateNumber(const ::dienhinh::type::v1::Date& d) {
  return static_cast<int64_t>(d.year()) * 10000 + d.month() * 100 + d.day();
}

absl::StatusOr<v1::ReplicationRecord> Parse(const std::string& bytes) {
  v1::ReplicationRecord record;
  if (!record.ParseFromString(bytes)) {
    return absl::DataLossError("a stored replication record does not parse");
  }
  return record;
}

}  // namespace

ReplicationStore::ReplicationStore(platform::Database* db, platform::EventLog* events)
    : db_(db), events_(events) {}

absl::StatusOr<v1::ReplicationRecord> ReplicationStore::Create(
    const platform::Caller& caller, const v1::CreateReplicationRecordRequest& request,
    absl::Time now) {
  const v1::ReplicationRecord& input = request.replication_record();
  v1::ReplicationRecord response;
  bool appended = false;
  absl::Status status = platform::RunInTransaction(*db_, platform::TxMode::kWrite, [&](Transaction& tx) {
    appended = false;
    response.Clear();
    auto seen = platform::FindResponse(tx, kMethod, request.request_id(), &response);
    if (!seen.ok()) return seen.status();
    if (*seen) {
      if (response.model() != input.model() || response.adopting_unit() != input.adopting_unit()) {
        return platform::InvalidField("request_id", "was already used for another record");
      }
      return absl::OkStatus();
    }
    auto decision = FindDecisionOn(tx, input.model());
    if (!decision.ok()) return decision.status();
    if (!*decision) {
      return platform::WithReason(
          absl::FailedPreconditionError(absl::StrCat(
              input.model(), " is not a recognised model: the council has not recognised it")),
          kReasonModelNotRecognised, {{"model", input.model()}});
    }
    if ((*decision)->state() != CouncilDecision::STATE_RECOGNISED) {
      return platform::WithReason(
          absl::FailedPreconditionError(absl::StrCat("the recognition of ", input.model(),
                                                     " was revoked by ",
                                                     (*decision)->revocation().decision_number())),
          kReasonModelRevoked, {{"model", input.model()}});
    }
    auto unit = FindUnit(tx, input.adopting_unit());
    if (!unit.ok()) return unit.status();
    if (!*unit) {
      return platform::WithReason(
          absl::FailedPreconditionError(absl::StrCat(
              input.adopting_unit(), " is not known to the reporting service yet")),
          kReasonUnitNotKnown, {{"unit", input.adopting_unit()}});
    }
    v1::ReplicationRecord record;
    const std::string id = platform::NewUlid(now);
    record.set_name(absl::StrCat("replicationRecords/", id));
    record.set_model(input.model());
    record.set_adopting_unit(input.adopting_unit());
    *record.mutable_adopted_on() = input.adopted_on();
    record.set_method(input.method());
    record.set_result(input.result());
    record.set_plan((*decision)->plan());
    record.set_district((*unit)->district);
    record.set_created_by(caller.subject);
    *record.mutable_create_time() = TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(now));
    auto inserted = tx.Execute(
        "INSERT INTO replication_records (id, model, plan, adopting_unit, district, category, "
        "adopted_on, create_time_us, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        {SqlParam(id), SqlParam(record.model()), SqlParam(record.plan()),
         SqlParam(record.adopting_unit()), SqlParam(record.district()),
         SqlParam(static_cast<int64_t>((*decision)->category())),
         SqlParam(DateNumber(record.adopted_on())), SqlParam(absl::ToUnixMicros(now)),
         SqlParam::Blob(record.SerializeAsString())});
    if (!inserted.ok()) return inserted.status();
    platform::Event event;
    *event.mutable_replication_recorded()->mutable_replication_record() = record;
    event.set_actor(caller.subject);
    event.set_request_id(request.request_id());
    if (auto e = events_->Append(tx, std::move(event)); !e.ok()) return e.status();
    if (absl::Status s = platform::RecordAudit(
            tx, caller,
            {kMethod, record.name(), request.request_id(),
             absl::StrCat(record.adopting_unit(), " took up ", record.model())});
        !s.ok()) {
      return s;
    }
    response = std::move(record);
    if (absl::Status s = platform::RememberResponse(tx, kMethod, request.request_id(), caller.subject,
                                                    response);
        !s.ok()) {
      return s;
    }
    appended = true;
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  if (appended) events_->Notify();
  return response;
}

absl::StatusOr<ReplicationPage> ReplicationStore::List(const ReplicationQuery& q) {
  const bool newest_first = q.order == ReplicationOrder::kAdoptedOnDesc;
  const char* key = newest_first ? "adopted_on" : "create_time_us";
  std::string sql = absl::StrCat("SELECT body, id, ", key, " FROM replication_records WHERE 1 = 1");
  std::vector<SqlParam> params;
  auto where = [&](const char* condition, SqlParam value) {
    absl::StrAppend(&sql, " AND ", condition);
    params.push_back(std::move(value));
  };
  if (!q.plan.empty()) where("plan = ?", SqlParam(q.plan));
  if (!q.model.empty()) where("model = ?", SqlParam(q.model));
  if (!q.adopting_unit.empty()) where("adopting_unit = ?", SqlParam(q.adopting_unit));
  if (!q.district.empty()) where("district = ?", SqlParam(q.district));
  if (q.page.after.size() == 2) {
    int64_t after = 0;
    if (!absl::SimpleAtoi(q.page.after[0], &after)) {
      return platform::InvalidField("page_token", "is not a token of this list");
    }
    const char* cmp = newest_first ? "<" : ">";
    absl::StrAppend(&sql, " AND (", key, " ", cmp, " ? OR (", key, " = ? AND id ", cmp, " ?))");
    params.insert(params.end(), {SqlParam(after), SqlParam(after), SqlParam(q.page.after[1])});
  } else if (!q.page.after.empty()) {
    return platform::InvalidField("page_token", "is not a token of this list");
  }
  absl::StrAppend(&sql, " ORDER BY ", key, newest_first ? " DESC, id DESC" : ", id", " LIMIT ",
                  q.page.page_size + 1);
  ReplicationPage page;
  absl::Status status = platform::RunInTransaction(*db_, platform::TxMode::kRead, [&](Transaction& tx) {
    page = ReplicationPage();
    auto rows = tx.Query(sql, params);
    if (!rows.ok()) return rows.status();
    for (size_t i = 0; i < rows->size() && static_cast<int>(i) < q.page.page_size; ++i) {
      auto record = Parse((*rows)[i].Blob(0));
      if (!record.ok()) return record.status();
      page.records.push_back(std::move(*record));
    }
    if (static_cast<int>(rows->size()) > q.page.page_size) {
      const SqlRow& last = (*rows)[q.page.page_size - 1];
      page.next_after = {absl::StrCat(last.Int(2)), last.Text(1)};
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return page;
}

absl::StatusOr<std::vector<ReplicationFacts>> ReplicationStore::LoadFacts(Transaction& tx,
                                                                          const std::string& plan) {
  auto rows = tx.Query(
      "SELECT r.body, r.category, "
      "(SELECT d.body FROM rm_decisions d WHERE d.nomination = r.model "
      " ORDER BY d.state, d.site, d.name LIMIT 1) "
      "FROM replication_records r WHERE r.plan = ? ORDER BY r.adopted_on, r.id",
      {SqlParam(plan)});
  if (!rows.ok()) return rows.status();
  std::vector<ReplicationFacts> facts;
  for (const SqlRow& row : *rows) {
    auto record = Parse(row.Blob(0));
    if (!record.ok()) return record.status();
    ReplicationFacts f;
    f.record = std::move(*record);
    f.category = static_cast<::dienhinh::type::v1::Category>(row.Int(1));
    CouncilDecision decision;
    if (!row.IsNull(2) && decision.ParseFromString(row.Blob(2))) {
      f.nominee_display_name = decision.nominee_display_name();
    }
    facts.push_back(std::move(f));
  }
  return facts;
}

}  // namespace dienhinh::reporting
