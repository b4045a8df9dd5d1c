// Where nominations are kept: the SQL of the intake service, on SQLite or PostgreSQL.
//
// A nomination is stored whole, as its serialized protobuf, beside the columns that filters,
// sort orders and the one-active-nomination rule need. Every command is one transaction that
// holds the change, its audit row, its event (for submitted nominations) and, for calls with
// a request id, the response a retry gets back, so there is never a change without its event
// or a retry that makes a second nomination or a second event.
#ifndef DIENHINH_SERVICES_INTAKE_NOMINATION_STORE_H_
#define DIENHINH_SERVICES_INTAKE_NOMINATION_STORE_H_

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "dienhinh/intake/v1/nomination.pb.h"
#include "google/protobuf/field_mask.pb.h"
#include "services/intake/nomination_query.h"
#include "services/platform/auth/caller.h"
#include "services/platform/events/event_log.h"
#include "services/platform/storage/database.h"

namespace dienhinh::intake {

using ::dienhinh::intake::v1::Nomination;

// The service's schema migrations, numbered from 100 (declared where main.cc expects them).
std::vector<platform::Migration> IntakeMigrations();

struct NominationPage {
  std::vector<Nomination> nominations;
  // The sort key of the last nomination, when there may be more.
  std::vector<std::string> next_after;
};

class NominationStore {
 public:
  // The event a change publishes.
  enum class Publish {
    kNothing,
    kSubmitted,
    kWithdrawn,
    // NominationUpdated, when the nomination is submitted (drafts publish nothing).
    kUpdatedIfSubmitted,
  };

  // A change of one stored nomination.
  struct Change {
    std::string method;       // for the audit trail and the request log, e.g. "SubmitNomination"
    std::string request_id;   // empty when the call has none
    std::string expected_etag;  // ABORTED unless it matches; empty skips the check
    std::string audit_detail;
    Publish publish = Publish::kNothing;
    google::protobuf::FieldMask update_mask;  // for NominationUpdated
    // The nomination after the change, from the one stored; an error (a wrong state) rolls the
    // transaction back. Runs inside the transaction and may run again when it is retried.
    std::function<absl::StatusOr<Nomination>(const Nomination& stored)> apply;
  };

  NominationStore(platform::Database* db, platform::EventLog* events);

  // NOT_FOUND when there is no such nomination.
  absl::StatusOr<Nomination> Get(absl::string_view id);
  // The response stored for `request_id` of `method`, if a call with that id committed.
  absl::StatusOr<std::optional<Nomination>> Remembered(absl::string_view method,
                                                       absl::string_view request_id);
  absl::StatusOr<NominationPage> List(const NominationQuery& query);

  // Stores a new draft. A retry with the same request id returns the first call's nomination;
  // ALREADY_EXISTS (ACTIVE_NOMINATION_EXISTS, naming the other nomination) when the nominee
  // has an active nomination in the category under the plan.
  absl::StatusOr<Nomination> Create(const platform::Caller& caller, const Nomination& draft,
                                    absl::string_view request_id);
  // Applies `change` to nomination `id`. With a request id, a retry returns the first result.
  absl::StatusOr<Nomination> Apply(const platform::Caller& caller, absl::string_view id,
                                   const Change& change);
  // Deletes a draft; FAILED_PRECONDITION for any other state.
  absl::Status DeleteDraft(const platform::Caller& caller, absl::string_view id,
                           absl::string_view expected_etag);

 private:
  platform::Database* db_;
  platform::EventLog* events_;
};

}  // namespace dienhinh::intake

#endif  // DIENHINH_SERVICES_INTAKE_NOMINATION_STORE_H_
