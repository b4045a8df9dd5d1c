#include "services/intake/nomination_rules.h"

#include <algorithm>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/cord.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/strip.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"
#include "google/protobuf/util/field_mask_util.h"
#include "google/protobuf/util/time_util.h"
#include "google/rpc/error_details.pb.h"
#include "services/platform/api/etag.h"
#include "services/platform/ids/ulid.h"
#include "services/platform/plan/plan_file.h"
#include "services/platform/status/error_details.h"

namespace dienhinh::intake {
namespace {

using ::dienhinh::evaluation::v1::CategoryRule;
using ::dienhinh::evaluation::v1::NOMINEE_KIND_COLLECTIVE;
using ::dienhinh::evaluation::v1::NOMINEE_KIND_INDIVIDUAL;
using ::dienhinh::intake::v1::Evidence;
using ::dienhinh::type::v1::Category;
using ::dienhinh::type::v1::UnitKind;
using ::google::protobuf::util::FieldMaskUtil;
using ::google::protobuf::util::TimeUtil;

// Generous bounds: a dossier is a form, not a document store, and no field may grow without
// limit through the API.
constexpr size_t kMaxShortText = 1000;    // titles, bodies, numbers, references
constexpr size_t kMaxLongText = 100000;   // achievements, statements, descriptions
constexpr size_t kMaxUriBytes = 2048;
constexpr int kMaxSchoolYears = 20;
constexpr int kMaxEvidence = 500;
constexpr int kMaxAttestations = 100;
constexpr int kMaxGoodPractices = 100;
constexpr int kMaxCodeBytes = 64;

// The fields an update may set: everything a client writes except the nomination's identity
// (plan, category, nominee), which is fixed after creation.
const std::vector<std::string>& UpdatableFields() {
  static const auto* fields = new std::vector<std::string>{
      "school_years", "field",        "field_detail", "nominating_unit",    "achievements",
      "good_practices", "evidence", "attestations", "acknowledgement_vote"};
  return *fields;
}

bool IsCodeChar(char c) { return absl::ascii_isalnum(c) || c == '-' || c == '_' || c == '.'; }

// A code of the sector's registers, as it stands in `units/{code}` or `persons/{code}`.
bool IsRegisterCode(absl::string_view code) {
  return !code.empty() && code.size() <= static_cast<size_t>(kMaxCodeBytes) &&
         std::all_of(code.begin(), code.end(), IsCodeChar);
}

bool IsEvidenceId(absl::string_view id) {
  return !id.empty() && id.size() <= static_cast<size_t>(kMaxCodeBytes) &&
         std::all_of(id.begin(), id.end(), [](char c) { return absl::ascii_isalnum(c) || c == '-'; });
}

bool IsCriterionId(absl::string_view id) {
  return id.size() >= 2 && id.size() <= 8 && absl::ascii_isupper(id[0]) &&
         std::all_of(id.begin() + 1, id.end(), [](char c) { return absl::ascii_isdigit(c); });
}

bool IsSha256Hex(absl::string_view digest) {
  return digest.size() == 64 && std::all_of(digest.begin(), digest.end(), [](char c) {
           return absl::ascii_isdigit(c) || (c >= 'a' && c <= 'f');
         });
}

bool IsValidDate(const ::dienhinh::type::v1::Date& date) {
  if (date.year() < 1 || date.year() > 9999 || date.month() < 1 || date.month() > 12 ||
      date.day() < 1) {
    return false;
  }
  absl::CivilDay day(date.year(), date.month(), date.day());
  return day.year() == date.year() && day.month() == date.month() && day.day() == date.day();
}

bool IsSetDate(const ::dienhinh::type::v1::Date& date) {
  return date.year() != 0 || date.month() != 0 || date.day() != 0;
}

std::string CategoryName(Category category) {
  return ::dienhinh::type::v1::Category_Name(category);
}

std::string UnitKindName(UnitKind kind) { return ::dienhinh::type::v1::UnitKind_Name(kind); }

// The unit kinds a collective category names: the plan's rule, or by default schools and
// centres for an institution and the department for the department category.
std::vector<UnitKind> NominableUnitKinds(const CategoryRule* rule, Category category) {
  std::vector<UnitKind> kinds;
  if (rule != nullptr) {
    for (int kind : rule->unit_kinds()) kinds.push_back(static_cast<UnitKind>(kind));
  }
  if (!kinds.empty()) return kinds;
  if (category == ::dienhinh::type::v1::CATEGORY_INSTITUTION) {
    return {::dienhinh::type::v1::UNIT_KIND_SCHOOL, ::dienhinh::type::v1::UNIT_KIND_CENTRE};
  }
  if (category == ::dienhinh::type::v1::CATEGORY_DEPARTMENT) {
    return {::dienhinh::type::v1::UNIT_KIND_DEPARTMENT};
  }
  return {};
}

google::protobuf::Timestamp ToTimestamp(absl::Time time) {
  return TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(time));
}

class FailureList {
 public:
  void Add(std::string field, std::string description, const char* reason) {
    failures_.push_back({std::move(field), std::move(description), reason});
  }
  void TextBound(const std::string& field, const std::string& value, size_t limit) {
    if (value.size() > limit) {
      Add(field, absl::StrCat("is longer than ", limit, " bytes"), "INVALID_ARGUMENT");
    }
  }
  bool empty() const { return failures_.empty(); }
  std::vector<RuleFailure> Take() { return std::move(failures_); }

