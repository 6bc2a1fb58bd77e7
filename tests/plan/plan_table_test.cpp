// The plan for every machine profile in tests/fixtures/profiles, with the
// expected (torch, platform) and the reasoning behind it. Knowledge: the embedded
// data (newest release 2.14.1 = cu126 sm_50..sm_90, cu130/cu132 sm_75..sm_120,
// rocm7.2/7.14, from test-infra's release/2.14 matrix, RELEASE.md and measured
// wheels; the site snapshot's stable is 2.12.0), NVIDIA Table 3
// (data/cuda-driver-table.json), uv's gfx table (data/rocm-gfx.json) and
// data/platform-facts.json.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "plan_support.h"

namespace torchup {
namespace {

using testing::load_profile;
using testing::plan_for;

struct Case {
  const char* profile;
  const char* torch;     // nullptr: nothing fits (exit 1)
  const char* platform;
  const char* why;       // the reasoning and its source
};

// clang-format off
const Case kCases[] = {
  // --- CPU-only machines ---
  {"cpu-linux", "2.14.1", "cpu", "no GPU: newest stable, CPU wheel (published_versions.json latest_stable)"},
  {"cpu-windows", "2.14.1", "cpu", "no GPU on Windows: CPU is the plain PyPI wheel (published_versions.json windows accnone)"},
  {"cpu-linux-aarch64", "2.14.1", "cpu", "Linux aarch64: CPU wheels (platform-facts linux_arch)"},
  {"macos-arm64", "2.14.1", "mps", "Apple silicon, macOS 14.5 >= 12.3: the default wheel has MPS (platform-facts mps_first_torch)"},
  {"macos-intel", "2.2.2", "cpu", "Intel macOS wheels end at 2.2.2 (pytorch/pytorch#114602); Python 3.11 is in 2.2.2's list"},
  {"macos-intel-py313", nullptr, nullptr, "Intel mac stops at 2.2.2 whose Python list ends at 3.12: nothing fits"},
  // --- NVIDIA, Maxwell to Blackwell, old and new drivers, Linux and Windows ---
  {"maxwell-gtx970-linux-550", "2.14.1", "cu126", "sm_52 only in cu126 (sm_50..sm_90); driver 550.54 (CUDA 12.4) >= 12.x floor 525.60.13: minor-version compat"},
  {"maxwell-gtx970-linux-580", "2.14.1", "cu126", "cu130 starts at sm_75 (RELEASE.md 2.12); cu126 has sm_50, driver 580 runs 12.6 fully"},
  {"maxwell-gtx750ti-windows-566", "2.14.1", "cu126", "sm_50 in cu126; Windows driver 566.36 >= 560.76 (Table 3, CUDA 12.6)"},
  {"pascal-gtx1080-linux-580", "2.14.1", "cu126", "Pascal with cu130: built for sm_75.., GTX 1080 is sm_61 -> cu126 (sm_60 covers sm_61)"},
  {"pascal-gtx1060-windows-581", "2.14.1", "cu126", "same on Windows: sm_61 not in cu130/cu132"},
  {"volta-v100-linux-575", "2.14.1", "cu126", "CUDA 13 dropped sm_70 (RELEASE.md 2.12); driver 575.57 < 580 too"},
  {"turing-rtx2080-linux-580", "2.14.1", "cu130", "driver 580.65.06 reports CUDA 13.0: cu130 full, cu132 only via minor compat"},
  {"ampere-rtx3090-linux-595", "2.14.1", "cu132", "driver 595.45.04 = CUDA 13.2 GA minimum (Table 3): the highest CUDA"},
  {"python315-linux-rtx3090-595", "2.14.1", "cu132", "Python 3.15 on Linux: 2.14.x cp315 (release/2.14 matrix), cu132; torch only"},
  {"ampere-rtx3060-linux-470", "2.7.1", "cu118", "driver 470 < 525.60.13 (12.x floor): newest release with an 11.x build is 2.7.1 cu118 (450.80.02 floor); arch list inferred from 2.7.0"},
  {"ampere-rtx3070-windows-472", "2.7.1", "cu118", "Windows 472.12 >= 452.39 (11.x floor) but < 528.33 (12.x floor)"},
  {"ada-rtx4090-windows-566", "2.14.1", "cu126", "Windows 566.36 < 580 (13.x floor); 12.6 fully supported (>= 560.76)"},
  {"ada-rtx4070-windows-576", "2.14.1", "cu126", "Windows 576.02 (CUDA 12.9) < 580; Python 3.13 supported"},
  {"hopper-h100-linux-550-minorcompat", "2.14.1", "cu126", "minor-version compatibility: driver 550 (12.4) runs cu126 via the 12.x floor, with a warning"},
  {"hopper-h100-linux-535-minorcompat-no-maxcuda", "2.14.1", "cu126", "no max_cuda reported: Table 3 gives 12.2 for 535.104.05; cu126 via minor compat"},
  {"blackwell-rtx5090-linux-570", "2.11.0", "cu128", "sm_120 with cu126 (sm_50..sm_90) does not fit and driver 570.86 < 580 for cu130: 2.11.0 cu128 (sm_75..sm_120, measured, pytorch/pytorch#182250)"},
  {"blackwell-rtx5090-linux-595", "2.14.1", "cu132", "driver 595.45.04 reports CUDA 13.2: cu132 of the newest release (sm_75..sm_120)"},
  {"blackwell-rtx5090-linux-580", "2.14.1", "cu130", "driver 580.65.06 >= CUDA 13.0 GA minimum; sm_120 in cu130"},
  {"blackwell-rtx5090-windows-572", "2.11.0", "cu128", "Windows 572.16 >= 570.65 (CUDA 12.8 GA) but < 580"},
  {"blackwell-rtx5080-windows-581", "2.14.1", "cu130", "driver reports CUDA 13.0: cu130 full on Windows"},
  {"blackwell-b200-linux-580", "2.14.1", "cu130", "sm_100 in cu130 (RELEASE.md 2.12)"},
  {"kepler-k80-linux-470", "2.7.1", "cu118", "sm_37 only in CUDA 11.x builds (build_cuda.sh); last is 2.7.x cu118 (list inferred from 2.7.0)"},
  {"kepler-k80-linux-470-py314", "2.14.1", "cpu", "Python 3.14: every release with it (2.9+) lacks sm_37: the CPU build; gpu_unused names Python 3.9-3.13 for 2.7.1 cu118"},
  {"pascal-gtx1080-linux-418-too-old", "2.5.1", "cpu", "driver 418 < 450.80.02 (11.x floor): no CUDA build; glibc 2.27 stops at 2.5.1 (manylinux_2_28 from 2.6): CPU 2.5.1 with gpu_unused (DESIGN §3)"},
  {"nvidia-no-driver-linux", "2.14.1", "cpu", "NVIDIA GPU without a driver: the CPU build, and gpu_unused says why and which driver (DESIGN §3)"},
  // --- Python ---
  {"python315-windows-cpu", "2.14.1", "cpu", "release/2.14 builds cp315 for every OS (test-infra a4ba36035); 2.13.0 had Linux only"},
  {"python32-windows", nullptr, nullptr, "32-bit Python: 64-bit wheels only (platform-facts python_bits)"},
  {"python37-linux-cpu", "1.13.1", "cpu", "Python 3.7: last release with 3.7 is 1.13.1 (test-infra release matrix)"},
  {"python38-linux-rtx3090-550", "2.4.1", "cu124", "Python 3.8 ends with 2.4.x; driver 550.54.14 = CUDA 12.4 GA: cu124 full"},
  {"python36-linux-too-old", nullptr, nullptr, "Python 3.6: 1.12's RELEASE.md range starts at 3.7, older Python lists are not recorded"},
  {"python315-linux-too-new", "2.14.1", "cpu", "Python 3.15: cp315 wheels in the release/2.14 build matrix (test-infra 00fa5780c; 2.13.0 has Linux cp315 too); torch only, no torchvision"},
  // --- AMD ---
  {"amd-rx7900xtx-gfx1100-linux", "2.14.1", "rocm7.2", "gfx1100 in rocm7.2 (uv-torch gfx table); highest ROCm first"},
  {"amd-strix-halo-gfx1151-linux", "2.14.1", "rocm7.2", "gfx1151 only from rocm7.2"},
  {"amd-mi210-gfx90a-linux", "2.14.1", "rocm7.2", "gfx90a in every 6.x/7.x list"},
  {"amd-780m-gfx1103-linux-unsupported", "2.14.1", "cpu", "gfx1103 in no ROCm build: the CPU build with gpu_unused"},
  {"amd-rx6800-gfx1030-windows", "2.14.1", "cpu", "ROCm is Linux only ('ROCm is not available on Windows'): the CPU build with gpu_unused"},
  // --- Intel ---
  {"intel-arc-a770-linux", "2.14.1", "xpu", "Intel Arc: XPU wheels since 2.5.0 (Getting Started on Intel GPU)"},
  {"intel-arc-b580-windows", "2.14.1", "xpu", "XPU on Windows too"},
  {"intel-uhd620-linux", "2.14.1", "cpu", "Intel UHD is not an XPU target: CPU, and the plan says why"},
  // --- hybrid, multi-GPU, WSL2 ---
  {"hybrid-laptop-uhd-rtx4060-linux", "2.14.1", "cu126", "Intel iGPU + NVIDIA dGPU: CUDA for the RTX 4060; driver 560.35 (12.6) < 580"},
  {"hybrid-laptop-680m-rtx3060-linux", "2.14.1", "cu130", "AMD iGPU + NVIDIA dGPU: CUDA wins, warning that the AMD GPU is unused"},
  {"multi-gpu-1080ti-4090-linux", "2.14.1", "cu126", "every GPU must be covered: sm_61 rules out cu130, cu126 covers sm_61 and sm_89"},
  {"multi-gpu-1080-5090-linux", "2.14.1", "cpu", "sm_61 + sm_120: no build covers both (cu126 stops at sm_90, cu128+ starts at sm_70/75): the CPU build with gpu_unused"},
  {"wsl2-rtx4070-581", "2.14.1", "cu130", "WSL2 uses the Windows driver (CUDA on WSL guide); 581.57 reports CUDA 13.0"},
  {"wsl2-rtx3080-537-minorcompat", "2.14.1", "cu126", "WSL2 537.58: Windows Table 3 gives 12.2; >= 528.33 floor: cu126 via minor compat"},
  // --- other limits ---
  {"centos7-glibc217-cpu", "2.5.1", "cpu", "glibc 2.17 < 2.28 needed from 2.6.0 (manylinux_2_28, pytorch/pytorch#123649)"},
  {"no-python-linux-rtx3090", "2.14.1", "cu130", "no Python found: plan anyway, with a warning naming the Python range"},
  {"two-pythons-39-active-312", "2.8.0", "cu129", "the active Python 3.9 ends with 2.8.0; cu129 arch list inferred from pytorch main build_cuda.sh"},
  {"cc-unknown-nvidia-linux", "2.14.1", "cu130", "compute capability unknown: not checked, with a warning"},
};
// clang-format on

class PlanTable : public ::testing::TestWithParam<Case> {};

TEST_P(PlanTable, ChoosesTheExpectedBuild) {
  const Case& c = GetParam();
  auto plan = plan_for(load_profile(c.profile));
  ASSERT_TRUE(plan) << plan.error().message;
  SCOPED_TRACE(std::string(c.profile) + ": " + c.why);
  if (!c.torch) {
    EXPECT_FALSE(plan->fits) << "chose " << plan->torch << " " << plan->platform;
    EXPECT_TRUE(plan->command.empty());
    EXPECT_FALSE(plan->reasons.empty());
    return;
  }
  ASSERT_TRUE(plan->fits) << (plan->reasons.empty() ? "" : plan->reasons.front());
  EXPECT_EQ(plan->torch, c.torch);
  EXPECT_EQ(plan->platform, c.platform);
  EXPECT_FALSE(plan->command.empty());
  EXPECT_FALSE(plan->argv.empty());
  EXPECT_FALSE(plan->reasons.empty());
}

TEST_P(PlanTable, IsDeterministic) {
  const Case& c = GetParam();
  auto machine = load_profile(c.profile);
  auto a = plan_for(machine);
  auto b = plan_for(machine);
  ASSERT_TRUE(a && b);
  EXPECT_EQ(model::to_json(*a).dump(), model::to_json(*b).dump());
}

INSTANTIATE_TEST_SUITE_P(Profiles, PlanTable, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<Case>& param_info) {
                           std::string name = param_info.param.profile;
                           for (auto& ch : name) {
                             if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
                           }
                           return name;
                         });

TEST(PlanTableCoverage, EveryProfileFileIsInTheTable) {
  namespace fs = std::filesystem;
  std::size_t files = 0;
  for (const auto& e : fs::directory_iterator(std::string(TORCHUP_TEST_DIR) + "/fixtures/profiles")) {
    if (e.path().extension() != ".json") continue;
    ++files;
    std::string stem = e.path().stem().string();
    bool found = std::any_of(std::begin(kCases), std::end(kCases), [&](const Case& c) { return stem == c.profile; });
    EXPECT_TRUE(found) << stem << " has no expectation in kCases";
  }
  EXPECT_GE(files, 40u);
  EXPECT_EQ(files, std::size(kCases));
}

}  // namespace
}  // namespace torchup
