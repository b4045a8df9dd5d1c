#include "services/platform/text/vietnamese_text.h"

#include <sqlite3.h>
#include <unicode/ustring.h>

#include <algorithm>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace dienhinh::platform {
namespace {

using ::testing::ElementsAreArray;

// "Tiến" typed with combining marks: e, COMBINING CIRCUMFLEX, COMBINING ACUTE.
const char kTienNfd[] = "Tie\xCC\x82\xCC\x81n";
const char kTienNfc[] = "Ti\xE1\xBA\xBFn";  // U+1EBF ế

std::vector<std::string> Shuffled(std::vector<std::string> items, unsigned seed) {
  std::mt19937 rng(seed);
  std::shuffle(items.begin(), items.end(), rng);
  return items;
}

std::vector<std::string> SortedVietnamese(std::vector<std::string> items) {
  std::sort(items.begin(), items.end(),
            [](const std::string& a, const std::string& b) { return VietnameseLess(a, b); });
  return items;
}

std::vector<std::string> SortedByCollationKey(std::vector<std::string> items) {
  std::stable_sort(items.begin(), items.end(), [](const std::string& a, const std::string& b) {
    return CollationKey(a) < CollationKey(b);
  });
  return items;
}

const std::vector<std::string>& SchoolNames() {
  static const auto* names = new std::vector<std::string>{
      "Trường THPT Châu Văn Liêm",    "Trường THPT Bùi Hữu Nghĩa",  "Trường THPT An Khánh",
      "Trường THPT Thốt Nốt",         "Trường THPT Thới Lai",       "Trường THPT Thuận Hưng",
      "Trường THCS Đoàn Thị Điểm",    "Trường THCS Đống Đa",        "Trường THCS Dương Kỳ Hiệp",
      "Trường THCS An Lạc",           "Trường THCS Ân Lộc",         "Trường THCS Ăn Khang",
      "Trường Tiểu học Mỹ Khánh",     "Trường Tiểu học Mỹ Khánh 2", "Trường Tiểu học Mỹ Khánh 10",
      "Trường Tiểu học Thới An 1",    "Trường Tiểu học Trà Nóc",    "Trường Mầm non Hoa Sen",
      "Trường Mầm non Hoa Mai",       "trường mầm non hoa mai",     "Phòng GD&ĐT quận Ninh Kiều",
      "Phòng GD&ĐT huyện Phong Điền", "Sở Giáo dục và Đào tạo",     "Trung tâm GDNN-GDTX Ô Môn",
      "Trường THPT Lưu Hữu Phước",    "Trường THPT Lê Quý Đôn",     "Trường THPT Lý Tự Trọng"};
  return *names;
}

TEST(NormalizeNfcTest, DecomposedInputComesOutComposed) {
  absl::StatusOr<std::string> tien = NormalizeNfc(kTienNfd);
  ASSERT_TRUE(tien.ok()) << tien.status();
  EXPECT_EQ(*tien, kTienNfc);
  EXPECT_EQ(NormalizeNfc("Tr\x75\xCC\x9B\xCC\x80\x6Fng").value(), "Trừong");  // u + horn + grave
  EXPECT_EQ(NormalizeNfc("Châu Văn Liêm").value(), "Châu Văn Liêm");
  EXPECT_EQ(NormalizeNfc("").value(), "");
}

// ASCII comes back as it is (without ICU); a NUL or any byte past ASCII is not plain.
TEST(NormalizeNfcTest, PlainAsciiComesBackAsItIs) {
  EXPECT_TRUE(IsPlainAscii("THPT001 2019-2020, x"));
  EXPECT_TRUE(IsPlainAscii(""));
  EXPECT_FALSE(IsPlainAscii(std::string("a\0b", 3)));
  EXPECT_FALSE(IsPlainAscii("Trường"));
  EXPECT_FALSE(IsPlainAscii("\x80"));
  EXPECT_EQ(NormalizeNfc("THPT001 2019-2020").value(), "THPT001 2019-2020");
}

TEST(NormalizeNfcTest, InvalidUtf8IsInvalidArgument) {
  for (const std::string& bad :
       {std::string("\xC3"), std::string("Ti\xE1\xBA"), std::string("\xC0\xAF"),
        std::string("\xE0\x80\xAF"), std::string("\xED\xA0\x80"), std::string("\xF4\x90\x80\x80"),
        std::string("\xFF"), std::string("abc\x80"), std::string("\xF8\x88\x80\x80\x80")}) {
    EXPECT_FALSE(IsValidUtf8(bad)) << bad.size();
    EXPECT_EQ(NormalizeNfc(bad).status().code(), absl::StatusCode::kInvalidArgument);
  }
  EXPECT_EQ(NormalizeNfc(std::string("a\0b", 3)).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(IsValidUtf8Test, AcceptsTheEdgesOfEachRange) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("\x7F"));
  EXPECT_TRUE(IsValidUtf8("\xC2\x80"));          // U+0080
  EXPECT_TRUE(IsValidUtf8("\xED\x9F\xBF"));      // U+D7FF
  EXPECT_TRUE(IsValidUtf8("\xEE\x80\x80"));      // U+E000
  EXPECT_TRUE(IsValidUtf8("\xF0\x9F\x98\x80"));  // U+1F600
  EXPECT_TRUE(IsValidUtf8("\xF4\x8F\xBF\xBF"));  // U+10FFFF
  EXPECT_TRUE(IsValidUtf8(kTienNfd));
}

// The hand-written validator against ICU's converter, over every two-byte sequence and the
// boundary cases of three-byte ones.
TEST(IsValidUtf8Test, AgreesWithIcu) {
  auto icu_valid = [](const std::string& bytes) {
    UChar buffer[8];
    int32_t length = 0;
    UErrorCode status = U_ZERO_ERROR;
    u_strFromUTF8(buffer, 8, &length, bytes.data(), static_cast<int32_t>(bytes.size()), &status);
    return U_SUCCESS(status);
  };
  int checked = 0;
  for (int a = 0; a < 256; ++a) {
    for (int b = 0; b < 256; ++b) {
      std::string two{static_cast<char>(a), static_cast<char>(b)};
      ASSERT_EQ(IsValidUtf8(two), icu_valid(two)) << std::hex << a << " " << b;
      for (int c : {0x00, 0x7F, 0x80, 0xBF, 0xC0}) {
        std::string three = two + static_cast<char>(c);
        ASSERT_EQ(IsValidUtf8(three), icu_valid(three)) << std::hex << a << " " << b << " " << c;
        ++checked;
      }
    }
  }
  EXPECT_EQ(checked, 256 * 256 * 5);
}

TEST(SearchKeyTest, DropsCaseAndDiacritics) {
  EXPECT_EQ(SearchKey("Trường THPT Châu Văn Liêm"), "truong thpt chau van liem");
  EXPECT_EQ(SearchKey("ĐOÀN THỊ ĐIỂM"), "doan thi diem");
  EXPECT_EQ(SearchKey("Phòng GD&ĐT quận Ninh Kiều"), "phong gd&dt quan ninh kieu");
  EXPECT_EQ(SearchKey("Ăn ân ẩn ặn"), "an an an an");
  EXPECT_EQ(SearchKey("Ơn ưu"), "on uu");
}

TEST(SearchKeyTest, FoldsWhitespaceAndUnifiesForms) {
  EXPECT_EQ(SearchKey("  Trường\t THPT\n\nAn   Khánh  "), "truong thpt an khanh");
  EXPECT_EQ(SearchKey("Mỹ\xC2\xA0Khánh"), "my khanh");         // no-break space
  EXPECT_EQ(SearchKey("\xEF\xBC\xB4\xEF\xBC\xA8PT"), "thpt");  // full-width ＴＨ
  EXPECT_EQ(SearchKey(kTienNfd), SearchKey(kTienNfc));
  EXPECT_EQ(SearchKey(kTienNfc), "tien");
  EXPECT_EQ(SearchKey("\xC3\x90\xC3\xA0o"), "dao");  // Ð (eth) used for Đ
  EXPECT_EQ(SearchKey(""), "");
  EXPECT_EQ(SearchKey("   "), "");
  EXPECT_EQ(SearchKey("a\xFF"
                      "b"),
            "a\xEF\xBF\xBD"
            "b");  // bad byte → U+FFFD, no failure
}

TEST(VietnameseOrderTest, MatchesTheVietnameseAlphabetAndTones) {
  // a ă â, then b; tones ngang huyền hỏi ngã sắc nặng; d before đ.
  const std::vector<std::string> expected = {"an", "ăn", "ân", "ba", "bà", "bả",
                                             "bã", "bá", "bạ", "dê", "đá", "Đào"};
  for (unsigned seed : {1u, 2u, 3u, 4u, 5u}) {
    EXPECT_THAT(SortedVietnamese(Shuffled(expected, seed)), ElementsAreArray(expected));
    EXPECT_THAT(SortedByCollationKey(Shuffled(expected, seed)), ElementsAreArray(expected));
  }
}

TEST(VietnameseOrderTest, BreveAndCircumflexAreLettersNotAccents) {
  // In the root collation ă is a with an accent and "ăa" sorts before "ab"; in Vietnamese ă
  // is a letter after a, so every a-word comes first.
  EXPECT_TRUE(VietnameseLess("ab", "ăa"));
  EXPECT_TRUE(VietnameseLess("ăz", "âa"));
  EXPECT_TRUE(VietnameseLess("oz", "ôa"));
  EXPECT_TRUE(VietnameseLess("ôz", "ơa"));
  EXPECT_TRUE(VietnameseLess("uz", "ưa"));
  EXPECT_TRUE(VietnameseLess("dz", "đa"));
  EXPECT_FALSE(VietnameseLess("đa", "dz"));
  EXPECT_LT(CollationKey("ab"), CollationKey("ăa"));
  EXPECT_LT(CollationKey("dz"), CollationKey("đa"));
}

TEST(VietnameseOrderTest, NumbersSortByValue) {
  EXPECT_TRUE(VietnameseLess("Lớp 9", "Lớp 10"));
  EXPECT_LT(CollationKey("Trường Tiểu học Mỹ Khánh 2"),
            CollationKey("Trường Tiểu học Mỹ Khánh 10"));
}

TEST(CollationKeyTest, KeyOrderEqualsVietnameseLessOrder) {
  const std::vector<std::string> by_less = SortedVietnamese(Shuffled(SchoolNames(), 42));
  for (unsigned seed : {7u, 8u, 9u}) {
    EXPECT_THAT(SortedByCollationKey(Shuffled(SchoolNames(), seed)), ElementsAreArray(by_less));
  }
  // Spot checks that the order is the Vietnamese one, not bytes.
  auto position = [&](const std::string& name) {
    return std::find(by_less.begin(), by_less.end(), name) - by_less.begin();
  };
  EXPECT_LT(position("Trường THCS Dương Kỳ Hiệp"), position("Trường THCS Đoàn Thị Điểm"));
  EXPECT_LT(position("Trường THCS An Lạc"), position("Trường THCS Ăn Khang"));
  EXPECT_LT(position("Trường THCS Ăn Khang"), position("Trường THCS Ân Lộc"));
  // o, ô, ơ are three letters in that order.
  EXPECT_LT(position("Trường THPT Thốt Nốt"), position("Trường THPT Thới Lai"));
  EXPECT_LT(position("Trường THPT Thới Lai"), position("Trường THPT Thuận Hưng"));
  EXPECT_LT(position("Trường Tiểu học Mỹ Khánh 2"), position("Trường Tiểu học Mỹ Khánh 10"));
  EXPECT_LT(position("Trường THPT Lê Quý Đôn"), position("Trường THPT Lưu Hữu Phước"));
}

TEST(CollationKeyTest, KeysAreStableHexAndNormalizationBlind) {
  for (const std::string& name : SchoolNames()) {
    const std::string key = CollationKey(name);
    EXPECT_FALSE(key.empty());
    EXPECT_EQ(key.find_first_not_of("0123456789abcdef"), std::string::npos) << key;
    EXPECT_EQ(CollationKey(name), key);
  }
  EXPECT_EQ(CollationKey(kTienNfd), CollationKey(kTienNfc));
  EXPECT_NE(CollationKey("Mai"), CollationKey("mai"));  // case still orders ties
  EXPECT_LT(CollationKey("mai"), CollationKey("Mai"));
  EXPECT_LT(CollationKey(""), CollationKey("a"));
  EXPECT_FALSE(CollationVersion().empty());
}

TEST(CollationKeyTest, EveryThreadComputesTheSameKeysAndOrder) {
  const std::vector<std::string> names = SchoolNames();
  std::vector<std::string> keys;
  for (const std::string& name : names) keys.push_back(CollationKey(name));
  const std::vector<std::string> expected = SortedVietnamese(names);
  std::vector<int> mismatches(4, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 20; ++round) {
        for (size_t i = 0; i < names.size(); ++i) {
          if (CollationKey(names[i]) != keys[i]) ++mismatches[t];
        }
        if (SortedVietnamese(Shuffled(names, static_cast<unsigned>(round + t))) != expected) {
          ++mismatches[t];
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_THAT(mismatches, ::testing::Each(0));
}

// The claim the store relies on: a TEXT column of keys orders rows with SQLite's default
// BINARY collation exactly as VietnameseLess does.
TEST(CollationKeyTest, SqliteOrdersByKeyInVietnameseOrder) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(":memory:", &db), SQLITE_OK);
  ASSERT_EQ(
      sqlite3_exec(db, "CREATE TABLE unit (name TEXT, sort_key TEXT)", nullptr, nullptr, nullptr),
      SQLITE_OK);
  sqlite3_stmt* insert = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "INSERT INTO unit VALUES (?, ?)", -1, &insert, nullptr),
            SQLITE_OK);
  for (const std::string& name : Shuffled(SchoolNames(), 3)) {
    const std::string key = CollationKey(name);
    sqlite3_bind_text(insert, 1, name.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(insert, 2, key.c_str(), -1, SQLITE_TRANSIENT);
    ASSERT_EQ(sqlite3_step(insert), SQLITE_DONE);
    sqlite3_reset(insert);
  }
  sqlite3_finalize(insert);

  std::vector<std::string> ordered;
  sqlite3_stmt* select = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "SELECT name FROM unit ORDER BY sort_key", -1, &select, nullptr),
            SQLITE_OK);
  while (sqlite3_step(select) == SQLITE_ROW) {
    ordered.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(select, 0)));
  }
  sqlite3_finalize(select);

  // Paging by key: the rows after the fifth are those whose key is greater.
  sqlite3_stmt* page = nullptr;
  ASSERT_EQ(
      sqlite3_prepare_v2(db, "SELECT count(*) FROM unit WHERE sort_key > ?", -1, &page, nullptr),
      SQLITE_OK);
  const std::string fifth_key = CollationKey(ordered[4]);
  sqlite3_bind_text(page, 1, fifth_key.c_str(), -1, SQLITE_TRANSIENT);
  ASSERT_EQ(sqlite3_step(page), SQLITE_ROW);
  const int after_fifth = sqlite3_column_int(page, 0);
  sqlite3_finalize(page);
  sqlite3_close(db);

  EXPECT_THAT(ordered, ElementsAreArray(SortedVietnamese(SchoolNames())));
  EXPECT_EQ(after_fifth, static_cast<int>(SchoolNames().size()) - 5);
}

}  // namespace
}  // namespace dienhinh::platform
