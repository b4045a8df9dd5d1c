// The registry's SQL. Every resource is stored as its serialized protobuf beside the columns
// that filters and sort orders need (codes, parent, district, kind, levels, school year,
// Vietnamese collation key, diacritic-free search key). Each command is one transaction that
// holds the change, its events (outbox), the audit row and the request log entry; reads use
// a read transaction. Lists page by keyset on (sort key, name), so a page costs the same
// wherever it is and nothing is returned twice.
//
// Authorization that depends on what is stored (a unit officer moving a person out of their
// unit) is decided by a callback the service passes in, run inside the transaction.
#ifndef DIENHINH_SERVICES_REGISTRY_REGISTRY_STORE_H_
#define DIENHINH_SERVICES_REGISTRY_REGISTRY_STORE_H_

#include <google/protobuf/message.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "dienhinh/registry/v1/district.pb.h"
#include "dienhinh/registry/v1/emulation_block.pb.h"
#include "dienhinh/registry/v1/person.pb.h"
#include "dienhinh/registry/v1/record_import.pb.h"
#include "dienhinh/registry/v1/unit.pb.h"
#include "dienhinh/registry/v1/yearly_record.pb.h"
#include "services/platform/auth/caller.h"
#include "services/platform/events/event_log.h"
#include "services/platform/storage/database.h"
#include "services/registry/registry_queries.h"
#include "services/registry/unit_cache.h"

namespace dienhinh::registry {

// Who is changing what, for the events, the audit trail and the request log.
struct WriteMeta {
  platform::Caller caller;
  std::string method;      // "CreateUnit", "ImportRecords", ...
  std::string request_id;  // the call's, when it has one
  std::string source;      // what a yearly record's `source` becomes: "api" or "import:{id}"
};

enum class WriteMode {
  kCreate,  // ALREADY_EXISTS when the name is taken
  kUpdate,  // NOT_FOUND when it is not
  kUpsert,  // either (AIP-134 allow_missing)
};

// Decides whether the caller may make the change; `current` is null for a creation. Runs in
// the transaction, after validation.
template <typename T>
using WriteAuthorizer = std::function<absl::Status(const T* current, const T& next)>;

template <typename T>
struct Change {
  WriteMode mode = WriteMode::kUpdate;
  std::string name;  // the resource's name
  std::string etag;  // the client's etag, checked against the stored one when not empty
  // Writes the request's values onto `next`, which starts as the stored resource (or empty).
  std::function<void(T* next)> apply;
  // Prefix of field paths in violations: "unit." for CreateUnit's `unit` field.
  std::string field_prefix;
  WriteAuthorizer<T> authorize;
};

template <typename T>
struct Page {
  std::vector<T> items;
  std::string next_page_token;
};

struct PageRequest {
  int page_size = 100;       // already made effective
  std::string page_token;    // from the client
  std::string query_digest;  // what the token must have been issued for
};

// One error of an import row, before the service names the CSV column.
struct ImportProblem {
  int64_t line = 0;
  std::string path;  // field path in the resource, "" for the whole row
  std::string value;
  std::string description;
};

// One row of an import: the resource's name and the values of the file's columns.
struct ImportItem {
  int64_t line = 0;
  std::string name;
  std::unique_ptr<google::protobuf::Message> values;
};

// The rows of an import as the store reads them: in file order, inside the import's
// transaction, possibly more than once (a units file is read twice: first for the tree as it
// will be). Rows are read a batch at a time, so a file of any size is never held whole.
class ImportRowSource {
 public:
  virtual ~ImportRowSource() = default;
  virtual int64_t size() const = 0;
  // Calls `row` for each row in file order, its values parsed as `prototype`'s type; stops
  // at the first error.
  virtual absl::Status ForEach(platform::Transaction& tx,
                               const google::protobuf::Message& prototype,
                               const std::function<absl::Status(const ImportItem&)>& row) = 0;
};

struct ImportResult {
  bool replayed = false;  // the request id was seen: `stored_response` holds the first answer
  v1::ImportRecordsResponse stored_response;
  int64_t created = 0;
  int64_t updated = 0;
  int64_t unchanged = 0;
  // Not empty: rejected, nothing changed. The first kMaxProblems in file order: the response
  // names at most that many errors, in line order, so later ones could never be shown.
  std::vector<ImportProblem> problems;
  static constexpr size_t kMaxProblems = 1000;
};

class RegistryStore {
 public:
  // Keeps a UnitCache when `db` has no other writer (Database::sole_writer()).
  RegistryStore(platform::Database* db, platform::EventLog* events);

