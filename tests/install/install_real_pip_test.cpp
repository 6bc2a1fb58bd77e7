// End to end with real parts: Debian's python3 -m venv and real pip, installing a
// wheel the test builds (scripts/make_wheel.py) from PEP 503 indexes this test
// serves on 127.0.0.1 with cpp-httplib: a good one and one whose #sha256 lies.
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "act/install.h"
#include "data/store.h"
#include "install/local_index.h"
#include "support/temp_dir.h"

namespace torchup::act {
namespace {

using torchup::testing::LocalIndex;

TEST(InstallRealPip, BadHashMirrorFallsBackToGoodIndexInFreshVenv) {
  if (!std::ifstream("/usr/bin/python3")) GTEST_SKIP() << "Debian python3 not installed";
  torchup::testing::TempDir dir;
  const std::string root = dir.path().string();
  auto wheel = torchup::testing::make_test_wheel(root + "/w");
  ASSERT_TRUE(wheel.error.empty()) << wheel.error;
  LocalIndex bad(wheel.name, wheel.bytes, std::string(64, '0'));
  LocalIndex good(wheel.name, wheel.bytes, wheel.sha256);

  auto fs = host::make_rooted_fs("/");
  data::DataStore store(*fs, data::StoreOptions{});
  auto catalogue = store.load<data::FailureCatalogue>("install-failures.json", data::parse_failure_catalogue);
  ASSERT_TRUE(catalogue.has_value());
  auto runner = host::make_process_runner();
  auto env = host::make_process_environment();
  auto http = host::make_curl_http();
  host::Host host{*fs, *runner, *env, *http, host::live_system_facts(), true};

  InstallRequest request;
  request.plan.torch = "2.12.0";
  request.python = "/usr/bin/python3";
  request.venv = root + "/venv";
  request.sources = {{"bad", bad.url(), ""}, {"good", good.url(), ""}};
  request.env = {{"PIP_CONFIG_FILE", "/dev/null"}, {"PIP_DISABLE_PIP_VERSION_CHECK", "1"},
                 {"PIP_NO_CACHE_DIR", "1"}, {"PIP_FIND_LINKS", ""}, {"PIP_RETRIES", "0"}};
  request.step_timeout = std::chrono::seconds(120);
  std::string seen;
  auto outcome = run_install(host, *catalogue, request, [&](std::string_view chunk) { seen += chunk; });
  EXPECT_TRUE(outcome.ok) << outcome.message << "\n" << seen;
  EXPECT_NE(seen.find("THESE PACKAGES DO NOT MATCH THE HASHES"), std::string::npos) << seen;
  EXPECT_EQ(outcome.installed_version, "2.12.0");
  EXPECT_EQ(outcome.state, "torch 2.12.0 is installed in " + root + "/venv/bin/python's environment");
  ASSERT_EQ(outcome.commands.size(), 3u);  // venv, bad index, good index
}

TEST(InstallRealPip, ExternallyManagedDebianPythonIsRefusedUnchanged) {
  if (!std::ifstream("/usr/lib/python3.11/EXTERNALLY-MANAGED")) GTEST_SKIP() << "no PEP 668 marker here";
  auto fs = host::make_rooted_fs("/");
  data::DataStore store(*fs, data::StoreOptions{});
  auto catalogue = store.load<data::FailureCatalogue>("install-failures.json", data::parse_failure_catalogue);
  ASSERT_TRUE(catalogue.has_value());
  auto runner = host::make_process_runner();
  auto env = host::make_process_environment();
  auto http = host::make_curl_http();
  host::Host host{*fs, *runner, *env, *http, host::live_system_facts(), true};
  InstallRequest request;
  request.plan.torch = "2.12.0";
  request.python = "/usr/bin/python3";
  request.sources = {{"closed", "http://127.0.0.1:9/simple", ""}};
  request.env = {{"PIP_CONFIG_FILE", "/dev/null"}, {"PIP_FIND_LINKS", ""}};
  auto outcome = run_install(host, *catalogue, request, nullptr);
  EXPECT_FALSE(outcome.ok);
  EXPECT_EQ(outcome.failure_id.value_or(""), "pep668-externally-managed");
  EXPECT_EQ(outcome.state, "pip installed nothing; the environment of /usr/bin/python3 is unchanged");
}

}  // namespace
}  // namespace torchup::act