 private:
  std::vector<RuleFailure> failures_;
};

constexpr char kBadInput[] = "INVALID_ARGUMENT";

void CheckEvidenceForm(const Nomination& n, FailureList& out, std::set<std::string>& ids) {
  if (n.evidence_size() > kMaxEvidence) {
    out.Add("evidence", absl::StrCat("at most ", kMaxEvidence, " items"), kBadInput);
  }
  for (int i = 0; i < n.evidence_size(); ++i) {
    const Evidence& e = n.evidence(i);
    const std::string path = absl::StrCat("evidence[", i, "]");
    if (!IsEvidenceId(e.id())) {
      out.Add(path + ".id", "is required: letters, digits and hyphens, at most 64", kBadInput);
    } else if (!ids.insert(e.id()).second) {
      out.Add(path + ".id", absl::StrCat("\"", e.id(), "\" is used by an earlier item"), kBadInput);
    }
    if (e.kind() == Evidence::KIND_UNSPECIFIED || !Evidence::Kind_IsValid(e.kind())) {
      out.Add(path + ".kind", "is required (KIND_DECISION, KIND_CERTIFICATE, ...)", kBadInput);
    }
    if (e.title().empty()) out.Add(path + ".title", "is required", kBadInput);
    out.TextBound(path + ".title", e.title(), kMaxShortText);
    out.TextBound(path + ".issuing_body", e.issuing_body(), kMaxShortText);
    out.TextBound(path + ".document_number", e.document_number(), kMaxShortText);
    if (e.has_document_date() && !IsValidDate(e.document_date())) {
      out.Add(path + ".document_date", "is not a calendar date", kBadInput);
    }
    if (e.uri().size() > kMaxUriBytes) {
      out.Add(path + ".uri", absl::StrCat("is longer than ", kMaxUriBytes, " bytes"), kBadInput);
    } else if (std::any_of(e.uri().begin(), e.uri().end(),
                           [](char c) { return absl::ascii_isspace(c); })) {
      out.Add(path + ".uri", "must not contain spaces", kBadInput);
    }
    if (!e.sha256().empty() && !IsSha256Hex(e.sha256())) {
      out.Add(path + ".sha256", "must be 64 lowercase hexadecimal characters", kBadInput);
    }
  }
}

void CheckAttestationForm(const Nomination& n, const std::set<std::string>& evidence_ids,
                          FailureList& out) {
  if (n.attestations_size() > kMaxAttestations) {
    out.Add("attestations", absl::StrCat("at most ", kMaxAttestations, " attestations"),
            kBadInput);
  }
  std::set<std::string> criteria;
  for (int i = 0; i < n.attestations_size(); ++i) {
    const auto& a = n.attestations(i);
    const std::string path = absl::StrCat("attestations[", i, "]");
    if (!IsCriterionId(a.criterion_id())) {
      out.Add(path + ".criterion_id", "is required: a criterion id such as \"G1\" or \"I4\"",
              kBadInput);
    } else if (!criteria.insert(a.criterion_id()).second) {
      out.Add(path + ".criterion_id",
              absl::StrCat(a.criterion_id(), " is attested by an earlier attestation"), kBadInput);
    }
    if (a.statement().empty()) out.Add(path + ".statement", "is required", kBadInput);
    out.TextBound(path + ".statement", a.statement(), kMaxLongText);
    for (int k = 0; k < a.evidence_ids_size(); ++k) {
      if (!evidence_ids.count(a.evidence_ids(k))) {
        out.Add(absl::StrCat(path, ".evidence_ids[", k, "]"),
                absl::StrCat("\"", a.evidence_ids(k), "\" is not the id of an evidence item"),
                kBadInput);
      }
    }
  }
}

void CheckVoteForm(const Nomination& n, const std::set<std::string>& evidence_ids,
                   FailureList& out) {
  if (!n.has_acknowledgement_vote()) return;
  const auto& v = n.acknowledgement_vote();
  if (v.members() < 0) out.Add("acknowledgement_vote.members", "must not be negative", kBadInput);
  if (v.present() < 0) out.Add("acknowledgement_vote.present", "must not be negative", kBadInput);
  if (v.votes_for() < 0) {
    out.Add("acknowledgement_vote.votes_for", "must not be negative", kBadInput);
  }
  if (v.has_date() && !IsValidDate(v.date())) {
    out.Add("acknowledgement_vote.date", "is not a calendar date", kBadInput);
  }
  out.TextBound("acknowledgement_vote.body", v.body(), kMaxShortText);
  out.TextBound("acknowledgement_vote.minutes_reference", v.minutes_reference(), kMaxShortText);
  if (!v.minutes_evidence_id().empty() && !evidence_ids.count(v.minutes_evidence_id())) {
    out.Add("acknowledgement_vote.minutes_evidence_id",
            absl::StrCat("\"", v.minutes_evidence_id(), "\" is not the id of an evidence item"),
            kBadInput);
  }
}

}  // namespace

