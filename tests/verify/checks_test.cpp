// evaluate_probe and its parts over values: which situations pass, fail or skip,
// and that the reasons say why. Table-driven where the shape repeats.
#include <gtest/gtest.h>

#include "act/verify.h"
#include "act/verify_checks_internal.h"

namespace torchup::act {
namespace {

ProbeRun ok_run(ProbeTorch torch) {
  ProbeRun run;
  run.outcome = ProbeOutcome::kOk;
  run.python = "/usr/bin/python3";
  ProbeOutput out;
  out.python_executable = "/usr/bin/python3";
  out.python_version = "3.11.2";
  out.torch = std::move(torch);
  run.output = std::move(out);
  return run;
}

ProbeTorch cpu_torch() {
  ProbeTorch t;
  t.version = "1.13.1";
  t.location = "/usr/lib/python3/dist-packages/torch";
  t.rand_text = "tensor([[0.1, 0.2, 0.3]])";
  return t;
}

ProbeTorch cuda_torch(std::vector<ProbeGpu> gpus) {
  ProbeTorch t = cpu_torch();
  t.version = "2.5.1+cu124";
  t.cuda = "12.4";
  t.cuda_available = !gpus.empty();
  t.device_count = static_cast<int>(gpus.size());
  t.arch_list = {"sm_50", "sm_60", "sm_70", "sm_75", "sm_80", "sm_86", "sm_90"};
  t.gpus = std::move(gpus);
  return t;
}

ProbeGpu gpu(std::string name, std::string cap, std::optional<bool> matmul = true) {
  ProbeGpu g;
  g.name = std::move(name);
  g.capability = std::move(cap);
  g.matmul_ok = matmul;
  g.matmul_max_diff = matmul && *matmul ? 1e-6 : 0.5;
  return g;
}

const Check* find(const std::vector<Check>& checks, const std::string& id) {
  for (const auto& c : checks) {
    if (c.id == id) return &c;
  }
  return nullptr;
}

MachineGpus machine(int nvidia, int amd = 0) {
  MachineGpus m;
  m.scanned = true;
  m.nvidia = nvidia;
  m.amd = amd;
  return m;
}

bool any_fail(const std::vector<Check>& checks) {
  for (const auto& c : checks) {
    if (c.status == CheckStatus::kFail) return true;
  }
  return false;
}

TEST(VerifyChecks, CpuBuildWithoutGpuPassesAndSkipsCuda) {
  auto checks = evaluate_probe(ok_run(cpu_torch()), machine(0), nullptr);
  ASSERT_TRUE(find(checks, "import_torch"));
  EXPECT_EQ(find(checks, "import_torch")->status, CheckStatus::kPass);
  EXPECT_EQ(find(checks, "torch_rand")->status, CheckStatus::kPass);
  EXPECT_EQ(find(checks, "build")->reason, "CPU build (torch 1.13.1)");
  EXPECT_EQ(find(checks, "cuda_available")->status, CheckStatus::kSkip);
  EXPECT_NE(find(checks, "cuda_available")->reason.find("no NVIDIA GPU"), std::string::npos);
  EXPECT_FALSE(any_fail(checks));
}

struct CudaCase {
  const char* name;
  ProbeTorch torch;
  MachineGpus machine;
  CheckStatus expected;
  const char* reason_part;
};

TEST(VerifyChecks, CudaAvailabilityAgainstTheMachine) {
  ProbeTorch cuda_off = cuda_torch({});
  ProbeTorch old_driver = cuda_off;
  old_driver.driver_cuda = "11.4";
  ProbeTorch warned = cuda_off;
  ProbeTorch rocm = cpu_torch();
  rocm.version = "2.5.1+rocm6.2";
  rocm.hip = "6.2.41133";
  ProbeTorch mps = cpu_torch();
  mps.mps_available = true;
  MachineGpus unknown;
  const std::vector<CudaCase> cases = {
      {"cpu build, nvidia gpu", cpu_torch(), machine(1), CheckStatus::kFail, "CPU-only build"},
      {"cpu build, amd gpu", cpu_torch(), machine(0, 1), CheckStatus::kSkip, "ROCm build may"},
      {"cuda build, nvidia gpu, off", cuda_off, machine(2), CheckStatus::kFail, "2 NVIDIA GPU(s)"},
      {"cuda build, old driver", old_driver, machine(1), CheckStatus::kFail,
       "driver supports CUDA 11.4 but this torch needs CUDA 12.x"},
      {"cuda build, no gpu", cuda_off, machine(0), CheckStatus::kSkip, "no NVIDIA GPU"},
      {"cuda build, unknown machine", cuda_off, unknown, CheckStatus::kSkip, "could not tell"},
      {"rocm build, amd gpu, off", rocm, machine(0, 1), CheckStatus::kFail, "ROCm 6.2 build"},
      {"rocm build, only nvidia", rocm, machine(1, 0), CheckStatus::kSkip, "no AMD GPU"},
      {"mps build", mps, machine(0), CheckStatus::kSkip, "uses MPS"},
  };
  for (const auto& c : cases) {
    auto checks = evaluate_probe(ok_run(c.torch), c.machine, nullptr);
    const Check* cuda = find(checks, "cuda_available");
    ASSERT_TRUE(cuda) << c.name;
    EXPECT_EQ(cuda->status, c.expected) << c.name << ": " << cuda->reason;
    EXPECT_NE(cuda->reason.find(c.reason_part), std::string::npos) << c.name << ": " << cuda->reason;
    if (c.expected == CheckStatus::kFail) {
      EXPECT_FALSE(cuda->fix.empty()) << c.name;
    }
  }
}

TEST(VerifyChecks, WorkingGpuGetsNameMatmulAndArchChecks) {
  auto t = cuda_torch({gpu("NVIDIA GeForce RTX 3090", "8.6")});
  t.gpus[0].total_memory = 25769803776LL;
  auto checks = evaluate_probe(ok_run(t), machine(1), nullptr);
  EXPECT_FALSE(any_fail(checks));
  ASSERT_TRUE(find(checks, "gpu[0]"));
  EXPECT_EQ(find(checks, "gpu[0]")->reason,
            "NVIDIA GeForce RTX 3090, compute capability 8.6, 24.0 GiB");
  EXPECT_EQ(find(checks, "matmul[0]")->status, CheckStatus::kPass);
  EXPECT_EQ(find(checks, "arch[0]")->status, CheckStatus::kPass);
  EXPECT_EQ(find(checks, "cuda_available")->reason, "True, 1 device(s)");
}

TEST(VerifyChecks, WrongMatmulAndGpuErrorsFail) {
  auto t = cuda_torch({gpu("A", "8.0", false), gpu("B", "8.0", std::nullopt)});
  t.gpus[1].index = 1;
  t.gpus[1].error = "RuntimeError: CUDA error: no kernel image is available for execution";
  auto checks = evaluate_probe(ok_run(t), machine(2), nullptr);
  EXPECT_EQ(find(checks, "matmul[0]")->status, CheckStatus::kFail);
  EXPECT_NE(find(checks, "matmul[0]")->reason.find("differs from the CPU"), std::string::npos);
  EXPECT_EQ(find(checks, "matmul[1]")->status, CheckStatus::kFail);
  EXPECT_NE(find(checks, "matmul[1]")->reason.find("no kernel image"), std::string::npos);
}

struct ArchCase {
  const char* capability;
  std::vector<std::string> arch_list;
  CheckStatus expected;
  const char* reason_part;
};

TEST(VerifyChecks, ArchCoverage) {
  const std::vector<ArchCase> cases = {
      {"9.0", {"sm_80", "sm_90"}, CheckStatus::kPass, "sm_90 is in"},
      {"8.6", {"sm_75", "sm_80"}, CheckStatus::kPass, "runs the sm_80 code"},
      {"8.9", {"sm_80", "sm_86", "sm_90"}, CheckStatus::kPass, "runs the sm_86 code"},
      {"12.0", {"sm_80", "sm_90", "compute_90"}, CheckStatus::kPass, "only by compute_90 PTX"},
      {"12.0", {"sm_80", "sm_90"}, CheckStatus::kFail, "sm_120 (compute capability 12.0) is not in"},
      {"3.7", {"sm_50", "sm_60"}, CheckStatus::kFail, "sm_37"},
      {"10.0", {"sm_90", "sm_100", "sm_120"}, CheckStatus::kPass, "sm_100 is in"},
      {"9.0", {"sm_90a"}, CheckStatus::kPass, "sm_90 is in"},
      {"7.5", {}, CheckStatus::kSkip, "no arch list"},
      {"garbage", {"sm_80"}, CheckStatus::kSkip, "compute capability unknown"},
      {"6.1", {"sm_60", "compute_70"}, CheckStatus::kPass, "runs the sm_60 code"},
      {"6.1", {"sm_50", "compute_70"}, CheckStatus::kFail, "not in"},
  };
  for (const auto& c : cases) {
    ProbeTorch t = cuda_torch({});
    t.arch_list = c.arch_list;
    ProbeGpu g = gpu("GPU", c.capability);
    Check check = arch_check(t, g);
    EXPECT_EQ(check.status, c.expected) << c.capability << ": " << check.reason;
    EXPECT_NE(check.reason.find(c.reason_part), std::string::npos) << check.reason;
  }
}

TEST(VerifyChecks, RocmArchUsesGfxTarget) {
  ProbeTorch t = cpu_torch();
  t.hip = "6.2";
  t.arch_list = {"gfx900", "gfx90a", "gfx1100"};
  ProbeGpu g;
  g.name = "AMD Radeon RX 7900 XTX";
  g.gcn_arch = "gfx1100";
  EXPECT_EQ(arch_check(t, g).status, CheckStatus::kPass);
  g.gcn_arch = "gfx1030";
  EXPECT_EQ(arch_check(t, g).status, CheckStatus::kFail);
  g.gcn_arch.reset();
  EXPECT_EQ(arch_check(t, g).status, CheckStatus::kSkip);
}

PairingTable pairing_table() {
  PairingTable table;
  table["1.13.0"] = {{"0.14.0"}, {"0.13.0"}};
  table["1.13.1"] = {{"0.14.1"}, {"0.13.1"}};
  table["2.0.1"] = {{"0.15.2"}, {"2.0.2"}};
  table["1.10.0"] = {{"0.10.1", "0.11.0"}, {}};
  return table;
}

struct PairCase {
  const char* name;
  std::string torch_version;
  ProbePackage package;
  CheckStatus expected;
  const char* reason_part;
};

TEST(VerifyChecks, PackagePairing) {
  auto pkg = [](const char* version) { return ProbePackage{true, version, std::nullopt}; };
  const std::vector<PairCase> cases = {
      {"pairs", "1.13.1", pkg("0.14.1"), CheckStatus::kPass, "pairs with torch 1.13.1"},
      {"pairs with local", "1.13.1+cu117", pkg("0.14.1+cu117"), CheckStatus::kPass, "pairs"},
      {"debian alpha pairs by release", "1.13.1a0", pkg("0.14.1"), CheckStatus::kPass, "pairs"},
      {"mismatch", "1.13.1", pkg("0.15.2"), CheckStatus::kFail,
       "0.15.2 does not pair with torch 1.13.1 (which pairs with torchvision 0.14.1); it was "
       "released with torch 2.0.1"},
      {"local tag mismatch", "2.0.1+cu118", pkg("0.15.2+cpu"), CheckStatus::kFail,
       "+cpu build but torch 2.0.1+cu118 is +cu118"},
      {"either of two", "1.10.0", pkg("0.11.0"), CheckStatus::kPass, "pairs"},
      // Pairing goes by minor series: Debian's python3-torch 1.13.0a0 with
      // python3-torchvision 0.14.1a0 is a matched pair (issue 10, part 9).
      {"debian distribution pair", "1.13.0a0", pkg("0.14.1a0"), CheckStatus::kPass,
       "torchvision 0.14.1a0 is in the 0.14.x series that pairs with torch 1.13.x; note: torch "
       "1.13.0 was released with torchvision 0.14.0"},
      {"patch difference", "1.13.1", pkg("0.14.0"), CheckStatus::kPass,
       "note: torch 1.13.1 was released with torchvision 0.14.1"},
      {"distribution build of the exact release", "1.13.1", pkg("0.14.1a0"), CheckStatus::kPass,
       "pairs with torch 1.13.1; note: 0.14.1a0 is a distribution or pre-release build"},
      {"distribution local labels", "1.13.0a0+gitunknown", pkg("0.14.1+debian"),
       CheckStatus::kPass, "0.14.x series"},
      {"series without the release", "1.13.2", pkg("0.14.1"), CheckStatus::kPass,
       "no release of torch 1.13.2 is recorded"},
      {"other series from a distribution torch", "1.13.0a0", pkg("0.15.2"), CheckStatus::kFail,
       "0.15.2 does not pair with torch 1.13.0 (which pairs with torchvision 0.14.0); it was "
       "released with torch 2.0.1"},
      {"other series, release not recorded", "1.13.2", pkg("0.15.2"), CheckStatus::kFail,
       "(which pairs with torchvision 0.14.x)"},
      {"older series", "2.0.1", pkg("0.14.1a0"), CheckStatus::kFail, "released with torch 1.13.1"},
      {"variant labels still must agree", "1.13.1+cu117", pkg("0.14.0+cu116"), CheckStatus::kFail,
       "+cu116 build but torch 1.13.1+cu117 is +cu117"},
      {"no data", "9.9.9", pkg("1.0.0"), CheckStatus::kPass, "no pairing data"},
      {"not installed", "1.13.1", ProbePackage{}, CheckStatus::kSkip, "not installed"},
      {"import error", "1.13.1",
       ProbePackage{true, std::nullopt, "RuntimeError: operator torchvision::nms does not exist"},
       CheckStatus::kFail, "torchvision::nms"},
  };
  auto table = pairing_table();
  for (const auto& c : cases) {
    ProbeTorch t = cpu_torch();
    t.version = c.torch_version;
    Check check = package_check("torchvision", c.package, t, &table);
    EXPECT_EQ(check.status, c.expected) << c.name << ": " << check.reason;
    EXPECT_NE(check.reason.find(c.reason_part), std::string::npos) << c.name << ": " << check.reason;
    if (c.expected == CheckStatus::kFail) {
      EXPECT_FALSE(check.fix.empty()) << c.name;
    }
  }
  ProbeTorch t = cpu_torch();
  Check fix = package_check("torchvision", pkg("0.15.2"), t, &table);
  EXPECT_EQ(fix.fix, "pip install torchvision==0.14.1 from the same index as torch");
  // An exact pair says no more than that.
  Check exact = package_check("torchvision", pkg("0.14.1+cu117"),
                              [] { auto c = cpu_torch(); c.version = "1.13.1+cu117"; return c; }(),
                              &table);
  EXPECT_EQ(exact.reason, "torchvision 0.14.1+cu117 pairs with torch 1.13.1");
  // A torch release the table lacks: the hint names the newest of its series.
  t.version = "1.13.2";
  EXPECT_EQ(package_check("torchvision", pkg("0.15.2"), t, &table).fix,
            "pip install torchvision==0.14.1 from the same index as torch");
}

// torchaudio goes by the same rule, with its own series (0.13.x with torch 1.13.x).
TEST(VerifyChecks, TorchaudioPairsByMinorSeries) {
  auto table = pairing_table();
  ProbeTorch t = cpu_torch();
  t.version = "1.13.0a0";
  auto audio = [&](const char* version) {
    return package_check("torchaudio", ProbePackage{true, version, std::nullopt}, t, &table);
  };
  EXPECT_EQ(audio("0.13.1").status, CheckStatus::kPass) << audio("0.13.1").reason;
  EXPECT_EQ(audio("0.13.0").reason, "torchaudio 0.13.0 pairs with torch 1.13.0");
  EXPECT_EQ(audio("0.14.1").status, CheckStatus::kFail) << audio("0.14.1").reason;
  EXPECT_EQ(audio("2.0.2").status, CheckStatus::kFail) << audio("2.0.2").reason;
}

TEST(VerifyChecks, ProbeFailuresBecomeOneFailedCheck) {
  for (auto outcome : {ProbeOutcome::kNotStarted, ProbeOutcome::kTimedOut, ProbeOutcome::kCrashed,
                       ProbeOutcome::kGarbage}) {
    ProbeRun run;
    run.outcome = outcome;
    run.python = "/opt/py";
    run.problem = "what happened";
    auto checks = evaluate_probe(run, machine(0), nullptr);
    ASSERT_EQ(checks.size(), 1u);
    EXPECT_EQ(checks[0].id, "probe");
    EXPECT_EQ(checks[0].status, CheckStatus::kFail);
    EXPECT_EQ(checks[0].reason, "what happened");
    EXPECT_FALSE(checks[0].fix.empty());
  }
}

TEST(VerifyChecks, ImportFailureStopsAfterImport) {
  ProbeRun run = ok_run(cpu_torch());
  run.output->torch.reset();
  run.output->import_error = ProbeImportError{"ModuleNotFoundError", "No module named 'torch'", ""};
  auto checks = evaluate_probe(run, machine(0), nullptr);
  ASSERT_EQ(checks.size(), 2u);
  EXPECT_EQ(checks[1].status, CheckStatus::kFail);
  EXPECT_NE(checks[1].fix.find("not installed"), std::string::npos);
  run.output->import_error = ProbeImportError{"OSError", "libcudnn.so.9: cannot open", ""};
  checks = evaluate_probe(run, machine(0), nullptr);
  EXPECT_NE(checks[1].fix.find("torchup doctor"), std::string::npos);
}

TEST(VerifyChecks, BuildKind) {
  ProbeTorch t = cpu_torch();
  EXPECT_EQ(build_kind(t), "CPU");
  t.hip = "6.2.41133-dd7f95766";
  EXPECT_EQ(build_kind(t), "ROCm 6.2");
  t.hip.reset();
  t.cuda = "11.8";
  EXPECT_EQ(build_kind(t), "CUDA 11.8");
  t.cuda.reset();
  t.xpu_available = true;
  EXPECT_EQ(build_kind(t), "XPU");
}

TEST(VerifyChecks, DriverTooOld) {
  ProbeTorch t = cuda_torch({});
  t.driver_cuda = "12.2";  // same major: minor-version compatibility
  EXPECT_FALSE(driver_too_old(t));
  t.driver_cuda = "11.8";
  EXPECT_TRUE(driver_too_old(t));
  t.driver_cuda.reset();
  EXPECT_FALSE(driver_too_old(t));
}

}  // namespace
}  // namespace torchup::act
