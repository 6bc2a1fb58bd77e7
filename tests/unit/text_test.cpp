// Messages and catalogues (util/text.h, issue #14): English as the text itself, the
// id and arguments kept, rendering from a catalogue, the compiled-in Chinese one,
// and .mo files as msgfmt writes them.
#include "util/text.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <string>

namespace torchup {
namespace {

using ::testing::HasSubstr;

TEST(Text, IsTheEnglishWithItsIdAndArguments) {
  Text t = tr("t.driver", "driver {driver} supports CUDA {cuda}", {{"driver", "550.54"}, {"cuda", "12.4"}});
  EXPECT_EQ(t, "driver 550.54 supports CUDA 12.4");
  EXPECT_EQ(t.id(), "t.driver");
  EXPECT_EQ(t.pattern(), "driver {driver} supports CUDA {cuda}");
  ASSERT_EQ(t.args().size(), 2u);
  EXPECT_EQ(t.args()[1].name, "cuda");
  EXPECT_EQ(t.args()[1].value, "12.4");
  Text free = std::string("GeForce RTX 3090");
  EXPECT_FALSE(free.translatable());
  EXPECT_TRUE(t.translatable());
}

TEST(Text, SubstituteKeepsUnknownPlaceholdersAndEscapedBraces) {
  EXPECT_EQ(substitute("{a} and {b}", {{"a", "1"}}), "1 and {b}");
  EXPECT_EQ(substitute("{{literal}} {a}", {{"a", "x"}}), "{literal} x");
  EXPECT_EQ(substitute("unclosed {a", {{"a", "x"}}), "unclosed {a");
  EXPECT_EQ(substitute("", {}), "");
}

TEST(Text, RendersFromACatalogueWithNestedMessages) {
  Catalog zh;
  zh.add("t.outer", "{gpus} cannot be used: {cause}", "无法使用 {gpus}：{cause}");
  zh.add("t.cause", "no NVIDIA driver is loaded", "没有加载 NVIDIA 驱动");
  Text cause = tr("t.cause", "no NVIDIA driver is loaded");
  Text t = tr("t.outer", "{gpus} cannot be used: {cause}", {{"gpus", "GeForce RTX 3090"}, {"cause", cause}});
  EXPECT_EQ(t, "GeForce RTX 3090 cannot be used: no NVIDIA driver is loaded");
  EXPECT_EQ(localize(t, zh), "无法使用 GeForce RTX 3090：没有加载 NVIDIA 驱动");
  EXPECT_EQ(localize(t, Catalog{}), t.str());  // no entry: English
  // A stale entry (the same id, another English pattern) is not used.
  Catalog stale;
  stale.add("t.cause", "no NVIDIA driver found", "没有找到驱动");
  EXPECT_EQ(localize(cause, stale), "no NVIDIA driver is loaded");
  EXPECT_EQ(localize(Text("free text"), zh), "free text");
}

TEST(Text, ParsesLanguageNames) {
  EXPECT_EQ(parse_lang("zh"), Lang::kZh);
  EXPECT_EQ(parse_lang("zh_CN.UTF-8"), Lang::kZh);
  EXPECT_EQ(parse_lang("zh-Hans-CN"), Lang::kZh);
  EXPECT_EQ(parse_lang("zh_TW"), Lang::kZh);
  EXPECT_EQ(parse_lang("ZH"), Lang::kZh);
  EXPECT_EQ(parse_lang("en_US.UTF-8"), Lang::kEn);
  EXPECT_EQ(parse_lang("C"), Lang::kEn);
  EXPECT_EQ(parse_lang("POSIX"), Lang::kEn);
  EXPECT_EQ(parse_lang("C.UTF-8"), Lang::kEn);
  EXPECT_FALSE(parse_lang(""));
  EXPECT_FALSE(parse_lang("auto"));
  EXPECT_FALSE(parse_lang("de_DE.UTF-8"));
}

TEST(Text, TheBuiltInChineseCatalogueIsCompiledIn) {
  const Catalog& zh = builtin_catalog(Lang::kZh);
  EXPECT_GT(zh.size(), 100u);
  EXPECT_EQ(builtin_catalog(Lang::kEn).size(), 0u);
  Text t = tr("plan.driver-supports", "driver {driver} supports CUDA {cuda}", {{"driver", "550.54"}, {"cuda", "12.4"}});
  EXPECT_EQ(localize(t, Lang::kZh), "驱动 550.54 支持 CUDA 12.4");
  EXPECT_EQ(localize(t, Lang::kEn), "driver 550.54 supports CUDA 12.4");
}

// A .mo file as GNU msgfmt writes it (little-endian, revision 0), by hand: the
// header entry, one entry with a context ("id\x04pattern") and one plural entry.
std::string mo_file(bool big_endian) {
  std::vector<std::pair<std::string, std::string>> entries = {
      {"", "Content-Type: text/plain; charset=UTF-8\n"},
      {std::string("t.hello") + '\x04' + "hello {name}", "你好 {name}"},
      {std::string("t.n") + '\x04' + "one file" + '\0' + "{n} files", std::string("{n} 个文件") + '\0'},
  };
  auto u32 = [big_endian](std::string& out, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) {
      const int shift = big_endian ? 24 - 8 * i : 8 * i;
      out += static_cast<char>((v >> shift) & 0xff);
    }
  };
  const auto n = static_cast<std::uint32_t>(entries.size());
  const std::uint32_t originals = 28, translations = originals + 8 * n, strings = translations + 8 * n;
  std::string head, table_o, table_t, data;
  std::uint32_t at = strings;
  std::vector<std::uint32_t> o_at, t_at;
  for (const auto& [o, t] : entries) {
    o_at.push_back(at);
    data += o + '\0';
    at += static_cast<std::uint32_t>(o.size() + 1);
  }
  for (const auto& [o, t] : entries) {
    t_at.push_back(at);
    data += t + '\0';
    at += static_cast<std::uint32_t>(t.size() + 1);
  }
  for (std::uint32_t i = 0; i < n; ++i) {
    u32(table_o, static_cast<std::uint32_t>(entries[i].first.size()));
    u32(table_o, o_at[i]);
    u32(table_t, static_cast<std::uint32_t>(entries[i].second.size()));
    u32(table_t, t_at[i]);
  }
  u32(head, 0x950412de);
  u32(head, 0);
  u32(head, n);
  u32(head, originals);
  u32(head, translations);
  u32(head, 0);
  u32(head, 0);
  return head + table_o + table_t + data;
}

TEST(Text, ReadsMoFilesInEitherByteOrder) {
  for (bool big : {false, true}) {
    std::string error;
    auto c = Catalog::from_mo(mo_file(big), &error);
    ASSERT_TRUE(c) << error;
    EXPECT_EQ(c->size(), 2u);  // the header is not a message
    EXPECT_EQ(c->find("t.hello", "hello {name}").value_or(""), "你好 {name}");
    EXPECT_EQ(c->find("t.n", "one file").value_or(""), "{n} 个文件");  // the singular of a plural entry
    EXPECT_FALSE(c->find("t.hello", "hello"));
  }
}

TEST(Text, RefusesMalformedMoFilesWithAReason) {
  const std::string good = mo_file(false);
  std::string error;
  EXPECT_FALSE(Catalog::from_mo("", &error));
  EXPECT_THAT(error, HasSubstr("shorter than"));
  EXPECT_FALSE(Catalog::from_mo("not a catalogue file", &error));
  EXPECT_THAT(error, HasSubstr("not a GNU .mo file"));
  EXPECT_FALSE(Catalog::from_mo(good.substr(0, 12), &error));
  EXPECT_THAT(error, HasSubstr("truncated header"));
  std::string cut = good.substr(0, good.size() - 10);  // the last strings run past the end
  EXPECT_FALSE(Catalog::from_mo(cut, &error));
  EXPECT_THAT(error, HasSubstr("outside the file"));
  std::string huge = good;
  huge[8] = '\xff';  // an entry count larger than the file could hold
  huge[9] = '\xff';
  EXPECT_FALSE(Catalog::from_mo(huge, &error));
  EXPECT_THAT(error, HasSubstr("more entries than bytes"));
}

}  // namespace
}  // namespace torchup