// --- Names ---

std::string NominationName(absl::string_view id) { return absl::StrCat("nominations/", id); }

std::optional<std::string> NominationIdOf(absl::string_view name) {
  if (!absl::ConsumePrefix(&name, "nominations/") || !platform::IsUlid(name)) return std::nullopt;
  return std::string(name);
}

std::optional<std::string> UnitCodeOf(absl::string_view name) {
  if (!absl::ConsumePrefix(&name, "units/") || !IsRegisterCode(name)) return std::nullopt;
  return std::string(name);
}

bool IsPersonName(absl::string_view name) {
  return absl::ConsumePrefix(&name, "persons/") && IsRegisterCode(name);
}

std::string SchoolYearText(int start_year) {
  return absl::StrCat(start_year, "-", start_year + 1);
}

std::optional<int> ParseSchoolYear(absl::string_view text) {
  if (text.size() != 9 || text[4] != '-') return std::nullopt;
  int first = 0;
  int second = 0;
  if (!absl::SimpleAtoi(text.substr(0, 4), &first) || !absl::SimpleAtoi(text.substr(5), &second) ||
      !absl::ascii_isdigit(text[0]) || !absl::ascii_isdigit(text[5]) || second != first + 1) {
    return std::nullopt;
  }
  return first;
}

// --- The plan ---

const CategoryRule* FindCategoryRule(const Plan& plan, Category category) {
  for (const CategoryRule& rule : plan.categories()) {
    if (rule.category() == category) return &rule;
  }
  return nullptr;
}

bool IsIndividualCategory(const Plan* plan, Category category) {
  if (plan != nullptr) {
    const CategoryRule* rule = FindCategoryRule(*plan, category);
    if (rule != nullptr && rule->nominee_kind() == NOMINEE_KIND_INDIVIDUAL) return true;
    if (rule != nullptr && rule->nominee_kind() == NOMINEE_KIND_COLLECTIVE) return false;
  }
  return category == ::dienhinh::type::v1::CATEGORY_OFFICIAL ||
         category == ::dienhinh::type::v1::CATEGORY_LEADER;
}

// --- Checks ---

