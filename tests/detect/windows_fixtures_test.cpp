// Windows detection over the fixture machines in tests/fixtures/windows (registry.reg plus
// drive C: as C/), natively: the same probes a Windows build runs, through the host seams.
// Expected values come from each fixture's README, field by field.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "data/store.h"
#include "detect/detect.h"
#include "detect/parse_windows.h"
#include "host/scripted.h"
#include "support/detect_fixture.h"
#include "support/run_binary.h"
#include "support/temp_dir.h"

namespace torchup::detect {
namespace {

std::string fixture(const std::string& name) { return testing::fixture_dir("windows", name); }

model::Machine detect_fixture(const std::string& name) { return testing::detect_tree(fixture(name)); }

using testing::has_warning;

std::string all_warnings(const model::Machine& m) {
  std::string out;
  for (const auto& w : m.warnings) out += w + "\n";
  return out;
}

// Real pairs of Windows driver version and NVIDIA's version: 31.0.15.5222 (research/
// windows-port.md); 9.18.13.4788 (the worked example in rex_engine's video_driver.cpp);
// 23.21.13.9135 (a GTX 1060's Direct3D11 driver string in public ANGLE renderer lists, driver
// 391.35); 27.21.14.5671, 30.0.14.7212, 31.0.15.3623 (assertions of a public Rust test of the
// same conversion); 32.0.15.6094 and 32.0.15.7602 (a public C# test table: RTX 3060, RTX 4080).
TEST(WindowsParse, NvidiaDriverFromWindowsVersion) {
  EXPECT_EQ(nvidia_driver_from_windows("31.0.15.5222"), "552.22");
  EXPECT_EQ(nvidia_driver_from_windows("9.18.13.4788"), "347.88");
  EXPECT_EQ(nvidia_driver_from_windows("23.21.13.9135"), "391.35");
  EXPECT_EQ(nvidia_driver_from_windows("27.21.14.5671"), "456.71");
  EXPECT_EQ(nvidia_driver_from_windows("30.0.14.7212"), "472.12");
  EXPECT_EQ(nvidia_driver_from_windows("31.0.15.3623"), "536.23");
  EXPECT_EQ(nvidia_driver_from_windows("32.0.15.6094"), "560.94");
  EXPECT_EQ(nvidia_driver_from_windows("32.0.15.7602"), "576.02");
  EXPECT_EQ(nvidia_driver_from_windows("32.0.15.180"), "501.80");  // the last field padded to four digits
  EXPECT_EQ(nvidia_driver_from_windows("552.22"), std::nullopt);
  EXPECT_EQ(nvidia_driver_from_windows("31.0.15.52220"), std::nullopt);
  EXPECT_EQ(nvidia_driver_from_windows("31.0.x.5222"), std::nullopt);
  EXPECT_EQ(nvidia_driver_from_windows(""), std::nullopt);
}

TEST(WindowsParse, MatchingDeviceIdAndPeHeaders) {
  auto ids = parse_matching_device_id("PCI\\VEN_10DE&DEV_2684&SUBSYS_16F310DE");
  ASSERT_TRUE(ids);
  EXPECT_EQ(ids->vendor, 0x10de);
  EXPECT_EQ(ids->device, 0x2684);
  EXPECT_FALSE(parse_matching_device_id("root\\parsecvirtualdisplay"));
  EXPECT_FALSE(parse_matching_device_id("pci\\cc_0300"));
  EXPECT_FALSE(parse_matching_device_id("pci\\ven_10de&dev_26"));
  std::string pe(0x40, '\0');
  pe[0] = 'M';
  pe[1] = 'Z';
  pe[0x3c] = 0x40;
  auto image = [&](unsigned machine) {
    return pe + std::string("PE\0\0", 4) + static_cast<char>(machine & 0xff) + static_cast<char>(machine >> 8);
  };
  EXPECT_EQ(pe_bits(image(0x14c)), 32);
  EXPECT_EQ(pe_bits(image(0x8664)), 64);
  EXPECT_EQ(pe_arch(image(0xaa64)), "arm64");
  EXPECT_EQ(pe_bits(image(0x1c4)), std::nullopt);  // ARMv7: no PyTorch either way
  EXPECT_EQ(pe_bits(pe), std::nullopt);           // no PE signature
  EXPECT_EQ(pe_bits("\x7f" "ELF"), std::nullopt);
}

TEST(WindowsParse, ExpandVariables) {
  auto lookup = [](const std::string& n) -> std::optional<std::string> {
    if (n == "SystemRoot") return "C:\\Windows";
    return std::nullopt;
  };
  EXPECT_EQ(expand_windows_vars("%SystemRoot%\\System32", lookup), "C:\\Windows\\System32");
  EXPECT_EQ(expand_windows_vars("%Missing%\\x %", lookup), "%Missing%\\x %");
  EXPECT_EQ(expand_windows_vars("100%%", lookup), "100%%");
}

TEST(WindowsFixtures, Rtx4090Desktop) {
  auto m = detect_fixture("rtx4090-desktop");
  EXPECT_EQ(m.os.family, "windows");
  EXPECT_EQ(m.os.name, "Windows 11 Pro 23H2");  // ProductName says Windows 10; build 22631 is 11
  EXPECT_EQ(m.os.version, "10.0.22631");
  EXPECT_EQ(m.os.arch, "x86_64");
  EXPECT_EQ(m.os.glibc, std::nullopt);
  ASSERT_EQ(m.gpus.size(), 1u);  // the class key's "Properties" subkey is no adapter
  EXPECT_EQ(m.gpus[0].vendor, "nvidia");
  EXPECT_EQ(m.gpus[0].name, "NVIDIA GeForce RTX 4090");
  EXPECT_EQ(m.gpus[0].pci_id, "10de:2684");
  EXPECT_EQ(m.gpus[0].compute_capability, "8.9");
  EXPECT_NE(m.gpus[0].source.find("{4d36e968-e325-11ce-bfc1-08002be10318}\\0000"), std::string::npos);
  ASSERT_TRUE(m.nvidia);
  EXPECT_EQ(m.nvidia->driver_version, "552.22");
  EXPECT_EQ(m.nvidia->max_cuda, "12.4");
  EXPECT_NE(m.nvidia->source.find("DriverVersion 31.0.15.5222"), std::string::npos) << m.nvidia->source;
  ASSERT_EQ(m.cuda_toolkits.size(), 1u);  // the folder and both CUDA_PATH variables are one toolkit
  EXPECT_EQ(m.cuda_toolkits[0].version, "12.4.1");
  EXPECT_EQ(m.cuda_toolkits[0].path, "C:\\Program Files\\NVIDIA GPU Computing Toolkit\\CUDA\\v12.4");
  ASSERT_EQ(m.pythons.size(), 1u);  // PyLauncher is the py launcher, not a Python
  EXPECT_EQ(m.pythons[0].path, "C:\\Users\\alice\\AppData\\Local\\Programs\\Python\\Python312\\python.exe");
  EXPECT_EQ(m.pythons[0].version, "3.12.4");
  EXPECT_EQ(m.pythons[0].bits, 64);
  EXPECT_FALSE(m.pythons[0].torch);
  EXPECT_TRUE(m.warnings.empty()) << all_warnings(m);
}

TEST(WindowsFixtures, OptimusLaptop) {
  auto m = detect_fixture("optimus-laptop");
  EXPECT_EQ(m.os.name, "Windows 11 Home 22H2");
  EXPECT_EQ(m.os.version, "10.0.22621");
  ASSERT_EQ(m.gpus.size(), 2u);
  EXPECT_EQ(m.gpus[0].vendor, "intel");
  EXPECT_EQ(m.gpus[0].name, "Intel(R) UHD Graphics");
  EXPECT_EQ(m.gpus[0].pci_id, "8086:a7a8");
  EXPECT_EQ(m.gpus[0].compute_capability, std::nullopt);
  EXPECT_EQ(m.gpus[1].vendor, "nvidia");
  EXPECT_EQ(m.gpus[1].name, "NVIDIA GeForce RTX 4060 Laptop GPU");
  EXPECT_EQ(m.gpus[1].pci_id, "10de:28a0");
  EXPECT_EQ(m.gpus[1].compute_capability, "8.9");
  ASSERT_TRUE(m.nvidia);  // the NVIDIA adapter's DriverVersion, not Intel's
  EXPECT_EQ(m.nvidia->driver_version, "560.94");
  EXPECT_EQ(m.nvidia->max_cuda, "12.6");
  ASSERT_EQ(m.pythons.size(), 3u) << all_warnings(m);
  // PEP 514's ContinuumAnalytics entry and the conda base are the same interpreter.
  // detect lists interpreters by version, numerically (issue 14); the indices follow that order.
  EXPECT_EQ(m.pythons[1].path, "C:\\Users\\bob\\miniconda3\\python.exe");
  EXPECT_EQ(m.pythons[1].version, "3.12.7");
  EXPECT_EQ(m.pythons[0].path, "C:\\Users\\bob\\miniconda3\\envs\\torch\\python.exe");
  EXPECT_EQ(m.pythons[0].version, "3.11.10");
  ASSERT_TRUE(m.pythons[0].torch);
  EXPECT_EQ(m.pythons[0].torch->version, "2.5.1+cu124");
  EXPECT_EQ(m.pythons[0].torch->cuda, "12.4");
  EXPECT_EQ(m.pythons[0].torch->location, "C:\\Users\\bob\\miniconda3\\envs\\torch\\Lib\\site-packages");
  EXPECT_EQ(m.pythons[2].path, "C:\\Users\\bob\\venv\\Scripts\\python.exe");
  EXPECT_EQ(m.pythons[2].version, "3.12.7");
  EXPECT_FALSE(m.pythons[2].torch);
  EXPECT_TRUE(m.warnings.empty()) << all_warnings(m);
}

TEST(WindowsFixtures, Gtx1060OldDriver) {
  auto m = detect_fixture("gtx1060-old-driver");
  EXPECT_EQ(m.os.name, "Windows 10 Pro 1709");  // ReleaseId before DisplayVersion existed
  EXPECT_EQ(m.os.version, "10.0.16299");
  ASSERT_EQ(m.gpus.size(), 1u);
  EXPECT_EQ(m.gpus[0].name, "NVIDIA GeForce GTX 1060 6GB");
  EXPECT_EQ(m.gpus[0].compute_capability, "6.1");
  ASSERT_TRUE(m.nvidia);
  EXPECT_EQ(m.nvidia->driver_version, "391.35");
  EXPECT_EQ(m.nvidia->max_cuda, "9.1");
  ASSERT_EQ(m.pythons.size(), 2u);
  // detect lists interpreters by version, numerically (issue 14); the indices follow that order.
  EXPECT_EQ(m.pythons[1].path, "C:\\Program Files\\Python310\\python.exe");
  EXPECT_EQ(m.pythons[1].version, "3.10.11");  // SysVersion 3.10, the patch from include\patchlevel.h
  EXPECT_EQ(m.pythons[1].bits, 64);
  EXPECT_EQ(m.pythons[0].path, "C:\\Program Files (x86)\\Python38-32\\python.exe");
  EXPECT_EQ(m.pythons[0].version, "3.8.10");
  EXPECT_EQ(m.pythons[0].bits, 32);
  EXPECT_TRUE(has_warning(m, "is 32-bit: PyTorch has no 32-bit Windows builds")) << all_warnings(m);
}

TEST(WindowsFixtures, Radeon7900Xtx) {
  auto m = detect_fixture("radeon-7900xtx");
  EXPECT_EQ(m.os.name, "Windows 11 Pro 24H2");
  ASSERT_EQ(m.gpus.size(), 1u);
  EXPECT_EQ(m.gpus[0].vendor, "amd");
  EXPECT_EQ(m.gpus[0].name, "AMD Radeon RX 7900 XTX");
  EXPECT_EQ(m.gpus[0].pci_id, "1002:744c");
  EXPECT_FALSE(m.nvidia);
  EXPECT_FALSE(m.rocm);
  ASSERT_EQ(m.pythons.size(), 1u);
  EXPECT_EQ(m.pythons[0].path, "C:\\Users\\erin\\.pyenv\\pyenv-win\\versions\\3.11.9\\python.exe");
  EXPECT_EQ(m.pythons[0].version, "3.11.9");
  ASSERT_TRUE(m.pythons[0].torch);
  EXPECT_EQ(m.pythons[0].torch->version, "2.5.1+cpu");
  EXPECT_EQ(m.pythons[0].torch->cuda, std::nullopt);
  EXPECT_TRUE(m.warnings.empty()) << all_warnings(m);
}

TEST(WindowsFixtures, Python32AndStore) {
  auto m = detect_fixture("python32-store");
  EXPECT_EQ(m.os.name, "Windows 10 Home 22H2");
  ASSERT_EQ(m.gpus.size(), 1u);  // the Parsec virtual display is no GPU
  EXPECT_EQ(m.gpus[0].name, "Intel(R) UHD Graphics 620");
  EXPECT_FALSE(m.nvidia);
  ASSERT_EQ(m.pythons.size(), 2u);  // the bare WindowsApps\python.exe alias is not one
  // detect lists interpreters by version, numerically (issue 14); the indices follow that order.
  EXPECT_EQ(m.pythons[1].path, "C:\\Users\\carol\\AppData\\Local\\Programs\\Python\\Python312-32\\python.exe");
  EXPECT_EQ(m.pythons[1].version, "3.12.4");
  EXPECT_EQ(m.pythons[1].bits, 32);
  EXPECT_EQ(m.pythons[0].path,
            "C:\\Users\\carol\\AppData\\Local\\Microsoft\\WindowsApps\\PythonSoftwareFoundation.Python.3.11_qbz5n2kfra8p0"
            "\\python.exe");
  EXPECT_EQ(m.pythons[0].version, "3.11");
  EXPECT_EQ(m.pythons[0].bits, 64);
  EXPECT_TRUE(has_warning(m, "is the Microsoft Store package: it runs sandboxed")) << all_warnings(m);
  EXPECT_TRUE(has_warning(m, "is 32-bit")) << all_warnings(m);
  EXPECT_TRUE(has_warning(m, "only the minor version 3.11")) << all_warnings(m);
}

// A Windows tree's broken registry.reg: partial facts plus the parser's notes, no abort.
TEST(WindowsFixtures, BrokenRegistryIsWarnings) {
  torchup::testing::TempDir root;
  root.write("registry.reg", "Windows Registry Editor Version 5.00\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows NT"
                             "\\CurrentVersion]\n\"ProductName\"=\"Windows 10 Pro\"\n\"CurrentBuildNumber\"=dword:zz\n");
  host::FakeMachine machine(root.str());
  auto live_fs = host::make_rooted_fs("/");
  data::DataStore store(*live_fs, {});
  auto m = detect_machine(machine.host(), store);
  EXPECT_EQ(m.os.family, "windows");
  EXPECT_EQ(m.os.name, "Windows 10 Pro");
  EXPECT_TRUE(has_warning(m, "registry.reg line 4")) << all_warnings(m);
  EXPECT_TRUE(has_warning(m, "no Python found")) << all_warnings(m);
}

// The live path: os_family "windows" reads host.registry and may run nvidia-smi.exe (here
// scripted) when the registry has no usable DriverVersion.
TEST(WindowsFixtures, LiveFallsBackToNvidiaSmi) {
  torchup::testing::TempDir root;
  root.write("C/Windows/System32/nvidia-smi.exe", "MZ");
  std::vector<std::string> problems;
  auto registry = host::make_text_registry(
      "Windows Registry Editor Version 5.00\n"
      "[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\Class\\{4d36e968-e325-11ce-bfc1-08002be10318}\\0000]\n"
      "\"DriverDesc\"=\"NVIDIA GeForce RTX 4090\"\n\"MatchingDeviceId\"=\"PCI\\\\VEN_10DE&DEV_2684\"\n",
      &problems);
  ASSERT_TRUE(problems.empty()) << problems.front();
  host::FakeMachine fake(root.str(), {{"SystemRoot", "C:\\Windows"}});
  // The live Windows file system takes Windows paths; here a tiny map onto the temp dir.
  struct DriveC final : host::FileSystem {
    explicit DriveC(const host::FileSystem& t) : tree(t) {}
    static std::string map(std::string p) {
      for (auto& c : p) c = c == '\\' ? '/' : c;
      return "/C" + p.substr(2);
    }
    std::optional<std::string> read_file(const std::string& p, std::size_t n) const override { return tree.read_file(map(p), n); }
    std::vector<std::string> list_dir(const std::string& p) const override { return tree.list_dir(map(p)); }
    bool exists(const std::string& p) const override { return tree.exists(map(p)); }
    bool is_dir(const std::string& p) const override { return tree.is_dir(map(p)); }
    bool is_executable(const std::string& p) const override { return tree.exists(map(p)); }
    std::optional<std::string> read_link(const std::string&) const override { return std::nullopt; }
    std::string real_path(const std::string& p) const override { return p; }
    const host::FileSystem& tree;
  } drive(fake.host().fs);
  fake.runner().add_output({"C:\\Windows\\System32\\nvidia-smi.exe"},
                           "| NVIDIA-SMI 552.22                 Driver Version: 552.22         CUDA Version: 12.4     |\n");
  host::SystemFacts facts;
  facts.os_family = "windows";
  facts.arch = "x86_64";
  host::Host live{drive, fake.runner(), fake.host().env, fake.http(), facts, true, fake.terminal(), fake.clock(), *registry};
  auto live_fs = host::make_rooted_fs("/");
  data::DataStore store(*live_fs, {});
  auto m = detect_machine(live, store);
  EXPECT_EQ(m.os.arch, "x86_64");
  ASSERT_EQ(m.gpus.size(), 1u);
  ASSERT_TRUE(m.nvidia) << all_warnings(m);
  EXPECT_EQ(m.nvidia->driver_version, "552.22");
  EXPECT_EQ(m.nvidia->max_cuda, "12.4");
  EXPECT_EQ(m.nvidia->source, "C:\\Windows\\System32\\nvidia-smi.exe");
  EXPECT_EQ(fake.runner().calls().size(), 1u);
}

}  // namespace
}  // namespace torchup::detect
