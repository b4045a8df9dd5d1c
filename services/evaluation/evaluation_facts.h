// What an evaluation reads besides the plan and the nomination: the registry's units, persons
// and yearly records, the reviews of the nomination's attestations, and (for L4) the verdict of
// the headed unit's own nomination. The service gathers them (from the registry in batches, from
// its own tables); tests write them by hand. Everything here goes into the input digest, so the
// same facts always give the same evaluation and any change of them shows as a new version.
#ifndef DIENHINH_SERVICES_EVALUATION_EVALUATION_FACTS_H_
#define DIENHINH_SERVICES_EVALUATION_EVALUATION_FACTS_H_

#include <openssl/types.h>

#include <map>
#include <memory>
#include <set>
#include <string>

#include "dienhinh/evaluation/v1/attestation_review.pb.h"
#include "dienhinh/evaluation/v1/evaluation.pb.h"
#include "dienhinh/evaluation/v1/plan.pb.h"
#include "dienhinh/intake/v1/nomination.pb.h"
#include "dienhinh/registry/v1/person.pb.h"
#include "dienhinh/registry/v1/unit.pb.h"
#include "dienhinh/registry/v1/yearly_record.pb.h"

namespace dienhinh::evaluation {

// The standing of the collective nomination a leader's L4 waits on: the headed unit's active
// nomination under the same plan, in one of the dependency's categories.
struct DependencyState {
  std::string nomination;  // `nominations/{nomination}`
  std::string evaluation;  // its latest evaluation's name; empty when not evaluated yet
  v1::Verdict verdict = v1::VERDICT_UNSPECIFIED;
};

struct EvaluationFacts {
  // By resource name. A name the engine asked for and the registry does not have is simply
  // absent: the criteria that need it are MISSING_DATA.
  std::map<std::string, registry::v1::Unit> units;
  std::map<std::string, registry::v1::Person> persons;
  std::map<std::string, registry::v1::UnitYearlyRecord> unit_records;
  std::map<std::string, registry::v1::PersonYearlyRecord> person_records;
  // The latest review of each attestation, by criterion id.
  std::map<std::string, v1::AttestationReview> reviews;
  // By headed unit name (`units/{unit}`); absent when that unit has no active nomination of the
  // dependency's categories under the plan.
  std::map<std::string, DependencyState> dependencies;
};

// Names of facts to gather.
struct FactRequest {
  std::set<std::string> units;
  std::set<std::string> persons;
  std::set<std::string> unit_records;
  std::set<std::string> person_records;
  // Units whose collective nomination's verdict L4 needs.
  std::set<std::string> dependency_units;

  bool empty() const {
    return units.empty() && persons.empty() && unit_records.empty() && person_records.empty() &&
           dependency_units.empty();
  }
  // Adds what `other` asks for; `this` minus what was asked before is what to fetch next.
  void Merge(const FactRequest& other);
  FactRequest Minus(const FactRequest& already) const;
  // Every registry resource name in the request (units, persons, records), for the record of
  // what an evaluation read.
  std::set<std::string> RegistryNames() const;
};

// `units/{unit}/yearlyRecords/2019-2020`, `persons/{person}/yearlyRecords/2019-2020`.
std::string UnitRecordName(const std::string& unit, int start_year);
std::string PersonRecordName(const std::string& person, int start_year);

// What evaluating `nomination` under `plan` reads, given the facts known so far: the nominee
// and its records first; for an individual, once the person's records are known, the units they
// worked in or headed and those units' records, and the headed unit's nomination (L4). Gather
// until the request adds nothing new (two rounds for individuals, one for collectives).
FactRequest FactsNeeded(const v1::Plan& plan, const intake::v1::Nomination& nomination,
                        const EvaluationFacts& known);

// The criteria of `plan` that apply to `category`, in catalog order.
std::vector<const v1::Criterion*> ApplicableCriteria(const v1::Plan& plan, type::v1::Category category);

// Whether the nominee is a unit (a collective) rather than a person.
bool IsCollective(const intake::v1::Nomination& nomination);

// The nomination's school years as start years, ascending, without repeats.
std::vector<int> NominationYears(const intake::v1::Nomination& nomination);

// The unit whose records stand for the nominee in `start_year` under `subject`: the nominee
// itself for a collective; for an individual the unit their record of that year names (worked in
// for NOMINEE / NOMINEE_UNIT, headed for HEADED_UNIT). Empty when that record is not known or
// names no unit.
std::string SubjectUnit(const intake::v1::Nomination& nomination, const EvaluationFacts& facts,
                        v1::Subject subject, int start_year);

// The unit whose nomination L4 waits on: the unit the person headed in the nomination's last
// school year (that year's record), else the person's current head_of; empty when none is known.
std::string HeadedUnit(const intake::v1::Nomination& nomination, const EvaluationFacts& facts);

// SHA-256 (lowercase hex) of an attestation and the evidence items it cites, as they stand in
// `nomination`; empty when the nomination has no attestation for the criterion. A review keeps
// the digest it saw, so a later change to the attestation sends the criterion back to PENDING.
std::string AttestationDigest(const intake::v1::Nomination& nomination, const std::string& criterion_id);

// InputDigest's hash state after the part of its input that depends on the plan and the
// category alone: the plan's name and catalog version and its applicable criteria (~5.6 KB for
// an institution). A caller that evaluates many nominations (the worker) makes one per plan and
// category, and each InputDigest goes on from a copy of it instead of serializing and hashing
// those bytes again. Safe to share between threads (InputDigest only reads it).
class DigestStart {
 public:
  DigestStart(const v1::Plan& plan, type::v1::Category category);
  DigestStart(DigestStart&&) noexcept = default;
  DigestStart& operator=(DigestStart&&) noexcept = default;

  // SHA-256 (lowercase hex) of this start followed by `rest`.
  std::string Finish(const std::string& rest) const;

 private:
  struct FreeContext {
    void operator()(EVP_MD_CTX* ctx) const;
  };
  std::unique_ptr<EVP_MD_CTX, FreeContext> state_;
};

// SHA-256 (lowercase hex) of everything an evaluation reads, in a canonical order: the catalog
// version and the applicable criteria, the nomination, the facts. Output-only bookkeeping of
// the stored resources (update times, etags, sources) is left out, so re-saving an unchanged
// record does not make a new version.
// `start`, when given, is DigestStart(plan, nomination.category()), made once.
std::string InputDigest(const v1::Plan& plan, const intake::v1::Nomination& nomination,
                        const EvaluationFacts& facts, const DigestStart* start = nullptr);

}  // namespace dienhinh::evaluation

#endif  // DIENHINH_SERVICES_EVALUATION_EVALUATION_FACTS_H_
