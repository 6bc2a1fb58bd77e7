// The install engine over scripted program outputs: remedies per failure kind,
// fallbacks, and the final state message of every path.
#include <gtest/gtest.h>

#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>

#include "act/install.h"
#include "data/store.h"
#include "host/scripted.h"
#include "support/install_outputs.h"

namespace torchup::act {
namespace {

std::string captured(const char* name) { return testing::captured_output(name); }
data::FailureCatalogue catalogue() { return testing::failure_catalogue(); }

InstallRequest request_for(std::vector<std::string> urls) {
  InstallRequest request;
  request.plan.torch = "2.12.0";
  request.python = "/py";
  for (auto& url : urls) request.sources.push_back({url, url, ""});
  return request;
}

const std::vector<std::string> kImport{"/py", "-c", "import torch; print(torch.__version__)"};

TEST(InstallEngine, IndexUrlPolicy) {
  EXPECT_TRUE(check_index_url("https://download.pytorch.org/whl/cpu", false).has_value());
  EXPECT_TRUE(check_index_url("http://127.0.0.1:8080/simple", false).has_value());
  EXPECT_TRUE(check_index_url("http://localhost/simple", false).has_value());
  EXPECT_FALSE(check_index_url("http://pypi.douban.com/simple/", false).has_value());
  EXPECT_TRUE(check_index_url("http://pypi.douban.com/simple/", true).has_value());
  EXPECT_FALSE(check_index_url("http://127.0.0.1.evil.example/simple", false).has_value());
  EXPECT_FALSE(check_index_url("ftp://x/simple", true).has_value());
}

TEST(InstallEngine, MemoryErrorRetriesOnceWithNoCacheDir) {
  host::FakeMachine machine("/nonexistent", {}, {}, true);
  auto plain = pip_install_argv("/py", {"torch==2.12.0"}, IndexSource{"https://a/simple", "https://a/simple", ""}, false);
  auto no_cache = pip_install_argv("/py", {"torch==2.12.0"}, IndexSource{"https://a/simple", "https://a/simple", ""}, true);
  machine.runner().add_output(plain, captured("pip-memoryerror.txt"), 2);
  machine.runner().add_output(no_cache, "Successfully installed torch-2.12.0\n", 0);
  machine.runner().add_output(kImport, "2.12.0\n", 0);
  auto outcome = run_install(machine.host(), catalogue(), request_for({"https://a/simple"}), nullptr);
  EXPECT_TRUE(outcome.ok) << outcome.message;
  ASSERT_EQ(outcome.commands.size(), 2u);
  EXPECT_EQ(outcome.commands[1], no_cache);
  EXPECT_EQ(outcome.state, "torch 2.12.0 is installed in /py's environment");
}

TEST(InstallEngine, NetworkFailureRetriesThenNextMirror) {
  host::FakeMachine machine("/nonexistent", {}, {}, true);
  auto first = pip_install_argv("/py", {"torch==2.12.0"}, IndexSource{"https://a/simple", "https://a/simple", ""}, false);
  auto second = pip_install_argv("/py", {"torch==2.12.0"}, IndexSource{"https://b/simple", "https://b/simple", ""}, false);
  machine.runner().add_output(first, captured("pip-connection-dropped.txt"), 1);
  machine.runner().add_output(second, "Successfully installed torch-2.12.0\n", 0);
  machine.runner().add_output(kImport, "2.12.0\n", 0);
  auto outcome = run_install(machine.host(), catalogue(), request_for({"https://a/simple", "https://b/simple"}), nullptr);
  EXPECT_TRUE(outcome.ok) << outcome.message;
  ASSERT_EQ(outcome.commands.size(), 3u);  // a, a again, b
  EXPECT_EQ(outcome.commands[0], first);
  EXPECT_EQ(outcome.commands[1], first);
  EXPECT_EQ(outcome.commands[2], second);
}

TEST(InstallEngine, ExternallyManagedStopsAndNamesTheVenvFix) {
  host::FakeMachine machine("/nonexistent", {}, {}, true);
  machine.runner().add_output(pip_install_argv("/py", {"torch==2.12.0"}, IndexSource{"https://a/simple", "https://a/simple", ""}, false),
                              captured("pip-externally-managed.txt"), 1);
  auto outcome = run_install(machine.host(), catalogue(), request_for({"https://a/simple"}), nullptr);
  EXPECT_FALSE(outcome.ok);
  EXPECT_EQ(outcome.failure_id.value_or(""), "pep668-externally-managed");
  EXPECT_NE(outcome.message.find("--venv"), std::string::npos);
  EXPECT_EQ(outcome.state, "pip installed nothing; the environment of /py is unchanged");
  for (const auto& argv : outcome.commands) {
    for (const auto& arg : argv) EXPECT_NE(arg, "--break-system-packages");
  }
}

TEST(InstallEngine, EveryMirrorFailingReportsHashMismatchAndState) {
  host::FakeMachine machine("/nonexistent", {}, {}, true);
  machine.runner().add_output(pip_install_argv("/py", {"torch==2.12.0"}, IndexSource{"https://a/simple", "https://a/simple", ""}, false),
                              captured("pip-hash-mismatch.txt"), 1);
  auto outcome = run_install(machine.host(), catalogue(), request_for({"https://a/simple"}), nullptr);
  EXPECT_FALSE(outcome.ok);
  EXPECT_EQ(outcome.failure_id.value_or(""), "hash-mismatch-truncated-download");
  EXPECT_NE(outcome.message.find("every index failed"), std::string::npos);
  EXPECT_EQ(outcome.state, "pip installed nothing; the environment of /py is unchanged");
}

TEST(InstallEngine, UnknownFailureShowsInstallerLastLines) {
  host::FakeMachine machine("/nonexistent", {}, {}, true);
  machine.runner().add_output(pip_install_argv("/py", {"torch==2.12.0"}, IndexSource{"https://a/simple", "https://a/simple", ""}, false),
                              "line one\nsomething odd happened\n", 1);
  auto outcome = run_install(machine.host(), catalogue(), request_for({"https://a/simple"}), nullptr);
  EXPECT_FALSE(outcome.ok);
  EXPECT_FALSE(outcome.failure_id.has_value());
  EXPECT_NE(outcome.output_tail.find("something odd happened"), std::string::npos);
}

TEST(InstallEngine, FailureKindsOfOtherPlatformsDoNotExplainThisOne) {
  // pip on an Intel Mac asked for a torch newer than 2.2.2, the last macOS x86_64 wheel
  // (install-failures.json macos-intel-eol). The same words on Linux mean no wheel for
  // this Python/platform, never "Intel Macs lost support".
  const std::string output =
      "ERROR: Could not find a version that satisfies the requirement torch==2.12.0 (from versions: 2.0.0, "
      "2.0.1, 2.1.0, 2.1.1, 2.1.2, 2.2.0, 2.2.1, 2.2.2)\nERROR: No matching distribution found for torch==2.12.0\n";
  auto argv = pip_install_argv("/py", {"torch==2.12.0"}, IndexSource{"https://a/simple", "https://a/simple", ""}, false);
  struct Case {
    host::SystemFacts system;
    const char* expected;
  };
  for (const Case& c : {Case{{"macos", "x86_64", {}, {}}, "macos-intel-eol"},
                        Case{{"linux", "x86_64", {}, {}}, "no-wheel-for-python-version"},
                        Case{{"macos", "arm64", {}, {}}, "no-wheel-for-python-version"}}) {
    host::FakeMachine machine("/nonexistent", {}, c.system, true);
    machine.runner().add_output(argv, output, 1);
    auto outcome = run_install(machine.host(), catalogue(), request_for({"https://a/simple"}), nullptr);
    EXPECT_FALSE(outcome.ok);
    EXPECT_EQ(outcome.failure_id.value_or(""), c.expected) << c.system.os_family << " " << c.system.arch;
  }
}

TEST(InstallFailureCatalogue, PlatformsNameOsAndCpu) {
  data::FailureKind kind;
  kind.platforms = {"macos-x86_64", "linux-aarch64", "wsl2"};
  EXPECT_TRUE(kind.applies_on("macos", "x86_64"));
  EXPECT_FALSE(kind.applies_on("macos", "arm64"));
  EXPECT_TRUE(kind.applies_on("linux", "aarch64"));
  EXPECT_TRUE(kind.applies_on("linux", "x86_64"));  // wsl2 is a Linux
  EXPECT_FALSE(kind.applies_on("windows", "x86_64"));
  EXPECT_TRUE(kind.applies_on("", ""));  // unknown machine: everything may apply
  kind.platforms = {"all"};
  EXPECT_TRUE(kind.applies_on("windows", "x86_64"));
}

TEST(InstallEngine, DryRunRunsNothingAndInsecureUrlIsRefused) {
  host::FakeMachine machine("/nonexistent", {}, {}, true);
  auto request = request_for({"https://a/simple"});
  request.dry_run = true;
  request.venv = "/tmp/v";
  auto outcome = run_install(machine.host(), catalogue(), request, nullptr);
  EXPECT_TRUE(outcome.ok);
  EXPECT_TRUE(machine.runner().calls().empty());
  ASSERT_EQ(outcome.commands.size(), 2u);
  EXPECT_EQ(outcome.commands[0], (std::vector<std::string>{"/py", "-m", "venv", "/tmp/v"}));
  EXPECT_EQ(outcome.commands[1][0], "/tmp/v/bin/python");
  auto insecure = run_install(machine.host(), catalogue(), request_for({"http://mirror.example/simple"}), nullptr);
  EXPECT_FALSE(insecure.ok);
  EXPECT_EQ(insecure.state, "nothing was changed");
}


// ---- installers: uv and conda argv ----

TEST(InstallEngine, UvInstallsWithItsPipInterfaceIntoTheInterpreter) {
  host::FakeMachine machine("/nonexistent", {}, {}, true);
  auto request = request_for({"https://a/simple"});
  request.installer = Installer::kUv;
  request.installer_program = "/bin/uv";
  const std::vector<std::string> uv{"/bin/uv", "pip", "install", "--python", "/py", "torch==2.12.0",
                                    "--index-url", "https://a/simple"};
  EXPECT_EQ(uv_install_argv("/bin/uv", "/py", {"torch==2.12.0"}, request.sources[0], false), uv);
  machine.runner().add_output(uv, "Installed 1 package\n", 0);
  machine.runner().add_output(kImport, "2.12.0\n", 0);
  auto outcome = run_install(machine.host(), catalogue(), request, nullptr);
  EXPECT_TRUE(outcome.ok) << outcome.message;
  EXPECT_EQ(outcome.installer, "uv");
  ASSERT_EQ(outcome.commands.size(), 1u);
  EXPECT_EQ(outcome.commands[0], uv);
  ASSERT_TRUE(outcome.source_used.has_value());
  EXPECT_EQ(outcome.source_used->index_url, "https://a/simple");
}

// uv consults UV_EXTRA_INDEX_URL before torchup's --index-url: a +cpu torch there wins
// over the planned +cu126 one. The installed build is checked and the variable named.
TEST(InstallEngine, UvTorchFromUvExtraIndexIsNotThePlannedBuild) {
  host::FakeMachine machine("/nonexistent", {}, {}, true);
  auto request = request_for({"https://download.pytorch.org/whl/cu126"});
  request.plan.platform = "cu126";
  request.plan.index_url = "https://download.pytorch.org/whl/cu126";
  request.installer = Installer::kUv;
  request.installer_program = "/bin/uv";
  request.pip_settings = read_uv_settings(
      *host::make_map_environment({{"UV_EXTRA_INDEX_URL", "https://download.pytorch.org/whl/cpu"}}));
  machine.runner().add_output(uv_install_argv("/bin/uv", "/py", {"torch==2.12.0"}, request.sources[0], false),
                              "Installed 1 package\n", 0);
  machine.runner().add_output(kImport, "2.12.0+cpu\n", 0);
  auto outcome = run_install(machine.host(), catalogue(), request, nullptr);
  EXPECT_FALSE(outcome.ok);
  EXPECT_EQ(outcome.failure_id.value_or(""), "wrong-build");
  EXPECT_EQ(outcome.message,
            "uv installed torch 2.12.0+cpu, not the planned 2.12.0+cu126; uv also looked in "
            "https://download.pytorch.org/whl/cpu (UV_EXTRA_INDEX_URL), which uv consults before torchup's "
            "--index-url: unset it and install again");
  EXPECT_EQ(outcome.state, "torch 2.12.0+cpu is installed in /py's environment but it is not the planned build; "
                           "nothing was rolled back");
}

TEST(InstallEngine, UvMemoryErrorRetriesWithNoCacheAndFindLinksIsPassed) {
  host::FakeMachine machine("/nonexistent", {}, {}, true);
  InstallRequest request;
  request.plan.torch = "2.12.0";
  request.python = "/py";
  request.installer = Installer::kUv;
  request.installer_program = "uv";
  request.sources.push_back({"mirror", "https://pypi.example/simple", "https://m.example/whl/cpu"});
  auto plain = uv_install_argv("uv", "/py", {"torch==2.12.0"}, request.sources[0], false);
  auto no_cache = uv_install_argv("uv", "/py", {"torch==2.12.0"}, request.sources[0], true);
  EXPECT_EQ(no_cache[5], "--no-cache");
  EXPECT_EQ(plain.back(), "https://m.example/whl/cpu");
  EXPECT_EQ(plain[plain.size() - 2], "--find-links");
  machine.runner().add_output(plain, captured("pip-memoryerror.txt"), 2);
  machine.runner().add_output(no_cache, "Installed 1 package\n", 0);
  machine.runner().add_output(kImport, "2.12.0\n", 0);
  auto outcome = run_install(machine.host(), catalogue(), request, nullptr);
  EXPECT_TRUE(outcome.ok) << outcome.message;
  ASSERT_EQ(outcome.commands.size(), 2u);
  EXPECT_EQ(outcome.commands[1], no_cache);
}

model::Plan conda_plan() {
  model::Plan plan;
  plan.fits = true;
  plan.torch = "2.5.1";
  plan.package = "conda";
  plan.python = "3.11";
  plan.argv = {"conda", "install", "pytorch==2.5.1", "torchvision==0.20.1", "pytorch-cuda=12.4",
               "-c", "pytorch", "-c", "nvidia"};
  return plan;
}

TEST(InstallEngine, CondaInstallsThePlansPackagesIntoThePrefix) {
  host::FakeMachine machine("/nonexistent", {}, {}, true);
  InstallRequest request;
  request.plan = conda_plan();
  request.python = "/env/bin/python";
  request.env_dir = "/env";
  request.installer = Installer::kConda;
  request.installer_program = "/opt/conda/bin/conda";
  request.sources.push_back({"official", "https://download.pytorch.org/whl/cu124", ""});  // not used by conda
  const std::vector<std::string> conda{"/opt/conda/bin/conda", "install", "-y", "-p", "/env", "pytorch==2.5.1",
                                       "torchvision==0.20.1", "pytorch-cuda=12.4", "-c", "pytorch", "-c", "nvidia"};
  machine.runner().add_output(conda, "Executing transaction: done\n", 0);
  machine.runner().add_output({"/env/bin/python", "-c", "import torch; print(torch.__version__)"}, "2.5.1\n", 0);
  auto outcome = run_install(machine.host(), catalogue(), request, nullptr);
  EXPECT_TRUE(outcome.ok) << outcome.message;
  EXPECT_EQ(outcome.installer, "conda");
  ASSERT_EQ(outcome.commands.size(), 1u);
  EXPECT_EQ(outcome.commands[0], conda);
  EXPECT_EQ(outcome.installed_version, "2.5.1");
}

TEST(InstallEngine, CondaVenvIsACondaEnvWithThePlansPython) {
  host::FakeMachine machine("/nonexistent", {}, {}, true);
  InstallRequest request;
  request.plan = conda_plan();
  request.python = "/usr/bin/python3";
  request.venv = "/tmp/e";
  request.installer = Installer::kMamba;
  request.installer_program = "mamba";
  request.dry_run = true;
  auto outcome = run_install(machine.host(), catalogue(), request, nullptr);
  EXPECT_TRUE(outcome.ok) << outcome.message;
  EXPECT_TRUE(machine.runner().calls().empty());
  ASSERT_EQ(outcome.commands.size(), 2u);
  EXPECT_EQ(outcome.commands[0], (std::vector<std::string>{"mamba", "create", "-y", "-p", "/tmp/e", "python=3.11"}));
  EXPECT_EQ(outcome.commands[1][0], "mamba");
  EXPECT_EQ(outcome.commands[1][4], "/tmp/e");
}

TEST(InstallEngine, CondaWithoutACondaCommandInThePlanChangesNothing) {
  host::FakeMachine machine("/nonexistent", {}, {}, true);
  auto request = request_for({});
  request.plan.package = "pip";
  request.env_dir = "/env";
  request.installer = Installer::kConda;
  request.installer_program = "conda";
  auto outcome = run_install(machine.host(), catalogue(), request, nullptr);
  EXPECT_FALSE(outcome.ok);
  EXPECT_NE(outcome.message.find("no conda command"), std::string::npos) << outcome.message;
  EXPECT_EQ(outcome.state, "nothing was changed");
  EXPECT_TRUE(machine.runner().calls().empty());
}

TEST(InstallEngine, CondaFailureIsClassifiedAndNamesTheState) {
  host::FakeMachine machine("/nonexistent", {}, {}, true);
  InstallRequest request;
  request.plan = conda_plan();
  request.python = "/env/bin/python";
  request.env_dir = "/env";
  request.installer = Installer::kConda;
  request.installer_program = "conda";
  auto argv = conda_install_argv("conda", "/env", request.plan);
  ASSERT_TRUE(argv.has_value());
  machine.runner().add_output(*argv, "CondaError: [Errno 28] No space left on device\n", 1);
  auto outcome = run_install(machine.host(), catalogue(), request, nullptr);
  EXPECT_FALSE(outcome.ok);
  EXPECT_EQ(outcome.failure_id.value_or(""), "disk-space");
  EXPECT_EQ(outcome.state, "conda installed nothing; the environment of /env/bin/python is unchanged");
}

// ---- the plan ----

TEST(InstallEngine, PlanThatDoesNotFitRunsNothing) {
  host::FakeMachine machine("/nonexistent", {}, {}, true);
  InstallRequest request;
  request.python = "/py";
  request.plan.fits = false;
  request.plan.reasons = {"Python 3.15 is newer than every release supports"};
  request.locker = [](const std::string&) { ADD_FAILURE() << "a plan that does not fit must not lock"; return LockAttempt{}; };
  auto outcome = run_install(machine.host(), catalogue(), request, nullptr);
  EXPECT_FALSE(outcome.ok);
  EXPECT_EQ(outcome.failure_id.value_or(""), "no-fit");
  EXPECT_NE(outcome.message.find("Python 3.15 is newer"), std::string::npos);
  EXPECT_EQ(outcome.state, "nothing was changed");
  EXPECT_TRUE(outcome.commands.empty());
  EXPECT_TRUE(machine.runner().calls().empty());
}

TEST(InstallEngine, PlanSourceReadsIndexUrlAndFindLinksFromTheCommand) {
  model::Plan plan;
  plan.argv = {"pip3", "install", "torch==1.9.0+cu111", "-f", "https://download.pytorch.org/whl/torch_stable.html"};
  auto legacy = plan_source(plan);
  EXPECT_EQ(legacy.index_url, "");
  EXPECT_EQ(legacy.find_links, "https://download.pytorch.org/whl/torch_stable.html");
  plan.argv = {"pip3", "install", "torch", "--index-url", "https://download.pytorch.org/whl/cu126"};
  EXPECT_EQ(plan_source(plan).index_url, "https://download.pytorch.org/whl/cu126");
  EXPECT_EQ(plan_source(plan).name, "official");
}

// ---- the lock ----

TEST(InstallEngine, LockHeldByAnotherInstallIsRefusedAndNothingRuns) {
  host::FakeMachine machine("/nonexistent", {}, {}, true);
  auto request = request_for({"https://a/simple"});
  request.env_dir = "/env";
  std::vector<std::string> asked;
  request.locker = [&asked](const std::string& dir) {
    asked.push_back(dir);
    LockAttempt held;
    held.holder_pid = 4242;
    held.lock_path = dir + "/.torchup-install.lock";
    return held;
  };
  auto outcome = run_install(machine.host(), catalogue(), request, nullptr);
  EXPECT_FALSE(outcome.ok);
  EXPECT_EQ(asked, (std::vector<std::string>{"/env"}));
  EXPECT_EQ(outcome.failure_id.value_or(""), "install-locked");
  EXPECT_NE(outcome.message.find("another torchup install (pid 4242) is installing into /env; wait for it"),
            std::string::npos)
      << outcome.message;
  EXPECT_NE(outcome.message.find("/env/.torchup-install.lock"), std::string::npos);
  EXPECT_NE(outcome.state.find("nothing was changed"), std::string::npos);
  EXPECT_TRUE(outcome.commands.empty());
  EXPECT_TRUE(machine.runner().calls().empty());
}

TEST(InstallEngine, LockIsTakenOnTheVenvHeldDuringTheRunAndReleased) {
  host::FakeMachine machine("/nonexistent", {}, {}, true);
  auto request = request_for({"https://a/simple"});
  request.venv = "/v";
  request.env_dir = "/usr";  // the venv, not the base interpreter's prefix, is locked
  auto token = std::make_shared<int>(1);
  std::weak_ptr<int> alive = token;
  std::string locked;
  request.locker = [&](const std::string& dir) {
    locked = dir;
    LockAttempt got;
    got.acquired = true;
    got.lock_path = dir + "/.torchup-install.lock";
    got.handle = std::move(token);
    return got;
  };
  machine.runner().add_output({"/py", "-m", "venv", "/v"}, "", 0);
  machine.runner().add_output(pip_install_argv("/v/bin/python", {"torch==2.12.0"}, request.sources[0], false),
                              "Successfully installed torch-2.12.0\n", 0);
  machine.runner().add_output({"/v/bin/python", "-c", "import torch; print(torch.__version__)"}, "2.12.0\n", 0);
  std::string progress;
  auto outcome = run_install(machine.host(), catalogue(), request, [&](std::string_view s) { progress += s; });
  EXPECT_TRUE(outcome.ok) << outcome.message;
  EXPECT_EQ(locked, "/v");
  EXPECT_EQ(outcome.lock_path, "/v/.torchup-install.lock");
  EXPECT_TRUE(alive.expired());  // released when run_install returned
  EXPECT_NE(progress.find("[1/3] creating venv /v"), std::string::npos) << progress;
  EXPECT_NE(progress.find("[2/3] installing torch==2.12.0 with pip into /v"), std::string::npos) << progress;
  EXPECT_NE(progress.find("[3/3] checking that torch imports"), std::string::npos) << progress;
}

TEST(InstallEngine, DryRunTakesNoLock) {
  host::FakeMachine machine("/nonexistent", {}, {}, true);
  auto request = request_for({"https://a/simple"});
  request.env_dir = "/env";
  request.dry_run = true;
  bool called = false;
  request.locker = [&called](const std::string&) { called = true; return LockAttempt{}; };
  auto outcome = run_install(machine.host(), catalogue(), request, nullptr);
  EXPECT_TRUE(outcome.ok);
  EXPECT_FALSE(called);
  EXPECT_EQ(outcome.state, "dry run: nothing was changed");
}

// ---- verify after installing ----

VerifyReport report_with(CheckStatus cuda_status) {
  VerifyReport report;
  report.python = "/py";
  report.run.outcome = ProbeOutcome::kOk;
  report.run.output.emplace();
  report.run.output->torch.emplace();
  report.run.output->torch->version = "2.12.0+cu126";
  report.checks.push_back({"import_torch", "import torch", CheckStatus::kPass, "torch 2.12.0+cu126", ""});
  report.checks.push_back({"cuda_available", "torch.cuda.is_available()", cuda_status,
                           cuda_status == CheckStatus::kFail ? "False on a machine with an NVIDIA GPU" : "True", ""});
  return report;
}

TEST(InstallEngine, VerifyFailingAfterInstallSaysWhatStateAndWhatToDo) {
  host::FakeMachine machine("/nonexistent", {}, {}, true);
  auto request = request_for({"https://a/simple"});
  request.env_dir = "/env";
  machine.runner().add_output(pip_install_argv("/py", {"torch==2.12.0"}, request.sources[0], false),
                              "Successfully installed torch-2.12.0\n", 0);
  std::string verified;
  request.verifier = [&verified](const std::string& python) -> Expected<VerifyReport> {
    verified = python;
    return report_with(CheckStatus::kFail);
  };
  auto outcome = run_install(machine.host(), catalogue(), request, nullptr);
  EXPECT_FALSE(outcome.ok);
  EXPECT_EQ(verified, "/py");
  EXPECT_EQ(outcome.failure_id.value_or(""), "verify-failed");
  ASSERT_TRUE(outcome.verify.has_value());
  EXPECT_FALSE(outcome.verify->ok());
  EXPECT_EQ(outcome.installed_version, "2.12.0+cu126");
  EXPECT_NE(outcome.message.find("torch.cuda.is_available() (False on a machine with an NVIDIA GPU)"),
            std::string::npos)
      << outcome.message;
  EXPECT_NE(outcome.state.find("torch 2.12.0+cu126 is installed in /env but does not work"), std::string::npos)
      << outcome.state;
  EXPECT_NE(outcome.state.find("torchup doctor --python /py"), std::string::npos);
  // verify replaces the plain import check: it was never run
  for (const auto& call : machine.runner().calls()) EXPECT_NE(call, kImport);
}

TEST(InstallEngine, VerifyPassingIsReportedInTheState) {
  host::FakeMachine machine("/nonexistent", {}, {}, true);
  auto request = request_for({"https://a/simple"});
  machine.runner().add_output(pip_install_argv("/py", {"torch==2.12.0"}, request.sources[0], false),
                              "Successfully installed torch-2.12.0\n", 0);
  request.verifier = [](const std::string&) -> Expected<VerifyReport> { return report_with(CheckStatus::kPass); };
  auto outcome = run_install(machine.host(), catalogue(), request, nullptr);
  EXPECT_TRUE(outcome.ok) << outcome.message;
  EXPECT_EQ(outcome.state, "torch 2.12.0+cu126 is installed in /py's environment and verified");
  ASSERT_TRUE(outcome.verify.has_value());
  EXPECT_TRUE(outcome.verify->ok());
}

TEST(InstallEngine, VerifyThatCannotRunLeavesAnHonestState) {
  host::FakeMachine machine("/nonexistent", {}, {}, true);
  auto request = request_for({"https://a/simple"});
  request.env_dir = "/env";
  machine.runner().add_output(pip_install_argv("/py", {"torch==2.12.0"}, request.sources[0], false),
                              "Successfully installed torch-2.12.0\n", 0);
  request.verifier = [](const std::string&) -> Expected<VerifyReport> {
    return make_error(ErrorKind::kNotFound, "Python interpreter /py does not exist");
  };
  auto outcome = run_install(machine.host(), catalogue(), request, nullptr);
  EXPECT_FALSE(outcome.ok);
  EXPECT_EQ(outcome.failure_id.value_or(""), "verify-failed");
  EXPECT_EQ(outcome.state,
            "the packages were installed into /env but were not verified; run `torchup doctor --python /py`");
}

TEST(InstallEngine, OutcomeAsJsonCarriesTheContract) {
  host::FakeMachine machine("/nonexistent", {}, {}, true);
  auto request = request_for({"https://a/simple"});
  request.dry_run = true;
  auto outcome = run_install(machine.host(), catalogue(), request, nullptr);
  auto j = to_json(outcome);
  EXPECT_EQ(j["schema"], "torchup.install/1");
  EXPECT_EQ(j["ok"], true);
  EXPECT_EQ(j["installer"], "pip");
  EXPECT_EQ(j["index"]["index_url"], "https://a/simple");
  EXPECT_EQ(j["commands"].size(), 1u);
  EXPECT_TRUE(j["verify"].is_null());
  EXPECT_EQ(j["state"], "dry run: nothing was changed");
}

// ---- --mirror specs -> index order (choose_mirrors over a fake HttpClient) ----

model::Plan cpu_plan() {
  model::Plan plan;
  plan.fits = true;
  plan.torch = "2.12.0";
  plan.platform = "cpu";
  plan.package = "pip";
  plan.index_url = "https://download.pytorch.org/whl/cpu";
  plan.argv = {"pip3", "install", "torch", "--index-url", "https://download.pytorch.org/whl/cpu"};
  return plan;
}

MirrorList test_mirrors() {
  MirrorList list;
  list.official_pytorch = "https://official.test/whl/{variant}";
  list.pytorch_mirrors.push_back({"fast", "https://fast.test/whl/{variant}", "index", "", "", "test", {}});
  list.pytorch_mirrors.push_back({"dead", "https://dead.test/whl/{variant}", "index", "", "", "test", {}});
  return list;
}

TEST(InstallSources, NoMirrorIsThePlansOwnIndex) {
  host::CannedHttp http;
  auto order = resolve_install_sources(http, test_mirrors(), {}, cpu_plan(), false);
  ASSERT_TRUE(order.has_value());
  ASSERT_EQ(order->order.size(), 1u);
  EXPECT_EQ(order->order[0].index_url, "https://download.pytorch.org/whl/cpu");
  EXPECT_EQ(mirror_variant(cpu_plan()), "cpu");
  model::Plan pypi = cpu_plan();
  pypi.index_url.reset();
  pypi.argv = {"pip3", "install", "torch"};
  EXPECT_EQ(mirror_variant(pypi), "");
}

TEST(InstallSources, UrlsKeepTheirOrderWithoutDuplicatesAndTheOfficialIndexComesOnceLast) {
  host::CannedHttp http;
  auto order = resolve_install_sources(
      http, test_mirrors(), {"http://127.0.0.1:1/a", "https://b.test/simple", "http://127.0.0.1:1/a"}, cpu_plan(), false);
  ASSERT_TRUE(order.has_value()) << order.error().message;
  ASSERT_EQ(order->order.size(), 3u);
  EXPECT_EQ(order->order[0].index_url, "http://127.0.0.1:1/a");
  EXPECT_EQ(order->order[1].index_url, "https://b.test/simple");
  EXPECT_EQ(order->order[2].index_url, "https://official.test/whl/cpu");
}

TEST(InstallSources, InsecureAndUnknownMirrorsAreUsageErrors) {
  host::CannedHttp http;
  auto insecure = resolve_install_sources(http, test_mirrors(), {"http://mirror.example/simple"}, cpu_plan(), false);
  ASSERT_FALSE(insecure.has_value());
  EXPECT_EQ(insecure.error().kind, ErrorKind::kUsage);
  auto allowed = resolve_install_sources(http, test_mirrors(), {"http://mirror.example/simple"}, cpu_plan(), true);
  ASSERT_TRUE(allowed.has_value());
  EXPECT_EQ(allowed->order.front().index_url, "http://mirror.example/simple");
  auto unknown = resolve_install_sources(http, test_mirrors(), {"nosuch"}, cpu_plan(), false);
  ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(unknown.error().kind, ErrorKind::kUsage);
  EXPECT_NE(unknown.error().message.find("nosuch"), std::string::npos) << unknown.error().message;
}

TEST(InstallSources, AutoPutsTheMeasuredFasterMirrorFirstDropsTheDeadOneAndSaysWhy) {
  host::CannedHttp http;
  auto list = test_mirrors();
  const std::string page(64 * 1024, 't');
  host::HttpResponse fast{200, "<a>torch-2.12.0+cpu</a>" + page, false, false, std::chrono::milliseconds(10)};
  host::HttpResponse slow{200, "<a>torch-2.12.0+cpu</a>" + page, false, false, std::chrono::milliseconds(800)};
  http.add(probe_url_for(source_for(list.pytorch_mirrors[0], list, "cpu")), fast);
  http.add(probe_url_for(IndexSource{"official", "https://official.test/whl/cpu", ""}), slow);
  // "dead" has no canned answer: its probe fails.
  auto order = resolve_install_sources(http, list, {"auto"}, cpu_plan(), false);
  ASSERT_TRUE(order.has_value()) << order.error().message;
  ASSERT_EQ(order->order.size(), 2u);
  EXPECT_EQ(order->order[0].name, "fast");
  EXPECT_EQ(order->order[0].index_url, "https://fast.test/whl/cpu");
  EXPECT_EQ(order->order[1].index_url, "https://official.test/whl/cpu");
  std::string notes;
  for (const auto& n : order->notes) notes += n + "\n";
  EXPECT_NE(notes.find("dead: failed"), std::string::npos) << notes;
  EXPECT_NE(notes.find("fast"), std::string::npos) << notes;
}

TEST(InstallEngine, NightlyPlanInstallsThePlansPackagesWithPre) {
  model::Plan plan;
  plan.fits = true;
  plan.torch = "nightly";
  plan.argv = {"pip3", "install", "--pre", "torch", "torchvision", "--index-url",
               "https://download.pytorch.org/whl/nightly/cpu"};
  auto requirements = plan_requirements(plan);
  EXPECT_EQ(requirements, (std::vector<std::string>{"--pre", "torch", "torchvision"}));
  IndexSource nightly = plan_source(plan);
  EXPECT_EQ(pip_install_argv("/py", requirements, nightly, false),
            (std::vector<std::string>{"/py", "-m", "pip", "install", "--pre", "torch", "torchvision", "--index-url",
                                      "https://download.pytorch.org/whl/nightly/cpu"}));
  EXPECT_EQ(uv_install_argv("uv", "/py", requirements, nightly, false),
            (std::vector<std::string>{"uv", "pip", "install", "--python", "/py", "--prerelease", "allow", "torch",
                                      "torchvision", "--index-url", "https://download.pytorch.org/whl/nightly/cpu"}));
  EXPECT_EQ(mirror_variant(plan), "nightly/cpu");
  plan.torch = "2.12.0";
  plan.torchvision = "0.27.0";
  EXPECT_EQ(plan_requirements(plan), (std::vector<std::string>{"torch==2.12.0", "torchvision==0.27.0"}));
}

}  // namespace
}  // namespace torchup::act
