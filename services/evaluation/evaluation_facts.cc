#include "services/evaluation/evaluation_facts.h"

#include <openssl/evp.h>

#include <algorithm>
#include <optional>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "services/evaluation/wording.h"
#include "services/platform/wire/wire_bytes.h"

namespace dienhinh::evaluation {
namespace {

using intake::v1::Nomination;
using platform::CanonicalBytes;
using platform::CanonicalBytesWithout;

// A stored resource's canonical bytes without what storing it adds: its create and update
// times and its etag; a yearly record's also without its source (the import or call it came
// from).
template <typename Resource>
std::string WithoutBookkeeping(const Resource& resource) {
  return CanonicalBytesWithout(resource, {Resource::kCreateTimeFieldNumber,
                                          Resource::kUpdateTimeFieldNumber, Resource::kEtagFieldNumber});
}
template <typename Record>
std::string RecordWithoutBookkeeping(const Record& record) {
  return CanonicalBytesWithout(record, {Record::kCreateTimeFieldNumber, Record::kUpdateTimeFieldNumber,
                                        Record::kEtagFieldNumber, Record::kSourceFieldNumber});
}

// Lowercase hex of a digest, as absl writes it (the etag's form too).
std::string Hex(const unsigned char* digest, unsigned int length) {
  return absl::BytesToHexString(absl::string_view(reinterpret_cast<const char*>(digest), length));
}

std::string Sha256Hex(const std::string& bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_sha256(), nullptr);
  return Hex(digest, length);
}

// Appends one labelled piece, length-prefixed so that no two sequences of pieces collide.
void Piece(std::string& out, absl::string_view label, absl::string_view bytes) {
  absl::StrAppend(&out, label, ":", bytes.size(), ":", bytes, ";");
}

int LastYear(const Nomination& nomination) {
  std::vector<int> years = NominationYears(nomination);
  return years.empty() ? 0 : years.back();
}

// Which records a criterion reads, by school year, and through which subject.
struct YearNeed {
  std::vector<int> years;
  v1::Subject subject = v1::SUBJECT_NOMINEE;
  bool unit_records = false;    // the subject unit's records
  bool person_records = false;  // the nominee person's records
};

std::vector<int> Range(int from, int to) {
  std::vector<int> out;
  for (int y = from; y <= to; ++y) out.push_back(y);
  return out;
}

bool UsesPreviousYear(const v1::ThresholdParameters& t) {
  for (const auto& c : t.conditions()) {
    if (c.figure() == v1::FIGURE_SCHOOLS_VS_PREVIOUS_YEAR_BP ||
        c.figure() == v1::FIGURE_CLASSES_VS_PREVIOUS_YEAR_BP ||
        c.figure() == v1::FIGURE_STUDENTS_VS_PREVIOUS_YEAR_BP) {
      return true;
    }
  }
  return false;
}

YearNeed NeedOf(const v1::Criterion& c, const Nomination& nomination) {
  std::vector<int> years = NominationYears(nomination);
  YearNeed need;
  if (years.empty()) return need;
  bool collective = IsCollective(nomination);
  switch (c.kind()) {
    case v1::Criterion::KIND_THRESHOLD:
      need.years = years;
      if (UsesPreviousYear(c.threshold())) need.years.insert(need.years.begin(), years.front() - 1);
      need.subject = c.threshold().subject();
      need.unit_records = true;
      break;
    case v1::Criterion::KIND_TREND:
      need.years = Range(years.front() - std::max(0, c.trend().baseline_years()), years.back());
      need.subject = c.trend().subject();
      need.unit_records = true;
      break;
    case v1::Criterion::KIND_RATING_EVERY_YEAR: {
      need.years = years;
      need.subject = c.rating_every_year().subject();
      for (const auto& r : c.rating_every_year().requirements()) {
        bool person_level = r.aspect() == v1::RATED_ASPECT_PROFESSIONAL_RATING ||
                            (r.aspect() == v1::RATED_ASPECT_TASK_ASSESSMENT && !collective &&
                             (need.subject == v1::SUBJECT_UNSPECIFIED ||
                              need.subject == v1::SUBJECT_NOMINEE));
        (person_level ? need.person_records : need.unit_records) = true;
      }
      break;
    }
    case v1::Criterion::KIND_RECORD_ON_FILE:
      need.years = years;
      need.person_records = true;
      break;
    case v1::Criterion::KIND_STANDING:
      need.years = years;
      (collective ? need.unit_records : need.person_records) = true;
      break;
    case v1::Criterion::KIND_DEPENDENCY:
      need.years = years;
      need.subject = v1::SUBJECT_HEADED_UNIT;
      need.unit_records = true;
      break;
    default:
      break;
  }
  return need;
}

}  // namespace

