// Golden test (c): the commands the seed guide (tests/fixtures/select/, a copy of
// ../shared/seed/, torch 1.9.0 era) quotes. The expected text is read from the
// guide itself; this table only says which selector cell each quoted block is.
//
// Three blocks do NOT match the embedded published_versions.json (upstream
// pytorch.github.io @788e28a, 2026). The guide copied the selector while 1.9.0 was
// current (mid-2021); the site's 1.9.0 cells were edited afterwards:
//  * macOS pip / conda: the guide has "pip3 install torch torchvision" and
//    "conda install pytorch torchvision -c pytorch"; the data now adds torchaudio
//    (the previous-versions page's v1.9.0 OSX lines also include torchaudio 0.9.0).
//  * Linux ROCm 4.2: the guide has the two-line "pip3 install torch -f .../rocm4.2/...
//    + pip3 install ninja && pip3 install 'git+https://github.com/pytorch/vision.git@v0.10.0'";
//    the data now has one line with torchvision==0.10.0 from the rocm4.2 index.
//    Building torchvision from git was the site's pattern while ROCm torchvision
//    wheels were missing: the page's own v1.8.0 ROCm 4.0.1 entry still shows it.
// These dates are inferred from the data (no copy of the 2021 site is available
// here); the test asserts what the data says and that the guide differs.
#include <gtest/gtest.h>

#include <fstream>
#include <iostream>
#include <sstream>

#include "render/select_output.h"
#include "select_fixture.h"

namespace torchup::render {
namespace {

std::vector<std::string> seed_blocks() {
  std::ifstream in(std::string(TORCHUP_TEST_DIR) + "/fixtures/select/000_ded1d3832bc8a590.txt");
  std::vector<std::string> blocks;
  std::string line, block;
  bool fence = false;
  while (std::getline(in, line)) {
    if (line.rfind("```", 0) == 0) {
      if (fence) blocks.push_back(block);
      block.clear();
      fence = !fence;
      continue;
    }
    if (fence) block += (block.empty() ? "" : "\n") + line;
  }
  return blocks;
}

enum class Expect { kMatches, kDiffers };

struct SeedCase {
  int block;  // 1-based, in the guide's order
  const char *os, *package, *id;
  Expect as_published;
  const char* page_platform;  // the same choice on the previous-versions page; "" when the page has none
};

TEST(SelectSeed, GuideCommandsForTorch190) {
  auto blocks = seed_blocks();
  ASSERT_GE(blocks.size(), 15u) << "seed fixture missing or changed";
  const SeedCase cases[] = {
      {1, "windows", "pip", "cuda.x", Expect::kMatches, "cu111"},
      {2, "windows", "pip", "cuda10.2", Expect::kMatches, "cu102"},
      {3, "windows", "pip", "accnone", Expect::kMatches, "cpu"},
      // The page lists CUDA 11.3 (not 11.1) for v1.9.0 conda: no pinned equivalent.
      {4, "windows", "conda", "cuda.x", Expect::kMatches, ""},
      {5, "windows", "conda", "cuda10.2", Expect::kMatches, "cu102"},
      {6, "windows", "conda", "accnone", Expect::kMatches, "cpu"},
      {7, "macos", "pip", "accnone", Expect::kDiffers, "cpu"},
      {8, "macos", "conda", "accnone", Expect::kDiffers, "cpu"},
      {9, "linux", "pip", "cuda.x", Expect::kMatches, "cu111"},
      {10, "linux", "pip", "cuda10.2", Expect::kMatches, "cu102"},
      {11, "linux", "pip", "rocm4.x", Expect::kDiffers, "rocm4.2"},
      {12, "linux", "pip", "accnone", Expect::kMatches, "cpu"},
      {13, "linux", "conda", "cuda.x", Expect::kMatches, ""},
      {14, "linux", "conda", "cuda10.2", Expect::kMatches, "cu102"},
      {15, "linux", "conda", "accnone", Expect::kMatches, "cpu"},
  };
  const auto& selector = torchup::testing::embedded_selector();
  int matched = 0, differs = 0, pinned = 0;
  for (const auto& c : cases) {
    const std::string& quoted = blocks.at(static_cast<std::size_t>(c.block - 1));
    SCOPED_TRACE("seed block " + std::to_string(c.block) + ": " + quoted);
    auto published = selector.select({"1.9.0", c.os, c.package, "", c.id, true});
    ASSERT_TRUE(published) << published.error().message;
    ASSERT_TRUE(published->command);
    if (c.as_published == Expect::kMatches) {
      EXPECT_EQ(*published->command, quoted);
      ++matched;
    } else {
      EXPECT_NE(*published->command, quoted);
      ++differs;
    }
    // Default output: the page's pinned line for the same choice, or a usage
    // error that lists the page's choices when the page has no such line.
    auto pinned_result = selector.select({"1.9.0", c.os, c.package, "", c.id, false});
    if (*c.page_platform) {
      ASSERT_TRUE(pinned_result) << pinned_result.error().message;
      EXPECT_EQ(pinned_result->source, kSourcePage);
      EXPECT_EQ(pinned_result->platform, c.page_platform);
      const auto* line = selector.page().find("1.9.0", c.os, c.package, c.page_platform);
      ASSERT_NE(line, nullptr);
      EXPECT_EQ(pinned_result->command, line->command());
      EXPECT_NE(pinned_result->command->find("==1.9.0"), std::string::npos) << "pinned";
      ++pinned;
    } else {
      ASSERT_FALSE(pinned_result);
      EXPECT_EQ(pinned_result.error().kind, ErrorKind::kUsage);
      EXPECT_NE(pinned_result.error().message.find("valid choices: cu102, cu113, cpu"), std::string::npos)
          << pinned_result.error().message;
    }
  }
  // The ROCm block differs in a known way: the data's newer one-line command.
  auto rocm = selector.select({"1.9.0", "linux", "pip", "", "rocm4.x", true});
  EXPECT_EQ(rocm->command, "pip3 install torch torchvision==0.10.0 -f https://download.pytorch.org/whl/rocm4.2/torch_stable.html");
  EXPECT_NE(blocks.at(10).find("vision.git@v0.10.0"), std::string::npos);
  std::cout << "[ golden c ] seed guide (torch 1.9.0): " << matched << " quoted commands match --as-published, "
            << differs << " differ (documented: the site changed since the guide was written), " << pinned
            << " default outputs are the page's pinned line\n";
  RecordProperty("cases", matched + differs);
  EXPECT_EQ(matched + differs, 15);
  EXPECT_EQ(differs, 3);
}

}  // namespace
}  // namespace torchup::render
