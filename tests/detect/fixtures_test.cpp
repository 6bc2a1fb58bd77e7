// detect_machine() over every fixture machine in tests/fixtures/machines (rooted: files
// only, nothing executed). Expected values are written here from each fixture's README,
// field by field, not snapshotted from the code's output.
#include <gtest/gtest.h>

#include <filesystem>

#include <nlohmann/json.hpp>

#include "data/store.h"
#include "detect/detect.h"
#include "detect/report.h"
#include "host/scripted.h"
#include "support/detect_fixture.h"
#include "support/temp_dir.h"

namespace torchup::detect {
namespace {

std::string fixture(const std::string& name) { return testing::fixture_dir("machines", name); }

model::Machine detect_fixture(const std::string& name) { return testing::detect_tree(fixture(name)); }

using testing::has_warning;

TEST(DetectFixtures, NvidiaDesktop) {
  auto m = detect_fixture("nvidia-desktop");
  EXPECT_EQ(m.os.family, "linux");
  EXPECT_EQ(m.os.name, "Ubuntu 22.04.4 LTS");
  EXPECT_EQ(m.os.version, "22.04");
  EXPECT_EQ(m.os.arch, "x86_64");
  EXPECT_EQ(m.os.glibc, "2.35");
  EXPECT_FALSE(m.os.wsl);
  ASSERT_EQ(m.gpus.size(), 1u);
  EXPECT_EQ(m.gpus[0].vendor, "nvidia");
  EXPECT_EQ(m.gpus[0].name, "NVIDIA GeForce RTX 4090");
  EXPECT_EQ(m.gpus[0].pci_id, "10de:2684");
  EXPECT_EQ(m.gpus[0].compute_capability, "8.9");
  EXPECT_EQ(m.gpus[0].gfx_target, std::nullopt);
  ASSERT_TRUE(m.nvidia);
  EXPECT_EQ(m.nvidia->driver_version, "550.54.14");
  EXPECT_EQ(m.nvidia->max_cuda, "12.4");
  EXPECT_EQ(m.nvidia->source, "/sys/module/nvidia/version");
  EXPECT_FALSE(m.rocm);
  ASSERT_EQ(m.cuda_toolkits.size(), 1u);  // /usr/local/cuda is a link to cuda-12.4: one toolkit
  EXPECT_EQ(m.cuda_toolkits[0].version, "12.4.1");
  EXPECT_EQ(m.cuda_toolkits[0].path, "/usr/local/cuda-12.4");
  ASSERT_EQ(m.pythons.size(), 1u);
  EXPECT_EQ(m.pythons[0].path, "/usr/bin/python3");
  EXPECT_EQ(m.pythons[0].version, "3.10.12");
  EXPECT_EQ(m.pythons[0].bits, 64);
  EXPECT_TRUE(m.pythons[0].active);
  EXPECT_TRUE(m.pythons[0].externally_managed);
  ASSERT_TRUE(m.pythons[0].torch);
  EXPECT_EQ(m.pythons[0].torch->version, "2.5.1+cu124");
  EXPECT_EQ(m.pythons[0].torch->cuda, "12.4");
  EXPECT_EQ(m.pythons[0].torch->location, "/usr/local/lib/python3.10/dist-packages");
  EXPECT_TRUE(m.warnings.empty()) << m.warnings.front();
}

TEST(DetectFixtures, HybridLaptop) {
  auto m = detect_fixture("hybrid-laptop");
  EXPECT_EQ(m.os.name, "Fedora Linux 40 (Workstation Edition)");
  EXPECT_EQ(m.os.version, "40");
  EXPECT_EQ(m.os.glibc, "2.39");
  ASSERT_EQ(m.gpus.size(), 2u);
  EXPECT_EQ(m.gpus[0].vendor, "intel");
  EXPECT_EQ(m.gpus[0].name, "Intel Iris Xe Graphics");
  EXPECT_EQ(m.gpus[0].pci_id, "8086:a7a0");
  EXPECT_EQ(m.gpus[0].compute_capability, std::nullopt);
  EXPECT_EQ(m.gpus[1].vendor, "nvidia");
  EXPECT_EQ(m.gpus[1].name, "NVIDIA GeForce RTX 3050 Mobile");
  EXPECT_EQ(m.gpus[1].pci_id, "10de:25a2");
  EXPECT_EQ(m.gpus[1].compute_capability, "8.6");
  ASSERT_TRUE(m.nvidia);
  EXPECT_EQ(m.nvidia->driver_version, "560.35.03");
  EXPECT_EQ(m.nvidia->max_cuda, "12.6");
  EXPECT_EQ(m.nvidia->source, "/proc/driver/nvidia/version");
  // Listed by version (issue 14: numerically, 3.11.9 before 3.12), no longer in discovery order.
  ASSERT_EQ(m.pythons.size(), 2u);
  EXPECT_EQ(m.pythons[1].path, "/usr/bin/python3");
  EXPECT_EQ(m.pythons[1].version, "3.12");  // minor only: nothing in the files says the patch
  EXPECT_FALSE(m.pythons[1].torch);
  EXPECT_TRUE(m.pythons[1].active);  // python3 on the default PATH
  EXPECT_EQ(m.pythons[0].path, "/home/alice/.pyenv/versions/3.11.9/bin/python3");
  EXPECT_EQ(m.pythons[0].version, "3.11.9");
  EXPECT_FALSE(m.pythons[0].active);
  ASSERT_TRUE(m.pythons[0].torch);
  EXPECT_EQ(m.pythons[0].torch->version, "2.4.0+cu121");
  EXPECT_EQ(m.pythons[0].torch->cuda, "12.1");
  EXPECT_TRUE(has_warning(m, "only the minor version 3.12"));
}

TEST(DetectFixtures, MultiGpuServer) {
  auto m = detect_fixture("multi-gpu-server");
  ASSERT_EQ(m.gpus.size(), 4u);
  for (const auto& gpu : m.gpus) {
    EXPECT_EQ(gpu.name, "NVIDIA A100-SXM4-80GB");
    EXPECT_EQ(gpu.pci_id, "10de:20b2");
    EXPECT_EQ(gpu.compute_capability, "8.0");
  }
  ASSERT_TRUE(m.nvidia);
  EXPECT_EQ(m.nvidia->driver_version, "535.183.01");
  EXPECT_EQ(m.nvidia->max_cuda, "12.2");
  ASSERT_EQ(m.cuda_toolkits.size(), 2u);
  EXPECT_EQ(m.cuda_toolkits[0].version, "11.8.0");
  EXPECT_EQ(m.cuda_toolkits[1].version, "12.2");
  EXPECT_EQ(m.cuda_toolkits[1].path, "/usr/local/cuda-12.2");
  ASSERT_EQ(m.pythons.size(), 1u);
  EXPECT_EQ(m.pythons[0].path, "/opt/conda/bin/python3");
  EXPECT_EQ(m.pythons[0].version, "3.11.9");
  ASSERT_TRUE(m.pythons[0].torch);
  EXPECT_EQ(m.pythons[0].torch->version, "2.3.1");
  EXPECT_EQ(m.pythons[0].torch->cuda, "12.1");
  EXPECT_TRUE(m.warnings.empty()) << m.warnings.front();
}

TEST(DetectFixtures, AmdRocm) {
  auto m = detect_fixture("amd-rocm");
  ASSERT_EQ(m.gpus.size(), 1u);
  EXPECT_EQ(m.gpus[0].vendor, "amd");
  EXPECT_EQ(m.gpus[0].name, "AMD Radeon RX 7900 XT/7900 XTX");
  EXPECT_EQ(m.gpus[0].pci_id, "1002:744c");
  EXPECT_EQ(m.gpus[0].gfx_target, "gfx1100");
  EXPECT_EQ(m.gpus[0].compute_capability, std::nullopt);
  EXPECT_FALSE(m.nvidia);
  ASSERT_TRUE(m.rocm);
  EXPECT_EQ(m.rocm->version, "6.2.0");
  ASSERT_EQ(m.pythons.size(), 2u);
  EXPECT_EQ(m.pythons[1].path, "/home/bob/venv/bin/python3");
  EXPECT_EQ(m.pythons[1].version, "3.10.12");
  EXPECT_FALSE(m.pythons[1].externally_managed);
  ASSERT_TRUE(m.pythons[1].torch);
  EXPECT_EQ(m.pythons[1].torch->version, "2.4.1+rocm6.1");
  EXPECT_EQ(m.pythons[1].torch->cuda, std::nullopt);
  EXPECT_EQ(m.pythons[1].torch->hip, "6.1.40091-a8dbc0c19");
  EXPECT_EQ(m.pythons[1].torch->location, "/home/bob/venv/lib/python3.10/site-packages");
}

TEST(DetectFixtures, VmNoGpu) {
  auto m = detect_fixture("vm-no-gpu");
  EXPECT_EQ(m.os.name, "Debian GNU/Linux 12 (bookworm)");
  EXPECT_EQ(m.os.glibc, "2.36");
  ASSERT_EQ(m.gpus.size(), 1u);
  EXPECT_EQ(m.gpus[0].vendor, "other");
  EXPECT_EQ(m.gpus[0].name, "unknown model (1234:1111)");
  EXPECT_FALSE(m.nvidia);
  EXPECT_FALSE(m.rocm);
  EXPECT_TRUE(m.cuda_toolkits.empty());
  ASSERT_EQ(m.pythons.size(), 1u);
  EXPECT_EQ(m.pythons[0].path, "/usr/bin/python3");
  EXPECT_EQ(m.pythons[0].version, "3.11.2");  // PY_VERSION inside the interpreter; no patchlevel.h
  EXPECT_EQ(m.pythons[0].bits, 64);
  EXPECT_TRUE(m.pythons[0].externally_managed);
  EXPECT_FALSE(m.pythons[0].torch);
  EXPECT_TRUE(has_warning(m, "model name unknown"));
  EXPECT_FALSE(has_warning(m, "only the minor version"));
}

TEST(DetectFixtures, NvidiaNoDriver) {
  auto m = detect_fixture("nvidia-no-driver");
  EXPECT_EQ(m.os.version, "24.04");
  EXPECT_EQ(m.os.glibc, "2.39");
  ASSERT_EQ(m.gpus.size(), 1u);
  EXPECT_EQ(m.gpus[0].name, "NVIDIA GeForce RTX 3060 Lite Hash Rate");
  EXPECT_EQ(m.gpus[0].compute_capability, "8.6");
  EXPECT_FALSE(m.nvidia);
  EXPECT_TRUE(has_warning(m, "has no NVIDIA driver loaded (bound to nouveau)"));
}

TEST(DetectFixtures, Wsl2) {
  auto m = detect_fixture("wsl2");
  EXPECT_TRUE(m.os.wsl);
  EXPECT_EQ(m.os.name, "Ubuntu 22.04.4 LTS");
  EXPECT_EQ(m.os.glibc, "2.35");
  // The Windows driver's files say an NVIDIA GPU exists, not which one or which driver.
  ASSERT_EQ(m.gpus.size(), 1u);
  EXPECT_EQ(m.gpus[0].vendor, "nvidia");
  EXPECT_EQ(m.gpus[0].pci_id, std::nullopt);
  EXPECT_EQ(m.gpus[0].compute_capability, std::nullopt);
  EXPECT_NE(m.gpus[0].name.find("model unknown"), std::string::npos) << m.gpus[0].name;
  EXPECT_FALSE(m.nvidia);  // never a guessed version
  EXPECT_TRUE(has_warning(m, "/usr/lib/wsl/drivers/nv_dispsi.inf_amd64_7cc7738d8e428783"));
  EXPECT_TRUE(has_warning(m, "without --root"));
  EXPECT_FALSE(has_warning(m, "no NVIDIA driver loaded"));
  EXPECT_NE(machine_verdict(m).find("Windows NVIDIA driver installed, version unknown"), std::string::npos)
      << machine_verdict(m);
}

// A WSL2 root whose Windows has no NVIDIA driver: no GPU is invented.
TEST(DetectFixtures, Wsl2WithoutNvidiaDriverFilesReportsNoGpu) {
  testing::TempDir root;
  root.write("proc/version", "Linux version 5.15.153.1-microsoft-standard-WSL2 (root@941d701f84f1) #1 SMP\n");
  root.write("usr/lib/wsl/drivers/u0420529.inf_amd64_94ad5a6c4d1a04e2/.keep", "");
  host::FakeMachine machine(root.str());
  auto live_fs = host::make_rooted_fs("/");
  data::DataStore store(*live_fs, {});
  auto m = detect_machine(machine.host(), store);
  EXPECT_TRUE(m.os.wsl);
  EXPECT_TRUE(m.gpus.empty());
  EXPECT_FALSE(m.nvidia);
  EXPECT_TRUE(has_warning(m, "WSL2: no Windows NVIDIA driver files"));
}

TEST(DetectFixtures, OlderDriver) {
  auto m = detect_fixture("older-driver");
  EXPECT_EQ(m.os.name, "CentOS Linux 7 (Core)");
  EXPECT_EQ(m.os.glibc, "2.17");
  ASSERT_EQ(m.gpus.size(), 1u);
  EXPECT_EQ(m.gpus[0].name, "GeForce GTX 1080");
  EXPECT_EQ(m.gpus[0].compute_capability, "6.1");
  ASSERT_TRUE(m.nvidia);
  EXPECT_EQ(m.nvidia->driver_version, "418.87.01");
  EXPECT_EQ(m.nvidia->max_cuda, "10.1");
  ASSERT_EQ(m.pythons.size(), 2u);
  // Listed by version (issue 14): 2.7 before 3.6.
  EXPECT_EQ(m.pythons[1].path, "/usr/bin/python3");
  EXPECT_EQ(m.pythons[1].version, "3.6");
  EXPECT_FALSE(m.pythons[1].torch);  // /usr/local/lib/python3.6/site-packages is not a Debian layout path
  EXPECT_EQ(m.pythons[0].path, "/usr/bin/python2.7");
  EXPECT_EQ(m.pythons[0].version, "2.7");
}

TEST(DetectFixtures, TorchTwoPythons) {
  auto m = detect_fixture("torch-two-pythons");
  EXPECT_EQ(m.os.arch, "aarch64");
  EXPECT_EQ(m.os.glibc, "2.36");
  EXPECT_TRUE(m.gpus.empty());
  ASSERT_EQ(m.pythons.size(), 2u);
  ASSERT_TRUE(m.pythons[0].torch);
  EXPECT_EQ(m.pythons[0].torch->version, "1.13.0a0");
  EXPECT_EQ(m.pythons[0].torch->cuda, std::nullopt);
  EXPECT_EQ(m.pythons[0].torch->location, "/usr/lib/python3/dist-packages");
  EXPECT_EQ(m.pythons[1].version, "3.12.4");
  ASSERT_TRUE(m.pythons[1].torch);
  EXPECT_EQ(m.pythons[1].torch->version, "2.5.1");
  EXPECT_EQ(m.pythons[1].torch->location, "/root/.pyenv/versions/3.12.4/lib/python3.12/site-packages");
}

// Links in a root are the image's links: an absolute target is the image's file
// (--root must not read this computer's /usr/lib/os-release or libc).
TEST(DetectFixtures, AbsoluteLinksNameTheImagesFiles) {
  auto m = detect_fixture("absolute-links");
  EXPECT_EQ(m.os.name, "Ubuntu 24.04 LTS");
  EXPECT_EQ(m.os.version, "24.04");
  EXPECT_EQ(m.os.arch, "x86_64");
  EXPECT_EQ(m.os.glibc, "2.39");
  ASSERT_EQ(m.pythons.size(), 1u);
  EXPECT_EQ(m.pythons[0].path, "/usr/bin/python3");
  EXPECT_EQ(m.pythons[0].version, "3.12.3");
}

// Absolute links to files the image lacks (and a Debian 12 computer has): nothing is
// read from outside the root, so the facts are unknown.
TEST(DetectFixtures, LinksOutOfTheRootFindNothing) {
  auto m = detect_fixture("links-to-host");
  EXPECT_EQ(m.os.name, "");
  EXPECT_EQ(m.os.version, "");
  EXPECT_EQ(m.os.arch, "x86_64");  // the loader is in the image
  EXPECT_EQ(m.os.glibc, std::nullopt);
  EXPECT_FALSE(m.os.wsl);  // /proc/version links to itself: a loop, unreadable
  EXPECT_TRUE(m.pythons.empty()) << m.pythons[0].path;
  EXPECT_TRUE(has_warning(m, "OS name unknown"));
  EXPECT_TRUE(has_warning(m, "glibc version unknown"));
}

// Relative links that climb with more ".." than the image has directories stop at the
// root, as in a chroot: they name the image's files, never this computer's.
TEST(DetectFixtures, DotDotLinksStopAtTheRoot) {
  auto m = detect_fixture("dotdot-links");
  EXPECT_EQ(m.os.name, "Fedora Linux 40 (Server Edition)");
  EXPECT_EQ(m.os.version, "40");
  EXPECT_EQ(m.os.glibc, "2.39");
  EXPECT_TRUE(m.pythons.empty()) << m.pythons[0].path;  // python3.11 is not in the image
}

// A root copied without /lib, /lib64 and /bin (the merged-/usr links): arch and glibc
// come from /usr.
TEST(DetectFixtures, RootWithoutMergedUsrLinks) {
  auto m = detect_fixture("unmerged-usr");
  EXPECT_EQ(m.os.name, "Debian GNU/Linux 12 (bookworm)");
  EXPECT_EQ(m.os.arch, "x86_64");
  EXPECT_EQ(m.os.glibc, "2.36");
  ASSERT_EQ(m.pythons.size(), 1u);
  EXPECT_EQ(m.pythons[0].path, "/usr/bin/python3");
  EXPECT_EQ(m.pythons[0].version, "3.11.2");
  EXPECT_TRUE(m.warnings.empty()) << m.warnings.front();
}

TEST(DetectFixtures, GarbageStillGivesValidJsonWithWarnings) {
  auto m = detect_fixture("garbage");
  auto text = model::to_json(m).dump();
  auto reparsed = nlohmann::json::parse(text, nullptr, false);
  ASSERT_FALSE(reparsed.is_discarded());
  EXPECT_EQ(reparsed["schema"], "torchup.machine/1");
  auto back = model::machine_from_json(reparsed);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_FALSE(m.nvidia);
  EXPECT_FALSE(m.rocm);
  EXPECT_FALSE(m.os.glibc);
  EXPECT_GE(m.warnings.size(), 3u);
  EXPECT_TRUE(has_warning(m, "unreadable ids"));
  EXPECT_TRUE(has_warning(m, "glibc version unknown"));
}

// Driver versions keep their leading zeros everywhere detect reports them: the text
// from the file, never DottedVersion::str() (which prints "450.80.2").
TEST(DetectFixtures, DriverVersionKeepsLeadingZeros) {
  testing::TempDir root;
  root.write("sys/bus/pci/devices/0000:01:00.0/modalias", "pci:v000010DEd00001B80sv00001043sd000085AAbc03sc00i00\n");
  root.write("sys/module/nvidia/version", "450.80.02\n");
  std::filesystem::create_directories(root.path() / "sys/bus/pci/drivers/nvidia");
  std::filesystem::create_directory_symlink("../../../bus/pci/drivers/nvidia", root.path() / "sys/bus/pci/devices/0000:01:00.0/driver");
  host::FakeMachine machine(root.str());
  auto live_fs = host::make_rooted_fs("/");
  data::DataStore store(*live_fs, {});
  auto m = detect_machine(machine.host(), store);
  ASSERT_TRUE(m.nvidia);
  EXPECT_EQ(m.nvidia->driver_version, "450.80.02");
  EXPECT_EQ(m.nvidia->max_cuda, "11.0");  // Table 3: CUDA 11.0.3 Update 1 needs >= 450.80.02 on Linux
  auto json = model::to_json(m);
  EXPECT_EQ(json["nvidia"]["driver_version"], "450.80.02");
  auto back = model::machine_from_json(json);
  ASSERT_TRUE(back) << back.error().message;
  ASSERT_TRUE(back->nvidia);
  EXPECT_EQ(back->nvidia->driver_version, "450.80.02");
  EXPECT_NE(machine_verdict(m).find("driver 450.80.02 "), std::string::npos) << machine_verdict(m);
  bool line_found = false;
  for (const auto& line : machine_report_lines(m)) {
    EXPECT_EQ(line.text.find("450.80.2"), std::string::npos) << line.text;
    line_found = line_found || line.text.find("450.80.02") != std::string::npos;
  }
  EXPECT_TRUE(line_found);
}

// The live-machine paths, with scripted programs: nvidia-smi when files give no driver.
TEST(DetectLive, NvidiaSmiFallbackFillsDriverAndCc) {
  host::FakeMachine machine(fixture("nvidia-no-driver"), {{"PATH", "/usr/bin"}},
                            host::SystemFacts{"linux", "x86_64", std::string("2.39"), {}}, /*live=*/true);
  // nvidia-no-driver has no nvidia-smi; the scripted runner answers only if the file is found.
  auto live_fs = host::make_rooted_fs("/");
  data::DataStore store(*live_fs, {});
  DetectOptions options;
  options.use_nvml = false;
  auto m = detect_machine(machine.host(), store, options);
  EXPECT_EQ(m.os.glibc, "2.39");
  EXPECT_FALSE(m.nvidia);  // no nvidia-smi on that machine: nothing was run for it
  for (const auto& call : machine.runner().calls()) EXPECT_NE(call.front(), "/usr/bin/nvidia-smi");
}

// WSL2, live: NVML is off here, so nvidia-smi from /usr/lib/wsl/lib answers; Table 3's
// Windows column is not needed because its banner states the max CUDA.
TEST(DetectLive, Wsl2NvidiaSmiGivesDriverAndGpu) {
  host::FakeMachine machine(fixture("wsl2"), {{"PATH", "/usr/bin"}},
                            host::SystemFacts{"linux", "x86_64", std::string("2.35"), {}}, /*live=*/true);
  const std::string smi = "/usr/lib/wsl/lib/nvidia-smi";
  machine.runner().add_output({smi, "--query-gpu=name,driver_version,compute_cap,pci.device_id", "--format=csv,noheader"},
                              "NVIDIA GeForce RTX 4090, 566.36, 8.9, 0x268410DE\n");
  machine.runner().add_output({smi}, "| NVIDIA-SMI 565.77.01   Driver Version: 566.36   CUDA Version: 12.7     |\n");
  auto live_fs = host::make_rooted_fs("/");
  data::DataStore store(*live_fs, {});
  DetectOptions options;
  options.use_nvml = false;
  options.probe_pythons = false;
  auto m = detect_machine(machine.host(), store, options);
  EXPECT_TRUE(m.os.wsl);
  ASSERT_TRUE(m.nvidia);
  EXPECT_EQ(m.nvidia->driver_version, "566.36");
  EXPECT_EQ(m.nvidia->max_cuda, "12.7");
  EXPECT_EQ(m.nvidia->source, "nvidia-smi");
  ASSERT_EQ(m.gpus.size(), 1u);
  EXPECT_EQ(m.gpus[0].name, "NVIDIA GeForce RTX 4090");
  EXPECT_EQ(m.gpus[0].pci_id, "10de:2684");
  EXPECT_EQ(m.gpus[0].compute_capability, "8.9");
  EXPECT_FALSE(has_warning(m, "WSL2"));
}

// WSL2, live, and neither NVML nor nvidia-smi answers: the GPU from the driver files,
// with a warning naming what failed, and no version.
TEST(DetectLive, Wsl2NothingAnswersFallsBackToDriverFiles) {
  host::FakeMachine machine(fixture("wsl2"), {{"PATH", "/usr/bin"}},
                            host::SystemFacts{"linux", "x86_64", std::string("2.35"), {}}, /*live=*/true);
  auto live_fs = host::make_rooted_fs("/");
  data::DataStore store(*live_fs, {});
  DetectOptions options;
  options.use_nvml = false;
  options.probe_pythons = false;
  auto m = detect_machine(machine.host(), store, options);
  EXPECT_FALSE(m.nvidia);
  ASSERT_EQ(m.gpus.size(), 1u);
  EXPECT_EQ(m.gpus[0].vendor, "nvidia");
  EXPECT_TRUE(has_warning(m, "did not answer"));
  bool ran_smi = false;
  for (const auto& call : machine.runner().calls()) ran_smi = ran_smi || call.front() == "/usr/lib/wsl/lib/nvidia-smi";
  EXPECT_TRUE(ran_smi);
}

}  // namespace
}  // namespace torchup::detect
