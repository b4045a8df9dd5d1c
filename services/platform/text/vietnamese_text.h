// Vietnamese text as dienhinh keeps it: UTF-8 throughout, normalized to NFC when it comes in
// (a name typed on one keyboard as "Tiến" with a precomposed ế and on another with e + ̂ + ́
// is then the same string), searchable without case or diacritics, and sorted in Vietnamese
// order in every list people read (a ă â b c d đ e ê ..., tones ngang huyền hỏi ngã sắc nặng).
//
// Thread safety: every function may be called from any thread. ICU collators must not be
// shared between threads for use, so each thread keeps its own clone of one Vietnamese
// collator.
#ifndef DIENHINH_SERVICES_PLATFORM_TEXT_VIETNAMESE_TEXT_H_
#define DIENHINH_SERVICES_PLATFORM_TEXT_VIETNAMESE_TEXT_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace dienhinh::platform {

// True for text of ASCII characters other than NUL: valid UTF-8, and NFC as it is, so it needs
// no normalizing (most codes, numbers and names of resources).
bool IsPlainAscii(std::string_view text);

// Whether `bytes` is well-formed UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing
// above U+10FFFF, no truncated sequences.
bool IsValidUtf8(std::string_view bytes);

// `utf8` in Unicode Normalization Form C. INVALID_ARGUMENT when it is not valid UTF-8, or
// when it contains U+0000: PostgreSQL cannot store that in a TEXT column, and no name or
// description needs it, so it is refused here at the door rather than by one store only.
absl::StatusOr<std::string> NormalizeNfc(std::string_view utf8);

// A form for matching what people type against what is stored: case folded (lower case),
// compatibility forms unified (full-width letters, ligatures), diacritics removed, đ → d, and
// every run of whitespace made one ASCII space with none at either end.
//   "Trường THPT Châu Văn Liêm" → "truong thpt chau van liem"
// Store it beside the text and match the query's SearchKey against it (e.g. with LIKE).
// Invalid UTF-8 bytes become U+FFFD rather than an error: a search key never fails.
std::string SearchKey(std::string_view utf8);

// A string whose byte order is Vietnamese order: the sort key of ICU's "vi" collator, in
// lower-case hex. Comparing two keys byte by byte (memcmp, std::string's <, SQLite's BINARY
// collation) orders the texts as VietnameseLess does, so a store can ORDER BY the key and
// page by it ("key > last_key"). In PostgreSQL compare it with COLLATE "C" (e.g. a column
// declared `TEXT COLLATE "C"`): the database's default collation is not bytewise.
//
// Digits sort by numeric value ("Lớp 9" before "Lớp 10"). Texts that differ only in what the
// collator ignores share a key, so paging needs a unique tie-breaker (the resource id) after
// it. Keys depend on the ICU collation version: when CollationVersion() changes (an ICU
// upgrade), stored keys must be computed again.
std::string CollationKey(std::string_view utf8);

// Vietnamese order for sorting in memory; the same order as CollationKey.
bool VietnameseLess(std::string_view a, std::string_view b);

// The ICU collator's version, e.g. "vi/153.112.40.0"; stored beside keys to notice when they
// are stale.
std::string CollationVersion();

}  // namespace dienhinh::platform

#endif  // DIENHINH_SERVICES_PLATFORM_TEXT_VIETNAMESE_TEXT_H_
