// parse_previous_versions(): structure of the real page, the label -> platform
// table, and bad input.
#include "data/previous_versions.h"

#include <gtest/gtest.h>

#include "data/embedded.h"

namespace torchup::data {
namespace {

TEST(SelectPreviousVersions, LabelsMapToRealPlatformNames) {
  struct Case {
    const char* label;
    const char* platform;  // "" = not recognised
  };
  for (auto c : {Case{"CUDA 11.8", "cu118"}, Case{"CUDA 9.2", "cu92"}, Case{"CUDA 10.0", "cu100"},
                 Case{"CUDA 11.1 (Linux)", "cu111"}, Case{"CUDA 11.1 (Windows)", "cu111"}, Case{"CPU only", "cpu"},
                 Case{"CPU Only", "cpu"}, Case{"conda", "cpu"}, Case{"ROCM 5.4.2 (Linux only)", "rocm5.4.2"},
                 Case{"RocM 4.0.1 (Linux only)", "rocm4.0.1"}, Case{"ROCM 7.2 (Linux only)", "rocm7.2"},
                 Case{"ROCM5.x", "rocm5.x"}, Case{"NOTE: something", ""}, Case{"CUDA", ""}, Case{"CUDA 12.", ""},
                 Case{"XPU", ""}}) {
    auto p = platform_for_page_label(c.label);
    EXPECT_EQ(p.value_or(""), c.platform) << c.label;
  }
}

TEST(SelectPreviousVersions, ParsesTheEmbeddedPage) {
  auto page = parse_previous_versions(std::string(*embedded_file("previous-versions.md")));
  ASSERT_TRUE(page) << page.error().message;
  ASSERT_GE(page->versions.size(), 40u);
  EXPECT_EQ(page->versions.front(), "2.11.0");
  EXPECT_EQ(page->versions.back(), "1.0.0");
  EXPECT_TRUE(page->has_version("1.8.2"));  // "### v1.8.2 with LTS support"
  // (Linux only) labels do not reach Windows.
  EXPECT_NE(page->find("2.2.0", "linux", "pip", "rocm5.6"), nullptr);
  EXPECT_EQ(page->find("2.2.0", "windows", "pip", "rocm5.6"), nullptr);
  // A multi-line entry (v1.8.0 ROCm: torch, ninja, torchvision from git).
  const auto* rocm = page->find("1.8.0", "linux", "pip", "rocm4.0.1");
  ASSERT_NE(rocm, nullptr);
  EXPECT_EQ(rocm->command_lines.size(), 3u);
  // Notes between a label and its command (v1.8.2 LTS).
  const auto* lts = page->find("1.8.2", "windows", "conda", "cu111");
  ASSERT_NE(lts, nullptr);
  ASSERT_EQ(lts->note_lines.size(), 1u);
  EXPECT_EQ(lts->command(), "conda install pytorch torchvision torchaudio cudatoolkit=11.1 -c pytorch-lts -c conda-forge");
  // "Download and install wheel from URL" is an installable note, not a command.
  const auto* old = page->find("1.0.0", "windows", "pip", "cu90");
  ASSERT_NE(old, nullptr);
  EXPECT_FALSE(old->command());
  EXPECT_TRUE(old->installable());
  // "ROCM5.x / Not supported in LTS." is listed but not installable.
  const auto* lts_rocm = page->find("1.8.2", "linux", "pip", "rocm5.x");
  ASSERT_NE(lts_rocm, nullptr);
  EXPECT_FALSE(lts_rocm->installable());
  // Prose under an OS heading becomes a note-only entry.
  auto mac = page->entries_for("1.8.2", "macos", "pip");
  ASSERT_EQ(mac.size(), 1u);
  EXPECT_EQ(mac[0]->platform, "");
  EXPECT_EQ(mac[0]->note_lines.at(0), "macOS is currently not supported in LTS.");
}

TEST(SelectPreviousVersions, BadInputIsAnErrorNamingTheLine) {
  struct Case {
    const char* what;
    std::string text;
    const char* expected;
  };
  const std::string head = "## Commands for Versions >= 1.0.0\n### v9.0.0\n#### Wheel\n##### OSX\n";
  for (const auto& c : std::vector<Case>{
           {"empty", "", "no install commands found"},
           {"unknown label", head + "```\n# XPU 1.0\npip install torch\n```\n", "previous-versions.md:6: unrecognised platform label '# XPU 1.0'"},
           {"unterminated", head + "```\npip install torch\n", "unterminated ``` block"},
           {"bad version heading", "## Commands for Versions >= 1.0.0\n### vNext\n", "expected a version heading"},
           {"bad package heading", "## Commands for Versions >= 1.0.0\n### v9.0.0\n#### Pixi\n", "unknown package heading"},
           {"bad os heading", "## Commands for Versions >= 1.0.0\n### v9.0.0\n#### Wheel\n##### BeOS\n", "unknown OS heading"},
           {"block outside a section", "## Commands for Versions >= 1.0.0\n```\npip install torch\n```\n", "outside a version"},
       }) {
    auto page = parse_previous_versions(c.text);
    ASSERT_FALSE(page) << c.what;
    EXPECT_EQ(page.error().kind, ErrorKind::kParse);
    EXPECT_NE(page.error().message.find(c.expected), std::string::npos) << c.what << ": " << page.error().message;
  }
  auto ok = parse_previous_versions(head + "```\npip install torch==9.0.0\n```\n");
  ASSERT_TRUE(ok) << ok.error().message;
  ASSERT_EQ(ok->entries.size(), 1u);
  EXPECT_EQ(ok->entries[0].platform, "cpu");
  EXPECT_EQ(ok->entries[0].os, "macos");
}

}  // namespace
}  // namespace torchup::data
