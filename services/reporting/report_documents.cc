#include "services/reporting/report_documents.h"

#include <algorithm>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/time_util.h"
#include "services/platform/log/json_log.h"
#include "services/reporting/annual_report_rules.h"
#include "services/reporting/labels.h"

namespace dienhinh::reporting {
namespace {

using ::google::protobuf::util::TimeUtil;

std::string Json(const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.always_print_primitive_fields = true;
  std::string out;
  if (!google::protobuf::util::MessageToJsonString(message, &out, options).ok()) return "null";
  return out;
}

std::string JsonString(const std::string& text) {
  std::string out;
  platform::AppendJsonString(out, text);
  return out;
}

std::string PlanId(const platform::Plan& plan) {
  absl::string_view id = plan.name();
  if (id.substr(0, 6) == "plans/") id.remove_prefix(6);
  return std::string(id);
}

std::string YearText(const ExportContext& c) {
  return c.start_year ? SchoolYearText(*c.start_year) : "ca-giai-doan";
}

std::string DistrictLabel(const ExportContext& c, const std::string& district) {
  if (district.empty()) return "(không thuộc quận, huyện)";
  auto it = c.district_names.find(district);
  return it == c.district_names.end() || it->second.empty() ? district : it->second;
}

std::string UnitLabel(const ExportContext& c, const std::string& unit) {
  auto it = c.unit_names.find(unit);
  return it == c.unit_names.end() || it->second.empty() ? unit : it->second;
}

std::string UnitCode(const std::string& unit) {
  std::optional<std::string> code = UnitCodeOf(unit);
  return code ? *code : unit;
}

std::string TimeLabel(const google::protobuf::Timestamp& t) {
  if (t.seconds() == 0 && t.nanos() == 0) return "";
  return VietnamTimeLabel(absl::FromUnixMicros(TimeUtil::TimestampToMicroseconds(t)));
}

// Title, issuer, plan and year, recipients and the JSON header every report shares.
ReportDocument Base(const ExportContext& c, v1::ReportKind kind, const std::string& title,
                    const std::string& stem) {
  ReportDocument d;
  const platform::Plan& plan = *c.plan;
  d.kind = v1::ReportKind_Name(kind);
  d.title = title;
  d.file_stem = absl::StrCat(stem, "_", PlanId(plan), "_", YearText(c));
  d.issuer = plan.document().issuer();
  d.facts.emplace_back("Kế hoạch", plan.title().vi().empty() ? plan.name() : plan.title().vi());
  if (!plan.document().number().empty()) d.facts.emplace_back("Số kế hoạch", plan.document().number());
  d.facts.emplace_back("Năm học", c.start_year ? SchoolYearText(*c.start_year)
                                               : "Cả giai đoạn của kế hoạch");
  d.facts.emplace_back("Số liệu tính đến", VietnamTimeLabel(c.generated_at) + " (giờ Việt Nam)");
  for (const auto& r : plan.recipients()) d.recipients.push_back(r.name().vi());
  d.json_members.emplace_back("plan", JsonString(plan.name()));
  d.json_members.emplace_back("schoolYear",
                              c.start_year ? JsonString(SchoolYearText(*c.start_year)) : "null");
  d.json_members.emplace_back(
      "generatedAt",
      JsonString(TimeUtil::ToString(TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(c.generated_at)))));
  return d;
}

ReportFigure Figure(std::string key, std::string label, int64_t value, std::string display = "") {
  return ReportFigure{std::move(key), std::move(label), value, std::move(display)};
}

// Groups sorted by label in Vietnamese order would be nicer to read, but district codes are
// what districts are known by in the sector's registers; the map keeps them in code order.
BarChart DistrictChart(const ExportContext& c, std::string title, std::vector<std::string> series,
                       std::vector<std::string> keys,
                       const std::map<std::string, std::vector<int64_t>>& by_district) {
  BarChart chart;
  chart.id = "by-district";
  chart.title = std::move(title);
  chart.series = std::move(series);
  chart.series_keys = std::move(keys);
  for (const auto& [district, values] : by_district) {
    chart.groups.push_back({district.empty() ? "-" : district, DistrictLabel(c, district), values});
  }
  return chart;
}

}  // namespace

