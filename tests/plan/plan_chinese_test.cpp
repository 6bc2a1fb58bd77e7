// Every message a plan can say has a Chinese entry (issue #14 part 1): the plans of
// every machine profile, with their preferences varied, rendered in Chinese. The
// catalogue test (scripts/po-check) finds tr() calls in the code; this one finds
// messages made at run time, nested ones included, and checks what a reader sees.
#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "plan_support.h"

namespace torchup {
namespace {

using testing::load_profile;
using testing::plan_for;

// Every translatable message inside `t` (itself and its arguments, recursively).
void collect(const Text& t, std::vector<const Text*>& out) {
  if (!t.translatable()) return;
  out.push_back(&t);
  for (const auto& a : t.args()) collect(a.value, out);
}

std::vector<const Text*> messages_of(const model::Plan& p) {
  std::vector<const Text*> out;
  for (const auto* list : {&p.reasons, &p.warnings, &p.unlocks}) {
    for (const auto& t : *list) collect(t, out);
  }
  if (p.gpu_unused) collect(*p.gpu_unused, out);
  for (const auto& a : p.alternatives) collect(a.why_not, out);
  return out;
}

bool has_han(const std::string& s) {
  // UTF-8 lead bytes 0xE4..0xE9 begin the CJK Unified Ideographs (U+4E00..U+9FFF).
  for (unsigned char c : s) {
    if (c >= 0xE4 && c <= 0xE9) return true;
  }
  return false;
}

TEST(PlanChinese, EveryMessageOfEveryProfileHasAChineseEntry) {
  namespace fs = std::filesystem;
  const Catalog& zh = builtin_catalog(Lang::kZh);
  std::set<std::string> ids;
  std::size_t plans = 0;
  for (const auto& e : fs::directory_iterator(std::string(TORCHUP_TEST_DIR) + "/fixtures/profiles")) {
    if (e.path().extension() != ".json") continue;
    const auto machine = load_profile(e.path().stem().string());
    std::vector<plan::Preferences> variants(4);
    variants[1].platform = "cpu";
    variants[2].channel = "nightly";
    variants[3].torch = "2.4.1";
    for (const auto& prefs : variants) {
      auto p = plan_for(machine, prefs);
      if (!p) continue;
      ++plans;
      for (const Text* t : messages_of(*p)) {
        ids.insert(t->id());
        EXPECT_TRUE(zh.find(t->id(), t->pattern())) << e.path().stem() << ": no Chinese for " << t->id() << " \""
                                                    << t->pattern() << "\"";
      }
      for (const auto& r : p->reasons) {
        if (r.translatable()) {
          EXPECT_TRUE(has_han(localize(r, Lang::kZh))) << localize(r, Lang::kZh);
        }
      }
    }
  }
  EXPECT_GE(plans, 150u);
  EXPECT_GE(ids.size(), 40u);  // the profiles reach most of the planner's messages
}

TEST(PlanChinese, ReasonsReadAsChineseWithNamesAndVersionsKept) {
  auto p = plan_for(load_profile("nvidia-no-driver-linux"));
  ASSERT_TRUE(p && p->gpu_unused);
  const std::string zh = localize(*p->gpu_unused, Lang::kZh);
  EXPECT_NE(zh.find("无法使用"), std::string::npos) << zh;
  EXPECT_NE(zh.find("没有加载 NVIDIA 驱动"), std::string::npos) << zh;
  EXPECT_NE(zh.find("525.60.13"), std::string::npos) << zh;  // the driver version, as it is
  EXPECT_EQ(zh.find("cannot be used"), std::string::npos) << zh;
  // English stays the text of the plan (the JSON contract).
  EXPECT_NE(p->gpu_unused->find("cannot be used: no NVIDIA driver is loaded"), std::string::npos);
}

}  // namespace
}  // namespace torchup