std::vector<RuleFailure> CheckNominationForm(const Nomination& n, const Plan* plan) {
  FailureList out;
  if (n.plan().empty()) {
    out.Add("plan", "is required, e.g. \"plans/can-tho-2019-2020\"", kBadInput);
  } else if (plan == nullptr) {
    out.Add("plan", absl::StrCat("there is no plan \"", n.plan(), "\""), kReasonPlanNotFound);
  }

  const Category category = n.category();
  if (category == ::dienhinh::type::v1::CATEGORY_UNSPECIFIED ||
      !::dienhinh::type::v1::Category_IsValid(category)) {
    out.Add("category", "is required (CATEGORY_INSTITUTION, CATEGORY_DEPARTMENT, "
                        "CATEGORY_OFFICIAL or CATEGORY_LEADER)", kBadInput);
  } else if (plan != nullptr && FindCategoryRule(*plan, category) == nullptr) {
    out.Add("category", absl::StrCat(CategoryName(category), " is not a category of ", n.plan()),
            kReasonCategoryNotInPlan);
  }

  const bool individual = IsIndividualCategory(plan, category);
  const bool category_known = category != ::dienhinh::type::v1::CATEGORY_UNSPECIFIED &&
                              ::dienhinh::type::v1::Category_IsValid(category);
  if (n.nominee().empty()) {
    out.Add("nominee", individual ? "is required: persons/{person}" : "is required: units/{unit}",
            kBadInput);
  } else if (!category_known) {
    if (!IsPersonName(n.nominee()) && !UnitCodeOf(n.nominee())) {
      out.Add("nominee", "must be units/{unit} or persons/{person}", kBadInput);
    }
  } else if (individual && !IsPersonName(n.nominee())) {
    out.Add("nominee", absl::StrCat(CategoryName(category),
                                    " nominates an individual: the nominee must be persons/{person}"),
            kBadInput);
  } else if (!individual && !UnitCodeOf(n.nominee())) {
    out.Add("nominee", absl::StrCat(CategoryName(category),
                                    " nominates a collective: the nominee must be units/{unit}"),
            kBadInput);
  }
  if (n.nominating_unit().empty()) {
    out.Add("nominating_unit", "is required: units/{unit}", kBadInput);
  } else if (!UnitCodeOf(n.nominating_unit())) {
    out.Add("nominating_unit", "must be units/{unit}", kBadInput);
  }

  if (!::dienhinh::type::v1::Field_IsValid(n.field())) {
    out.Add("field", "is not a known field", kBadInput);
  }
  out.TextBound("field_detail", n.field_detail(), kMaxShortText);

  if (n.school_years_size() > kMaxSchoolYears) {
    out.Add("school_years", absl::StrCat("at most ", kMaxSchoolYears, " years"), kBadInput);
  }
  std::set<int> years;
  for (int i = 0; i < n.school_years_size(); ++i) {
    int start = n.school_years(i).start_year();
    const std::string path = absl::StrCat("school_years[", i, "].start_year");
    if (start < 1900 || start > 9998) {
      out.Add(path, "must be the calendar year the school year starts, e.g. 2019", kBadInput);
    } else if (!years.insert(start).second) {
      out.Add(path, absl::StrCat(SchoolYearText(start), " appears twice"), kBadInput);
    }
  }

  out.TextBound("achievements", n.achievements(), kMaxLongText);
  if (n.good_practices_size() > kMaxGoodPractices) {
    out.Add("good_practices", absl::StrCat("at most ", kMaxGoodPractices, " practices"), kBadInput);
  }
  for (int i = 0; i < n.good_practices_size(); ++i) {
    const auto& practice = n.good_practices(i);
    const std::string path = absl::StrCat("good_practices[", i, "]");
    if (practice.title().empty()) out.Add(path + ".title", "is required", kBadInput);
    out.TextBound(path + ".title", practice.title(), kMaxShortText);
    out.TextBound(path + ".description", practice.description(), kMaxLongText);
  }

  std::set<std::string> evidence_ids;
  CheckEvidenceForm(n, out, evidence_ids);
  CheckAttestationForm(n, evidence_ids, out);
  CheckVoteForm(n, evidence_ids, out);
  return out.Take();
}