void FactRequest::Merge(const FactRequest& other) {
  units.insert(other.units.begin(), other.units.end());
  persons.insert(other.persons.begin(), other.persons.end());
  unit_records.insert(other.unit_records.begin(), other.unit_records.end());
  person_records.insert(other.person_records.begin(), other.person_records.end());
  dependency_units.insert(other.dependency_units.begin(), other.dependency_units.end());
}

FactRequest FactRequest::Minus(const FactRequest& already) const {
  auto minus = [](const std::set<std::string>& a, const std::set<std::string>& b) {
    std::set<std::string> out;
    std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::inserter(out, out.end()));
    return out;
  };
  FactRequest out;
  out.units = minus(units, already.units);
  out.persons = minus(persons, already.persons);
  out.unit_records = minus(unit_records, already.unit_records);
  out.person_records = minus(person_records, already.person_records);
  out.dependency_units = minus(dependency_units, already.dependency_units);
  return out;
}

std::set<std::string> FactRequest::RegistryNames() const {
  std::set<std::string> out(units);
  out.insert(persons.begin(), persons.end());
  out.insert(unit_records.begin(), unit_records.end());
  out.insert(person_records.begin(), person_records.end());
  return out;
}

std::string UnitRecordName(const std::string& unit, int start_year) {
  return absl::StrCat(unit, "/yearlyRecords/", SchoolYearText(start_year));
}

std::string PersonRecordName(const std::string& person, int start_year) {
  return absl::StrCat(person, "/yearlyRecords/", SchoolYearText(start_year));
}

bool IsCollective(const Nomination& nomination) {
  return absl::StartsWith(nomination.nominee(), "units/");
}

std::vector<int> NominationYears(const Nomination& nomination) {
  std::vector<int> years;
  for (const auto& y : nomination.school_years()) years.push_back(y.start_year());
  std::sort(years.begin(), years.end());
  years.erase(std::unique(years.begin(), years.end()), years.end());
  return years;
}

std::string SubjectUnit(const Nomination& nomination, const EvaluationFacts& facts,
                        v1::Subject subject, int start_year) {
  if (IsCollective(nomination)) return nomination.nominee();
  auto record = facts.person_records.find(PersonRecordName(nomination.nominee(), start_year));
  if (record == facts.person_records.end()) return "";
  return subject == v1::SUBJECT_HEADED_UNIT ? record->second.head_of() : record->second.unit();
}

std::vector<const v1::Criterion*> ApplicableCriteria(const v1::Plan& plan, type::v1::Category category) {
  std::vector<const v1::Criterion*> out;
  for (const auto& c : plan.criteria()) {
    if (std::find(c.categories().begin(), c.categories().end(), category) != c.categories().end()) {
      out.push_back(&c);
    }
  }
  return out;
}

std::string HeadedUnit(const Nomination& nomination, const EvaluationFacts& facts) {
  if (IsCollective(nomination)) return "";
  auto record = facts.person_records.find(PersonRecordName(nomination.nominee(), LastYear(nomination)));
  if (record != facts.person_records.end() && !record->second.head_of().empty()) {
    return record->second.head_of();
  }
  auto person = facts.persons.find(nomination.nominee());
  if (person != facts.persons.end()) return person->second.head_of();
  return "";
}

