// `torchup detect --root` and `torchup plan --root` on the Windows fixture machines through
// the real binary: the machine's GPU, driver, max CUDA and Python, and the recommendation
// the plan policy (DESIGN §3) gives for each.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/run_binary.h"

namespace torchup {
namespace {

using ::testing::HasSubstr;
using torchup::testing::run_binary;

std::string fixture(const std::string& name) { return std::string(TORCHUP_TEST_DIR) + "/fixtures/windows/" + name; }

nlohmann::json run_json(const std::vector<std::string>& args, int expected_code = 0) {
  auto r = run_binary(args);
  EXPECT_EQ(r.code, expected_code) << r.err << r.out;
  auto j = nlohmann::json::parse(r.out, nullptr, false);
  EXPECT_FALSE(j.is_discarded()) << r.out;
  return j;
}

TEST(WindowsCli, DetectRtx4090Desktop) {
  auto j = run_json({"detect", "--json", "--root", fixture("rtx4090-desktop")});
  EXPECT_EQ(j["schema"], "torchup.machine/1");
  EXPECT_EQ(j["os"]["family"], "windows");
  EXPECT_EQ(j["os"]["name"], "Windows 11 Pro 23H2");
  EXPECT_EQ(j["os"]["arch"], "x86_64");
  EXPECT_EQ(j["gpus"][0]["name"], "NVIDIA GeForce RTX 4090");
  EXPECT_EQ(j["gpus"][0]["pci_id"], "10de:2684");
  EXPECT_EQ(j["gpus"][0]["compute_capability"], "8.9");
  EXPECT_EQ(j["nvidia"]["driver_version"], "552.22");
  EXPECT_EQ(j["nvidia"]["max_cuda"], "12.4");
  EXPECT_THAT(j["nvidia"]["source"].get<std::string>(), HasSubstr("DriverVersion 31.0.15.5222"));
  EXPECT_EQ(j["cuda_toolkits"][0]["version"], "12.4.1");
  EXPECT_EQ(j["pythons"][0]["path"], "C:\\Users\\alice\\AppData\\Local\\Programs\\Python\\Python312\\python.exe");
  EXPECT_EQ(j["pythons"][0]["version"], "3.12.4");
  EXPECT_EQ(j["pythons"][0]["bits"], 64);
}

TEST(WindowsCli, DetectTextNamesTheGpuAndDriver) {
  auto r = run_binary({"detect", "--root", fixture("optimus-laptop")});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("NVIDIA GeForce RTX 4060 Laptop GPU"));
  EXPECT_THAT(r.out, HasSubstr("Intel(R) UHD Graphics"));
  EXPECT_THAT(r.out, HasSubstr("560.94"));
}

// Each fixture's plan: the policy's answer for that machine (README of each fixture).
TEST(WindowsCli, PlanRtx4090GetsACudaWheel) {
  auto j = run_json({"plan", "--json", "--root", fixture("rtx4090-desktop")});
  EXPECT_EQ(j["python"], "3.12");
  auto platform = j["platform"].get<std::string>();
  EXPECT_EQ(platform.rfind("cu12", 0), 0u) << platform;  // driver 552.22 runs CUDA 12.x (12.4 fully)
  EXPECT_THAT(j["command"].get<std::string>(), HasSubstr("--index-url https://download.pytorch.org/whl/" + platform));
}

TEST(WindowsCli, PlanOptimusLaptopUsesTheNvidiaGpu) {
  auto j = run_json({"plan", "--json", "--root", fixture("optimus-laptop")});
  EXPECT_EQ(j["platform"], "cu126");  // driver 560.94 >= 560.76, CUDA 12.6's Windows minimum (Table 3)
}

TEST(WindowsCli, PlanOldGtx1060DriverSaysUpdateTheDriver) {
  auto j = run_json({"plan", "--json", "--root", fixture("gtx1060-old-driver")});
  EXPECT_EQ(j["platform"], "cpu");
  EXPECT_EQ(j["python"], "3.10");  // the 64-bit 3.10, not the 32-bit 3.8
  ASSERT_TRUE(j["gpu_unused"].is_string()) << j.dump(1);
  EXPECT_THAT(j["gpu_unused"].get<std::string>(), HasSubstr("391.35"));
  // 528.33: CUDA 12.x's minor-version floor on Windows (DESIGN §3), the oldest driver any CUDA build runs on.
  EXPECT_THAT(j["gpu_unused"].get<std::string>(), HasSubstr("NVIDIA driver >= 528.33 gives torch"));
}

TEST(WindowsCli, PlanAmdOnWindowsIsTheCpuBuild) {
  auto j = run_json({"plan", "--json", "--root", fixture("radeon-7900xtx")});
  EXPECT_EQ(j["platform"], "cpu");
  EXPECT_EQ(j["python"], "3.11");
  ASSERT_TRUE(j["gpu_unused"].is_string()) << j.dump(1);
  EXPECT_THAT(j["gpu_unused"].get<std::string>(), HasSubstr("AMD Radeon RX 7900 XTX"));
  EXPECT_THAT(j["gpu_unused"].get<std::string>(), HasSubstr("ROCm builds are Linux only"));
}

TEST(WindowsCli, PlanRefusesTheThirtyTwoBitPython) {
  auto r = run_binary({"plan", "--root", fixture("python32-store")});
  EXPECT_EQ(r.code, 1) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("No PyTorch build fits this machine."));
  EXPECT_THAT(r.out, HasSubstr("32-bit Python"));
  // The Store Python 3.11 is 64-bit: asked for, it gets a build (with the sandbox caveat in detect).
  auto j = run_json({"plan", "--json", "--root", fixture("python32-store"), "--python", "3.11"});
  EXPECT_EQ(j["platform"], "cpu");
  EXPECT_EQ(j["python"], "3.11");
}

}  // namespace
}  // namespace torchup