ReportDocument ComplianceDocument(const ExportContext& c, const ComplianceSheet& sheet,
                                  bool urge_list,
                                  const std::vector<std::pair<int, v1::ComplianceTotals>>& by_year) {
  const std::string year = c.start_year ? SchoolYearText(*c.start_year) : "";
  ReportDocument d =
      urge_list
          ? Base(c, v1::REPORT_KIND_URGE_LIST,
                 absl::StrCat("Danh sách đơn vị chưa nộp báo cáo năm học ", year), "don-doc-bao-cao")
          : Base(c, v1::REPORT_KIND_COMPLIANCE,
                 absl::StrCat("Tình hình nộp báo cáo năm học ", year), "tinh-hinh-nop-bao-cao");
  d.facts.emplace_back("Hạn nộp", absl::StrCat(
                                      VietnamTimeLabel(sheet.due_time - absl::Minutes(1)).substr(0, 10),
                                      " (hết ngày, giờ Việt Nam)"));
  if (c.plan->annual_report().has_recipient() && !c.plan->annual_report().recipient().vi().empty()) {
    d.facts.emplace_back("Nơi nhận báo cáo", c.plan->annual_report().recipient().vi());
  }
  const v1::ComplianceTotals& t = sheet.totals;
  std::vector<const ComplianceEntry*> entries;
  for (const ComplianceEntry& e : sheet.entries) {
    if (!urge_list || e.row.status() == v1::COMPLIANCE_STATUS_MISSING) entries.push_back(&e);
  }
  if (urge_list) {
    // By district, then the longest overdue first, then by name: the order a clerk phones in.
    std::stable_sort(entries.begin(), entries.end(), [](const ComplianceEntry* a, const ComplianceEntry* b) {
      if (a->row.district() != b->row.district()) return a->row.district() < b->row.district();
      return a->row.days_overdue() > b->row.days_overdue();
    });
    d.figures = {Figure("missing", "Đơn vị chưa nộp", t.missing()),
                 Figure("units", "Đơn vị phải báo cáo", t.units())};
    d.columns = {{"unit_code", "Mã đơn vị"},       {"unit_name", "Tên đơn vị"},
                 {"district", "Quận, huyện"},      {"kind", "Loại đơn vị"},
                 {"days_overdue", "Số ngày quá hạn", true}};
  } else {
    d.figures = {Figure("units", "Đơn vị phải báo cáo", t.units()),
                 Figure("on_time", "Nộp đúng hạn", t.on_time()),
                 Figure("late", "Nộp trễ hạn", t.late()),
                 Figure("missing", "Chưa nộp", t.missing()),
                 Figure("not_due", "Chưa đến hạn", t.not_due())};
    d.columns = {{"unit_code", "Mã đơn vị"},   {"unit_name", "Tên đơn vị"},
                 {"district", "Quận, huyện"},  {"kind", "Loại đơn vị"},
                 {"level", "Cấp học"},         {"status", "Tình trạng"},
                 {"file_time", "Thời điểm nộp"}, {"days_late", "Số ngày trễ", true},
                 {"days_overdue", "Số ngày quá hạn", true}};
  }
  std::map<std::string, std::vector<int64_t>> by_district;
  for (const ComplianceEntry* e : entries) {
    const v1::ComplianceRow& r = e->row;
    if (urge_list) {
      d.rows.push_back({UnitCode(r.unit()), r.unit_display_name(), DistrictLabel(c, r.district()),
                        UnitKindLabel(r.kind()), absl::StrCat(r.days_overdue())});
      auto& v = by_district[r.district()];
      v.resize(1);
      v[0]++;
    } else {
      d.rows.push_back({UnitCode(r.unit()), r.unit_display_name(), DistrictLabel(c, r.district()),
                        UnitKindLabel(r.kind()), LevelLabel(r.level()),
                        ComplianceStatusLabel(r.status()), TimeLabel(r.file_time()),
                        r.status() == v1::COMPLIANCE_STATUS_LATE ? absl::StrCat(r.days_late()) : "",
                        r.status() == v1::COMPLIANCE_STATUS_MISSING ? absl::StrCat(r.days_overdue())
                                                                    : ""});
      auto& v = by_district[r.district()];
      v.resize(3);
      if (r.status() == v1::COMPLIANCE_STATUS_ON_TIME) v[0]++;
      if (r.status() == v1::COMPLIANCE_STATUS_LATE) v[1]++;
      if (r.status() == v1::COMPLIANCE_STATUS_MISSING) v[2]++;
    }
    d.json_rows.push_back(Json(r));
  }
  if (urge_list) {
    d.charts.push_back(DistrictChart(c, "Đơn vị chưa nộp báo cáo theo quận, huyện", {"Chưa nộp"},
                                     {"missing"}, by_district));
  } else {
    d.charts.push_back(DistrictChart(c, "Tình hình nộp báo cáo theo quận, huyện",
                                     {"Đúng hạn", "Trễ hạn", "Chưa nộp"},
                                     {"on_time", "late", "missing"}, by_district));
    BarChart years;
    years.id = "by-year";
    years.title = "Tình hình nộp báo cáo qua các năm học";
    years.series = {"Đúng hạn", "Trễ hạn", "Chưa nộp"};
    years.series_keys = {"on_time", "late", "missing"};
    for (const auto& [start_year, totals] : by_year) {
      years.groups.push_back({SchoolYearText(start_year), SchoolYearText(start_year),
                              {totals.on_time(), totals.late(), totals.missing()}});
    }
    d.charts.push_back(std::move(years));
  }
  d.json_members.emplace_back("dueTime", JsonString(TimeUtil::ToString(TimeUtil::MicrosecondsToTimestamp(
                                             absl::ToUnixMicros(sheet.due_time)))));
  d.json_members.emplace_back("totals", Json(t));
  return d;
}

