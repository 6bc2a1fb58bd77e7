// doctor: findings from machine facts and from the real embedded catalogue,
// unit (diagnose over values) and end to end (the real binary, Debian's torch
// and a fake torch shadowing it with a mismatched torchvision).
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>

#include "act/doctor.h"
#include "data/store.h"
#include "host/host.h"
#include "support/run_binary.h"
#include "support/temp_dir.h"

namespace torchup::act {
namespace {

using torchup::testing::TempDir;

data::FailureCatalogue embedded_catalogue() {
  TempDir nothing;
  auto fs = host::make_rooted_fs(nothing.str());
  data::DataStore store(*fs, {});
  auto catalogue =
      store.load<data::FailureCatalogue>("install-failures.json", data::parse_failure_catalogue);
  EXPECT_TRUE(catalogue) << catalogue.error().message;
  return catalogue ? *catalogue : data::FailureCatalogue{};
}

VerifyReport report_with(ProbeTorch torch, MachineGpus machine) {
  VerifyReport report;
  report.python = "/usr/bin/python3";
  report.machine = machine;
  report.run.outcome = ProbeOutcome::kOk;
  report.run.python = report.python;
  ProbeOutput out;
  out.python_executable = report.python;
  out.python_version = "3.11.2";
  out.torch_locations = {"/usr/lib/python3/dist-packages/torch"};
  out.torch = std::move(torch);
  report.run.output = std::move(out);
  report.checks = evaluate_probe(report.run, report.machine, nullptr);
  return report;
}

ProbeTorch torch_of(std::optional<std::string> cuda) {
  ProbeTorch t;
  t.version = cuda ? "2.5.1+cu124" : "2.5.1+cpu";
  t.cuda = cuda;
  t.rand_text = "tensor(...)";
  return t;
}

MachineGpus nvidia(int n) {
  MachineGpus m;
  m.scanned = true;
  m.nvidia = n;
  return m;
}

const Finding* find(const std::vector<Finding>& findings, const std::string& id) {
  for (const auto& f : findings) {
    if (f.id == id) return &f;
  }
  return nullptr;
}

TEST(Doctor, HealthyCpuInstallHasNoFindings) {
  auto catalogue = embedded_catalogue();
  auto findings = diagnose(report_with(torch_of(std::nullopt), nvidia(0)), &catalogue);
  EXPECT_TRUE(findings.empty()) << findings.front().id;
}

TEST(Doctor, CpuBuildOnNvidiaMachineUsesTheCatalogueEntry) {
  auto catalogue = embedded_catalogue();
  auto findings = diagnose(report_with(torch_of(std::nullopt), nvidia(1)), &catalogue);
  const Finding* f = find(findings, "cpu-build-on-gpu-host");
  ASSERT_TRUE(f);
  EXPECT_NE(f->evidence.find("1 NVIDIA GPU(s)"), std::string::npos) << f->evidence;
  EXPECT_FALSE(f->cause.empty());
  EXPECT_FALSE(f->sources.empty());
  EXPECT_NE(f->fix.find("torchup plan"), std::string::npos);
}

// The Dockerfile classic: PIP_EXTRA_INDEX_URL=https://download.pytorch.org/whl/cpu. The
// CPU-build finding names it, since a reinstall would take the CPU build again.
TEST(Doctor, CpuBuildFindingNamesPipSettingsThatPointAtACpuIndex) {
  auto catalogue = embedded_catalogue();
  auto report = report_with(torch_of(std::nullopt), nvidia(1));
  auto pip = parse_pip_config_list(
      ":env:.extra-index-url='https://download.pytorch.org/whl/cpu'\n"
      "global.index-url='https://mirrors.example/simple'\n"
      "global.find-links='https://user:pw@mirror.example/pytorch-wheels/cpu/'\n");
  auto findings = diagnose(report, &catalogue, nullptr, &pip);
  const Finding* f = find(findings, "cpu-build-on-gpu-host");
  ASSERT_NE(f, nullptr);
  EXPECT_NE(f->evidence.find("pip's settings point at a CPU-only index: https://download.pytorch.org/whl/cpu "
                             "(PIP_EXTRA_INDEX_URL), https://***@mirror.example/pytorch-wheels/cpu/ "
                             "(pip config global.find-links)"),
            std::string::npos)
      << f->evidence;
  EXPECT_EQ(f->evidence.find("mirrors.example/simple"), std::string::npos) << f->evidence;
  EXPECT_TRUE(f->fix.starts_with("remove those settings first")) << f->fix;

  auto plain = parse_pip_config_list("global.index-url='https://mirrors.example/simple'\n");
  auto plain_findings = diagnose(report, &catalogue, nullptr, &plain);
  const Finding* g = find(plain_findings, "cpu-build-on-gpu-host");
  ASSERT_NE(g, nullptr);
  EXPECT_EQ(g->evidence.find("pip's settings"), std::string::npos) << g->evidence;
  EXPECT_EQ(g->fix, "reinstall a CUDA build: `torchup plan` prints the command");
}

TEST(Doctor, DriverTooOldAndCatalogueMatchesOnCudaErrors) {
  auto catalogue = embedded_catalogue();
  ProbeTorch t = torch_of("12.4");
  t.driver_cuda = "11.4";
  auto findings = diagnose(report_with(t, nvidia(1)), &catalogue);
  const Finding* f = find(findings, "driver-too-old-for-wheel");
  ASSERT_TRUE(f);
  EXPECT_NE(f->evidence.find("CUDA 11.4"), std::string::npos);

  ProbeTorch no_driver = torch_of("12.4");
  no_driver.cuda_error = "RuntimeError: Found no NVIDIA driver on your system.";
  findings = diagnose(report_with(no_driver, nvidia(1)), &catalogue);
  EXPECT_TRUE(find(findings, "no-nvidia-driver-loaded"));
  EXPECT_TRUE(find(findings, "cuda-unavailable"));
}

TEST(Doctor, ShadowingArchAndPackageFindings) {
  auto catalogue = embedded_catalogue();
  ProbeTorch t = torch_of("12.4");
  t.cuda_available = true;
  t.device_count = 1;
  t.arch_list = {"sm_80", "sm_90"};
  ProbeGpu g;
  g.name = "NVIDIA GeForce RTX 5090";
  g.capability = "12.0";
  g.matmul_ok = true;
  t.gpus = {g};
  auto report = report_with(t, nvidia(1));
  report.run.output->torch_locations.push_back("/home/u/.local/lib/python3.11/site-packages/torch");
  report.run.output->torchvision = ProbePackage{true, "0.15.2", std::nullopt};
  PairingTable pairing;
  pairing["2.5.1"] = {{"0.20.1"}, {}};
  report.checks = evaluate_probe(report.run, report.machine, &pairing);
  auto findings = diagnose(report, &catalogue);
  EXPECT_TRUE(find(findings, "multiple-torch-installs"));
  ASSERT_TRUE(find(findings, "gpu-arch-not-in-arch-list"));
  EXPECT_NE(find(findings, "gpu-arch-not-in-arch-list")->evidence.find("sm_120"),
            std::string::npos);
  EXPECT_TRUE(find(findings, "torchvision-torch-mismatch"));
}

TEST(Doctor, CatalogueEntriesOfOtherPlatformsAreNotOffered) {
  // Intel OpenMP's "OMP: Error #15" names .dll/.dylib runtimes: a Windows/macOS failure
  // (install-failures.json omp-duplicate-runtime); on Linux it explains nothing.
  auto catalogue = embedded_catalogue();
  auto report = report_with(torch_of(std::nullopt), nvidia(0));
  report.run.output->torch.reset();
  report.run.output->import_error = ProbeImportError{
      "RuntimeError", "OMP: Error #15: Initializing libiomp5md.dll, but found libiomp5md.dll already initialized.", ""};
  const host::SystemFacts windows{"windows", "x86_64", {}, {}};
  const host::SystemFacts linux_box{"linux", "x86_64", {}, {}};
  EXPECT_TRUE(find(diagnose(report, &catalogue, &windows), "omp-duplicate-runtime"));
  EXPECT_TRUE(find(diagnose(report, &catalogue), "omp-duplicate-runtime"));  // platform unknown
  EXPECT_FALSE(find(diagnose(report, &catalogue, &linux_box), "omp-duplicate-runtime"));
}

TEST(Doctor, CrashesAndMissingTorch) {
  VerifyReport crashed;
  crashed.run.outcome = ProbeOutcome::kCrashed;
  crashed.run.signal = 4;
  crashed.run.problem = "python crashed (SIGILL)";
  auto catalogue = embedded_catalogue();
  EXPECT_TRUE(find(diagnose(crashed, &catalogue), "illegal-instruction-old-cpu"));
  crashed.run.signal = 11;
  EXPECT_TRUE(find(diagnose(crashed, nullptr), "probe-failed"));

  auto missing = report_with(torch_of(std::nullopt), nvidia(0));
  missing.run.output->torch.reset();
  missing.run.output->import_error = ProbeImportError{"ModuleNotFoundError", "No module named 'torch'", ""};
  EXPECT_TRUE(find(diagnose(missing, &catalogue), "wrong-interpreter"));
}

host::ProcessResult torchup(const std::vector<std::string>& args, std::map<std::string, std::string> env = {}) {
  return ::torchup::testing::run_torchup(args, std::move(env));
}

// doctor --json reports the interpreter's pip settings, read from the real pip.
TEST(DoctorCli, JsonCarriesPipsSettings) {
  TempDir dir;
  dir.write("pip.conf", "[global]\nextra-index-url = https://download.pytorch.org/whl/cpu\n");
  auto r = torchup({"doctor", "--json", "--python", "/usr/bin/python3"},
                   {{"PIP_CONFIG_FILE", dir.str() + "/pip.conf"}, {"PIP_EXTRA_INDEX_URL", ""}});
  auto j = nlohmann::json::parse(r.out, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << r.out << r.err;
  ASSERT_TRUE(j.contains("pip_config")) << j.dump(2);
  EXPECT_EQ(j["pip_config"]["read"], true) << j.dump(2);
  ASSERT_EQ(j["pip_config"]["extra_index_urls"].size(), 1u) << j.dump(2);
  EXPECT_EQ(j["pip_config"]["extra_index_urls"][0]["value"], "https://download.pytorch.org/whl/cpu");
  EXPECT_EQ(j["pip_config"]["extra_index_urls"][0]["origin"], "pip config global.extra-index-url");
}

// Skips, saying so, only where Debian's python3-torch is genuinely absent.
std::string debian_torch_absent() {
  if (!std::filesystem::exists("/usr/bin/python3")) return "no /usr/bin/python3";
  if (!std::filesystem::exists("/usr/lib/python3/dist-packages/torch/__init__.py")) {
    return "Debian's python3-torch is not installed (no /usr/lib/python3/dist-packages/torch)";
  }
  return {};
}

TEST(DoctorCli, DebianTorchIsHealthy) {
  if (auto why = debian_torch_absent(); !why.empty()) GTEST_SKIP() << why;
  auto r = torchup({"doctor", "--python", "/usr/bin/python3"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("No problems found."), std::string::npos) << r.out;
}

TEST(DoctorCli, ShadowingFakeTorchWithWrongTorchvision) {
  if (auto why = debian_torch_absent(); !why.empty()) GTEST_SKIP() << why;  // the shadowed one
  TempDir dir;
  dir.write("site/torch/__init__.py",
            "__version__ = '1.13.1'\nclass _V:\n    cuda = None\n    hip = None\nversion = _V()\n"
            "def rand(*s):\n    return 'tensor([[fake]])'\nclass cuda:\n    @staticmethod\n"
            "    def is_available():\n        return False\n");
  dir.write("site/torchvision/__init__.py", "__version__ = '0.15.2'\n");
  dir.write("bin/python", "#!/bin/sh\nPYTHONPATH=" + (dir.path() / "site").string() +
                              " exec /usr/bin/python3 \"$@\"\n");
  std::filesystem::permissions(dir.path() / "bin/python", std::filesystem::perms::owner_all);
  auto r = torchup({"doctor", "--python", (dir.path() / "bin/python").string(), "--json"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["schema"], "torchup.doctor/1");
  EXPECT_EQ(j["ok"], false);
  std::vector<std::string> ids;
  for (const auto& f : j["findings"]) {
    ids.push_back(f["id"]);
    EXPECT_FALSE(f["fix"].get<std::string>().empty()) << f["id"];
  }
  EXPECT_NE(std::find(ids.begin(), ids.end(), "multiple-torch-installs"), ids.end());
  EXPECT_NE(std::find(ids.begin(), ids.end(), "torchvision-torch-mismatch"), ids.end());
  EXPECT_EQ(j["verify"]["torch"]["version"], "1.13.1");
}

}  // namespace
}  // namespace torchup::act
