// WSL2's Windows NVIDIA driver: its version from the DriverVer of the INF in the driver
// store (tests/fixtures/machines/wsl2-driver-store/README.md), and detect and plan
// agreeing on it: both name the driver, plan picks CUDA from it; with no version
// readable (the wsl2 fixture) plan treats the driver as installed, version unknown,
// as detect says, instead of "no NVIDIA driver found".
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "detect/parse_windows.h"
#include "support/detect_fixture.h"
#include "support/run_cli.h"

namespace torchup {
namespace {

using testing::detect_tree;
using testing::fixture_dir;
using testing::run_cli;

TEST(WslDriver, InfDriverVer) {
  using detect::parse_inf_driver_ver;
  // [Version] as NVIDIA's display INFs write it (CRLF, spaces around '=').
  EXPECT_EQ(parse_inf_driver_ver("[Version]\r\nSignature = \"$Windows NT$\"\r\nDriverVer   = 04/04/2024,31.0.15.5222\r\n"),
            "31.0.15.5222");
  EXPECT_EQ(parse_inf_driver_ver("[version]\ndriverver=09/28/1999, 5.00.2136.1 ; comment\n"), "5.00.2136.1");
  // A DDInstall section's DriverVer is used only when [Version] has none.
  EXPECT_EQ(parse_inf_driver_ver("[Dev.NT]\nDriverVer=01/01/2024,1.2.3.4\n[Version]\nDriverVer=02/02/2024,31.0.15.5222\n"),
            "31.0.15.5222");
  EXPECT_EQ(parse_inf_driver_ver("[Dev.NT]\nDriverVer=01/01/2024,1.2.3.4\n"), "1.2.3.4");
  // UTF-16LE with its byte-order mark.
  std::string wide = "\xff\xfe";
  for (char c : std::string("[Version]\r\nDriverVer=04/04/2024,31.0.15.5222\r\n")) {
    wide.push_back(c);
    wide.push_back('\0');
  }
  EXPECT_EQ(parse_inf_driver_ver(wide), "31.0.15.5222");
  // Not a version: a date only, three parts, a part >= 65535, a commented-out line.
  EXPECT_EQ(parse_inf_driver_ver("[Version]\nDriverVer=04/04/2024\n"), std::nullopt);
  EXPECT_EQ(parse_inf_driver_ver("[Version]\nDriverVer=04/04/2024,31.0.15\n"), std::nullopt);
  EXPECT_EQ(parse_inf_driver_ver("[Version]\nDriverVer=04/04/2024,31.0.65535.1\n"), std::nullopt);
  EXPECT_EQ(parse_inf_driver_ver("[Version]\n;DriverVer=04/04/2024,31.0.15.5222\n"), std::nullopt);
  EXPECT_EQ(parse_inf_driver_ver(""), std::nullopt);
  EXPECT_EQ(parse_inf_driver_ver(std::string("\xff\xfe[", 3)), std::nullopt);
}

TEST(WslDriver, DetectReadsTheDriverVersionFromTheDriverStore) {
  auto m = detect_tree(fixture_dir("machines", "wsl2-driver-store"));
  EXPECT_TRUE(m.os.wsl);
  ASSERT_TRUE(m.nvidia.has_value());
  EXPECT_EQ(m.nvidia->driver_version, "552.22");  // 31.0.15.5222
  EXPECT_EQ(m.nvidia->max_cuda, "12.4");           // Table 3, Windows: 12.4 update 1 needs 551.78, 12.5 needs 555.85
  EXPECT_NE(m.nvidia->source.find("/usr/lib/wsl/drivers/nv_dispsi.inf_amd64_7cc7738d8e428783/nv_dispsi.inf"),
            std::string::npos)
      << m.nvidia->source;
  ASSERT_EQ(m.gpus.size(), 1u);
  EXPECT_EQ(m.gpus[0].vendor, "nvidia");
}

// detect and plan say the same thing about the driver, and plan picks CUDA from it.
TEST(WslDriver, DetectAndPlanAgreeOnTheDriverVersion) {
  host::FakeMachine machine(fixture_dir("machines", "wsl2-driver-store"));
  auto detect = run_cli(machine.host(), {"detect"});
  ASSERT_EQ(detect.code, 0) << detect.err;
  EXPECT_NE(detect.out.find("driver 552.22 -> CUDA <= 12.4"), std::string::npos) << detect.out;
  auto plan = run_cli(machine.host(), {"plan", "--json"});
  ASSERT_EQ(plan.code, 0) << plan.err;
  auto j = nlohmann::json::parse(plan.out);
  const std::string platform = j["platform"];
  ASSERT_EQ(platform.rfind("cu", 0), 0u) << plan.out;
  EXPECT_EQ(plan.out.find("no NVIDIA driver"), std::string::npos) << plan.out;
  EXPECT_NE(plan.out.find("driver 552.22"), std::string::npos) << plan.out;
  // 552.22 runs CUDA <= 12.4 fully: a higher variant only through minor-version compatibility, said so.
  if (std::stoi(platform.substr(2)) > 124) {
    EXPECT_NE(plan.out.find("minor-version compatibility"), std::string::npos) << plan.out;
  }
  EXPECT_TRUE(machine.runner().calls().empty());
}

// No version readable (only the libraries): detect says "installed, version unknown";
// plan must agree: a CUDA build (the lowest of the release) with the driver named as
// of unknown version, never "no NVIDIA driver found" / a CPU build for want of a driver.
TEST(WslDriver, AnUnknownVersionIsAnInstalledDriverForPlanToo) {
  host::FakeMachine machine(fixture_dir("machines", "wsl2"));
  auto detect = run_cli(machine.host(), {"detect"});
  ASSERT_EQ(detect.code, 0) << detect.err;
  EXPECT_NE(detect.out.find("Windows NVIDIA driver installed, version unknown"), std::string::npos) << detect.out;
  auto plan = run_cli(machine.host(), {"plan", "--json"});
  ASSERT_EQ(plan.code, 0) << plan.err;
  EXPECT_EQ(plan.out.find("no NVIDIA driver"), std::string::npos) << plan.out;
  auto j = nlohmann::json::parse(plan.out);
  const std::string platform = j["platform"];
  ASSERT_EQ(platform.rfind("cu", 0), 0u) << plan.out;
  EXPECT_NE(plan.out.find("the NVIDIA driver's version is unknown"), std::string::npos) << plan.out;
  // The lowest CUDA variant of the chosen release: every other CUDA one of it is higher.
  for (const auto& alt : j["alternatives"]) {
    const std::string p = alt["platform"];
    if (alt["torch"] == j["torch"] && p.rfind("cu", 0) == 0) {
      EXPECT_GT(std::stoi(p.substr(2)), std::stoi(platform.substr(2))) << p;
    }
  }
}

}  // namespace
}  // namespace torchup
