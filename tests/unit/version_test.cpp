#include "util/version.h"

#include <gtest/gtest.h>

namespace torchup {
namespace {

TEST(DottedVersion, ParsesAndCompares) {
  auto a = DottedVersion::parse("550.54.14");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->major(), 550);
  EXPECT_EQ(a->minor(), 54);
  EXPECT_EQ(a->str(), "550.54.14");
  EXPECT_LT(*DottedVersion::parse("525.60.13"), *a);
  EXPECT_EQ(*DottedVersion::parse("12"), *DottedVersion::parse("12.0"));
  EXPECT_LT(*DottedVersion::parse("12.4"), *DottedVersion::parse("12.10"));
  EXPECT_EQ(DottedVersion::parse("12.4.1")->truncated(2).str(), "12.4");
}

TEST(DottedVersion, RejectsGarbage) {
  for (const char* bad : {"", "abc", "1..2", "1.2.", ".1", "1.-2", "1.2.3.4.5.6.7", "99999999999999999999"}) {
    EXPECT_FALSE(DottedVersion::parse(bad)) << bad;
  }
}

TEST(Version, Pep440Ordering) {
  auto v = [](const char* s) {
    auto p = Version::parse(s);
    EXPECT_TRUE(p) << s;
    return *p;
  };
  EXPECT_LT(v("2.6.0.dev20241112"), v("2.6.0a1"));
  EXPECT_LT(v("2.6.0a1"), v("2.6.0b1"));
  EXPECT_LT(v("2.6.0b1"), v("2.6.0rc1"));
  EXPECT_LT(v("2.6.0rc1"), v("2.6.0"));
  EXPECT_LT(v("2.6.0"), v("2.6.0.post1"));
  EXPECT_LT(v("1.13.1"), v("2.0.0"));
  EXPECT_LT(v("2.9.1"), v("2.10.0"));
  EXPECT_EQ(v("2.5.1+cu124").local(), "cu124");
  EXPECT_EQ(v("2.5.1+cu124").public_str(), "2.5.1");
  EXPECT_EQ(v("2.5.1+cu124").str(), "2.5.1+cu124");
  EXPECT_TRUE(v("2.6.0.dev20241112").is_prerelease());
  EXPECT_FALSE(v("2.6.0").is_prerelease());
}

TEST(Version, RejectsGarbage) {
  for (const char* bad : {"", "torch", "1.2.3xyz", "1.2+", "1.2+a b", "+cu124"}) {
    EXPECT_FALSE(Version::parse(bad)) << bad;
  }
}

}  // namespace
}  // namespace torchup
