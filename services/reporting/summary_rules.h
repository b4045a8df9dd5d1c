// What the emulation congress (Đại hội thi đua) reads: the summary of nominations, qualified,
// recognised and revoked by district × category × level, per school year or across the plan's
// period, with rates; and the list of recognised models (gương điển hình được công nhận) with
// their good practices, in Vietnamese collation. Plain C++: no gRPC, no SQL.
#ifndef DIENHINH_SERVICES_REPORTING_SUMMARY_RULES_H_
#define DIENHINH_SERVICES_REPORTING_SUMMARY_RULES_H_

#include <optional>
#include <string>
#include <vector>

#include "dienhinh/evaluation/v1/evaluation.pb.h"
#include "dienhinh/reporting/v1/recognised_model.pb.h"
#include "dienhinh/reporting/v1/summary.pb.h"

namespace dienhinh::reporting {

// Where a nomination stands with the council.
enum class Recognition { kNone, kRecognised, kRevoked };

// A submitted (not withdrawn) nomination, with what the other feeds said about it.
struct NominationFacts {
  std::string site;
  std::string name;      // nominations/{nomination}
  std::string plan;      // plans/{plan}
  std::string district;  // the nominating unit's district
  ::dienhinh::type::v1::Category category = ::dienhinh::type::v1::CATEGORY_UNSPECIFIED;
  // The level of the nominee's unit (for individuals, the unit they work in).
  ::dienhinh::type::v1::EducationLevel level = ::dienhinh::type::v1::EDUCATION_LEVEL_UNSPECIFIED;
  std::vector<int> start_years;  // the school years it covers
  ::dienhinh::evaluation::v1::Verdict verdict = ::dienhinh::evaluation::v1::VERDICT_UNSPECIFIED;
  Recognition recognition = Recognition::kNone;
};

struct SummaryFilter {
  std::string district;
  std::string site;
  std::optional<::dienhinh::type::v1::Category> category;
  std::optional<::dienhinh::type::v1::EducationLevel> level;
};

// part / whole in basis points (1 bp = 0.01 %), rounded half up; 0 when whole is 0.
int RateBasisPoints(int part, int whole);

// The summary of `facts` for `start_year` (nullopt: the whole period), grouped by `group_by`
// (empty: district, category, level), one row per combination that has a nomination, sorted by
// district, category, level, and the total. The caller sets as_of.
v1::Summary Summarize(const std::string& plan, std::optional<int> start_year,
                      const std::vector<v1::SummaryDimension>& group_by,
                      const std::vector<NominationFacts>& facts, const SummaryFilter& filter);

// The counts of one combination of site, district, category and level, for one plan and school
// year: what the read model keeps up to date as events arrive (summary_counts.h), so that a
// summary adds up cells rather than every nomination.
struct SummaryCell {
  std::string site;
  std::string district;
  ::dienhinh::type::v1::Category category = ::dienhinh::type::v1::CATEGORY_UNSPECIFIED;
  ::dienhinh::type::v1::EducationLevel level = ::dienhinh::type::v1::EDUCATION_LEVEL_UNSPECIFIED;
  int nominations = 0;
  int qualified = 0;
  int recognised = 0;
  int revoked = 0;
};

// Whether a nomination with this latest verdict counts as qualified: the only thing of a verdict
// the counts hold, so a verdict that stays on the same side of it moves no count.
bool CountsAsQualified(::dienhinh::evaluation::v1::Verdict verdict);

// What one nomination adds to its cell: one nomination, and one for each standing it has.
SummaryCell CellOf(const NominationFacts& n);

// The start_year under which the counts of a plan's whole period are kept (0 is no school year).
inline constexpr int kWholePeriod = 0;

// The start_years a nomination is counted under: kWholePeriod, and each school year it covers,
// once.
std::vector<int> CountedYears(const NominationFacts& n);

// The summary of the cells of one school year (or of the whole period), as Summarize gives it
// for the nominations the cells count.
v1::Summary SummarizeCells(const std::string& plan, std::optional<int> start_year,
                           const std::vector<v1::SummaryDimension>& group_by,
                           const std::vector<SummaryCell>& cells, const SummaryFilter& filter);

struct RecognisedModelFilter {
  std::string district;
  std::string site;
  std::optional<::dienhinh::type::v1::Category> category;
  std::optional<::dienhinh::type::v1::Field> field;
  std::optional<::dienhinh::type::v1::EducationLevel> level;
  std::optional<int> start_year;
};

enum class RecognisedModelOrder {
  kNomineeDisplayName,  // the default, Vietnamese collation
  kDecisionDate,        // oldest decision first
  kAdoptionsDesc,       // the most taken-up first
};

// A recognised model with the site it came from and the key it sorts by.
struct RecognisedModelEntry {
  v1::RecognisedModel model;
  std::string site;
  std::vector<std::string> sort_key;
};

// Filters `models` and sorts them; ties fall back to the nomination's name.
std::vector<RecognisedModelEntry> SelectRecognisedModels(std::vector<RecognisedModelEntry> models,
                                                         const RecognisedModelFilter& filter,
                                                         RecognisedModelOrder order);

}  // namespace dienhinh::reporting

#endif  // DIENHINH_SERVICES_REPORTING_SUMMARY_RULES_H_
