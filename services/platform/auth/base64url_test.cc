#include "services/platform/auth/base64url.h"

#include <string>

#include "gtest/gtest.h"

namespace dienhinh::platform {
namespace {

TEST(Base64UrlTest, RoundTripsEveryLengthRemainder) {
  const std::string bytes("\xfb\xff\x00\x10\x83\xef\xbe", 7);
  for (size_t n = 0; n <= bytes.size(); ++n) {
    const std::string part = bytes.substr(0, n);
    const std::string encoded = Base64UrlEncode(part);
    EXPECT_EQ(encoded.find_first_of("+/="), std::string::npos) << encoded;
    EXPECT_EQ(Base64UrlDecode(encoded), part) << encoded;
  }
}

TEST(Base64UrlTest, MatchesRfc4648Vectors) {
  EXPECT_EQ(Base64UrlEncode("f"), "Zg");
  EXPECT_EQ(Base64UrlEncode("fo"), "Zm8");
  EXPECT_EQ(Base64UrlEncode("foo"), "Zm9v");
  EXPECT_EQ(Base64UrlEncode("foob"), "Zm9vYg");
  EXPECT_EQ(Base64UrlEncode("\xfb\xff"), "-_8");
}

TEST(Base64UrlTest, RefusesWhatIsNotCanonicalUnpaddedBase64Url) {
  EXPECT_FALSE(Base64UrlDecode("Zg==").has_value());   // padding
  EXPECT_FALSE(Base64UrlDecode("+/8").has_value());    // standard alphabet
  EXPECT_FALSE(Base64UrlDecode("Zm 9v").has_value());  // whitespace
  EXPECT_FALSE(Base64UrlDecode("Zm9vY").has_value());  // one dangling character
  EXPECT_FALSE(Base64UrlDecode("Zh").has_value());     // "Zg" with a nonzero unused bit
  EXPECT_EQ(Base64UrlDecode(""), "");
}

}  // namespace
}  // namespace dienhinh::platform