std::vector<RuleFailure> CheckDossierAgainstPlan(const Nomination& n, const Plan& plan) {
  FailureList out;
  const Category category = n.category();
  if (FindCategoryRule(plan, category) == nullptr) {
    out.Add("category", absl::StrCat(CategoryName(category), " is not a category of ", plan.name()),
            kReasonCategoryNotInPlan);
  }

  std::vector<std::string> plan_years;
  std::set<int> plan_starts;
  for (const auto& year : plan.school_years()) {
    plan_years.push_back(SchoolYearText(year.start_year()));
    plan_starts.insert(year.start_year());
  }
  if (n.school_years().empty()) {
    out.Add("school_years", "at least one school year is required", kReasonDossierIncomplete);
  }
  for (int i = 0; i < n.school_years_size(); ++i) {
    int start = n.school_years(i).start_year();
    if (!plan_starts.count(start)) {
      out.Add(absl::StrCat("school_years[", i, "]"),
              absl::StrCat(SchoolYearText(start), " is not a school year of ", plan.name(), " (",
                           absl::StrJoin(plan_years, ", "), ")"),
              kReasonSchoolYearNotInPlan);
    }
  }

  if (n.field() == ::dienhinh::type::v1::FIELD_UNSPECIFIED) {
    out.Add("field", "is required: FIELD_COMPREHENSIVE or the one field the nominee is exemplary in",
            kReasonDossierIncomplete);
  } else if (n.field() == ::dienhinh::type::v1::FIELD_OTHER && n.field_detail().empty()) {
    out.Add("field_detail", "is required with FIELD_OTHER", kReasonDossierIncomplete);
  }
  if (n.achievements().empty()) {
    out.Add("achievements", "is required: the achievements in the years covered",
            kReasonDossierIncomplete);
  }

  for (int i = 0; i < n.attestations_size(); ++i) {
    const std::string& id = n.attestations(i).criterion_id();
    auto criterion = std::find_if(plan.criteria().begin(), plan.criteria().end(),
                                  [&](const auto& c) { return c.id() == id; });
    const std::string path = absl::StrCat("attestations[", i, "].criterion_id");
    if (criterion == plan.criteria().end()) {
      out.Add(path, absl::StrCat(id, " is not a criterion of ", plan.name()),
              kReasonCriterionNotInCategory);
    } else if (std::find(criterion->categories().begin(), criterion->categories().end(),
                         category) == criterion->categories().end()) {
      out.Add(path, absl::StrCat(id, " does not apply to ", CategoryName(category)),
              kReasonCriterionNotInCategory);
    }
  }

  if (!n.has_acknowledgement_vote()) {
    out.Add("acknowledgement_vote",
            "is required: the vote by which the collective acknowledged the nominee (G0)",
            kReasonDossierIncomplete);
  } else {
    const auto& v = n.acknowledgement_vote();
    if (v.members() <= 0) {
      out.Add("acknowledgement_vote.members", "must be more than 0", kReasonVoteDoesNotAddUp);
    } else if (v.present() > v.members()) {
      out.Add("acknowledgement_vote.present",
              absl::StrCat(v.present(), " present is more than the ", v.members(), " members"),
              kReasonVoteDoesNotAddUp);
    }
    if (v.votes_for() > v.present()) {
      out.Add("acknowledgement_vote.votes_for",
              absl::StrCat(v.votes_for(), " votes for is more than the ", v.present(), " present"),
              kReasonVoteDoesNotAddUp);
    }
    if (!IsSetDate(v.date())) {
      out.Add("acknowledgement_vote.date", "is required", kReasonDossierIncomplete);
    }
  }
  return out.Take();
}