FactRequest FactsNeeded(const v1::Plan& plan, const Nomination& nomination,
                        const EvaluationFacts& known) {
  FactRequest request;
  bool collective = IsCollective(nomination);
  (collective ? request.units : request.persons).insert(nomination.nominee());
  for (const v1::Criterion* c : ApplicableCriteria(plan, nomination.category())) {
    YearNeed need = NeedOf(*c, nomination);
    for (int year : need.years) {
      if (need.person_records || (!collective && need.unit_records)) {
        if (!collective) request.person_records.insert(PersonRecordName(nomination.nominee(), year));
      }
      if (need.unit_records) {
        std::string unit = SubjectUnit(nomination, known, need.subject, year);
        if (!unit.empty()) request.unit_records.insert(UnitRecordName(unit, year));
      }
    }
    if (c->kind() == v1::Criterion::KIND_DEPENDENCY && !collective) {
      std::string headed = HeadedUnit(nomination, known);
      if (!headed.empty()) {
        request.dependency_units.insert(headed);
        request.units.insert(headed);
      }
    }
  }
  return request;
}

std::string AttestationDigest(const Nomination& nomination, const std::string& criterion_id) {
  for (const auto& attestation : nomination.attestations()) {
    if (attestation.criterion_id() != criterion_id) continue;
    std::string bytes;
    Piece(bytes, "attestation", CanonicalBytes(attestation));
    for (const std::string& id : attestation.evidence_ids()) {
      for (const auto& evidence : nomination.evidence()) {
        if (evidence.id() == id) Piece(bytes, "evidence", CanonicalBytes(evidence));
      }
    }
    return Sha256Hex(bytes);
  }
  return "";
}

void DigestStart::FreeContext::operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }

DigestStart::DigestStart(const v1::Plan& plan, type::v1::Category category) : state_(EVP_MD_CTX_new()) {
  std::string bytes;
  Piece(bytes, "plan", plan.name());
  Piece(bytes, "catalog_version", plan.catalog_version());
  for (const v1::Criterion* c : ApplicableCriteria(plan, category)) {
    Piece(bytes, "criterion", CanonicalBytes(*c));
  }
  EVP_DigestInit_ex(state_.get(), EVP_sha256(), nullptr);
  EVP_DigestUpdate(state_.get(), bytes.data(), bytes.size());
}

std::string DigestStart::Finish(const std::string& rest) const {
  std::unique_ptr<EVP_MD_CTX, FreeContext> ctx(EVP_MD_CTX_new());
  EVP_MD_CTX_copy_ex(ctx.get(), state_.get());
  EVP_DigestUpdate(ctx.get(), rest.data(), rest.size());
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_DigestFinal_ex(ctx.get(), digest, &length);
  return Hex(digest, length);
}

std::string InputDigest(const v1::Plan& plan, const Nomination& nomination,
                        const EvaluationFacts& facts, const DigestStart* start) {
  std::optional<DigestStart> own;
  if (start == nullptr) start = &own.emplace(plan, nomination.category());
  std::string bytes;
  Piece(bytes, "nomination", WithoutBookkeeping(nomination));
  for (const auto& [name, unit] : facts.units) {
    Piece(bytes, "unit", WithoutBookkeeping(unit));
  }
  for (const auto& [name, person] : facts.persons) {
    Piece(bytes, "person", WithoutBookkeeping(person));
  }
  for (const auto& [name, record] : facts.unit_records) {
    Piece(bytes, "unit_record", RecordWithoutBookkeeping(record));
  }
  for (const auto& [name, record] : facts.person_records) {
    Piece(bytes, "person_record", RecordWithoutBookkeeping(record));
  }
  for (const auto& [criterion, review] : facts.reviews) {
    Piece(bytes, "review", CanonicalBytes(review));
  }
  for (const auto& [unit, dependency] : facts.dependencies) {
    Piece(bytes, "dependency",
          absl::StrCat(unit, "|", dependency.nomination, "|", dependency.evaluation, "|",
                       static_cast<int>(dependency.verdict)));
  }
  return start->Finish(bytes);
}

}  // namespace dienhinh::evaluation
