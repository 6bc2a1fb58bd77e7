// The install engine over scripted program outputs: remedies per failure kind,
// fallbacks, and the final state message of every path.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "act/install.h"
#include "data/store.h"
#include "host/scripted.h"

namespace torchup::act {
namespace {

std::string captured(const char* name) {
  std::ifstream in(std::string(TORCHUP_TEST_DIR) + "/install/outputs/" + name);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

data::FailureCatalogue catalogue() {
  auto fs = host::make_rooted_fs("/");
  data::DataStore store(*fs, data::StoreOptions{});
  auto loaded = store.load<data::FailureCatalogue>("install-failures.json", data::parse_failure_catalogue);
  return loaded ? *loaded : data::FailureCatalogue{};
}

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

}  // namespace
}  // namespace torchup::act