std::vector<RuleFailure> CheckNomineeFits(const Nomination& n, const Plan& plan,
                                          const RegistryFacts& facts) {
  FailureList out;
  const Category category = n.category();
  const CategoryRule* rule = FindCategoryRule(plan, category);
  if (IsIndividualCategory(&plan, category)) {
    if (!facts.nominee_person) {
      out.Add("nominee", absl::StrCat(n.nominee(), " is not in the registry"),
              kReasonNomineeNotFound);
      return out.Take();
    }
    const auto& person = *facts.nominee_person;
    const bool heads_unit = !person.head_of().empty();
    if (rule != nullptr && rule->requires_leadership_post() && !person.holds_leadership_post() &&
        !heads_unit) {
      out.Add("nominee",
              absl::StrCat(n.nominee(), " holds no leadership or management post, which ",
                           CategoryName(category), " requires"),
              kReasonNomineeNotInCategory);
    }
    // The leader category always names a head of a unit: L4 judges the leader by the
    // collective he or she heads, so without one there is nothing to judge.
    if (((rule != nullptr && rule->requires_unit_head()) ||
         category == ::dienhinh::type::v1::CATEGORY_LEADER) &&
        !heads_unit) {
      out.Add("nominee",
              absl::StrCat(n.nominee(), " does not head a unit, which ", CategoryName(category),
                           " requires"),
              kReasonNomineeNotInCategory);
    }
    if (n.nominating_unit() != person.unit()) {
      out.Add("nominating_unit",
              absl::StrCat("must be the person's unit, ", person.unit(), " (the registry's)"),
              kReasonNominatingUnitMismatch);
    }
  } else {
    if (!facts.nominee_unit) {
      out.Add("nominee", absl::StrCat(n.nominee(), " is not in the registry"),
              kReasonNomineeNotFound);
      return out.Take();
    }
    const auto& unit = *facts.nominee_unit;
    std::vector<UnitKind> kinds = NominableUnitKinds(rule, category);
    if (!kinds.empty() && std::find(kinds.begin(), kinds.end(), unit.kind()) == kinds.end()) {
      std::vector<std::string> names;
      for (UnitKind kind : kinds) names.push_back(UnitKindName(kind));
      out.Add("nominee",
              absl::StrCat(n.nominee(), " is a ", UnitKindName(unit.kind()), "; ",
                           CategoryName(category), " names a ", absl::StrJoin(names, " or ")),
              kReasonNomineeNotInCategory);
    }
    if (rule != nullptr && rule->directly_affiliated_only() && !plan.issuing_unit().empty() &&
        unit.parent() != plan.issuing_unit()) {
      out.Add("nominee",
              absl::StrCat(n.nominee(), " is not directly under ", plan.issuing_unit(),
                           " (cơ sở giáo dục trực thuộc), which ", CategoryName(category),
                           " requires"),
              kReasonNomineeNotInCategory);
    }
    if (n.nominating_unit() != n.nominee()) {
      out.Add("nominating_unit",
              absl::StrCat("must be the nominee itself, ", n.nominee(),
                           ": a collective puts itself forward"),
              kReasonNominatingUnitMismatch);
    }
  }
  if (!facts.nominating_unit && out.empty()) {
    // Only reachable when the registry lost the unit its own person or unit refers to.
    out.Add("nominating_unit", absl::StrCat(n.nominating_unit(), " is not in the registry"),
            kReasonNominatingUnitMismatch);
  }
  return out.Take();
}

void ApplyRegistryFacts(const RegistryFacts& facts, Nomination& n) {
  if (facts.nominee_unit) n.set_nominee_display_name(facts.nominee_unit->display_name());
  if (facts.nominee_person) n.set_nominee_display_name(facts.nominee_person->display_name());
  if (facts.nominating_unit) n.set_district(facts.nominating_unit->district());
}

absl::Status FailuresToStatus(absl::StatusCode code, absl::string_view message,
                              const std::vector<RuleFailure>& failures, absl::string_view prefix) {
  if (failures.empty()) return absl::OkStatus();
  google::rpc::BadRequest bad_request;
  std::string text(message);
  std::string reason = failures.front().reason;
  for (const RuleFailure& f : failures) {
    auto* v = bad_request.add_field_violations();
    v->set_field(absl::StrCat(prefix, f.field));
    v->set_description(f.description);
    absl::StrAppend(&text, "; ", prefix, f.field, ": ", f.description);
    if (f.reason != reason) reason = kReasonSubmissionChecksFailed;
  }
  absl::Status status(code, text);
  status.SetPayload(platform::kBadRequestTypeUrl, absl::Cord(bad_request.SerializeAsString()));
  return platform::WithReason(status, reason);
}

absl::Status CheckNominationWindow(const Plan& plan, Category category, absl::Time now,
                                   bool override_window) {
  if (override_window) return absl::OkStatus();
  switch (platform::NominationWindowState(plan, category, now)) {
    case platform::WindowState::kNoWindow:
    case platform::WindowState::kOpen:
      return absl::OkStatus();
    case platform::WindowState::kNotYetOpen:
      return FailuresToStatus(
          absl::StatusCode::kFailedPrecondition, "the nomination window is not open yet",
          {{"override_window",
            absl::StrCat("the nomination window of ", plan.name(), " for ", CategoryName(category),
                         " has not opened yet (Asia/Ho_Chi_Minh time); only the department "
                         "office may override it"),
            kReasonWindowNotYetOpen}});
    case platform::WindowState::kClosed:
      break;
  }
  return FailuresToStatus(
      absl::StatusCode::kFailedPrecondition, "the nomination window is closed",
      {{"override_window",
        absl::StrCat("the nomination window of ", plan.name(), " for ", CategoryName(category),
                     " has closed (Asia/Ho_Chi_Minh time); only the department office may "
                     "override it, with a reason"),
        kReasonWindowClosed}});
}

// --- Changes ---

