// The rules and ranking on their own: arch coverage, variant names, preferences,
// why_not texts, unlocks, equivalents and the pinned command form.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "plan/rules.h"
#include "plan_support.h"
#include "util/strings.h"

namespace torchup {
namespace {

using ::testing::HasSubstr;
using testing::load_profile;
using testing::plan_for;

std::vector<data::CudaArch> archs(std::initializer_list<const char*> list) {
  std::vector<data::CudaArch> out;
  for (const char* a : list) out.push_back(*data::parse_cuda_arch(a));
  return out;
}

TEST(PlanRules, ArchCoversSameMajorNotOlderMinorAndPtxForNewer) {
  auto cu126 = archs({"5.0", "6.0", "7.0", "7.5", "8.0", "8.6", "9.0"});
  auto cu130 = archs({"7.5", "8.0", "8.6", "9.0", "10.0", "12.0+PTX"});
  auto no_ptx = archs({"7.5", "8.0", "8.6", "9.0", "10.0", "12.0"});
  struct Row { const std::vector<data::CudaArch>* list; const char* cc; bool covered; };
  const Row rows[] = {
      {&cu126, "6.1", true},   {&cu126, "5.2", true},   {&cu126, "8.9", true},  {&cu126, "12.0", false},
      {&cu126, "3.7", false},  {&cu130, "6.1", false},  {&cu130, "7.0", false}, {&cu130, "12.0", true},
      {&cu130, "12.1", true},  {&cu130, "13.0", true},  {&no_ptx, "13.0", false}, {&no_ptx, "12.1", true},
  };
  for (const auto& r : rows) {
    EXPECT_EQ(plan::arch_covers(*r.list, *DottedVersion::parse(r.cc)), r.covered) << r.cc;
  }
  EXPECT_EQ(plan::arch_range(cu126), "sm_50..sm_90");
  EXPECT_EQ(plan::arch_range(cu130), "sm_75..sm_120+PTX");
}

TEST(PlanRules, VariantNames) {
  EXPECT_EQ(plan::parse_variant("cu126")->cuda->str(), "12.6");
  EXPECT_EQ(plan::parse_variant("cu92")->cuda->str(), "9.2");
  EXPECT_EQ(plan::parse_variant("cu130")->cuda->str(), "13.0");
  EXPECT_EQ(plan::parse_variant("rocm7.2")->accel, plan::Accel::kRocm);
  EXPECT_EQ(plan::parse_variant("rocm7.2")->label(), "ROCm 7.2");
  for (const char* bad : {"gpu", "cu", "cu1", "cuda12.6", "rocm", "rocmX", ""}) {
    EXPECT_FALSE(plan::parse_variant(bad)) << bad;
  }
}

TEST(PlanRules, BadPreferencesAreUsageErrors) {
  struct Row { plan::Preferences p; const char* needle; };
  std::vector<Row> rows;
  rows.push_back({{.platform = "gpu"}, "--platform gpu"});
  rows.push_back({{.package = "apt"}, "--package apt"});
  rows.push_back({{.channel = "beta"}, "--channel beta"});
  rows.push_back({{.torch = "latest"}, "--torch latest"});
  rows.push_back({{.torch = "2.4.1", .channel = "nightly"}, "cannot be combined"});
  for (const auto& r : rows) {
    auto st = plan::check_preferences(r.p);
    ASSERT_FALSE(st) << r.needle;
    EXPECT_EQ(st.error().kind, ErrorKind::kUsage);
    EXPECT_THAT(st.error().message, HasSubstr(r.needle));
  }
}

TEST(PlanRules, UnknownTorchAndMissingPythonPathAreNotFound) {
  auto m = load_profile("cpu-linux");
  auto a = plan_for(m, {.torch = "9.9.9"});
  ASSERT_FALSE(a);
  EXPECT_EQ(a.error().kind, ErrorKind::kNotFound);
  auto b = plan_for(m, {.python = "/opt/nowhere/python"});
  ASSERT_FALSE(b);
  EXPECT_EQ(b.error().kind, ErrorKind::kNotFound);
}

const model::Alternative* alt(const model::Plan& p, const std::string& torch, const std::string& platform) {
  for (const auto& a : p.alternatives) {
    if (a.torch == torch && a.platform == platform) return &a;
  }
  return nullptr;
}

TEST(PlanRules, WhyNotNamesDriverAndArch) {
  auto p = plan_for(load_profile("blackwell-rtx5090-linux-570"));
  ASSERT_TRUE(p && p->fits);
  const auto* cu130 = alt(*p, "2.14.1", "cu130");
  ASSERT_NE(cu130, nullptr);
  EXPECT_EQ(cu130->why_not, "driver 570.86.15 < 580 required");
  const auto* cu126 = alt(*p, "2.14.1", "cu126");
  ASSERT_NE(cu126, nullptr);
  EXPECT_EQ(cu126->why_not, "built for sm_50..sm_90, this GPU is sm_120");
  EXPECT_THAT(p->unlocks, ::testing::Contains(HasSubstr("gives torch 2.14.1 with CUDA 13.0")));
  EXPECT_THAT(p->reasons.front(), HasSubstr("2.11.0 is the newest release that fits"));
}

TEST(PlanRules, PascalWithCu130SaysWhy) {
  auto p = plan_for(load_profile("pascal-gtx1080-linux-580"));
  ASSERT_TRUE(p && p->fits);
  const auto* cu130 = alt(*p, "2.14.1", "cu130");
  ASSERT_NE(cu130, nullptr);
  EXPECT_EQ(cu130->why_not, "built for sm_75..sm_120, this GPU is sm_61");  // release wheels: no PTX (#188914)
  const auto* old = alt(*p, "2.12.0", "cu130");  // via --torch: the 2.12 list as RELEASE.md gives it
  EXPECT_EQ(old, nullptr);
  auto p212 = plan_for(load_profile("pascal-gtx1080-linux-580"), {.torch = "2.12.0"});
  ASSERT_TRUE(p212 && p212->fits);
  const auto* cu130_212 = alt(*p212, "2.12.0", "cu130");
  ASSERT_NE(cu130_212, nullptr);
  EXPECT_EQ(cu130_212->why_not, "built for sm_75..sm_120+PTX, this GPU is sm_61");
}

TEST(PlanRules, MinorVersionCompatibilityWarns) {
  auto p = plan_for(load_profile("hopper-h100-linux-550-minorcompat"));
  ASSERT_TRUE(p && p->fits);
  EXPECT_THAT(p->warnings, ::testing::Contains(HasSubstr("minor-version compatibility")));
  EXPECT_THAT(p->unlocks, ::testing::Contains(HasSubstr("driver >= 560.28.03 runs CUDA 12.6 fully")));
  EXPECT_THAT(p->unlocks, ::testing::Contains(HasSubstr("driver >= 580.65.06 gives torch 2.14.1 with CUDA 13.0")));
}

TEST(PlanRules, InferredArchListIsReported) {
  auto p = plan_for(load_profile("kepler-k80-linux-470"));
  ASSERT_TRUE(p && p->fits);
  EXPECT_THAT(p->warnings, ::testing::Contains(HasSubstr("inferred from 2.7.0 cu118")));
}

TEST(PlanRules, GpuMachineNeverSilentlyGetsCpu) {
  // Issue 11 part 3 (deliberate change): no GPU build fits, so the plan is the CPU
  // build, and its first reason (gpu_unused) says why the GPU cannot be used.
  for (const char* name : {"nvidia-no-driver-linux", "pascal-gtx1080-linux-418-too-old", "multi-gpu-1080-5090-linux",
                           "amd-780m-gfx1103-linux-unsupported", "amd-rx6800-gfx1030-windows"}) {
    auto p = plan_for(load_profile(name));
    ASSERT_TRUE(p) << name;
    EXPECT_TRUE(p->fits) << name;
    EXPECT_EQ(p->platform, "cpu") << name;
    ASSERT_TRUE(p->gpu_unused) << name;
    ASSERT_FALSE(p->reasons.empty()) << name;
    EXPECT_EQ(p->reasons.front(), *p->gpu_unused) << name;
    EXPECT_THAT(*p->gpu_unused, HasSubstr("cannot be used")) << name;
  }
  auto uhd = plan_for(load_profile("intel-uhd620-linux"));
  ASSERT_TRUE(uhd && uhd->fits);
  EXPECT_THAT(uhd->reasons, ::testing::Contains(HasSubstr("Intel UHD Graphics 620 has no PyTorch GPU build")));
}

TEST(PlanRules, PythonUnlocks) {
  auto p = plan_for(load_profile("two-pythons-39-active-312"));
  ASSERT_TRUE(p && p->fits);
  EXPECT_THAT(p->unlocks, ::testing::Contains(HasSubstr("--python /usr/bin/python3.12 (Python 3.12) gives torch 2.14.1")));
  // 2.12.1 has no Python 3.15 (2.14.x has: plan_outcomes_test).
  auto too_new = plan_for(load_profile("python315-linux-too-new"), {.torch = "2.12.1"});
  ASSERT_TRUE(too_new);
  EXPECT_FALSE(too_new->fits);
  EXPECT_THAT(too_new->unlocks, ::testing::Contains(HasSubstr("--channel nightly has wheels for Python 3.15")));
  auto bits = plan_for(load_profile("python32-windows"));
  ASSERT_TRUE(bits);
  EXPECT_THAT(bits->reasons, ::testing::Contains(HasSubstr("32-bit Python")));
}

TEST(PlanRules, PreferencesSteerTheChoice) {
  auto m = load_profile("two-pythons-39-active-312");
  auto py312 = plan_for(m, {.python = "3.12"});
  ASSERT_TRUE(py312 && py312->fits);
  EXPECT_EQ(py312->torch, "2.14.1");
  EXPECT_EQ(py312->python_path, "/usr/bin/python3.12");
  auto cpu = plan_for(load_profile("ampere-rtx3090-linux-595"), {.platform = "cpu"});
  ASSERT_TRUE(cpu && cpu->fits);
  EXPECT_EQ(cpu->platform, "cpu");
  EXPECT_THAT(cpu->warnings, ::testing::Contains(HasSubstr("the GPU will not be used")));
  auto pinned = plan_for(load_profile("ampere-rtx3090-linux-595"), {.torch = "2.4.1"});
  ASSERT_TRUE(pinned && pinned->fits);
  EXPECT_EQ(pinned->platform, "cu124");
  EXPECT_EQ(pinned->command, "pip3 install torch==2.4.1 torchvision==0.19.1 --index-url https://download.pytorch.org/whl/cu124");
  auto forced = plan_for(load_profile("blackwell-rtx5090-linux-580"), {.platform = "cu126"});
  ASSERT_TRUE(forced);
  EXPECT_FALSE(forced->fits);  // cu126 has no sm_120 in any release
  auto nightly = plan_for(load_profile("ampere-rtx3090-linux-595"), {.channel = "nightly"});
  ASSERT_TRUE(nightly && nightly->fits);
  EXPECT_EQ(nightly->torch, "nightly");
  EXPECT_EQ(nightly->command, "pip3 install --pre torch torchvision --index-url https://download.pytorch.org/whl/nightly/cu132");
}

TEST(PlanRules, CommandsAreTheSelectorsForTheSitesStableAndPinnedOtherwise) {
  // The site's stable (published_versions.json latest_stable 2.12.0) gets the
  // selector's own line; a newer release in the data gets the pinned form.
  struct Row { const char* profile; const char* torch; const char* command; };
  const Row rows[] = {
      {"turing-rtx2080-linux-580", "2.12.0", "pip3 install torch torchvision"},  // cu130 is the Linux PyPI default
      {"pascal-gtx1080-linux-580", "2.12.0", "pip3 install torch torchvision --index-url https://download.pytorch.org/whl/cu126"},
      {"cpu-windows", "2.12.0", "pip3 install torch torchvision"},
      {"cpu-linux", "2.12.0", "pip3 install torch torchvision --index-url https://download.pytorch.org/whl/cpu"},
      {"macos-arm64", "2.12.0", "pip3 install torch torchvision"},
      {"amd-rx7900xtx-gfx1100-linux", "2.12.0", "pip3 install torch torchvision --index-url https://download.pytorch.org/whl/rocm7.2"},
      {"intel-arc-a770-linux", "2.12.0", "pip3 install torch==2.12.0 torchvision==0.27.0 --index-url https://download.pytorch.org/whl/xpu"},
      {"macos-intel", "", "pip3 install torch==2.2.2 torchvision==0.17.2"},
      {"turing-rtx2080-linux-580", "", "pip3 install torch==2.14.1 torchvision==0.29.1 --index-url https://download.pytorch.org/whl/cu130"},
      {"macos-arm64", "", "pip3 install torch==2.14.1 torchvision==0.29.1"},
      {"intel-arc-a770-linux", "", "pip3 install torch==2.14.1 torchvision==0.29.1 --index-url https://download.pytorch.org/whl/xpu"},
  };
  for (const auto& r : rows) {
    auto p = plan_for(load_profile(r.profile), {.torch = r.torch});
    ASSERT_TRUE(p && p->fits) << r.profile;
    EXPECT_EQ(p->command, r.command) << r.profile;
    EXPECT_EQ(str::join(p->argv, " "), r.command) << r.profile;
  }
}

TEST(PlanRules, UvEquivalentAndPackageUv) {
  auto p = plan_for(load_profile("pascal-gtx1080-linux-580"));
  ASSERT_TRUE(p && p->fits);
  ASSERT_FALSE(p->equivalents.empty());
  EXPECT_EQ(p->equivalents.front().package, "uv");
  EXPECT_EQ(p->equivalents.front().command,
            "uv pip install torch==2.14.1 torchvision==0.29.1 --index-url https://download.pytorch.org/whl/cu126");
  auto uv = plan_for(load_profile("pascal-gtx1080-linux-580"), {.package = "uv"});
  ASSERT_TRUE(uv && uv->fits);
  EXPECT_EQ(uv->argv.at(0), "uv");
  auto conda = plan_for(load_profile("cpu-linux"), {.package = "conda"});
  ASSERT_TRUE(conda);
  EXPECT_FALSE(conda->fits);  // the fallback renderer has no conda commands
  EXPECT_THAT(conda->reasons, ::testing::Contains(HasSubstr("publishes no conda command")));
}

}  // namespace
}  // namespace torchup
