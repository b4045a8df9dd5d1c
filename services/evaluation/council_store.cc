#include "services/evaluation/council_store.h"

#include "absl/strings/str_format.h"
#include "services/platform/text/vietnamese_text.h"

namespace dienhinh::evaluation {
namespace {

using platform::SqlParam;

absl::StatusOr<std::optional<v1::CouncilDecision>> One(absl::StatusOr<std::vector<platform::SqlRow>> rows) {
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return std::nullopt;
  v1::CouncilDecision d;
  if (!d.ParseFromString((*rows)[0].Blob(0))) return absl::DataLossError("a stored council decision does not parse");
  return std::optional<v1::CouncilDecision>(std::move(d));
}

std::string DateText(const type::v1::Date& d) {
  return absl::StrFormat("%04d-%02d-%02d", d.year(), d.month(), d.day());
}

}  // namespace

absl::Status InsertCouncilDecision(platform::Transaction& tx, const v1::CouncilDecision& d,
                                   const std::string& nominating_unit) {
  return tx
      .Execute("INSERT INTO council_decisions (name, nomination, plan, state, category, district, nominating_unit, "
               "decision_date, display_key, decision) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
               {SqlParam(d.name()), SqlParam(d.nomination()), SqlParam(d.plan()),
                SqlParam(static_cast<int>(d.state())), SqlParam(static_cast<int>(d.category())),
                SqlParam(d.district()), SqlParam(nominating_unit), SqlParam(DateText(d.decision_date())),
                SqlParam(platform::CollationKey(d.nominee_display_name())),
                SqlParam::Blob(d.SerializeAsString())})
      .status();
}

absl::Status UpdateCouncilDecision(platform::Transaction& tx, const v1::CouncilDecision& d) {
  return tx
      .Execute("UPDATE council_decisions SET state = ?, decision = ? WHERE name = ?",
               {SqlParam(static_cast<int>(d.state())), SqlParam::Blob(d.SerializeAsString()), SqlParam(d.name())})
      .status();
}

absl::StatusOr<std::optional<v1::CouncilDecision>> LoadCouncilDecision(platform::Transaction& tx,
                                                                      const std::string& name) {
  return One(tx.Query("SELECT decision FROM council_decisions WHERE name = ?", {SqlParam(name)}));
}

absl::StatusOr<std::optional<v1::CouncilDecision>> StandingRecognition(platform::Transaction& tx,
                                                                       const std::string& nomination) {
  return One(tx.Query("SELECT decision FROM council_decisions WHERE nomination = ? AND state = ? ORDER BY name",
                      {SqlParam(nomination), SqlParam(static_cast<int>(v1::CouncilDecision::STATE_RECOGNISED))}));
}

}  // namespace dienhinh::evaluation
