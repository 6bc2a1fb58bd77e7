// Table tests for detect/parse.h and data/gpu_db.h over captured text (tests/fixtures/outputs)
// and hand-written bad inputs.
#include "detect/parse.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "data/embedded.h"
#include "data/gpu_db.h"

namespace torchup::detect {
namespace {

std::string output(const std::string& name) {
  std::ifstream in(std::string(TORCHUP_TEST_DIR) + "/fixtures/outputs/" + name, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(DetectParse, NvidiaVersions) {
  struct Case { const char* text; std::optional<std::string> module, proc; };
  const std::vector<Case> cases = {
      {"550.54.14\n", "550.54.14", std::nullopt},
      {"NVRM version: NVIDIA UNIX x86_64 Kernel Module  550.54.14  Thu Feb 22 01:44:30 UTC 2024\nGCC", std::nullopt, "550.54.14"},
      {"NVRM version: NVIDIA UNIX Open Kernel Module for x86_64  580.65.06  Release Build", std::nullopt, "580.65.06"},
      {"", std::nullopt, std::nullopt},
      {"garbage 1.2", std::nullopt, std::nullopt},
      {"NVRM version: NVIDIA UNIX x86_64 Kernel Module", std::nullopt, std::nullopt},
      {"550", std::nullopt, std::nullopt},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(parse_nvidia_module_version(c.text), c.module) << c.text;
    EXPECT_EQ(parse_nvidia_proc_version(c.text), c.proc) << c.text;
  }
}

TEST(DetectParse, GfxTargets) {
  const std::vector<std::pair<std::uint32_t, std::optional<std::string>>> cases = {
      {110000, "gfx1100"}, {90010, "gfx90a"}, {120001, "gfx1201"}, {90402, "gfx942"},
      {0, std::nullopt},   {1, std::nullopt}, {90099, std::nullopt}};
  for (const auto& [v, name] : cases) EXPECT_EQ(gfx_target_name(v), name) << v;
}

TEST(DetectParse, Modalias) {
  auto m = parse_pci_modalias("pci:v000010DEd00002684sv00001043sd000088E2bc03sc00i00\n");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->vendor, 0x10de);
  EXPECT_EQ(m->device, 0x2684);
  EXPECT_EQ(m->base_class, 0x03);
  EXPECT_EQ(m->sub_class, 0x00);
  EXPECT_FALSE(parse_pci_modalias("pci:v000010DEd0000"));
  EXPECT_FALSE(parse_pci_modalias("usb:v1D6Bp0002d0601dc09dsc00dp01ic09isc00ip00in00xxxxxxxxxxxxx"));
  EXPECT_FALSE(parse_pci_modalias("pci:vZZZZZZZZd00002684sv00001043sd000088E2bc03sc00i00"));
}

TEST(DetectParse, NvidiaSmi) {
  auto banner = parse_nvidia_smi_banner(output("nvidia-smi-550.txt"));
  EXPECT_EQ(banner.driver_version, "550.54.14");
  EXPECT_EQ(banner.cuda_version, "12.4");
  auto rows = parse_nvidia_smi_csv(output("nvidia-smi-query-csv.txt"));
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].name, "NVIDIA GeForce RTX 4090");
  EXPECT_EQ(rows[0].compute_capability, "8.9");
  EXPECT_EQ(rows[0].device_id, 0x2684);
  EXPECT_EQ(rows[1].compute_capability, std::nullopt);
  EXPECT_EQ(rows[1].device_id, 0x20b2);
  EXPECT_TRUE(parse_nvidia_smi_csv("Failed to initialize NVML: Driver/library version mismatch\n").empty());
  EXPECT_FALSE(parse_nvidia_smi_banner("NVIDIA-SMI has failed").driver_version);
}

TEST(DetectParse, ToolkitVersions) {
  EXPECT_EQ(parse_nvcc_version(output("nvcc-13.0.txt")), "13.0.88");
  EXPECT_EQ(parse_cuda_version_json(R"({"cuda" : {"name" : "CUDA SDK", "version" : "12.4.1"}})"), "12.4.1");
  EXPECT_EQ(parse_cuda_version_json(R"({"cuda": {"version": ")"), std::nullopt);
  EXPECT_EQ(parse_cuda_h_version("#define CUDA_VERSION 12020\n"), "12.2");
  EXPECT_EQ(parse_cuda_h_version("#define CUDA_VERSION 99999999\n"), std::nullopt);
  EXPECT_EQ(parse_rocm_version("6.2.4-120\n"), "6.2.4");
  EXPECT_EQ(parse_rocm_version("6.2.0\n"), "6.2.0");
  EXPECT_EQ(parse_rocm_version("\x01\x02"), std::nullopt);
}

TEST(DetectParse, GlibcAndElf) {
  EXPECT_EQ(parse_glibc_banner(std::string("\0\0GNU C Library (Debian GLIBC 2.36-9+deb12u4) stable release version 2.36.\n", sizeof("\0\0GNU C Library (Debian GLIBC 2.36-9+deb12u4) stable release version 2.36.\n") - 1)), "2.36");
  EXPECT_EQ(parse_glibc_banner("GNU C Library (trunc"), std::nullopt);
  std::string elf64 = "\x7f" "ELF\x02\x01\x01";
  elf64.resize(18, '\0');
  elf64 += std::string("\xb7\x00", 2);
  auto info = parse_elf_header(elf64);
  ASSERT_TRUE(info);
  EXPECT_EQ(info->bits, 64);
  EXPECT_EQ(info->arch, "aarch64");
  EXPECT_FALSE(parse_elf_header("\x7f" "EL"));
}

TEST(DetectParse, PythonFiles) {
  auto t = parse_torch_version_py("__version__ = '2.5.1+cu124'\ncuda: Optional[str] = '12.4'\nhip: Optional[str] = None\n");
  EXPECT_EQ(t.version, "2.5.1+cu124");
  EXPECT_EQ(t.cuda, "12.4");
  EXPECT_EQ(t.hip, std::nullopt);
  auto debian = parse_torch_version_py("__version__ = '1.13.0a0'\ndebug = False\ncuda = None\ngit_version = 'Unknown'\nhip = None\n");
  EXPECT_EQ(debian.version, "1.13.0a0");
  EXPECT_EQ(debian.cuda, std::nullopt);
  auto meta = parse_dist_metadata("Metadata-Version: 2.1\nName: torch\nVersion: 2.5.1\n\nVersion: 9\n");
  ASSERT_TRUE(meta);
  EXPECT_EQ(meta->version, "2.5.1");
  EXPECT_FALSE(parse_dist_metadata(""));
  auto cfg = parse_pyvenv_cfg("home = /usr/bin\ninclude-system-site-packages = false\nversion_info = 3.12.1.final.0\n");
  EXPECT_EQ(cfg.home, "/usr/bin");
  EXPECT_EQ(cfg.version, "3.12.1");
  auto probe = parse_python_probe(output("python-probe-debian12.txt"));
  ASSERT_TRUE(probe);
  EXPECT_EQ(probe->version.substr(0, 5), "3.11.");
  EXPECT_EQ(probe->bits, 64);
  EXPECT_EQ(probe->prefix, "/usr");
  EXPECT_FALSE(parse_python_probe("Traceback (most recent call last):\n"));
  EXPECT_EQ(python_minor_from_name("python3.11"), "3.11");
  EXPECT_EQ(python_minor_from_name("python3.11-config"), std::nullopt);
  EXPECT_EQ(python_minor_from_name("python3"), std::nullopt);
}

TEST(DetectParse, PythonVersionInBinary) {
  using namespace std::string_literals;
  struct Case {
    std::string bytes;
    std::string minor;
    std::optional<std::string> version;
  };
  const std::vector<Case> cases = {
      // Captured .rodata: Debian's static interpreter (NUL-bounded) and pyenv's libpython (tail-merged).
      {output("python3.11-debian12-rodata.bin"), "3.11", "3.11.2"},
      {output("libpython3.11-pyenv-rodata.bin"), "3.11", "3.11.7"},
      {output("python3.11-debian12-rodata.bin"), "3.12", std::nullopt},  // the anchor is the file name's minor
      {"\0pymalloc\0003.13.0rc1\0strict\0"s, "3.13", "3.13.0rc1"},
      {"\0003.12.0a1+\0"s, "3.12", "3.12.0a1+"},
      {"3.11.4\0"s, "3.11", "3.11.4"},                                   // at offset 0
      {"\0002.7.18\0Python-2.7.18\0"s, "2.7", "2.7.18"},
      {"/opt/python/3.10.14\0"s, "3.10", "3.10.14"},                    // only a tail: accepted
      {"\0003.11.2\0/x/3.11.9\0"s, "3.11", "3.11.2"},                  // a NUL-bounded literal wins
      {"\0003.11.2\0\0003.11.9\0"s, "3.11", std::nullopt},            // two literals disagree
      {"/a/3.11.2\0/b/3.11.9\0"s, "3.11", std::nullopt},                // two tails disagree
      {"\00013.11.2\0"s, "3.11", std::nullopt},                         // part of another number
      {"\0v1.3.11.2\0"s, "3.11", std::nullopt},
      {"\0003.11.2 (main, Apr 28 2025)\0"s, "3.11", std::nullopt},       // not the bare literal
      {"\0003.11.\0003.11.x\0003.11.2"s, "3.11", std::nullopt},          // no micro / no NUL at the end
      {"\0003.11.2rc\0"s, "3.11", std::nullopt},                        // release level without serial
      {"\0003.11.1234\0"s, "3.11", std::nullopt},                       // micro longer than 3 digits
      {"\0003.11.2\0"s, "", std::nullopt},
      {"\0003.11.2\0"s, "3.", std::nullopt},
      {"\0003.11.2\0"s, "x.11", std::nullopt},
      {"", "3.11", std::nullopt},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(parse_python_version_in_binary(c.bytes, c.minor), c.version) << c.minor << " in " << c.bytes.size() << " bytes";
  }
}

TEST(DetectParse, OsRelease) {
  auto r = parse_os_release("PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\nID=debian\n");
  EXPECT_EQ(r.name, "Debian GNU/Linux 12 (bookworm)");
  EXPECT_EQ(r.version_id, "12");
  EXPECT_EQ(r.id, "debian");
  EXPECT_TRUE(is_wsl_kernel("Linux version 5.15.153.1-microsoft-standard-WSL2"));
  EXPECT_FALSE(is_wsl_kernel("Linux version 6.1.0-21-amd64"));
}

TEST(GpuDb, EmbeddedCcTableAndPciIds) {
  auto table = data::NvidiaCcTable::parse(std::string(*data::embedded_file("nvidia-compute-capability.json")));
  ASSERT_TRUE(table) << table.error().message;
  struct Case { std::uint16_t id; const char* chip; std::optional<std::string> cc; };
  for (const auto& c : std::vector<Case>{{0x2684, "AD102", "8.9"}, {0x20b2, "GA100", "8.0"}, {0x1b80, "GP104", "6.1"},
                                          {0x2504, "GA106", "8.6"}, {0x2330, "GH100", "9.0"}}) {
    const auto* chip = table->find(c.id);
    ASSERT_NE(chip, nullptr) << c.id;
    EXPECT_EQ(chip->chip, c.chip);
    EXPECT_EQ(chip->compute_capability, c.cc);
  }
  EXPECT_EQ(table->find(0xffff), nullptr);
  EXPECT_FALSE(data::NvidiaCcTable::parse("{"));
  auto bad = data::NvidiaCcTable::parse(R"({"pci_device_ids": [{"chip": "AD102", "device_ids": ["26"]}]})");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("pci_device_ids[0].device_ids"), std::string::npos);
  const std::string ids = "# c\n10de  NVIDIA Corporation\n\t2684  AD102 [GeForce RTX 4090]\n\t\t1043 88e2  sub\n1002  AMD\n\t744c  Navi 31 [Radeon RX 7900 XT/7900 XTX]\n";
  EXPECT_EQ(data::pci_ids_device_name(ids, 0x10de, 0x2684), "AD102 [GeForce RTX 4090]");
  EXPECT_EQ(data::pci_ids_device_name(ids, 0x10de, 0x744c), std::nullopt);
  EXPECT_EQ(data::pci_ids_vendor_name(ids, 0x1002), "AMD");
  EXPECT_EQ(data::pci_marketing_name("AD102 [GeForce RTX 4090]"), "GeForce RTX 4090");
  EXPECT_EQ(data::pci_marketing_name("Phoenix1"), "Phoenix1");
  EXPECT_EQ(data::nvidia_chip_from_pci_name("GA107GLM [RTX A2000]"), "GA107");
  EXPECT_EQ(data::nvidia_chip_from_pci_name("Navi 31"), std::nullopt);
}

}  // namespace
}  // namespace torchup::detect
