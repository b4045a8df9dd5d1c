#include "services/platform/text/vietnamese_text.h"

#include <unicode/bytestream.h>
#include <unicode/coll.h>
#include <unicode/locid.h>
#include <unicode/normalizer2.h>
#include <unicode/stringpiece.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/utf16.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace dienhinh::platform {
namespace {

// ICU takes lengths as int32_t; longer input is refused (or cut, where nothing can fail).
constexpr size_t kMaxIcuLength = static_cast<size_t>(std::numeric_limits<int32_t>::max());

icu::StringPiece Piece(std::string_view text) {
  return icu::StringPiece(text.data(), static_cast<int32_t>(std::min(text.size(), kMaxIcuLength)));
}

bool InRange(unsigned char c, unsigned char low, unsigned char high) {
  return c >= low && c <= high;
}

// The Vietnamese collator every thread clones. Created once, never destroyed (threads may
// still clone it while the process exits). nullptr only when ICU has no collation data.
const icu::Collator* PrototypeCollator() {
  static const icu::Collator* const prototype = []() -> const icu::Collator* {
    UErrorCode status = U_ZERO_ERROR;
    std::unique_ptr<icu::Collator> collator(
        icu::Collator::createInstance(icu::Locale("vi"), status));
    if (U_FAILURE(status) || collator == nullptr) return nullptr;
    // Input is NFC already, but text that skipped NormalizeNfc must still sort by what it
    // shows, not by how it is encoded.
    collator->setAttribute(UCOL_NORMALIZATION_MODE, UCOL_ON, status);
    // School and class names carry numbers: "Trường Tiểu học Thới An 2" before "... 10".
    collator->setAttribute(UCOL_NUMERIC_COLLATION, UCOL_ON, status);
    if (U_FAILURE(status)) return nullptr;
    return collator.release();
  }();
  return prototype;
}

// This thread's own collator (ICU's rule: one collator per thread for use).
const icu::Collator* ThreadCollator() {
  thread_local const std::unique_ptr<icu::Collator> collator(
      PrototypeCollator() == nullptr ? nullptr : PrototypeCollator()->clone());
  return collator.get();
}

constexpr char kHexDigits[] = "0123456789abcdef";

}  // namespace

bool IsPlainAscii(std::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return c != '\0' && static_cast<unsigned char>(c) < 0x80; });
}

bool IsValidUtf8(std::string_view bytes) {
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  const auto* end = p + bytes.size();
  while (p < end) {
    const unsigned char c = *p;
    if (c < 0x80) {
      ++p;
      continue;
    }
    // The ranges of the Unicode Standard's table 3-7 (well-formed UTF-8 byte sequences).
    size_t length;
    unsigned char second_low = 0x80;
    unsigned char second_high = 0xBF;
    if (InRange(c, 0xC2, 0xDF)) {
      length = 2;
    } else if (c == 0xE0) {
      length = 3;
      second_low = 0xA0;  // no overlong forms
    } else if (InRange(c, 0xE1, 0xEC) || InRange(c, 0xEE, 0xEF)) {
      length = 3;
    } else if (c == 0xED) {
      length = 3;
      second_high = 0x9F;  // no surrogates
    } else if (c == 0xF0) {
      length = 4;
      second_low = 0x90;
    } else if (InRange(c, 0xF1, 0xF3)) {
      length = 4;
    } else if (c == 0xF4) {
      length = 4;
      second_high = 0x8F;  // nothing above U+10FFFF
    } else {
      return false;
    }
    if (static_cast<size_t>(end - p) < length) return false;
    if (!InRange(p[1], second_low, second_high)) return false;
    for (size_t i = 2; i < length; ++i) {
      if (!InRange(p[i], 0x80, 0xBF)) return false;
    }
    p += length;
  }
  return true;
}

absl::StatusOr<std::string> NormalizeNfc(std::string_view utf8) {
  // Codes, numbers and most names of an import's cells: returned without ICU.
  if (IsPlainAscii(utf8)) {
    if (utf8.size() > kMaxIcuLength) return absl::InvalidArgumentError("text is too long");
    return std::string(utf8);
  }
  if (!IsValidUtf8(utf8)) return absl::InvalidArgumentError("text is not valid UTF-8");
  if (std::memchr(utf8.data(), '\0', utf8.size()) != nullptr) {
    return absl::InvalidArgumentError("text contains a NUL character");
  }
  if (utf8.size() > kMaxIcuLength) return absl::InvalidArgumentError("text is too long");
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(status);
  if (U_FAILURE(status)) {
    return absl::InternalError(absl::StrCat("ICU NFC: ", u_errorName(status)));
  }
  // Most input is NFC already; then the check is all the work.
  if (nfc->isNormalizedUTF8(Piece(utf8), status) && U_SUCCESS(status)) {
    return std::string(utf8);
  }
  status = U_ZERO_ERROR;
  std::string normalized;
  icu::StringByteSink<std::string> sink(&normalized);
  nfc->normalizeUTF8(0, Piece(utf8), sink, nullptr, status);
  if (U_FAILURE(status)) {
    return absl::InternalError(absl::StrCat("ICU NFC: ", u_errorName(status)));
  }
  return normalized;
}

