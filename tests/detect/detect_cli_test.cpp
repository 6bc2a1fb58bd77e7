// `torchup detect` through the real binary (TORCHUP_BINARY): data-store warnings
// (a malformed file in --data-dir) reach the JSON "warnings" array (DESIGN §2.1)
// instead of only stderr, and text output lists them once.
#include <gtest/gtest.h>

#include <algorithm>

#include <nlohmann/json.hpp>

#include "host/host.h"
#include "support/run_binary.h"
#include "support/temp_dir.h"

namespace torchup {
namespace {

using Run = torchup::testing::CliRun;
using torchup::testing::run_binary;


std::string fixture(const std::string& name) { return std::string(TORCHUP_TEST_DIR) + "/fixtures/machines/" + name; }

std::size_t count(const std::string& haystack, const std::string& needle) {
  std::size_t n = 0;
  for (auto pos = haystack.find(needle); pos != std::string::npos; pos = haystack.find(needle, pos + 1)) ++n;
  return n;
}

// nvidia-desktop has an NVIDIA GPU and driver, so detect loads both the compute-capability
// table and Table 3; both override files are broken and the embedded copies take over.
TEST(DetectCli, BrokenDataFilesAreWarningsInTheJson) {
  testing::TempDir data;
  data.write("nvidia-compute-capability.json", "{ not json");
  data.write("cuda-driver-table.json", "[]");
  auto r = run_binary({"--data-dir", data.str(), "detect", "--json", "--root", fixture("nvidia-desktop")});
  ASSERT_EQ(r.code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << r.out;
  ASSERT_TRUE(j["warnings"].is_array());
  std::vector<std::string> warnings = j["warnings"];
  auto mentions = [&](const std::string& name) {
    return std::any_of(warnings.begin(), warnings.end(), [&](const std::string& w) {
      return w.find(name) != std::string::npos && w.find(data.str()) != std::string::npos &&
             w.find("using embedded") != std::string::npos;
    });
  };
  EXPECT_TRUE(mentions("nvidia-compute-capability.json")) << r.out;
  EXPECT_TRUE(mentions("cuda-driver-table.json")) << r.out;
  // The embedded copies still gave the facts.
  EXPECT_EQ(j["gpus"][0]["compute_capability"], "8.9");
  EXPECT_EQ(j["nvidia"]["max_cuda"], "12.4");
  // Reported once: in the JSON, not again on stderr.
  EXPECT_EQ(r.err.find("nvidia-compute-capability.json"), std::string::npos) << r.err;
}

TEST(DetectCli, BrokenDataFileIsListedOnceInText) {
  testing::TempDir data;
  data.write("nvidia-compute-capability.json", "{ not json");
  auto r = run_binary({"--data-dir", data.str(), "detect", "--root", fixture("nvidia-desktop")});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(count(r.out + r.err, "; using embedded instead"), 1u) << r.out << r.err;
  EXPECT_NE(r.out.find("Warnings:"), std::string::npos) << r.out;
}

// Without broken data the same machine has no warnings at all (the ones above come from the files).
TEST(DetectCli, CleanDataGivesNoWarnings) {
  auto r = run_binary({"detect", "--json", "--root", fixture("nvidia-desktop")});
  ASSERT_EQ(r.code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << r.out;
  EXPECT_TRUE(j["warnings"].empty()) << r.out;
}

}  // namespace
}  // namespace torchup
