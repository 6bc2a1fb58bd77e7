// macOS detection (issue 12 part 5) over the fixture trees in tests/fixtures/macos, and the
// live path with scripted system_profiler output. No Mac was used: the fixtures follow the
// files' documented layouts (SystemVersion.plist, python.org's framework, Homebrew's Cellar).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "data/store.h"
#include "detect/detect.h"
#include "detect/parse_macos.h"
#include "host/scripted.h"
#include "support/detect_fixture.h"
#include "support/run_binary.h"

namespace torchup::detect {
namespace {

using ::testing::HasSubstr;

std::string fixture(const std::string& name) { return testing::fixture_dir("macos", name); }

model::Machine detect_fixture(const std::string& name) { return testing::detect_tree(fixture(name)); }

TEST(MacosParse, PlistAndMachO) {
  const char* plist = "<dict>\n\t<key>ProductName</key>\n\t<string>macOS</string>\n\t<key>ProductVersion</key>"
                      "\n\t<string>14.5</string>\n<key>Odd</key><integer>1</integer><key>Amp</key><string>a&amp;b</string>";
  EXPECT_EQ(plist_string(plist, "ProductName"), "macOS");
  EXPECT_EQ(plist_string(plist, "ProductVersion"), "14.5");
  EXPECT_EQ(plist_string(plist, "Odd"), std::nullopt);  // not a <string>
  EXPECT_EQ(plist_string(plist, "Amp"), "a&b");
  EXPECT_EQ(plist_string(plist, "Missing"), std::nullopt);
  EXPECT_EQ(plist_string("<key>ProductName</key><string>unterminated", "ProductName"), std::nullopt);
  EXPECT_EQ(macho_arch(std::string("\xcf\xfa\xed\xfe\x0c\x00\x00\x01", 8)), "arm64");
  EXPECT_EQ(macho_arch(std::string("\xcf\xfa\xed\xfe\x07\x00\x00\x01", 8)), "x86_64");
  EXPECT_EQ(macho_arch(std::string("\xca\xfe\xba\xbe\x00\x00\x00\x02", 8)), std::nullopt);  // universal
  EXPECT_EQ(macho_arch("\x7f" "ELF\x02\x01\x01\x00"), std::nullopt);
}

TEST(MacosParse, SystemProfilerDisplays) {
  auto gpus = parse_system_profiler_displays(R"({"SPDisplaysDataType": [
    {"_name": "kHW_IntelUHDGraphics630Item", "sppci_model": "Intel UHD Graphics 630",
     "spdisplays_vendor": "sppci_vendor_intel", "spdisplays_device-id": "0x3e9b"},
    {"_name": "AMD Radeon Pro 5500M", "sppci_model": "AMD Radeon Pro 5500M",
     "spdisplays_vendor": "sppci_vendor_amd", "spdisplays_device-id": "0x7340"},
    {"_name": "Apple M2", "sppci_model": "Apple M2", "spdisplays_vendor": "sppci_vendor_Apple"}, 7]})");
  ASSERT_EQ(gpus.size(), 3u);
  EXPECT_EQ(gpus[0].vendor, "intel");
  EXPECT_EQ(gpus[0].pci_id, "8086:3e9b");
  EXPECT_EQ(gpus[1].vendor, "amd");
  EXPECT_EQ(gpus[1].name, "AMD Radeon Pro 5500M");
  EXPECT_EQ(gpus[1].pci_id, "1002:7340");
  EXPECT_EQ(gpus[2].vendor, "apple");
  EXPECT_EQ(gpus[2].pci_id, std::nullopt);
  EXPECT_TRUE(parse_system_profiler_displays("not json").empty());
  EXPECT_TRUE(parse_system_profiler_displays(R"({"SPDisplaysDataType": {}})").empty());
}

TEST(MacosFixtures, AppleSilicon) {
  auto m = detect_fixture("apple-silicon");
  EXPECT_EQ(m.os.family, "macos");
  EXPECT_EQ(m.os.name, "macOS 14.5");
  EXPECT_EQ(m.os.version, "14.5");
  EXPECT_EQ(m.os.arch, "arm64");  // the interpreters' Mach-O headers
  ASSERT_EQ(m.gpus.size(), 1u);
  EXPECT_EQ(m.gpus[0].vendor, "apple");
  ASSERT_EQ(m.pythons.size(), 2u);
  EXPECT_EQ(m.pythons[0].path, "/Library/Frameworks/Python.framework/Versions/3.11/bin/python3");
  EXPECT_EQ(m.pythons[0].version, "3.11.9");
  EXPECT_EQ(m.pythons[1].path, "/opt/homebrew/bin/python3.12");
  EXPECT_EQ(m.pythons[1].version, "3.12.4");
  ASSERT_TRUE(m.pythons[1].torch);
  EXPECT_EQ(m.pythons[1].torch->version, "2.5.1");
  EXPECT_EQ(m.pythons[1].torch->location, "/opt/homebrew/lib/python3.12/site-packages");
  EXPECT_TRUE(m.warnings.empty()) << m.warnings.front();
}