std::string SearchKey(std::string_view utf8) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* fold = icu::Normalizer2::getNFKCCasefoldInstance(status);
  const icu::Normalizer2* nfd = icu::Normalizer2::getNFDInstance(status);
  const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(status);
  if (U_FAILURE(status)) return std::string(utf8);

  // fromUTF8 turns ill-formed bytes into U+FFFD.
  const icu::UnicodeString text = icu::UnicodeString::fromUTF8(Piece(utf8));
  // NFKC_Casefold first (Đ → đ, Ｔ → t, NBSP → space), then NFD so each tone and vowel mark
  // is a separate nonspacing mark to drop.
  const icu::UnicodeString decomposed = nfd->normalize(fold->normalize(text, status), status);
  if (U_FAILURE(status)) return std::string(utf8);

  icu::UnicodeString bare;
  bool space_pending = false;
  for (int32_t i = 0; i < decomposed.length();) {
    UChar32 c = decomposed.char32At(i);
    i += U16_LENGTH(c);
    if (u_charType(c) == U_NON_SPACING_MARK) continue;
    if (u_isUWhiteSpace(c)) {
      space_pending = !bare.isEmpty();
      continue;
    }
    // đ has no decomposition: it is its own letter, so it is mapped by hand. ð (eth) stands
    // in for đ in text from old Vietnamese encodings and keyboards whose Đ was Ð.
    if (c == 0x0111 || c == 0x00F0) c = u'd';
    if (space_pending) {
      bare.append(static_cast<UChar>(u' '));
      space_pending = false;
    }
    bare.append(c);
  }
  const icu::UnicodeString composed = nfc->normalize(bare, status);
  std::string key;
  (U_SUCCESS(status) ? composed : bare).toUTF8String(key);
  return key;
}

std::string CollationKey(std::string_view utf8) {
  const icu::Collator* collator = ThreadCollator();
  std::string key;
  if (collator == nullptr) {
    // Without collation data, byte order is the only order left; still a valid key.
    for (unsigned char c : utf8) {
      key.push_back(kHexDigits[c >> 4]);
      key.push_back(kHexDigits[c & 0xF]);
    }
    return key;
  }
  const icu::UnicodeString text = icu::UnicodeString::fromUTF8(Piece(utf8));
  std::vector<uint8_t> bytes(64 + static_cast<size_t>(text.length()) * 4);
  int32_t size = collator->getSortKey(text, bytes.data(), static_cast<int32_t>(bytes.size()));
  if (size > static_cast<int32_t>(bytes.size())) {
    bytes.resize(static_cast<size_t>(size));
    size = collator->getSortKey(text, bytes.data(), size);
  }
  // The last byte is ICU's terminating 0, which adds nothing to the order.
  if (size > 0 && bytes[static_cast<size_t>(size) - 1] == 0) --size;
  key.reserve(static_cast<size_t>(std::max(size, 0)) * 2);
  for (int32_t i = 0; i < size; ++i) {
    key.push_back(kHexDigits[bytes[i] >> 4]);
    key.push_back(kHexDigits[bytes[i] & 0xF]);
  }
  return key;
}

bool VietnameseLess(std::string_view a, std::string_view b) {
  const icu::Collator* collator = ThreadCollator();
  if (collator == nullptr) return a < b;
  UErrorCode status = U_ZERO_ERROR;
  const UCollationResult result = collator->compareUTF8(Piece(a), Piece(b), status);
  if (U_FAILURE(status)) return a < b;
  return result == UCOL_LESS;
}

std::string CollationVersion() {
  const icu::Collator* collator = ThreadCollator();
  if (collator == nullptr) return "bytes";
  UVersionInfo version;
  collator->getVersion(version);
  char text[U_MAX_VERSION_STRING_LENGTH];
  u_versionToString(version, text);
  return absl::StrCat("vi/", text);
}

}  // namespace dienhinh::platform