ReportDocument SummaryDocument(const ExportContext& c, const v1::Summary& summary,
                               const std::vector<std::pair<int, v1::SummaryRow>>& by_year) {
  ReportDocument d = Base(
      c, v1::REPORT_KIND_SUMMARY,
      c.start_year ? absl::StrCat("Tổng hợp gương điển hình tiên tiến năm học ", SchoolYearText(*c.start_year))
                   : "Tổng hợp gương điển hình tiên tiến cả giai đoạn",
      "tong-hop");
  const v1::SummaryRow& t = summary.total();
  d.figures = {Figure("nominations", "Hồ sơ đề nghị", t.nominations()),
               Figure("qualified", "Đủ điều kiện", t.qualified()),
               Figure("recognised", "Được công nhận", t.recognised()),
               Figure("revoked", "Bị hủy công nhận", t.revoked()),
               Figure("qualified_rate_bp", "Tỷ lệ đủ điều kiện", t.qualified_rate_bp(),
                      PercentLabel(t.qualified_rate_bp())),
               Figure("recognised_rate_bp", "Tỷ lệ được công nhận", t.recognised_rate_bp(),
                      PercentLabel(t.recognised_rate_bp()))};
  d.columns = {{"district", "Quận, huyện"},
               {"category", "Đối tượng"},
               {"level", "Cấp học"},
               {"nominations", "Hồ sơ đề nghị", true},
               {"qualified", "Đủ điều kiện", true},
               {"recognised", "Được công nhận", true},
               {"revoked", "Bị hủy công nhận", true},
               {"qualified_rate", "Tỷ lệ đủ điều kiện", true},
               {"recognised_rate", "Tỷ lệ được công nhận", true}};
  std::map<std::string, std::vector<int64_t>> by_district;
  for (const v1::SummaryRow& r : summary.rows()) {
    d.rows.push_back({DistrictLabel(c, r.district()), CategoryLabel(r.category()),
                      LevelLabel(r.level()), absl::StrCat(r.nominations()),
                      absl::StrCat(r.qualified()), absl::StrCat(r.recognised()),
                      absl::StrCat(r.revoked()), PercentLabel(r.qualified_rate_bp()),
                      PercentLabel(r.recognised_rate_bp())});
    auto& v = by_district[r.district()];
    v.resize(4);
    v[0] += r.nominations();
    v[1] += r.qualified();
    v[2] += r.recognised();
    v[3] += r.revoked();
    d.json_rows.push_back(Json(r));
  }
  d.rows.push_back({"Tổng cộng", "", "", absl::StrCat(t.nominations()), absl::StrCat(t.qualified()),
                    absl::StrCat(t.recognised()), absl::StrCat(t.revoked()),
                    PercentLabel(t.qualified_rate_bp()), PercentLabel(t.recognised_rate_bp())});
  const std::vector<std::string> series = {"Hồ sơ đề nghị", "Đủ điều kiện", "Được công nhận",
                                           "Bị hủy công nhận"};
  const std::vector<std::string> keys = {"nominations", "qualified", "recognised", "revoked"};
  d.charts.push_back(DistrictChart(c, "Gương điển hình theo quận, huyện", series, keys, by_district));
  BarChart years;
  years.id = "by-year";
  years.title = "Gương điển hình qua các năm học";
  years.series = series;
  years.series_keys = keys;
  for (const auto& [start_year, row] : by_year) {
    years.groups.push_back({SchoolYearText(start_year), SchoolYearText(start_year),
                            {row.nominations(), row.qualified(), row.recognised(), row.revoked()}});
  }
  d.charts.push_back(std::move(years));
  d.json_members.emplace_back("total", Json(t));
  return d;
}

