// Fuzzes the registry's CSV import as ImportRecords runs it: the CSV reader under the import
// parser (header matching, cells, lists, enums, keys, duplicates), for each kind of file.
//
// Input: byte 0 picks the kind (units, persons, unit or person yearly records), byte 1 the
// chunk size the file arrives in (a client stream splits a file anywhere, even inside a
// UTF-8 sequence or the byte-order mark), byte 2 the default school year; the rest is the file.
// Besides "no crash, no hang, no sanitizer finding" it checks that the chunking changes
// nothing: the file read whole and read in chunks give the same rows, items and errors.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/strings/string_view.h"
#include "services/registry/csv_import.h"

namespace {

using ::dienhinh::registry::ImportParser;
namespace v1 = ::dienhinh::registry::v1;

// What a parse produced, in a form two parses can be compared by.
std::string Outcome(ImportParser& parser) {
  std::string out = std::to_string(parser.rows()) + " rows\n";
  for (const std::string& path : parser.paths()) out += "path " + path + "\n";
  for (const auto& item : parser.items()) {
    out += "item " + item.name + " line " + std::to_string(item.line) + "\n";
    if (item.values != nullptr) out += item.values->ShortDebugString() + "\n";
    // The store names its own problems by field path; the parser turns them into columns.
    for (const std::string& path : parser.paths()) {
      out += parser.ToRowError({item.line, path, "", "fuzz"}).ShortDebugString() + "\n";
    }
  }
  for (const v1::RowError& e : parser.errors()) out += "error " + e.ShortDebugString() + "\n";
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 3) return 0;
  const auto kind = static_cast<v1::ImportKind>(1 + data[0] % 4);
  const size_t chunk = 1 + data[1] % 64;
  const int default_start_year = data[2] % 2 == 0 ? 0 : 2000 + data[2] / 2;
  absl::string_view file(reinterpret_cast<const char*>(data) + 3, size - 3);

  ImportParser whole(kind, default_start_year);
  whole.Feed(file);
  whole.Finish();

  ImportParser chunked(kind, default_start_year);
  for (size_t at = 0; at < file.size(); at += chunk) chunked.Feed(file.substr(at, chunk));
  chunked.Finish();

  const std::string a = Outcome(whole);
  const std::string b = Outcome(chunked);
  if (a != b) {
    std::fprintf(stderr, "the file read whole and in chunks of %zu differ:\n--- whole\n%s--- chunked\n%s",
                 chunk, a.c_str(), b.c_str());
    std::abort();
  }
  return 0;
}
