#include "services/reporting/annual_report_store.h"

#include <optional>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/util/time_util.h"
#include "services/platform/api/audit_log.h"
#include "services/platform/api/etag.h"
#include "services/platform/api/request_log.h"
#include "services/platform/status/error_details.h"
#include "services/reporting/annual_report_rules.h"
#include "services/reporting/read_model_queries.h"

namespace dienhinh::reporting {
namespace {

using platform::SqlParam;
using platform::SqlRow;
using platform::Transaction;
using ::google::protobuf::util::TimeUtil;

constexpr char kMethod[] = "FileAnnualReport";

int64_t I(int value) { return static_cast<int64_t>(value); }

google::protobuf::Timestamp ToProto(absl::Time t) {
  return TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(t));
}

absl::Status NotFound(absl::string_view what) {
  return platform::WithReason(absl::NotFoundError(absl::StrCat("there is no ", what)),
                              kReasonAnnualReportNotFound);
}

absl::StatusOr<v1::UnitAnnualReport> Parse(const std::string& bytes) {
  v1::UnitAnnualReport report;
  if (!report.ParseFromString(bytes)) return absl::DataLossError("a stored annual report does not parse");
  return report;
}

absl::StatusOr<std::optional<v1::UnitAnnualReport>> LoadLatest(Transaction& tx,
                                                               const std::string& name) {
  auto rows = tx.Query("SELECT body FROM annual_reports WHERE name = ?", {SqlParam(name)});
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return std::optional<v1::UnitAnnualReport>();
  auto report = Parse((*rows)[0].Blob(0));
  if (!report.ok()) return report.status();
  return std::optional<v1::UnitAnnualReport>(std::move(*report));
}

// The revisions of `name` before `revision`, oldest first.
absl::Status FillHistory(Transaction& tx, const std::string& name, int revision,
                         v1::UnitAnnualReport& report) {
  report.clear_history();
  auto rows = tx.Query(
      "SELECT revision, change_note, body FROM annual_report_revisions "
      "WHERE name = ? AND revision < ? ORDER BY revision",
      {SqlParam(name), SqlParam(I(revision))});
  if (!rows.ok()) return rows.status();
  for (const SqlRow& row : *rows) {
    auto earlier = Parse(row.Blob(2));
    if (!earlier.ok()) return earlier.status();
    v1::AnnualReportRevision* h = report.add_history();
    h->set_revision(static_cast<int32_t>(row.Int(0)));
    *h->mutable_file_time() = earlier->file_time();
    h->set_filed_by(earlier->filed_by());
    h->set_change_note(row.Text(1));
  }
  return absl::OkStatus();
}

}  // namespace

AnnualReportStore::AnnualReportStore(platform::Database* db, platform::EventLog* events)
    : db_(db), events_(events) {}