absl::StatusOr<std::vector<std::string>> UpdatablePaths(const google::protobuf::FieldMask& mask) {
  if (mask.paths().empty()) {
    return platform::InvalidField("update_mask", "is required: the fields to update, or \"*\"");
  }
  std::vector<std::string> out;
  static const std::set<std::string> kFixed = {"plan", "category", "nominee"};
  for (const std::string& path : mask.paths()) {
    if (path == "*") {
      return UpdatableFields();
    }
    const std::string top = path.substr(0, path.find('.'));
    if (kFixed.count(top)) {
      return platform::InvalidField(
          "update_mask", absl::StrCat("`", top, "` is fixed after creation: create a new nomination"));
    }
    if (std::find(UpdatableFields().begin(), UpdatableFields().end(), top) ==
        UpdatableFields().end()) {
      const bool known = Nomination::descriptor()->FindFieldByName(top) != nullptr;
      return platform::InvalidField(
          "update_mask", known ? absl::StrCat("`", top, "` is output only")
                               : absl::StrCat("`", path, "` is not a field of Nomination"));
    }
    google::protobuf::FieldMask one;
    one.add_paths(path);
    if (!FieldMaskUtil::IsValidFieldMask<Nomination>(one)) {
      return platform::InvalidField("update_mask",
                                    absl::StrCat("`", path, "` is not a field of Nomination"));
    }
    out.push_back(path);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

Nomination ApplyUpdate(const Nomination& stored, const Nomination& patch,
                       const std::vector<std::string>& paths) {
  Nomination out = stored;
  google::protobuf::FieldMask mask;
  for (const std::string& path : paths) mask.add_paths(path);
  FieldMaskUtil::MergeOptions options;
  // Repeated fields and sub-messages named by a path are replaced, not merged (AIP-134).
  options.set_replace_message_fields(true);
  options.set_replace_repeated_fields(true);
  FieldMaskUtil::MergeMessageTo(patch, mask, options, &out);
  return out;
}

Nomination NewDraft(const Nomination& input, const RegistryFacts& facts, absl::string_view id,
                    absl::string_view actor, absl::Time now) {
  Nomination n;
  n.set_plan(input.plan());
  n.mutable_school_years()->CopyFrom(input.school_years());
  n.set_category(input.category());
  n.set_field(input.field());
  n.set_field_detail(input.field_detail());
  n.set_nominee(input.nominee());
  n.set_nominating_unit(input.nominating_unit());
  n.set_achievements(input.achievements());
  n.mutable_good_practices()->CopyFrom(input.good_practices());
  n.mutable_evidence()->CopyFrom(input.evidence());
  n.mutable_attestations()->CopyFrom(input.attestations());
  if (input.has_acknowledgement_vote()) {
    *n.mutable_acknowledgement_vote() = input.acknowledgement_vote();
  }
  n.set_name(NominationName(id));
  n.set_state(Nomination::STATE_DRAFT);
  *n.mutable_create_time() = ToTimestamp(now);
  n.set_created_by(std::string(actor));
  ApplyRegistryFacts(facts, n);
  Touch(n, now);
  return n;
}

Nomination Submitted(Nomination draft, absl::string_view actor, absl::Time now,
                     absl::string_view override_reason) {
  Nomination n = std::move(draft);
  n.set_state(Nomination::STATE_SUBMITTED);
  *n.mutable_submit_time() = ToTimestamp(now);
  n.set_submitted_by(std::string(actor));
  n.clear_window_override();
  if (!override_reason.empty()) {
    auto* o = n.mutable_window_override();
    o->set_reason(std::string(override_reason));
    o->set_actor(std::string(actor));
    *o->mutable_time() = ToTimestamp(now);
  }
  Touch(n, now);
  return n;
}

Nomination Withdrawn(const Nomination& submitted, absl::Time now, absl::string_view reason) {
  Nomination n = submitted;
  n.set_state(Nomination::STATE_WITHDRAWN);
  *n.mutable_withdraw_time() = ToTimestamp(now);
  n.set_withdraw_reason(std::string(reason));
  Touch(n, now);
  return n;
}

void Touch(Nomination& n, absl::Time now) {
  *n.mutable_update_time() = ToTimestamp(now);
  n.set_etag(platform::ComputeEtag(n));
}

bool IsActive(Nomination::State state) {
  return state == Nomination::STATE_DRAFT || state == Nomination::STATE_SUBMITTED;
}

}  // namespace dienhinh::intake
