// The summary's counts, kept up to date in the read model (table rm_summary_counts) so that
// GetSummary adds up a few cells (one per plan, school year, site, district, category and
// level) instead of reading every nomination of the plan (issue 9: ~8.6 µs per nomination,
// 1.3 s for 150,000 in one plan).
//
// What a nomination counts for depends on rows several feeds write: the nomination (intake:
// plan, state, category, district, years), its latest verdict and the council's decisions on it
// (evaluation), and the level and district of its nominating unit (registry). Every event that
// writes one of those rows takes a SummaryCountChange around its write, in the transaction
// that applies it: the facts of the nominations it may touch are read before the write and
// again after it, and the cells move by the difference. So the counts equal a recount at every
// commit whatever order the feeds deliver in, an event applied twice moves nothing the second
// time, and a rolled-back transaction takes its moves with it. On PostgreSQL the writes are
// SERIALIZABLE: two feeds' consumers touching one nomination at once cannot both count from a
// stale read (one is aborted and retried).
#ifndef DIENHINH_SERVICES_REPORTING_SUMMARY_COUNTS_H_
#define DIENHINH_SERVICES_REPORTING_SUMMARY_COUNTS_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "services/platform/storage/database.h"
#include "services/reporting/summary_rules.h"

namespace dienhinh::reporting {

class SummaryCountChange {
 public:
  // Before a write that may change nominations `names` of `site` (names not known yet, or not
  // submitted, are fine: they count for nothing before).
  static absl::StatusOr<SummaryCountChange> OfNominations(platform::Transaction& tx,
                                                          const std::string& site,
                                                          std::vector<std::string> names);
  // Before a write that may change the level or district of unit `unit` of `site`: the
  // submitted nominations it nominated.
  static absl::StatusOr<SummaryCountChange> OfUnit(platform::Transaction& tx,
                                                   const std::string& site,
                                                   const std::string& unit);

  // After the write: reads the same nominations again and moves each one's counts from the
  // cells it was in to the cells it is in now.
  absl::Status Apply(platform::Transaction& tx) const;

 private:
  enum class Scope { kNominations, kUnit };
  SummaryCountChange(Scope scope, std::string site, std::vector<std::string> keys,
                     std::vector<NominationFacts> before)
      : scope_(scope), site_(std::move(site)), keys_(std::move(keys)), before_(std::move(before)) {}

  absl::StatusOr<std::vector<NominationFacts>> Read(platform::Transaction& tx) const;

  Scope scope_;
  std::string site_;
  std::vector<std::string> keys_;  // nomination names, or the one unit
  std::vector<NominationFacts> before_;
};

// The cells kept for `plan` and `start_year` (nullopt: the whole period) that `filter` keeps
// (every site's when it names none).
absl::StatusOr<std::vector<SummaryCell>> LoadSummaryCells(platform::Transaction& tx,
                                                          const std::string& plan,
                                                          std::optional<int> start_year,
                                                          const SummaryFilter& filter = {});

// Recounts rm_summary_counts from the read model when events were applied without moving them:
// by a release from before the counts, after a stage went back to it and forward again (deploy/
// README.md: an old binary runs on a newer schema). rm_sources keeps, per source, the last event
// applied and the last the counts were moved for; any difference recounts, in one transaction.
// Call at start, before the consumers. True when it recounted.
absl::StatusOr<bool> RecountSummaryIfStale(platform::Database& db);

// The SQL (both dialects) that fills rm_summary_counts from the read model as it stands, by the
// same rules as SummaryCountChange: the migration that creates the table runs it, so counts
// exist for the data already there.
std::string RecountSummaryCellsSql();

}  // namespace dienhinh::reporting

#endif  // DIENHINH_SERVICES_REPORTING_SUMMARY_COUNTS_H_