TEST(MacosFixtures, IntelWithAmdUnderRoot) {
  auto m = detect_fixture("intel-amd");
  EXPECT_EQ(m.os.name, "macOS 13.6.7");
  EXPECT_EQ(m.os.arch, "x86_64");
  EXPECT_TRUE(m.gpus.empty());  // nothing on disk names it
  ASSERT_EQ(m.warnings.size(), 1u);
  EXPECT_THAT(m.warnings[0], HasSubstr("only system_profiler (live) names it"));
  ASSERT_EQ(m.pythons.size(), 3u);
  // detect lists interpreters by version, numerically (issue 14); the indices follow that order.
  EXPECT_EQ(m.pythons[1].path, "/usr/local/bin/python3.11");
  EXPECT_EQ(m.pythons[1].version, "3.11.9");  // keg 3.11.9_1: the _1 is Homebrew's revision
  EXPECT_EQ(m.pythons[2].path, "/Users/frank/miniconda3/bin/python3");
  EXPECT_EQ(m.pythons[2].version, "3.12.2");
  EXPECT_EQ(m.pythons[0].path, "/Users/frank/miniconda3/envs/ml/bin/python3");
  EXPECT_EQ(m.pythons[0].version, "3.10.14");
  ASSERT_TRUE(m.pythons[0].torch);
  EXPECT_EQ(m.pythons[0].torch->version, "2.2.2");
}

// Live: the host says macOS; system_profiler (scripted) names the GPUs.
TEST(MacosFixtures, IntelWithAmdLive) {
  host::SystemFacts facts;
  facts.os_family = "macos";
  facts.arch = "x86_64";
  host::FakeMachine machine(fixture("intel-amd"), {{"HOME", "/Users/frank"}}, facts, true);
  machine.runner().add_output({"/usr/sbin/system_profiler", "SPDisplaysDataType", "-json"},
                              R"({"SPDisplaysDataType": [{"_name": "AMD Radeon Pro 5500M",
                                 "sppci_model": "AMD Radeon Pro 5500M", "spdisplays_vendor": "sppci_vendor_amd",
                                 "spdisplays_device-id": "0x7340"}]})");
  auto live_fs = host::make_rooted_fs("/");
  data::DataStore store(*live_fs, {});
  auto m = detect_machine(machine.host(), store);
  ASSERT_EQ(m.gpus.size(), 1u);
  EXPECT_EQ(m.gpus[0].vendor, "amd");
  EXPECT_EQ(m.gpus[0].name, "AMD Radeon Pro 5500M");
  EXPECT_EQ(m.gpus[0].pci_id, "1002:7340");
  EXPECT_EQ(m.os.arch, "x86_64");
  EXPECT_EQ(machine.runner().calls().size(), 1u);
}

TEST(MacosFixtures, OldMacos) {
  auto m = detect_fixture("old-macos");
  EXPECT_EQ(m.os.name, "Mac OS X 10.13.6");
  EXPECT_EQ(m.os.version, "10.13.6");
  EXPECT_EQ(m.os.arch, "x86_64");
  ASSERT_EQ(m.pythons.size(), 1u);
  EXPECT_EQ(m.pythons[0].version, "3.7.9");
}

TEST(MacosCli, PlansForTheFixtures) {
  using torchup::testing::run_binary;
  auto arm = run_binary({"plan", "--json", "--root", fixture("apple-silicon")});
  ASSERT_EQ(arm.code, 0) << arm.err;
  auto j = nlohmann::json::parse(arm.out);
  EXPECT_EQ(j["platform"], "mps");  // Apple silicon, macOS 14.5 >= 12.3 (plan_table_test's macos-arm64)
  EXPECT_EQ(j["python"], "3.12");
  auto intel = run_binary({"plan", "--json", "--root", fixture("intel-amd")});
  ASSERT_EQ(intel.code, 0) << intel.err;
  j = nlohmann::json::parse(intel.out);
  EXPECT_EQ(j["torch"], "2.2.2");  // Intel macOS wheels end at 2.2.2 (pytorch/pytorch#114602)
  EXPECT_EQ(j["platform"], "cpu");
}

}  // namespace
}  // namespace torchup::detect