ReportDocument RecognisedModelsDocument(const ExportContext& c,
                                        const std::vector<RecognisedModelEntry>& models) {
  ReportDocument d = Base(c, v1::REPORT_KIND_RECOGNISED_MODELS,
                          "Danh sách gương điển hình tiên tiến được công nhận", "guong-dien-hinh");
  d.figures = {Figure("models", "Gương điển hình được công nhận", static_cast<int64_t>(models.size()))};
  d.columns = {{"nominee", "Gương điển hình"},
               {"unit", "Đơn vị"},
               {"district", "Quận, huyện"},
               {"category", "Đối tượng"},
               {"field", "Lĩnh vực"},
               {"decision", "Quyết định công nhận"},
               {"good_practices", "Kinh nghiệm, cách làm hay"},
               {"adoptions", "Số lượt nhân rộng", true}};
  std::map<std::string, std::vector<int64_t>> by_district;
  std::map<int, int64_t> per_year;
  for (const RecognisedModelEntry& e : models) {
    const v1::RecognisedModel& m = e.model;
    std::vector<std::string> practices;
    for (const auto& p : m.good_practices()) {
      practices.push_back(p.description().empty() ? p.title() : absl::StrCat(p.title(), ": ", p.description()));
    }
    std::string field = m.field() == ::dienhinh::type::v1::FIELD_OTHER && !m.field_detail().empty()
                            ? m.field_detail()
                            : FieldLabel(m.field());
    std::string decision = m.decision_number();
    if (m.has_decision_date()) absl::StrAppend(&decision, " ngày ", DateLabel(m.decision_date()));
    d.rows.push_back({m.nominee_display_name(),
                      m.unit_display_name().empty() ? UnitLabel(c, m.unit()) : m.unit_display_name(),
                      DistrictLabel(c, m.district()), CategoryLabel(m.category()), field, decision,
                      absl::StrJoin(practices, "\n"), absl::StrCat(m.adoptions())});
    auto& v = by_district[m.district()];
    v.resize(1);
    v[0]++;
    for (const auto& y : m.school_years()) per_year[y.start_year()]++;
    d.json_rows.push_back(Json(m));
  }
  d.charts.push_back(DistrictChart(c, "Gương điển hình được công nhận theo quận, huyện",
                                   {"Gương điển hình"}, {"models"}, by_district));
  BarChart years;
  years.id = "by-year";
  years.title = "Gương điển hình được công nhận theo năm học";
  years.series = {"Gương điển hình"};
  years.series_keys = {"models"};
  for (const auto& y : c.plan->school_years()) {
    auto it = per_year.find(y.start_year());
    years.groups.push_back({SchoolYearText(y.start_year()), SchoolYearText(y.start_year()),
                            {it == per_year.end() ? 0 : it->second}});
  }
  d.charts.push_back(std::move(years));
  return d;
}

ReportDocument ReplicationDocument(const ExportContext& c,
                                   const std::vector<v1::ReplicationRecord>& records,
                                   const v1::ReplicationStats& stats) {
  ReportDocument d = Base(c, v1::REPORT_KIND_REPLICATION, "Tình hình nhân rộng gương điển hình",
                          "nhan-rong");
  std::set<std::string> districts;
  for (const auto& r : records) districts.insert(r.district());
  d.figures = {Figure("adoptions", "Lượt nhân rộng", stats.total_adoptions()),
               Figure("models", "Mô hình được nhân rộng", stats.models_size()),
               Figure("districts", "Quận, huyện có đơn vị áp dụng", static_cast<int64_t>(districts.size()))};
  std::map<std::string, std::string> model_names;
  for (const auto& m : stats.models()) model_names[m.model()] = m.nominee_display_name();
  d.columns = {{"model", "Mô hình (gương điển hình)"},
               {"adopting_unit", "Đơn vị áp dụng"},
               {"district", "Quận, huyện"},
               {"adopted_on", "Ngày áp dụng"},
               {"method", "Cách thức áp dụng"},
               {"result", "Kết quả"}};
  std::map<std::string, std::vector<int64_t>> by_district;
  std::map<int, int64_t> per_year;
  for (const v1::ReplicationRecord& r : records) {
    auto name = model_names.find(r.model());
    d.rows.push_back({name == model_names.end() || name->second.empty() ? r.model() : name->second,
                      UnitLabel(c, r.adopting_unit()), DistrictLabel(c, r.district()),
                      DateLabel(r.adopted_on()), r.method(), r.result()});
    auto& v = by_district[r.district()];
    v.resize(1);
    v[0]++;
    // The school year a take-up falls in: September to August.
    int start = r.adopted_on().month() >= 9 ? r.adopted_on().year() : r.adopted_on().year() - 1;
    per_year[start]++;
    d.json_rows.push_back(Json(r));
  }
  d.charts.push_back(DistrictChart(c, "Lượt nhân rộng theo quận, huyện của đơn vị áp dụng",
                                   {"Lượt nhân rộng"}, {"adoptions"}, by_district));
  BarChart years;
  years.id = "by-year";
  years.title = "Lượt nhân rộng theo năm học";
  years.series = {"Lượt nhân rộng"};
  years.series_keys = {"adoptions"};
  for (const auto& [start_year, count] : per_year) {
    years.groups.push_back({SchoolYearText(start_year), SchoolYearText(start_year), {count}});
  }
  d.charts.push_back(std::move(years));
  d.json_members.emplace_back("stats", Json(stats));
  return d;
}

}  // namespace dienhinh::reporting
