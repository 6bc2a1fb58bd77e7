#include "util/strings.h"

#include <gtest/gtest.h>

namespace torchup {
namespace {

TEST(Strings, TrimSplitLines) {
  EXPECT_EQ(str::trim("  a b \n"), "a b");
  EXPECT_EQ(str::trim(" \t "), "");
  EXPECT_EQ(str::split("a,b,,c", ',').size(), 4u);
  EXPECT_EQ(str::split_ws("  a  b\tc ").size(), 3u);
  auto l = str::lines("x\r\ny\n");
  ASSERT_EQ(l.size(), 2u);
  EXPECT_EQ(l[0], "x");
  EXPECT_EQ(l[1], "y");
}

TEST(Strings, Numbers) {
  EXPECT_EQ(str::parse_int("42"), 42);
  EXPECT_FALSE(str::parse_int("4x"));
  EXPECT_FALSE(str::parse_int("-1"));
  EXPECT_EQ(str::parse_hex("0x10de"), 0x10deu);
  EXPECT_EQ(str::parse_hex("2684"), 0x2684u);
  EXPECT_FALSE(str::parse_hex("0xzz"));
  EXPECT_FALSE(str::parse_hex(""));
}

TEST(Strings, KeyValue) {
  std::string os_release = "NAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\nID=debian\n";
  EXPECT_EQ(str::key_value(os_release, "VERSION_ID", '='), "12");
  EXPECT_EQ(str::key_value(os_release, "ID", '='), "debian");
  EXPECT_EQ(str::key_value(os_release, "NAME", '='), "Debian GNU/Linux");
  EXPECT_FALSE(str::key_value(os_release, "MISSING", '='));
  EXPECT_EQ(str::key_value("Model: \t NVIDIA GeForce RTX 4090\n", "Model", ':'), "NVIDIA GeForce RTX 4090");
}

TEST(Strings, SanitizeGarbage) {
  std::string garbage("ab\x01\xff\n", 5);
  EXPECT_EQ(str::sanitize(garbage), "ab???");
  EXPECT_EQ(str::sanitize(std::string(300, 'x'), 10), std::string(10, 'x') + "...");
}

}  // namespace
}  // namespace torchup
