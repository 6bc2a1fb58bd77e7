// torchup in the user's language (issue #14 part 1): the language from --lang,
// TORCHUP_LANG, LANGUAGE/LC_ALL/LC_MESSAGES/LANG and Windows' UI language; the
// plan, its errors and hints in Chinese; JSON with English text and message ids.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "cli/context.h"
#include "host/scripted.h"
#include "support/run_cli.h"

namespace torchup {
namespace {

using testing::linux_x86_64;
using testing::run_cli;

std::string profile(const std::string& name) { return std::string(TORCHUP_TEST_DIR) + "/fixtures/profiles/" + name + ".json"; }

Lang lang_for(const std::string& flag, std::map<std::string, std::string> env, std::string ui = "") {
  auto e = host::make_map_environment(std::move(env));
  host::SystemFacts facts = linux_x86_64();
  facts.ui_language = std::move(ui);
  return cli::choose_lang(flag, *e, facts);
}

TEST(Language, ChosenFromFlagEnvironmentAndSystem) {
  EXPECT_EQ(lang_for("auto", {}), Lang::kEn);
  EXPECT_EQ(lang_for("auto", {{"LANG", "zh_CN.UTF-8"}}), Lang::kZh);
  EXPECT_EQ(lang_for("en", {{"LANG", "zh_CN.UTF-8"}}), Lang::kEn);        // --lang wins
  EXPECT_EQ(lang_for("zh", {{"LANG", "C"}}), Lang::kZh);
  EXPECT_EQ(lang_for("auto", {{"TORCHUP_LANG", "zh"}, {"LANG", "en_US.UTF-8"}}), Lang::kZh);
  EXPECT_EQ(lang_for("auto", {{"LC_ALL", "en_US.UTF-8"}, {"LANG", "zh_CN.UTF-8"}}), Lang::kEn);  // LC_ALL first
  EXPECT_EQ(lang_for("auto", {{"LC_MESSAGES", "zh_CN.UTF-8"}, {"LANG", "en_US.UTF-8"}}), Lang::kZh);
  // GNU gettext: LANGUAGE's list comes first unless the locale is C.
  EXPECT_EQ(lang_for("auto", {{"LANGUAGE", "zh_CN:en"}, {"LANG", "en_US.UTF-8"}}), Lang::kZh);
  EXPECT_EQ(lang_for("auto", {{"LANGUAGE", "zh_CN:en"}, {"LANG", "C"}}), Lang::kEn);
  // A language torchup does not speak: English.
  EXPECT_EQ(lang_for("auto", {{"LANG", "de_DE.UTF-8"}}), Lang::kEn);
  // Windows: the UI language when no locale variable is set (cmd.exe sets none).
  EXPECT_EQ(lang_for("auto", {}, "zh-CN"), Lang::kZh);
  EXPECT_EQ(lang_for("auto", {{"LANG", "en_US.UTF-8"}}, "zh-CN"), Lang::kEn);
}

TEST(Language, PlanSpeaksChineseUnderAChineseLocale) {
  host::FakeMachine machine("/", {{"LANG", "zh_CN.UTF-8"}}, linux_x86_64(), true);
  auto r = run_cli(machine.host(), {"plan", "--profile", profile("nvidia-no-driver-linux")});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("原因"), std::string::npos) << r.out;                 // the "why" heading
  EXPECT_NE(r.out.find("无法使用"), std::string::npos) << r.out;             // gpu_unused
  EXPECT_NE(r.out.find("安装 NVIDIA 驱动 >= 525.60.13"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("pip3 install"), std::string::npos) << r.out;         // commands stay as they are
  EXPECT_EQ(r.out.find("\nwhy\n"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("cannot be used"), std::string::npos) << r.out;
  // --lang en on the same machine: English.
  auto en = run_cli(machine.host(), {"plan", "--lang", "en", "--profile", profile("nvidia-no-driver-linux")});
  EXPECT_NE(en.out.find("cannot be used: no NVIDIA driver is loaded"), std::string::npos) << en.out;
  EXPECT_EQ(en.out.find("原因"), std::string::npos);
}

TEST(Language, JsonKeepsEnglishAndAddsTheMessageIds) {
  host::FakeMachine machine("/", {{"LANG", "zh_CN.UTF-8"}}, linux_x86_64(), true);
  auto r = run_cli(machine.host(), {"plan", "--json", "--profile", profile("nvidia-no-driver-linux")});
  ASSERT_EQ(r.code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  ASSERT_TRUE(j["gpu_unused"].is_string());
  EXPECT_NE(j["gpu_unused"].get<std::string>().find("cannot be used"), std::string::npos);
  const auto& m = j["messages"];
  ASSERT_EQ(m["reasons"].size(), j["reasons"].size());
  for (std::size_t i = 0; i < j["reasons"].size(); ++i) EXPECT_EQ(m["reasons"][i]["text"], j["reasons"][i]);
  ASSERT_TRUE(m["gpu_unused"].is_object()) << m.dump(1);
  EXPECT_EQ(m["gpu_unused"]["id"], "plan.gpu-unused-fix");
  EXPECT_EQ(m["gpu_unused"]["args"]["cause"]["id"], "plan.gpu-unused");
  EXPECT_EQ(m["gpu_unused"]["args"]["cause"]["args"]["cause"]["id"], "plan.no-driver-loaded");
  EXPECT_EQ(m["gpu_unused"]["args"]["fix"]["args"]["need"], "525.60.13");
  EXPECT_EQ(m["alternatives_why_not"].size(), j["alternatives"].size());
}

TEST(Language, ErrorsAndHintsInChineseAndJsonErrorsInEnglish) {
  host::FakeMachine machine("/", {{"LANG", "zh_CN.UTF-8"}}, linux_x86_64(), true);
  auto r = run_cli(machine.host(), {"plan", "--platform", "cu999x", "--profile", profile("nvidia-no-driver-linux")});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("torchup：错误：--platform cu999x 不是有效的平台"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("提示："), std::string::npos) << r.err;
  auto j = run_cli(machine.host(), {"plan", "--json", "--platform", "cu999x", "--profile", profile("nvidia-no-driver-linux")});
  EXPECT_EQ(j.code, 2);
  auto e = nlohmann::json::parse(j.out)["error"];
  EXPECT_EQ(e["message"], "--platform cu999x is not a platform");
  EXPECT_EQ(e["messages"]["message"]["id"], "plan.bad-platform");
  EXPECT_EQ(e["messages"]["message"]["args"]["value"], "cu999x");
}

}  // namespace
}  // namespace torchup
