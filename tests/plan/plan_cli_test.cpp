// `torchup plan` through the real binary (TORCHUP_BINARY): --json on every
// profile agrees with the in-process plan, runs are identical, the text reads
// verdict -> command -> reasons, and bad input gives one clear error.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include <nlohmann/json.hpp>

#include "host/host.h"
#include "plan_support.h"
#include "support/run_binary.h"
#include "support/temp_dir.h"

namespace torchup {
namespace {

using ::testing::HasSubstr;

using Run = torchup::testing::CliRun;
using torchup::testing::run_binary;


std::vector<std::string> profile_names() {
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(std::string(TORCHUP_TEST_DIR) + "/fixtures/profiles")) {
    if (e.path().extension() == ".json") names.push_back(e.path().stem().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

TEST(PlanCli, JsonOnEveryProfileMatchesThePlannerAndIsStable) {
  auto names = profile_names();
  ASSERT_GE(names.size(), 40u);
  for (const auto& name : names) {
    SCOPED_TRACE(name);
    auto first = run_binary({"plan", "--profile", testing::profile_path(name), "--json"});
    auto second = run_binary({"plan", "--profile", testing::profile_path(name), "--json"});
    EXPECT_EQ(first.out, second.out) << "two runs differ";
    auto j = nlohmann::json::parse(first.out, nullptr, false);
    ASSERT_FALSE(j.is_discarded()) << first.out << first.err;
    EXPECT_EQ(j["schema"], "torchup.plan/1");
    for (const char* key : {"torch", "torchvision", "torchaudio", "platform", "package", "python", "index_url",
                            "command", "argv", "reasons", "warnings", "alternatives"}) {
      EXPECT_TRUE(j.contains(key)) << key;
    }
    auto expected = testing::plan_for(testing::load_profile(name));
    ASSERT_TRUE(expected);
    EXPECT_EQ(first.code, expected->fits ? 0 : 1);
    EXPECT_EQ(j["fits"], expected->fits);
    if (expected->fits) {
      EXPECT_EQ(j["torch"], expected->torch);
      EXPECT_EQ(j["platform"], expected->platform);
      EXPECT_FALSE(j["command"].get<std::string>().empty());
      EXPECT_FALSE(j["argv"].empty());
    } else {
      EXPECT_TRUE(j["command"].is_null());
      EXPECT_FALSE(j["alternatives"].empty());
    }
    for (const auto& a : j["alternatives"]) EXPECT_FALSE(a["why_not"].get<std::string>().empty());
  }
}

TEST(PlanCli, TextReadsVerdictThenCommandThenReasons) {
  auto r = run_binary({"plan", "--profile", testing::profile_path("pascal-gtx1080-linux-580")});
  EXPECT_EQ(r.code, 0) << r.err;
  std::istringstream in(r.out);
  std::vector<std::string> lines;
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  ASSERT_GE(lines.size(), 6u);
  EXPECT_EQ(lines[0], "torch 2.14.1 (cu126) for Python 3.11");
  EXPECT_EQ(lines[1], "");
  EXPECT_THAT(lines[2], HasSubstr("install torch==2.14.1 torchvision==0.29.1 --index-url https://download.pytorch.org/whl/cu126"));
  EXPECT_THAT(r.out, HasSubstr("\nwhy\n"));
  EXPECT_THAT(r.out, HasSubstr("built for sm_75..sm_120, this GPU is sm_61"));
  EXPECT_LT(lines.size(), 30u) << "no walls of text";
  EXPECT_EQ(r.out.find('\033'), std::string::npos);  // NO_COLOR
}

TEST(PlanCli, AnUnusableGpuGivesTheCpuBuildWithTheReasonAndExitsZero) {
  // Issue 11 part 3 (deliberate change from "nothing fits", exit 1).
  auto r = run_binary({"plan", "--profile", testing::profile_path("nvidia-no-driver-linux")});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("torch 2.14.1 (cpu)", 0), 0u) << r.out;
  EXPECT_THAT(r.out, HasSubstr("the NVIDIA GeForce RTX 3080 cannot be used: no NVIDIA driver is loaded"));
  EXPECT_THAT(r.out, HasSubstr("no NVIDIA driver found"));  // the GPU builds' why_not
  EXPECT_THAT(r.out, HasSubstr("an NVIDIA driver >= 580.65.06 gives torch 2.14.1 with CUDA 13.0"));
  auto j = nlohmann::json::parse(
      run_binary({"plan", "--json", "--profile", testing::profile_path("nvidia-no-driver-linux")}).out, nullptr, false);
  ASSERT_FALSE(j.is_discarded());
  EXPECT_EQ(j["platform"], "cpu");
  EXPECT_THAT(j["gpu_unused"].get<std::string>(), HasSubstr("install it, then run torchup again"));
}

TEST(PlanCli, NothingFitsExitsOneWithAlternatives) {
  auto r = run_binary({"plan", "--profile", testing::profile_path("python32-windows")});
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.out, HasSubstr("No PyTorch build fits this machine."));
  EXPECT_THAT(r.out, HasSubstr("32-bit Python"));
}

TEST(PlanCli, BadInputIsOneClearError) {
  auto dir = std::filesystem::temp_directory_path() / "torchup-plan-cli-test";
  std::filesystem::create_directories(dir);
  auto bad = (dir / "bad.json").string();
  {
    std::ofstream f(bad);
    f << R"({"schema": "torchup.machine/1", "gpus": [{"vendor": "nvidia", "pci_id": 7}]})";
  }
  struct Row { std::vector<std::string> args; int code; const char* needle; };
  const Row rows[] = {
      // The user's own file: a usage error (issue #14: 2, not 3), naming the bad field.
      {{"plan", "--profile", bad}, 2, "gpus[0].pci_id"},
      {{"plan", "--profile", (dir / "missing.json").string()}, 2, "cannot read profile"},
      {{"plan", "--profile", bad, "--root", "/"}, 2, "cannot be combined"},
      {{"plan", "--profile", testing::profile_path("cpu-linux"), "--platform", "gpu"}, 2, "--platform gpu"},
      {{"plan", "--profile", testing::profile_path("cpu-linux"), "--torch", "9.9.9"}, 2, "torch 9.9.9 is not a release"},
  };
  for (const auto& row : rows) {
    auto r = run_binary(row.args);
    EXPECT_EQ(r.code, row.code) << row.needle << "\n" << r.err;
    EXPECT_THAT(r.err, HasSubstr("torchup: error: ")) << row.needle;
    EXPECT_THAT(r.err, HasSubstr(row.needle));
    EXPECT_EQ(r.out, "");
  }
  std::filesystem::remove_all(dir);
}

TEST(PlanCli, ThisMachineAndNoArguments) {
  auto a = run_binary({"plan", "--json"});
  auto b = run_binary({"plan", "--json"});
  EXPECT_TRUE(a.code == 0 || a.code == 1) << a.err;
  EXPECT_EQ(a.out, b.out);
  auto j = nlohmann::json::parse(a.out, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << a.out << a.err;
  EXPECT_EQ(j["schema"], "torchup.plan/1");
  EXPECT_EQ(j["fits"].get<bool>(), a.code == 0);
  // `torchup` alone is `torchup plan` in text: verdict first, then the command.
  auto bare = run_binary({});
  EXPECT_EQ(bare.code, a.code);
  if (a.code == 0) {
    EXPECT_EQ(bare.out.rfind("torch " + j["torch"].get<std::string>() + " (" + j["platform"].get<std::string>() + ")", 0), 0u)
        << bare.out;
    EXPECT_THAT(bare.out, HasSubstr("  " + j["command"].get<std::string>() + "\n"));
  } else {
    EXPECT_EQ(bare.out.rfind("No PyTorch build fits this machine.", 0), 0u) << bare.out;
  }
}

TEST(PlanCli, EveryDetectFixtureThroughRoot) {
  auto root = std::string(TORCHUP_TEST_DIR) + "/fixtures/machines";
  std::vector<std::string> dirs;
  if (!std::filesystem::is_directory(root)) return;  // detect's fixtures not in this checkout
  for (const auto& e : std::filesystem::directory_iterator(root)) {
    if (e.is_directory()) dirs.push_back(e.path().string());
  }
  std::sort(dirs.begin(), dirs.end());
  for (const auto& d : dirs) {
    SCOPED_TRACE(d);
    auto r = run_binary({"plan", "--root", d, "--json"});
    EXPECT_TRUE(r.code == 0 || r.code == 1) << r.err;
    auto j = nlohmann::json::parse(r.out, nullptr, false);
    ASSERT_FALSE(j.is_discarded()) << r.out << r.err;
    EXPECT_EQ(j["schema"], "torchup.plan/1");
    auto again = run_binary({"plan", "--root", d, "--json"});
    EXPECT_EQ(r.out, again.out);
  }
}

TEST(PlanCli, BrokenDataFileIsAWarningInThePlanJsonOnce) {
  testing::TempDir data;
  data.write("torch-releases.json", "{ not json");
  auto r = run_binary({"--data-dir", data.str(), "plan", "--profile", testing::profile_path(profile_names().front()),
                       "--json"});
  auto j = nlohmann::json::parse(r.out, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << r.out << r.err;
  ASSERT_TRUE(j["warnings"].is_array()) << r.out;
  EXPECT_THAT(j["warnings"].dump(), HasSubstr("torch-releases.json")) << r.out;
  EXPECT_THAT(j["warnings"].dump(), HasSubstr("using embedded")) << r.out;
  EXPECT_EQ(r.err.find("torch-releases.json"), std::string::npos) << "reported once: " << r.err;
  // Text lists it too (once).
  auto text = run_binary({"--data-dir", data.str(), "plan", "--profile", testing::profile_path(profile_names().front())});
  EXPECT_THAT(text.out, HasSubstr("torch-releases.json")) << text.out << text.err;
  EXPECT_EQ(text.err.find("torch-releases.json"), std::string::npos) << text.err;
}

// Debian 12's python3 (the vm-no-gpu fixture has its PEP 668 marker) refuses pip
// installs: the plan says so before the user pastes the command; conda plans and
// machines without the marker are not warned.
TEST(PlanCli, ExternallyManagedPythonIsAPlanWarning) {
  const std::string fixtures = std::string(TORCHUP_TEST_DIR) + "/fixtures/machines/";
  auto managed = run_binary({"plan", "--root", fixtures + "vm-no-gpu", "--json"});
  auto j = nlohmann::json::parse(managed.out, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << managed.out << managed.err;
  EXPECT_THAT(j["warnings"].dump(), HasSubstr("/usr/bin/python3 is externally managed (PEP 668)")) << managed.out;
  EXPECT_THAT(j["warnings"].dump(), HasSubstr("torchup install --venv")) << managed.out;

  auto conda = nlohmann::json::parse(
      run_binary({"plan", "--root", fixtures + "vm-no-gpu", "--package", "conda", "--json"}).out, nullptr, false);
  ASSERT_FALSE(conda.is_discarded());
  EXPECT_EQ(conda["warnings"].dump().find("externally managed"), std::string::npos) << conda.dump();

  auto plain = nlohmann::json::parse(run_binary({"plan", "--root", fixtures + "amd-rocm", "--json"}).out, nullptr, false);
  ASSERT_FALSE(plain.is_discarded());
  EXPECT_EQ(plain["warnings"].dump().find("externally managed"), std::string::npos) << plain.dump();
}

}  // namespace
}  // namespace torchup
