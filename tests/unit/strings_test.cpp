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


// Machine text (a pip.conf path, a proxy URL) goes into --json output: well-formed
// UTF-8 passes untouched (a Chinese home directory), anything else becomes U+FFFD.
TEST(Strings, ValidUtf8KeepsTextAndReplacesGarbage) {
  const std::string chinese = "/home/\xE5\xBC\xA0\xE4\xB8\x89/ca.pem";  // /home/张三/ca.pem
  EXPECT_EQ(str::valid_utf8(chinese), chinese);
  EXPECT_EQ(str::valid_utf8("\xF0\x9F\x98\x80"), "\xF0\x9F\x98\x80");  // U+1F600
  const std::string fffd = "\xEF\xBF\xBD";
  EXPECT_EQ(str::valid_utf8("a\x84z"), "a" + fffd + "z");              // a stray continuation byte
  EXPECT_EQ(str::valid_utf8("\xC0\xAF"), fffd + fffd);                 // overlong '/'
  EXPECT_EQ(str::valid_utf8("\xED\xA0\x80"), fffd + fffd + fffd);     // a surrogate
  EXPECT_EQ(str::valid_utf8("\xF4\x90\x80\x80"), fffd + fffd + fffd + fffd);  // above U+10FFFF
  EXPECT_EQ(str::valid_utf8("\xE5\xBC"), fffd + fffd);                 // cut short
  EXPECT_EQ(str::valid_utf8(""), "");
}

}  // namespace
}  // namespace torchup
