// Where an import's parsed rows wait while the file streams in, so that the registry's memory
// does not grow with the file (a national file of person records is 2,000,000 rows: held as
// messages until the one commit, they took 2.6 GiB).
//
// The parser hands each good row here; rows are buffered and written, a batch at a time, to
// the import_staging table (short transactions of their own, keyed by a session id and the
// row's line); the store's import transaction reads them back in file order, a batch at a
// time; Drop deletes them. Staged rows are scratch data: nothing reads them but their own
// import, so writing them changes nothing a client sees, and a dry run or a rejected file
// leaves nothing behind once dropped. Sessions that outlive a day (a registry that died
// mid-import) are deleted when the next import opens one.
//
// One import uses one ImportStaging, from one thread at a time.
#ifndef DIENHINH_SERVICES_REGISTRY_IMPORT_STAGING_H_
#define DIENHINH_SERVICES_REGISTRY_IMPORT_STAGING_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "services/platform/storage/database.h"
#include "services/registry/csv_import.h"
#include "services/registry/registry_store.h"

namespace dienhinh::registry {

class ImportStaging final : public ImportRowSink, public ImportRowSource {
 public:
  // Opens a session (and deletes the rows of sessions older than a day).
  static absl::StatusOr<std::unique_ptr<ImportStaging>> Open(platform::Database* db);

  // Buffers the row; writes the buffer when it is full.
  absl::Status Add(ImportItem item) override;
  absl::StatusOr<std::string> NameAt(int64_t line) override;
  // Writes what is buffered: call before the store reads the rows.
  absl::Status Flush();

  int64_t size() const override { return rows_; }
  absl::Status ForEach(platform::Transaction& tx, const google::protobuf::Message& prototype,
                       const std::function<absl::Status(const ImportItem&)>& row) override;

  // Deletes the session's rows (in a transaction of its own).
  absl::Status Drop();

  // From now on ForEach ends CANCELLED, before reading the next batch back, once `cancelled`
  // says so (the call was cancelled: the client went away, or the server's drain ran out of
  // time). The store's transaction then rolls back: nothing of the file is applied, and a
  // file of a million rows does not hold a draining service a minute past its deadline.
  void StopWhen(std::function<bool()> cancelled) { cancelled_ = std::move(cancelled); }

  // Rows buffered before a write, and rows read back per query.
  static constexpr size_t kBatchRows = 2000;

 private:
  struct PendingRow {
    int64_t line;
    std::string name;
    std::string values;  // the serialized message
  };

  ImportStaging(platform::Database* db, int64_t session) : db_(db), session_(session) {}

  platform::Database* db_;
  int64_t session_;
  int64_t rows_ = 0;
  std::vector<PendingRow> pending_;  // in line order, not yet written
  size_t pending_bytes_ = 0;
  std::function<bool()> cancelled_;
};

}  // namespace dienhinh::registry

#endif  // DIENHINH_SERVICES_REGISTRY_IMPORT_STAGING_H_