  // NOT_FOUND when there is no such resource. A unit may come from the UnitCache.
  template <typename T>
  absl::StatusOr<T> Get(const std::string& name);
  // In one query. Found resources come in the order of `names`; without allow_missing, a
  // missing one is NOT_FOUND naming every missing name.
  template <typename T>
  absl::Status BatchGet(const std::vector<std::string>& names, bool allow_missing,
                        std::vector<T>* found, std::vector<std::string>* missing);
  // BatchGet of persons and, with `with_units`, of the units they belong to (each once, those
  // found), read in one transaction: a person is never shown beside a unit read before or after
  // a change that the persons' read did not see.
  absl::Status BatchGetPersons(const std::vector<std::string>& names, bool allow_missing,
                               bool with_units, std::vector<v1::Person>* found,
                               std::vector<std::string>* missing, std::vector<v1::Unit>* units);

  template <typename T>
  absl::StatusOr<T> Write(const WriteMeta& meta, const Change<T>& change);
  // Refused with FAILED_PRECONDITION while anything refers to the resource.
  template <typename T>
  absl::Status Delete(const WriteMeta& meta, const std::string& name, const std::string& etag,
                      const WriteAuthorizer<T>& authorize);

  platform::Database* database() { return db_; }

  absl::StatusOr<Page<v1::District>> ListDistricts(const DistrictQuery& query, ListOrder order,
                                                   const PageRequest& page);
  absl::StatusOr<Page<v1::EmulationBlock>> ListEmulationBlocks(const BlockQuery& query,
                                                               ListOrder order,
                                                               const PageRequest& page);
  absl::StatusOr<Page<v1::Unit>> ListUnits(const UnitQuery& query, ListOrder order,
                                           const PageRequest& page);
  // Units whose search key holds every word of `words` (already SearchKey'd); the unit whose
  // code equals `code_query` first, then Vietnamese order.
  absl::StatusOr<Page<v1::Unit>> SearchUnits(const std::vector<std::string>& words,
                                             const std::string& code_query, const UnitQuery& query,
                                             const PageRequest& page);
  absl::StatusOr<Page<v1::Person>> ListPersons(const PersonQuery& query, ListOrder order,
                                               const PageRequest& page);
  absl::StatusOr<Page<v1::UnitYearlyRecord>> ListUnitYearlyRecords(const UnitRecordQuery& query,
                                                                   ListOrder order,
                                                                   const PageRequest& page);
  absl::StatusOr<Page<v1::PersonYearlyRecord>> ListPersonYearlyRecords(
      const PersonRecordQuery& query, ListOrder order, const PageRequest& page);

  // Applies an import's rows in one transaction: each row is merged onto the stored resource
  // (only `paths`, the file's columns), checked, and written when it changes something. Any
  // problem in any row rolls everything back and is reported; `validate_only` rolls back too.
  // `response_of` builds the response to remember under the request id when the import
  // commits. PERMISSION_DENIED (the whole import) when `authorize` refuses a row.
  template <typename T>
  absl::StatusOr<ImportResult> Import(
      const WriteMeta& meta, ImportRowSource& rows,
      const std::vector<std::string>& paths, bool validate_only,
      const WriteAuthorizer<T>& authorize,
      const std::function<v1::ImportRecordsResponse(const ImportResult&)>& response_of);

 private:
  // Every write transaction of the registry: RunInTransaction inside the unit cache's write
  // bracket, so that no write can leave a unit in memory that it replaced.
  absl::Status RunWriteTransaction(const std::function<absl::Status(platform::Transaction&)>& body);

  template <typename T>
  absl::Status BatchGetIn(platform::Transaction& tx, const std::vector<std::string>& names,
                          bool allow_missing, std::vector<T>* found,
                          std::vector<std::string>* missing);

  platform::Database* db_;
  platform::EventLog* events_;
  std::unique_ptr<UnitCache> units_;  // null when another process may write
};

}  // namespace dienhinh::registry

#endif  // DIENHINH_SERVICES_REGISTRY_REGISTRY_STORE_H_