absl::StatusOr<v1::UnitAnnualReport> AnnualReportStore::File(
    const platform::Caller& caller, const v1::FileAnnualReportRequest& request,
    const platform::Plan& plan, absl::Time now) {
  const v1::UnitAnnualReport& input = request.annual_report();
  const int start_year = input.school_year().start_year();
  const std::string name = AnnualReportName(request.parent(), plan.name(), start_year);
  bool appended = false;
  v1::UnitAnnualReport response;
  absl::Status status = platform::RunInTransaction(*db_, platform::TxMode::kWrite, [&](Transaction& tx) {
    appended = false;
    response.Clear();
    auto seen = platform::FindResponse(tx, kMethod, request.request_id(), &response);
    if (!seen.ok()) return seen.status();
    if (*seen) {
      if (response.name() != name) {
        return platform::InvalidField("request_id",
                                      "was already used for a filing of another report");
      }
      return absl::OkStatus();
    }
    auto unit = FindUnit(tx, request.parent());
    if (!unit.ok()) return unit.status();
    if (!*unit) {
      return platform::WithReason(
          absl::FailedPreconditionError(absl::StrCat(
              request.parent(), " is not known to the reporting service yet: the registry's "
                                "feed has not brought it (check the unit code, or try again)")),
          kReasonUnitNotKnown, {{"unit", request.parent()}});
    }
    auto current = LoadLatest(tx, name);
    if (!current.ok()) return current.status();

    v1::UnitAnnualReport report;
    report.set_name(name);
    report.set_plan(plan.name());
    report.mutable_school_year()->set_start_year(start_year);
    report.set_programme(input.programme());
    *report.mutable_models() = input.models();
    *report.mutable_replication_activities() = input.replication_activities();
    report.set_narrative(input.narrative());
    *report.mutable_file_time() = ToProto(now);
    report.set_filed_by(caller.subject);
    report.set_unit(request.parent());
    report.set_unit_display_name((*unit)->display_name);
    report.set_district((*unit)->district);
    report.set_unit_kind((*unit)->kind);
    if (*current) {
      // An amendment: the timeliness stays the first filing's.
      if (absl::Status s = platform::CheckEtag(request.etag(), (*current)->etag(), name); !s.ok()) {
        return s;
      }
      report.set_revision((*current)->revision() + 1);
      *report.mutable_first_file_time() = (*current)->first_file_time();
      report.set_timeliness((*current)->timeliness());
      report.set_days_late((*current)->days_late());
    } else {
      if (absl::Status s = platform::CheckEtag(request.etag(), "", name); !s.ok()) return s;
      auto judged = JudgeTimeliness(plan, start_year, now);
      if (!judged.ok()) return judged.status();
      report.set_revision(1);
      *report.mutable_first_file_time() = ToProto(now);
      report.set_timeliness(judged->timeliness);
      report.set_days_late(judged->days_late);
    }
    report.set_etag(platform::ComputeEtag(report));
    const std::string body = report.SerializeAsString();
    const int64_t first_us = TimeUtil::TimestampToMicroseconds(report.first_file_time());

    absl::StatusOr<int64_t> written =
        *current
            ? tx.Execute(
                  "UPDATE annual_reports SET site = ?, district = ?, unit_kind = ?, "
                  "unit_sort_key = ?, revision = ?, etag = ?, body = ? WHERE name = ?",
                  {SqlParam((*unit)->site), SqlParam((*unit)->district), SqlParam(I((*unit)->kind)),
                   SqlParam((*unit)->sort_key), SqlParam(I(report.revision())),
                   SqlParam(report.etag()), SqlParam::Blob(body), SqlParam(name)})
            : tx.Execute(
                  "INSERT INTO annual_reports (name, unit, plan, start_year, site, district, "
                  "unit_kind, unit_sort_key, timeliness, days_late, revision, first_file_time_us, "
                  "etag, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                  {SqlParam(name), SqlParam(request.parent()), SqlParam(plan.name()),
                   SqlParam(I(start_year)), SqlParam((*unit)->site), SqlParam((*unit)->district),
                   SqlParam(I((*unit)->kind)), SqlParam((*unit)->sort_key),
                   SqlParam(I(report.timeliness())), SqlParam(I(report.days_late())),
                   SqlParam(I(report.revision())), SqlParam(first_us), SqlParam(report.etag()),
                   SqlParam::Blob(body)});
    if (!written.ok()) return written.status();
    auto revision_row = tx.Execute(
        "INSERT INTO annual_report_revisions (name, revision, change_note, body) "
        "VALUES (?, ?, ?, ?)",
        {SqlParam(name), SqlParam(I(report.revision())), SqlParam(request.change_note()),
         SqlParam::Blob(body)});
    if (!revision_row.ok()) return revision_row.status();

    platform::Event event;
    *event.mutable_annual_report_filed()->mutable_annual_report() = report;
    event.set_actor(caller.subject);
    event.set_request_id(request.request_id());
    if (auto appended_event = events_->Append(tx, std::move(event)); !appended_event.ok()) {
      return appended_event.status();
    }
    std::string detail = absl::StrCat("revision ", report.revision());
    if (report.timeliness() == v1::UnitAnnualReport::TIMELINESS_LATE) {
      absl::StrAppend(&detail, ", late by ", report.days_late(), " day(s)");
    }
    if (absl::Status s = platform::RecordAudit(tx, caller, {kMethod, name, request.request_id(), detail});
        !s.ok()) {
      return s;
    }
    if (absl::Status s = FillHistory(tx, name, report.revision(), report); !s.ok()) return s;
    response = std::move(report);
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

absl::StatusOr<v1::UnitAnnualReport> AnnualReportStore::Get(const std::string& name, int revision) {
  v1::UnitAnnualReport report;
  absl::Status status = platform::RunInTransaction(*db_, platform::TxMode::kRead, [&](Transaction& tx) {
    auto latest = LoadLatest(tx, name);
    if (!latest.ok()) return latest.status();
    if (!*latest) return NotFound(name);
    if (revision == 0 || revision == (*latest)->revision()) {
      report = std::move(**latest);
    } else {
      auto rows = tx.Query("SELECT body FROM annual_report_revisions WHERE name = ? AND revision = ?",
                           {SqlParam(name), SqlParam(I(revision))});
      if (!rows.ok()) return rows.status();
      if (rows->empty()) return NotFound(absl::StrCat("revision ", revision, " of ", name));
      auto earlier = Parse((*rows)[0].Blob(0));
      if (!earlier.ok()) return earlier.status();
      report = std::move(*earlier);
    }
    return FillHistory(tx, name, report.revision(), report);
  });
  if (!status.ok()) return status;
  return report;
}

absl::StatusOr<AnnualReportPage> AnnualReportStore::List(const AnnualReportQuery& q) {
  const bool by_name = q.order == AnnualReportOrder::kUnitDisplayName;
  std::string sql = absl::StrCat("SELECT body, name, ",
                                 by_name ? "unit_sort_key" : "first_file_time_us",
                                 " FROM annual_reports WHERE 1 = 1");
  std::vector<SqlParam> params;
  auto where = [&](const char* condition, SqlParam value) {
    absl::StrAppend(&sql, " AND ", condition);
    params.push_back(std::move(value));
  };
  if (!q.unit.empty()) where("unit = ?", SqlParam(q.unit));
  if (!q.plan.empty()) where("plan = ?", SqlParam(q.plan));
  if (q.start_year) where("start_year = ?", SqlParam(I(*q.start_year)));
  if (!q.district.empty()) where("district = ?", SqlParam(q.district));
  if (q.unit_kind) where("unit_kind = ?", SqlParam(I(*q.unit_kind)));
  if (q.timeliness) where("timeliness = ?", SqlParam(I(*q.timeliness)));
  if (!q.site.empty()) where("site = ?", SqlParam(q.site));
  if (q.page.after.size() == 2) {
    if (by_name) {
      absl::StrAppend(&sql, " AND (unit_sort_key > ? OR (unit_sort_key = ? AND name > ?))");
      params.insert(params.end(), {SqlParam(q.page.after[0]), SqlParam(q.page.after[0]),
                                   SqlParam(q.page.after[1])});
    } else {
      int64_t after_us = 0;
      if (!absl::SimpleAtoi(q.page.after[0], &after_us)) {
        return platform::InvalidField("page_token", "is not a token of this list");
      }
      absl::StrAppend(&sql, " AND (first_file_time_us > ? OR (first_file_time_us = ? AND name > ?))");
      params.insert(params.end(), {SqlParam(after_us), SqlParam(after_us), SqlParam(q.page.after[1])});
    }
  } else if (!q.page.after.empty()) {
    return platform::InvalidField("page_token", "is not a token of this list");
  }
  absl::StrAppend(&sql, by_name ? " ORDER BY unit_sort_key, name" : " ORDER BY first_file_time_us, name",
                  " LIMIT ", q.page.page_size + 1);
  AnnualReportPage page;
  absl::Status status = platform::RunInTransaction(*db_, platform::TxMode::kRead, [&](Transaction& tx) {
    page = AnnualReportPage();
    auto rows = tx.Query(sql, params);
    if (!rows.ok()) return rows.status();
    for (size_t i = 0; i < rows->size() && static_cast<int>(i) < q.page.page_size; ++i) {
      auto report = Parse((*rows)[i].Blob(0));
      if (!report.ok()) return report.status();
      page.reports.push_back(std::move(*report));
    }
    if (static_cast<int>(rows->size()) > q.page.page_size) {
      const SqlRow& last = (*rows)[q.page.page_size - 1];
      page.next_after = {by_name ? last.Text(2) : absl::StrCat(last.Int(2)), last.Text(1)};
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return page;
}

absl::StatusOr<std::map<std::string, FiledReport>> AnnualReportStore::FiledReports(
    Transaction& tx, const std::string& plan, int start_year) {
  auto rows = tx.Query(
      "SELECT unit, name, first_file_time_us, timeliness, days_late FROM annual_reports "
      "WHERE plan = ? AND start_year = ?",
      {SqlParam(plan), SqlParam(I(start_year))});
  if (!rows.ok()) return rows.status();
  std::map<std::string, FiledReport> reports;
  for (const SqlRow& row : *rows) {
    FiledReport r;
    r.name = row.Text(1);
    r.first_file_time = absl::FromUnixMicros(row.Int(2));
    r.timeliness.timeliness = static_cast<v1::UnitAnnualReport::Timeliness>(row.Int(3));
    r.timeliness.days_late = static_cast<int>(row.Int(4));
    reports.emplace(row.Text(0), std::move(r));
  }
  return reports;
}

}  // namespace dienhinh::reporting
