#include "services/intake/nomination_store.h"

#include <algorithm>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/util/time_util.h"
#include "services/intake/nomination_rules.h"
#include "services/platform/api/audit_log.h"
#include "services/platform/api/etag.h"
#include "services/platform/api/request_log.h"
#include "services/platform/status/error_details.h"
#include "services/platform/text/vietnamese_text.h"
#include "services/platform/wire/wire_bytes.h"

namespace dienhinh::intake {
namespace {

using platform::SqlParam;
using platform::SqlRow;
using platform::Transaction;
using ::google::protobuf::util::TimeUtil;

constexpr char kColumns[] = "n.body";

int64_t Micros(const google::protobuf::Timestamp& time) {
  return TimeUtil::TimestampToMicroseconds(time);
}

// Submission time as stored: 0 for a nomination never submitted, so drafts sort first.
int64_t SubmitMicros(const Nomination& n) {
  return n.has_submit_time() ? Micros(n.submit_time()) : 0;
}

absl::StatusOr<Nomination> FromRow(const SqlRow& row) {
  Nomination n;
  if (!n.ParseFromString(row.Blob(0))) {
    return absl::DataLossError("a stored nomination does not parse");
  }
  return n;
}

absl::StatusOr<std::optional<Nomination>> Load(Transaction& tx, absl::string_view id) {
  auto rows = tx.Query("SELECT body FROM nominations WHERE id = ?", {SqlParam(std::string(id))});
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return std::optional<Nomination>();
  auto n = FromRow((*rows)[0]);
  if (!n.ok()) return n.status();
  return std::optional<Nomination>(std::move(*n));
}

absl::Status NotFound(absl::string_view id) {
  return platform::WithReason(
      absl::NotFoundError(absl::StrCat("there is no nomination ", NominationName(id))),
      "NOMINATION_NOT_FOUND");
}

absl::Status WriteSchoolYears(Transaction& tx, const std::string& id, const Nomination& n) {
  auto deleted =
      tx.Execute("DELETE FROM nomination_school_years WHERE nomination_id = ?", {SqlParam(id)});
  if (!deleted.ok()) return deleted.status();
  for (const auto& year : n.school_years()) {
    auto inserted = tx.Execute(
        "INSERT INTO nomination_school_years (nomination_id, start_year) VALUES (?, ?)",
        {SqlParam(id), SqlParam(static_cast<int64_t>(year.start_year()))});
    if (!inserted.ok()) return inserted.status();
  }
  return absl::OkStatus();
}

bool SameSchoolYears(const Nomination& a, const Nomination& b) {
  return std::equal(a.school_years().begin(), a.school_years().end(), b.school_years().begin(),
                    b.school_years().end(),
                    [](const auto& x, const auto& y) { return x.start_year() == y.start_year(); });
}

// The other active nomination of the same nominee, category and plan, if any.
absl::StatusOr<std::optional<std::string>> OtherActive(Transaction& tx, const Nomination& n,
                                                       const std::string& own_id) {
  auto rows = tx.Query(
      "SELECT id FROM nominations WHERE plan = ? AND category = ? AND nominee = ? "
      "AND state IN (1, 2) AND id <> ?",
      {SqlParam(n.plan()), SqlParam(static_cast<int64_t>(n.category())), SqlParam(n.nominee()),
       SqlParam(own_id)});
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return std::optional<std::string>();
  return std::optional<std::string>((*rows)[0].Text(0));
}

absl::Status ActiveNominationExists(const Nomination& n, absl::string_view other_id) {
  return platform::WithReason(
      absl::AlreadyExistsError(absl::StrCat(
          n.nominee(), " already has an active nomination in ",
          ::dienhinh::type::v1::Category_Name(n.category()), " under ", n.plan(), ": ",
          other_id.empty() ? std::string("another one") : NominationName(other_id),
          " (withdraw or delete it first)")),
      kReasonActiveNominationExists,
      {{"nominee", n.nominee()}, {"nomination", other_id.empty() ? "" : NominationName(other_id)}});
}

}  // namespace

NominationStore::NominationStore(platform::Database* db, platform::EventLog* events)
    : db_(db), events_(events) {}

absl::StatusOr<Nomination> NominationStore::Get(absl::string_view id) {
  std::optional<Nomination> found;
  absl::Status status =
      platform::RunInTransaction(*db_, platform::TxMode::kRead, [&](Transaction& tx) {
        auto loaded = Load(tx, id);
        if (!loaded.ok()) return loaded.status();
        found = std::move(*loaded);
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  if (!found) return NotFound(id);
  return *found;
}

absl::StatusOr<std::optional<Nomination>> NominationStore::Remembered(absl::string_view method,
                                                                      absl::string_view request_id) {
  std::optional<Nomination> found;
  absl::Status status =
      platform::RunInTransaction(*db_, platform::TxMode::kRead, [&](Transaction& tx) {
        Nomination response;
        auto seen = platform::FindResponse(tx, method, request_id, &response);
        if (!seen.ok()) return seen.status();
        if (*seen) found = std::move(response);
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  return found;
}

absl::StatusOr<NominationPage> NominationStore::List(const NominationQuery& q) {
  std::string sql = absl::StrCat("SELECT ", kColumns, ", n.id, n.create_time_us, n.submit_time_us, "
                                 "n.nominee_sort_key FROM nominations n WHERE 1 = 1");
  std::vector<SqlParam> params;
  auto where = [&](const char* condition, SqlParam value) {
    absl::StrAppend(&sql, " AND ", condition);
    params.push_back(std::move(value));
  };
  if (!q.plan.empty()) where("n.plan = ?", SqlParam(q.plan));
  if (!q.district.empty()) where("n.district = ?", SqlParam(q.district));
  if (!q.nominating_unit.empty()) where("n.nominating_unit = ?", SqlParam(q.nominating_unit));
  if (!q.nominee.empty()) where("n.nominee = ?", SqlParam(q.nominee));
  if (q.category) where("n.category = ?", SqlParam(static_cast<int64_t>(*q.category)));
  if (q.field) where("n.field = ?", SqlParam(static_cast<int64_t>(*q.field)));
  if (q.state) where("n.state = ?", SqlParam(static_cast<int64_t>(*q.state)));
  if (q.school_year) {
    where("EXISTS (SELECT 1 FROM nomination_school_years y WHERE y.nomination_id = n.id "
          "AND y.start_year = ?)",
          SqlParam(static_cast<int64_t>(*q.school_year)));
  }
  if (!q.visible_unit.empty()) where("n.nominating_unit = ?", SqlParam(q.visible_unit));
  if (q.hide_drafts) {
    where("n.state <> ?", SqlParam(static_cast<int64_t>(Nomination::STATE_DRAFT)));
  }

  // Keyset paging: (sort column, id) strictly after the last row of the previous page.
  const char* column = "n.create_time_us";
  bool descending = true;
  bool numeric = true;
  switch (q.order) {
    case NominationOrder::kCreateTimeDesc:
      break;
    case NominationOrder::kCreateTimeAsc:
      descending = false;
      break;
    case NominationOrder::kSubmitTimeAsc:
      column = "n.submit_time_us";
      descending = false;
      break;
    case NominationOrder::kSubmitTimeDesc:
      column = "n.submit_time_us";
      break;
    case NominationOrder::kNomineeDisplayName:
      column = "n.nominee_sort_key";
      descending = false;
      numeric = false;
      break;
  }
  if (q.after.size() == 2) {
    SqlParam key(q.after[0]);
    if (numeric) {
      int64_t value = 0;
      if (!absl::SimpleAtoi(q.after[0], &value)) {
        return platform::InvalidField("page_token", "is not a token of this list");
      }
      key = SqlParam(value);
    }
    const char* op = descending ? "<" : ">";
    absl::StrAppend(&sql, " AND (", column, " ", op, " ? OR (", column, " = ? AND n.id ", op,
                    " ?))");
    params.push_back(key);
    params.push_back(key);
    params.push_back(SqlParam(q.after[1]));
  }
  const char* direction = descending ? "DESC" : "ASC";
  absl::StrAppend(&sql, " ORDER BY ", column, " ", direction, ", n.id ", direction, " LIMIT ?");
  params.push_back(SqlParam(static_cast<int64_t>(q.page_size) + 1));

  NominationPage page;
  absl::Status status =
      platform::RunInTransaction(*db_, platform::TxMode::kRead, [&](Transaction& tx) {
        page = NominationPage();
        auto rows = tx.Query(sql, params);
        if (!rows.ok()) return rows.status();
        for (size_t i = 0; i < rows->size() && static_cast<int>(i) < q.page_size; ++i) {
          auto n = FromRow((*rows)[i]);
          if (!n.ok()) return n.status();
          page.nominations.push_back(std::move(*n));
        }
        if (static_cast<int>(rows->size()) > q.page_size) {
          const SqlRow& last = (*rows)[q.page_size - 1];
          std::string key;
          switch (q.order) {
            case NominationOrder::kCreateTimeDesc:
            case NominationOrder::kCreateTimeAsc:
              key = absl::StrCat(last.Int(2));
              break;
            case NominationOrder::kSubmitTimeAsc:
            case NominationOrder::kSubmitTimeDesc:
              key = absl::StrCat(last.Int(3));
              break;
            case NominationOrder::kNomineeDisplayName:
              key = last.Text(4);
              break;
          }
          page.next_after = {key, last.Text(1)};
        }
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  return page;
}

absl::StatusOr<Nomination> NominationStore::Create(const platform::Caller& caller,
                                                   const Nomination& draft,
                                                   absl::string_view request_id) {
  const std::optional<std::string> id = NominationIdOf(draft.name());
  if (!id) return absl::InternalError("a new draft has no nomination id");
  Nomination result;
  absl::Status status =
      platform::RunInTransaction(*db_, platform::TxMode::kWrite, [&](Transaction& tx) {
        auto seen = platform::FindResponse(tx, "CreateNomination", request_id, &result);
        if (!seen.ok() || *seen) return seen.status();

        auto other = OtherActive(tx, draft, *id);
        if (!other.ok()) return other.status();
        if (*other) return ActiveNominationExists(draft, **other);

        // Serialized once: the row and the remembered answer hold the same bytes.
        const std::string body = draft.SerializeAsString();
        auto inserted = tx.Execute(
            "INSERT INTO nominations (id, plan, category, nominee, nominating_unit, district, "
            "field, state, create_time_us, submit_time_us, nominee_sort_key, etag, body) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            {SqlParam(*id), SqlParam(draft.plan()), SqlParam(static_cast<int64_t>(draft.category())),
             SqlParam(draft.nominee()), SqlParam(draft.nominating_unit()),
             SqlParam(draft.district()), SqlParam(static_cast<int64_t>(draft.field())),
             SqlParam(static_cast<int64_t>(draft.state())), SqlParam(Micros(draft.create_time())),
             SqlParam(SubmitMicros(draft)),
             SqlParam(platform::CollationKey(draft.nominee_display_name())),
             SqlParam(draft.etag()), SqlParam::Blob(body)});
        if (!inserted.ok()) {
          // The one-active index caught a concurrent create the check above could not see.
          if (inserted.status().code() == absl::StatusCode::kAlreadyExists) {
            return ActiveNominationExists(draft, "");
          }
          return inserted.status();
        }
        if (absl::Status s = WriteSchoolYears(tx, *id, draft); !s.ok()) return s;
        if (absl::Status s = platform::RecordAudit(
                tx, caller, {"CreateNomination", draft.name(), std::string(request_id), ""});
            !s.ok()) {
          return s;
        }
        result = draft;
        return platform::RememberResponseBytes(tx, "CreateNomination", request_id, caller.subject,
                                               body);
      });
  if (!status.ok()) return status;
  return result;
}

absl::StatusOr<Nomination> NominationStore::Apply(const platform::Caller& caller,
                                                  absl::string_view id, const Change& change) {
  Nomination result;
  bool published = false;
  absl::Status status =
      platform::RunInTransaction(*db_, platform::TxMode::kWrite, [&](Transaction& tx) {
        published = false;
        auto seen = platform::FindResponse(tx, change.method, change.request_id, &result);
        if (!seen.ok() || *seen) return seen.status();

        auto stored = Load(tx, id);
        if (!stored.ok()) return stored.status();
        if (!*stored) return NotFound(id);
        if (absl::Status s = platform::CheckEtag(change.expected_etag, (*stored)->etag(),
                                                 (*stored)->name());
            !s.ok()) {
          return s;
        }
        auto after = change.apply(**stored);
        if (!after.ok()) return after.status();

        // The event first: the row and the remembered answer then take the nomination's bytes
        // from the event's stored bytes instead of serializing the dossier twice more.
        platform::Event event;
        int payload_field = 0;     // where the event holds the nomination: its payload's field
        int nomination_field = 0;  // and, in the payload, the nomination's
        switch (change.publish) {
          case Publish::kNothing:
            break;
          case Publish::kSubmitted:
            *event.mutable_nomination_submitted()->mutable_nomination() = *after;
            payload_field = platform::Event::kNominationSubmittedFieldNumber;
            nomination_field = events::v1::NominationSubmitted::kNominationFieldNumber;
            break;
          case Publish::kWithdrawn:
            *event.mutable_nomination_withdrawn()->mutable_nomination() = *after;
            payload_field = platform::Event::kNominationWithdrawnFieldNumber;
            nomination_field = events::v1::NominationWithdrawn::kNominationFieldNumber;
            break;
          case Publish::kUpdatedIfSubmitted:
            if (after->state() == Nomination::STATE_SUBMITTED) {
              auto* payload = event.mutable_nomination_updated();
              *payload->mutable_nomination() = *after;
              *payload->mutable_update_mask() = change.update_mask;
              payload_field = platform::Event::kNominationUpdatedFieldNumber;
              nomination_field = events::v1::NominationUpdated::kNominationFieldNumber;
            }
            break;
        }
        std::string body;
        if (payload_field != 0) {
          event.set_actor(caller.subject);
          event.set_request_id(change.request_id);
          std::string stored_event;
          auto appended = events_->Append(tx, std::move(event), &stored_event);
          if (!appended.ok()) return appended.status();
          published = true;
          if (auto bytes = platform::EmbeddedMessageBytes(stored_event, {payload_field, nomination_field})) {
            body = std::string(*bytes);
          }
        }
        if (body.empty()) body = after->SerializeAsString();

        // SQLite rewrites the entries of every index on a column an UPDATE sets, changed or
        // not: the nominating unit is set, and the school years rewritten, only when they
        // changed, which a submission never does (the state, which it changes, always is).
        const bool unit_changed = after->nominating_unit() != (*stored)->nominating_unit();
        std::vector<SqlParam> params = {
            SqlParam(after->district()), SqlParam(static_cast<int64_t>(after->field())),
            SqlParam(static_cast<int64_t>(after->state())), SqlParam(SubmitMicros(*after)),
            SqlParam(platform::CollationKey(after->nominee_display_name())), SqlParam(after->etag()),
            SqlParam::Blob(body)};
        if (unit_changed) params.push_back(SqlParam(after->nominating_unit()));
        params.push_back(SqlParam(std::string(id)));
        auto updated = tx.Execute(
            absl::StrCat("UPDATE nominations SET district = ?, field = ?, state = ?, submit_time_us = ?, "
                         "nominee_sort_key = ?, etag = ?, body = ?",
                         unit_changed ? ", nominating_unit = ?" : "", " WHERE id = ?"),
            params);
        if (!updated.ok()) return updated.status();
        if (!SameSchoolYears(**stored, *after)) {
          if (absl::Status s = WriteSchoolYears(tx, std::string(id), *after); !s.ok()) return s;
        }

        if (absl::Status s = platform::RecordAudit(
                tx, caller, {change.method, after->name(), change.request_id, change.audit_detail});
            !s.ok()) {
          return s;
        }
        result = *std::move(after);  // the event has its copy
        return platform::RememberResponseBytes(tx, change.method, change.request_id, caller.subject,
                                               body);
      });
  if (!status.ok()) return status;
  if (published) events_->Notify();
  return result;
}

absl::Status NominationStore::DeleteDraft(const platform::Caller& caller, absl::string_view id,
                                          absl::string_view expected_etag) {
  return platform::RunInTransaction(*db_, platform::TxMode::kWrite, [&](Transaction& tx) {
    auto stored = Load(tx, id);
    if (!stored.ok()) return stored.status();
    if (!*stored) return NotFound(id);
    if (absl::Status s = platform::CheckEtag(expected_etag, (*stored)->etag(), (*stored)->name());
        !s.ok()) {
      return s;
    }
    if ((*stored)->state() != Nomination::STATE_DRAFT) {
      return platform::WithReason(
          absl::FailedPreconditionError(absl::StrCat(
              (*stored)->name(), " is ", Nomination::State_Name((*stored)->state()),
              ": only drafts are deleted; a submitted nomination is withdrawn and kept")),
          kReasonWrongState);
    }
    auto deleted = tx.Execute("DELETE FROM nominations WHERE id = ?", {SqlParam(std::string(id))});
    if (!deleted.ok()) return deleted.status();
    auto years = tx.Execute("DELETE FROM nomination_school_years WHERE nomination_id = ?",
                            {SqlParam(std::string(id))});
    if (!years.ok()) return years.status();
    return platform::RecordAudit(tx, caller, {"DeleteNomination", (*stored)->name(), "", ""});
  });
}

}  // namespace dienhinh::intake
