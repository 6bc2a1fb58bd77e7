// The whole command line in this process on fixture machines (tests/fixtures/machines
// through the rooted file system and a scripted runner): nothing is spawned, and
// what the fixture README says is what the commands report.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "host/scripted.h"
#include "support/run_cli.h"

namespace torchup {
namespace {

using testing::linux_x86_64;
using testing::interpreter_answer;
using testing::run_cli;

std::string fixture(const std::string& name) { return std::string(TORCHUP_TEST_DIR) + "/fixtures/machines/" + name; }

// A fixture as the machine torchup runs on: files only (not live), so nothing may run.
TEST(CliOnFakeMachine, DetectJsonReadsTheFixtureAndRunsNothing) {
  host::FakeMachine machine(fixture("nvidia-desktop"));
  auto r = run_cli(machine.host(), {"detect", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["schema"], "torchup.machine/1");
  EXPECT_EQ(j["os"]["name"], "Ubuntu 22.04.4 LTS");
  ASSERT_EQ(j["gpus"].size(), 1u);
  EXPECT_EQ(j["gpus"][0]["pci_id"], "10de:2684");
  EXPECT_EQ(j["nvidia"]["driver_version"], "550.54.14");
  EXPECT_EQ(j["pythons"][0]["path"], "/usr/bin/python3");
  EXPECT_TRUE(machine.runner().calls().empty());
}

// `detect --root DIR` and a host rooted at DIR are the same machine.
TEST(CliOnFakeMachine, RootOptionAndAFakeHostAgree) {
  host::FakeMachine elsewhere(fixture("vm-no-gpu"));
  host::FakeMachine machine(fixture("wsl2"));
  auto by_root = run_cli(elsewhere.host(), {"detect", "--json", "--root", fixture("wsl2")});
  auto by_host = run_cli(machine.host(), {"detect", "--json"});
  ASSERT_EQ(by_root.code, 0) << by_root.err;
  ASSERT_EQ(by_host.code, 0) << by_host.err;
  EXPECT_EQ(nlohmann::json::parse(by_root.out), nlohmann::json::parse(by_host.out));
  EXPECT_TRUE(nlohmann::json::parse(by_host.out)["os"]["wsl"].get<bool>());
}

TEST(CliOnFakeMachine, PlanChoosesACudaBuildTheDriverRuns) {
  host::FakeMachine machine(fixture("nvidia-desktop"));
  auto r = run_cli(machine.host(), {"plan", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["schema"], "torchup.plan/1");
  EXPECT_EQ(j["python"], "3.10");
  const std::string platform = j["platform"];
  ASSERT_EQ(platform.rfind("cu12", 0), 0u) << platform;
  // 550.54.14 runs CUDA up to 12.4 (NVIDIA's Table 3); a newer 12.x variant runs only
  // through minor-version compatibility, and the plan says so (DESIGN §3).
  if (std::stoi(platform.substr(2)) > 124) {
    EXPECT_FALSE(j["warnings"].empty()) << r.out;
  }
  EXPECT_NE(j["command"].get<std::string>().find("--index-url https://download.pytorch.org/whl/" + platform),
            std::string::npos);
  EXPECT_TRUE(machine.runner().calls().empty());
}

TEST(CliOnFakeMachine, UsageErrorsAreReportedWithExitCode2) {
  host::FakeMachine machine(fixture("nvidia-desktop"));
  auto r = run_cli(machine.host(), {"plan", "--root", "/x", "--profile", "/y"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("--root and --profile cannot be combined"), std::string::npos) << r.err;
  auto unknown = run_cli(machine.host(), {"frobnicate"});
  EXPECT_EQ(unknown.code, 2);
}


TEST(CliOnFakeMachine, InstallDryRunOnAnExternallyManagedPythonNamesPep668AndRunsNoInstaller) {
  host::FakeMachine machine(fixture("nvidia-desktop"), {{"PATH", "/usr/bin"}, {"HOME", "/home/u"}}, linux_x86_64(),
                            true);
  machine.runner().set_fallback(interpreter_answer);
  auto r = run_cli(machine.host(), {"install", "--python", "/usr/bin/python3", "--dry-run", "--json"});
  ASSERT_EQ(r.code, 0) << r.err << r.out;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["schema"], "torchup.install/1");
  EXPECT_TRUE(j["ok"].get<bool>());
  EXPECT_TRUE(j["dry_run"].get<bool>());
  EXPECT_EQ(j["python"], "/usr/bin/python3");
  ASSERT_EQ(j["commands"].size(), 1u);
  EXPECT_EQ(j["commands"][0][0], "/usr/bin/python3");
  EXPECT_EQ(j["commands"][0][2], "pip");
  bool named = false;
  for (const auto& note : j["notes"]) named = named || note.get<std::string>().find("PEP 668") != std::string::npos;
  EXPECT_TRUE(named) << j["notes"].dump();
  for (const auto& call : machine.runner().calls()) {
    EXPECT_FALSE(call.size() > 2 && call[1] == "-m" && call[2] == "pip" && call.size() > 3 && call[3] == "install")
        << "a dry run ran pip install";
  }
  EXPECT_EQ(machine.terminal().questions(), 0);
}

TEST(CliOnFakeMachine, InstallAtATerminalOffersAVenvForPep668AndADeclineRunsNothing) {
  host::FakeMachine machine(fixture("nvidia-desktop"), {{"PATH", "/usr/bin"}, {"HOME", "/home/u"}}, linux_x86_64(),
                            true);
  machine.runner().set_fallback(interpreter_answer);
  machine.terminal().set(true, {"n"});
  auto r = run_cli(machine.host(), {"install", "--python", "/usr/bin/python3"});
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_EQ(machine.terminal().questions(), 1);
  EXPECT_NE(r.out.find("Create a venv at /home/u/.venvs/torch"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Nothing installed: pip would refuse to install into /usr (PEP 668)"), std::string::npos) << r.out;
  for (const auto& call : machine.runner().calls()) {
    const bool installs = call.size() > 3 && call[1] == "-m" && (call[2] == "venv" || call[3] == "install");
    EXPECT_FALSE(installs) << "ran " << call[0] << " " << call[1] << " " << call[2];
  }
}

// Enter (yes) at the offer: the venv is made with the interpreter, and pip runs in it.
TEST(CliOnFakeMachine, InstallAcceptingTheVenvOfferMakesItAndInstallsThere) {
  host::FakeMachine machine(fixture("nvidia-desktop"), {{"PATH", "/usr/bin"}, {"HOME", "/home/u"}}, linux_x86_64(),
                            true);
  const std::string venv = "/home/u/.venvs/torch";
  machine.runner().set_fallback([&](const std::vector<std::string>& argv) {
    if (argv.size() > 2 && argv[1] == "-m" && (argv[2] == "venv" || argv[2] == "pip")) {
      host::ProcessResult r;
      r.started = true;
      r.exit_code = argv[2] == "venv" ? 0 : 1;
      r.err = argv[2] == "venv" ? "" : "ERROR: something torchup does not know\n";
      return r;
    }
    return interpreter_answer(argv);
  });
  machine.terminal().set(true, {""});
  auto r = run_cli(machine.host(), {"install", "--python", "/usr/bin/python3", "--platform", "cpu"});
  EXPECT_EQ(machine.terminal().questions(), 1);
  EXPECT_EQ(r.code, 3) << r.out << r.err;
  EXPECT_EQ(r.out.find("? [y/N]"), std::string::npos) << "asked twice\n" << r.out;
  EXPECT_NE(r.out.find("[1/3] creating venv " + venv), std::string::npos) << r.out;
  bool made = false, pip_in_venv = false;
  for (const auto& call : machine.runner().calls()) {
    made = made || call == std::vector<std::string>{"/usr/bin/python3", "-m", "venv", venv};
    pip_in_venv = pip_in_venv || (call.size() > 3 && call[0] == venv + "/bin/python" && call[2] == "pip");
  }
  EXPECT_TRUE(made);
  EXPECT_TRUE(pip_in_venv);
  EXPECT_NE(r.out.find("State: the new venv at " + venv + " exists but does not contain torch"), std::string::npos)
      << r.out;
}

TEST(CliOnFakeMachine, InstallWithoutATerminalOrYesIsAUsageError) {
  host::FakeMachine machine(fixture("nvidia-desktop"), {{"PATH", "/usr/bin"}}, linux_x86_64(), true);
  machine.runner().set_fallback(interpreter_answer);
  auto r = run_cli(machine.host(), {"install", "--python", "/usr/bin/python3", "--venv", "/tmp/v"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("stdin is not a terminal"), std::string::npos) << r.err;
}

// A system without a detection port yet says so instead of guessing (Windows and macOS
// have theirs since issue 12: FreeBSD stands for the rest).
TEST(CliOnFakeMachine, DetectOnAnUnsupportedSystemSaysSo) {
  host::SystemFacts facts;
  facts.os_family = "freebsd";
  facts.arch = "x86_64";
  host::FakeMachine machine(fixture("nvidia-desktop"), {}, facts, true);
  auto r = run_cli(machine.host(), {"detect", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["os"]["family"], "freebsd");
  EXPECT_TRUE(j["gpus"].empty());
  ASSERT_FALSE(j["warnings"].empty());
  EXPECT_NE(j["warnings"][0].get<std::string>().find("cannot detect freebsd machines yet"), std::string::npos);
  EXPECT_TRUE(machine.runner().calls().empty());
}

}  // namespace
}  // namespace torchup
