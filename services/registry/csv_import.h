// Reading an import file (the CSV that EMIS and HR systems export) into registry resources:
// the header row names the columns (Vietnamese headers or English aliases, matched without
// case or diacritics), each data row becomes the values of one resource, and every bad cell is
// reported with its line and column, so a user fixes the whole file in one go. No SQL here: the
// store merges the rows onto what it holds and checks references.
//
// The columns of each kind are listed in services/registry/README.md, generated from the
// tables in csv_import.cc (ImportColumnsHelp).
//
// Cell conventions:
// - An empty cell means "not recorded": a count left unset, a text cleared.
// - Only the file's columns change a stored resource; columns the file lacks keep their values.
// - Enums: the Vietnamese label ("Hoàn thành xuất sắc nhiệm vụ", "Khá", "THPT") or the proto
//   name with or without its prefix (TASK_ASSESSMENT_EXCELLENT, EXCELLENT).
// - Yes/no: có/không, x, 1/0, true/false, yes/no.
// - Lists (titles, awards, acknowledgements, additional levels): entries separated by '|';
//   an entry is `label[: text][@level or authority]`, e.g.
//   "Tập thể lao động xuất sắc@UBND thành phố | Bằng khen: Bằng khen của Bộ trưởng@Bộ".
#ifndef DIENHINH_SERVICES_REGISTRY_CSV_IMPORT_H_
#define DIENHINH_SERVICES_REGISTRY_CSV_IMPORT_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "dienhinh/registry/v1/record_import.pb.h"
#include "services/registry/csv_reader.h"
#include "services/registry/registry_store.h"

namespace dienhinh::registry {

struct ImportColumn;

// Where a parser puts the rows it reads, so that it holds none of them (import_staging.h).
class ImportRowSink {
 public:
  virtual ~ImportRowSink() = default;
  // A row whose cells could be read, in file order.
  virtual absl::Status Add(ImportItem item) = 0;
  // The name of the row added from `line`: to tell a repeated key from two keys that share a
  // hash (the parser remembers keys by hash only).
  virtual absl::StatusOr<std::string> NameAt(int64_t line) = 0;
};

class ImportParser {
 public:
  // `default_start_year` is the header's school year, for record files without a school-year
  // column (0 when none was given). Rows go to `sink` when one is given (it must outlive the
  // parser), otherwise they are kept in items().
  ImportParser(v1::ImportKind kind, int default_start_year, ImportRowSink* sink = nullptr);
  ~ImportParser();

  // The next bytes of the file.
  void Feed(absl::string_view chunk);
  // The end of the file.
  void Finish();

  // Data rows read, the header not counted.
  int64_t rows() const { return rows_; }
  // The rows whose cells could be read, in file order (kept even when other rows were bad, so
  // the store can look for the problems only it sees). Empty when rows go to a sink.
  std::vector<ImportItem>& items() { return items_; }
  // The sink's first error: the parse stopped there (not a problem of the file).
  const absl::Status& sink_status() const { return sink_status_; }
  // The resource fields the file's columns set: the store applies exactly these.
  const std::vector<std::string>& paths() const { return paths_; }
  // Every error found, in file order (at most kMaxErrors, then one saying so).
  const std::vector<v1::RowError>& errors() const { return errors_; }

  // An error the store found in a row, named by the column that holds `problem.path`.
  v1::RowError ToRowError(const ImportProblem& problem) const;

  static constexpr size_t kMaxErrors = 1000;

 private:
  absl::Status OnRow(const CsvRow& row);
  void ReadHeader(const CsvRow& row);
  void ReadData(const CsvRow& row);
  void AddError(int64_t line, std::string column, std::string value, std::string vi,
                std::string en);
  // The line that first held the key `name`, or 0 when it is new (then remembered at `line`).
  absl::StatusOr<int64_t> FirstLineOf(const std::string& name, int64_t line);
  absl::StatusOr<std::string> NameAt(int64_t line);

  v1::ImportKind kind_;
  int default_start_year_;
  CsvReader reader_;
  bool header_read_ = false;
  bool usable_ = true;    // false when the header lacks a key column: rows cannot be read
  bool stopped_ = false;  // a malformed file: nothing after the error can be trusted
  const std::vector<ImportColumn>* spec_ = nullptr;
  std::vector<const ImportColumn*> columns_;  // by position in the file; null for unknown
  std::vector<std::string> headers_;          // as written
  std::vector<std::string> paths_;
  ImportRowSink* sink_;
  absl::Status sink_status_;
  // To find repeated keys without holding every name: the line of each key's first row by
  // the key's 64-bit hash (16 bytes a row), and the rare key whose hash an earlier, different
  // key already has by name.
  absl::flat_hash_map<uint64_t, int64_t> first_line_by_hash_;
  std::map<std::string, int64_t> hash_sharing_keys_;
  std::vector<ImportItem> items_;
  std::vector<v1::RowError> errors_;
  int64_t rows_ = 0;
};

// The accepted columns of each kind, as a Markdown table per kind (for the README).
std::string ImportColumnsHelp();

}  // namespace dienhinh::registry

#endif  // DIENHINH_SERVICES_REGISTRY_CSV_IMPORT_H_
