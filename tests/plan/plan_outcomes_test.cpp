// Issue 11: releases after pytorch.org's 2.12.0 snapshot are planned (pinned
// command, facts named), and a GPU that no build can use gives the CPU build with
// the reason and the change that would unlock the GPU (gpu_unused), confirmed by
// re-evaluating the machine with that change. Nothing fits at all stays fits=false.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "plan_support.h"

namespace torchup {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using testing::load_profile;
using ::testing::Not;
using testing::plan_for;

// The newest release in data/torch-releases.json (2.14.1: test-infra 00fa5780c,
// installed-wheel records; sources inside the data file).
constexpr const char* kNewest = "2.14.1";

TEST(PlanNewestRelease, IsPlannedWithAPinnedCommandAndNamesItsFacts) {
  auto p = plan_for(load_profile("cpu-linux"));
  ASSERT_TRUE(p && p->fits);
  EXPECT_EQ(p->torch, kNewest);
  EXPECT_EQ(p->torchvision, "0.29.1");  // third-party pins torch==2.14.1 torchvision==0.29.1
  EXPECT_FALSE(p->torchaudio);  // no torchaudio after 2.11.0 was seen (data torchaudio_note)
  EXPECT_EQ(p->command,
            "pip3 install torch==2.14.1 torchvision==0.29.1 --index-url "
            "https://download.pytorch.org/whl/cpu");
  ASSERT_FALSE(p->reasons.empty());
  EXPECT_THAT(p->reasons.front(), HasSubstr("newest release torchup knows"));
  EXPECT_THAT(p->reasons.front(), HasSubstr("stops at 2.12.0"));
  EXPECT_THAT(p->reasons,
              Contains(HasSubstr("facts for torch 2.14.1 from data/torch-releases.json")));
  EXPECT_FALSE(p->gpu_unused);
}

TEST(PlanNewestRelease, TheSiteStableStillGetsTheSelectorCommand) {
  // --torch 2.12.0 is published_versions.json's latest_stable: the site's own line.
  auto p = plan_for(load_profile("cpu-linux"), {.torch = "2.12.0"});
  ASSERT_TRUE(p && p->fits);
  EXPECT_EQ(p->torch, "2.12.0");
  EXPECT_THAT(p->reasons, Contains(HasSubstr("command from pytorch.org selector (2.12.0)")));
}

struct NewCase {
  const char* profile;
  const char* torch;
  const char* platform;
  const char* why;
};

// clang-format off
const NewCase kNewCases[] = {
  {"blackwell-rtx5090-linux-595", "2.14.1", "cu132", "sm_120 in cu132 (RELEASE.md 2.12-2.14); driver 595.45.04 reports CUDA 13.2 (Table 3 13.2 GA)"},
  {"blackwell-rtx5090-linux-580", "2.14.1", "cu130", "driver 580.65.06 = CUDA 13.0: cu130 full; measured 2.14.1+cu130 has sm_120"},
  {"pascal-gtx1080-linux-580", "2.14.1", "cu126", "sm_61: only cu126 (sm_50..sm_90, measured 2.14.1+cu126) covers Pascal"},
  {"maxwell-gtx750ti-windows-566", "2.14.1", "cu126", "sm_50 stays on cu126"},
  {"python315-linux-rtx3090-595", "2.14.1", "cu132", "Python 3.15: release/2.14 build matrix has cp315 (test-infra 00fa5780c); torch only"},
  {"python315-linux-too-new", "2.14.1", "cpu", "Linux Python 3.15 has 2.14.x (and 2.13.0 cp315) wheels"},
  {"python315-windows-cpu", "2.14.1", "cpu", "release/2.14 builds cp315 for every OS (test-infra a4ba36035)"},
};
// clang-format on

class PlanNewReleases : public ::testing::TestWithParam<NewCase> {};

TEST_P(PlanNewReleases, ChoosesTheNewestReleaseThatFits) {
  const NewCase& c = GetParam();
  SCOPED_TRACE(std::string(c.profile) + ": " + c.why);
  auto p = plan_for(load_profile(c.profile));
  ASSERT_TRUE(p) << p.error().message;
  ASSERT_TRUE(p->fits) << (p->reasons.empty() ? "" : p->reasons.front());
  EXPECT_EQ(p->torch, c.torch);
  EXPECT_EQ(p->platform, c.platform);
  EXPECT_THAT(p->command, HasSubstr(std::string("torch==") + c.torch));
}

INSTANTIATE_TEST_SUITE_P(Profiles, PlanNewReleases, ::testing::ValuesIn(kNewCases),
                         [](const ::testing::TestParamInfo<NewCase>& param_info) {
                           std::string name = param_info.param.profile;
                           for (auto& ch : name) {
                             if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
                           }
                           return name;
                         });

TEST(PlanNewestRelease, Python315GetsTorchOnlyBecauseTorchvisionHasNoWheels) {
  // test-infra TORCH_ONLY_PYTHON_ARCHES = 3.15, 3.15t: no torchvision wheels yet.
  auto p = plan_for(load_profile("python315-linux-rtx3090-595"));
  ASSERT_TRUE(p && p->fits);
  EXPECT_FALSE(p->torchvision);
  EXPECT_EQ(p->command,
            "pip3 install torch==2.14.1 --index-url https://download.pytorch.org/whl/cu132");
  EXPECT_THAT(p->reasons,
              Contains(HasSubstr("torch only: torchvision publishes no wheels for Python 3.15")));
  // Python 3.12 on the same machine keeps torchvision.
  auto p312 = plan_for(load_profile("ampere-rtx3090-linux-595"));
  ASSERT_TRUE(p312 && p312->fits);
  EXPECT_EQ(p312->torchvision, "0.29.1");
}

TEST(PlanNewestRelease, Python315OnlyWhereTheReleaseHasIt) {
  // 2.13.0's index has cp315 wheels for Linux only (listing with sha256 in the data).
  auto linux_p = plan_for(load_profile("python315-linux-too-new"), {.torch = "2.13.0"});
  ASSERT_TRUE(linux_p);
  EXPECT_TRUE(linux_p->fits);
  auto windows_p = plan_for(load_profile("python315-windows-cpu"), {.torch = "2.13.0"});
  ASSERT_TRUE(windows_p);
  EXPECT_FALSE(windows_p->fits);
  EXPECT_THAT(windows_p->reasons,
              Contains(HasSubstr("needs Python 3.10-3.14, this Python is 3.15")));
  // 2.12.1 has no 3.15 anywhere.
  auto old = plan_for(load_profile("python315-linux-too-new"), {.torch = "2.12.1"});
  ASSERT_TRUE(old);
  EXPECT_FALSE(old->fits);
}

// --- a GPU that cannot be used: the CPU build, why, and what to change ---

struct UnusedCase {
  const char* profile;
  const char* torch;  // the CPU build's release
  const char* cause;  // in gpu_unused, after "cannot be used: "
  const char* fix;    // in gpu_unused; nullptr: no single change unlocks the GPU
  const char* why;
};

// clang-format off
const UnusedCase kUnused[] = {
  {"nvidia-no-driver-linux", kNewest, "no NVIDIA driver is loaded",
   "an NVIDIA driver >= 525.60.13 gives torch 2.14.1 with CUDA 12.6; install it, then run torchup again",
   "RTX 3080 (sm_86) without a driver; 12.x minor-version floor 525.60.13 (NVIDIA CUDA compatibility guide)"},
  {"pascal-gtx1080-linux-418-too-old", "2.5.1", "driver 418.",
   "NVIDIA driver >= 450.80.02 gives torch 2.5.1 with CUDA 11.8",
   "glibc 2.27 keeps it on 2.5.1 (manylinux_2_28 from 2.6); 418 < 450.80.02, the 11.x floor"},
  {"kepler-k80-linux-470-py314", kNewest, "no CUDA build of torch 2.14.1 has kernels for it",
   "with Python 3.9-3.13 it gets torch 2.7.1 with CUDA 11.8",
   "sm_37 only in CUDA 11.x builds, the last 2.7.x cu118 (build_cuda.sh), which has no Python 3.14"},
  {"amd-rx6800-gfx1030-windows", kNewest, "ROCm builds are Linux only",
   "on Linux it gets torch 2.14.1 with ROCm 7.2",
   "pytorch.org: 'ROCm is not available on Windows'; gfx1030 is in rocm7.2 (uv-torch gfx table)"},
  {"amd-780m-gfx1103-linux-unsupported", kNewest, "no kernels for gfx1103", nullptr,
   "gfx1103 is in no ROCm build's list"},
  {"multi-gpu-1080-5090-linux", kNewest, "GeForce GTX 1080", nullptr,
   "no CUDA build covers sm_61 and sm_120 together"},
};
// clang-format on

class PlanGpuUnused : public ::testing::TestWithParam<UnusedCase> {};

TEST_P(PlanGpuUnused, PlansTheCpuBuildAndSaysWhyAndWhatToChange) {
  const UnusedCase& c = GetParam();
  SCOPED_TRACE(std::string(c.profile) + ": " + c.why);
  auto p = plan_for(load_profile(c.profile));
  ASSERT_TRUE(p) << p.error().message;
  ASSERT_TRUE(p->fits) << (p->reasons.empty() ? "" : p->reasons.front());
  EXPECT_EQ(p->platform, "cpu");
  EXPECT_EQ(p->torch, c.torch);
  EXPECT_FALSE(p->command.empty());
  ASSERT_TRUE(p->gpu_unused);
  EXPECT_THAT(*p->gpu_unused, HasSubstr("cannot be used: "));
  EXPECT_THAT(*p->gpu_unused, HasSubstr(c.cause));
  if (c.fix) {
    EXPECT_THAT(*p->gpu_unused, HasSubstr(c.fix));
  } else {
    EXPECT_THAT(*p->gpu_unused, Not(HasSubstr(" gives torch ")));
    EXPECT_THAT(*p->gpu_unused, Not(HasSubstr(" it gets torch ")));
  }
  // The verdict comes first, and the JSON carries it.
  ASSERT_FALSE(p->reasons.empty());
  EXPECT_EQ(p->reasons.front(), *p->gpu_unused);
  auto j = model::to_json(*p);
  EXPECT_EQ(j["gpu_unused"], *p->gpu_unused);
  EXPECT_EQ(j["platform"], "cpu");
  EXPECT_TRUE(j["fits"].get<bool>());
  // Why each GPU build does not fit stays listed; CPU is the plan, not an alternative offer.
  EXPECT_TRUE(std::any_of(p->alternatives.begin(), p->alternatives.end(),
                          [](const model::Alternative& a) { return a.platform != "cpu"; }));
  for (const auto& a : p->alternatives) EXPECT_THAT(a.why_not, Not(HasSubstr("--platform cpu")));
}

INSTANTIATE_TEST_SUITE_P(Profiles, PlanGpuUnused, ::testing::ValuesIn(kUnused),
                         [](const ::testing::TestParamInfo<UnusedCase>& param_info) {
                           std::string name = param_info.param.profile;
                           for (auto& ch : name) {
                             if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
                           }
                           return name;
                         });

TEST(PlanGpuUnused, TheSuggestedDriverReallyGivesTheGpuBuild) {
  // Re-plan the driverless RTX 3080 with the driver the verdict names.
  auto m = load_profile("nvidia-no-driver-linux");
  auto p = plan_for(m);
  ASSERT_TRUE(p && p->gpu_unused);
  m.nvidia = model::NvidiaDriver{"525.60.13", std::nullopt, "test"};
  auto with_driver = plan_for(m);
  ASSERT_TRUE(with_driver && with_driver->fits);
  EXPECT_EQ(with_driver->platform, "cu126");
  EXPECT_EQ(with_driver->torch, kNewest);
  EXPECT_FALSE(with_driver->gpu_unused);
}

TEST(PlanGpuUnused, AForcedGpuPlatformStillSaysNothingFits) {
  auto p = plan_for(load_profile("nvidia-no-driver-linux"), {.platform = "cu130"});
  ASSERT_TRUE(p);
  EXPECT_FALSE(p->fits);
  EXPECT_FALSE(p->gpu_unused);
}

TEST(PlanGpuUnused, NothingFitsAtAllStaysFitsFalse) {
  for (const char* profile : {"python32-windows", "python36-linux-too-old"}) {
    auto p = plan_for(load_profile(profile));
    ASSERT_TRUE(p) << profile;
    EXPECT_FALSE(p->fits) << profile;
    EXPECT_FALSE(p->gpu_unused) << profile;
    EXPECT_TRUE(p->command.empty()) << profile;
  }
}

TEST(PlanGpuUnused, AGpuThatFitsHasNoVerdictAndJsonSaysNull) {
  auto p = plan_for(load_profile("ampere-rtx3090-linux-595"));
  ASSERT_TRUE(p && p->fits);
  EXPECT_FALSE(p->gpu_unused);
  EXPECT_TRUE(model::to_json(*p)["gpu_unused"].is_null());
}

}  // namespace
}  // namespace torchup
