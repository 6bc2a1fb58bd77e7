// Install failure paths with real parts: act::run_install drives the real
// pip (Debian 12's python3 -m venv, pip 23.0.1 from ensurepip's bundled wheel)
// against PEP 503 indexes this test serves on 127.0.0.1 (install/local_index.h),
// broken on purpose: a connection that drops in the middle of the wheel, an https
// index with a self-signed certificate, an unreachable proxy, a version the index
// does not have, and faults injected into pip itself (MemoryError, a full disk) by
// scripts/inject/sitecustomize.py; and --mirror auto choosing a fast local index
// over a slow one. Every test checks the classified failure, the
// commands torchup ran and the final `state` sentence, and for failures that torch
// really is absent afterwards (nothing half-installed).
//
// One venv is made per suite (python3 -m venv takes seconds to tens of seconds on
// a busy machine); each test installs into its own copy of it.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "act/install.h"
#include "act/verify.h"
#include "data/store.h"
#include "install/local_index.h"
#include "support/temp_dir.h"
#include "util/strings.h"

namespace torchup::act {
namespace {

using torchup::testing::LocalIndex;
using torchup::testing::TempDir;

bool contains(const std::vector<std::string>& argv, const std::string& arg) {
  return std::find(argv.begin(), argv.end(), arg) != argv.end();
}

// A 127.0.0.1 port nothing listens on (bound, then closed again).
int closed_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof(addr);
  int port = 9;  // discard: closed on any machine without inetd
  if (fd >= 0 && ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  if (fd >= 0) ::close(fd);
  return port;
}

class InstallFailurePaths : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!std::filesystem::exists("/usr/bin/python3")) {
      skip_reason_ = "Debian python3 is not installed";
      return;
    }
    suite_dir_ = std::make_unique<TempDir>();
    wheel_ = torchup::testing::make_test_wheel(suite_dir_->str() + "/w");
    if (!wheel_.error.empty()) {
      setup_error_ = "make_wheel.py failed: " + wheel_.error;
      return;
    }
    template_venv_ = suite_dir_->str() + "/template";
    auto runner = host::make_process_runner();
    host::RunOptions options;
    options.timeout = std::chrono::seconds(300);
    auto made = runner->run({"/usr/bin/python3", "-m", "venv", template_venv_}, options);
    if (!made.ok()) {
      std::string said = made.out + made.err + made.start_error;
      if (said.find("ensurepip is not available") != std::string::npos) {
        skip_reason_ = "python3-venv (Debian) is not installed: " + said;
      } else {
        setup_error_ = "python3 -m venv failed: " + said;
      }
    }
  }
  static void TearDownTestSuite() { suite_dir_.reset(); }

  void SetUp() override {
    if (!skip_reason_.empty()) GTEST_SKIP() << skip_reason_;
    ASSERT_TRUE(setup_error_.empty()) << setup_error_;
    data::DataStore store(*fs_, data::StoreOptions{});
    auto catalogue = store.load<data::FailureCatalogue>("install-failures.json", data::parse_failure_catalogue);
    ASSERT_TRUE(catalogue.has_value()) << catalogue.error().message;
    catalogue_ = *catalogue;
    // A fresh copy of the suite's venv for this test (python -m pip works from a copy:
    // the interpreter finds pyvenv.cfg next to the path it was started by).
    std::filesystem::copy(template_venv_, dir_.str() + "/venv",
                          std::filesystem::copy_options::recursive | std::filesystem::copy_options::copy_symlinks);
    python_ = dir_.str() + "/venv/bin/python";
  }

  // pip isolated from this machine's pip config, cache and proxies, quick to give up.
  std::map<std::string, std::string> pip_env() const {
    return {{"PIP_CONFIG_FILE", "/dev/null"}, {"PIP_DISABLE_PIP_VERSION_CHECK", "1"}, {"PIP_NO_CACHE_DIR", "1"},
            {"PIP_FIND_LINKS", ""}, {"PIP_EXTRA_INDEX_URL", ""}, {"PIP_CERT", ""}, {"PIP_PROXY", ""},
            {"http_proxy", ""}, {"https_proxy", ""}, {"HTTP_PROXY", ""}, {"HTTPS_PROXY", ""}, {"no_proxy", ""}, {"NO_PROXY", ""},
            {"PIP_RETRIES", "0"}, {"PIP_TIMEOUT", "5"}, {"PIP_DEFAULT_TIMEOUT", "5"}};
  }

  InstallOutcome install(const std::vector<IndexSource>& sources, const std::map<std::string, std::string>& extra_env,
                         const std::string& torch = "2.12.0") {
    InstallRequest request;
    request.plan.torch = torch;
    request.python = python_;
    request.sources = sources;
    request.env = pip_env();
    for (const auto& [key, value] : extra_env) request.env[key] = value;
    request.step_timeout = std::chrono::seconds(120);
    return run_install(host_, catalogue_, request, [&](std::string_view chunk) { seen_ += chunk; });
  }

  std::string installed_state() const { return "torch 2.12.0 is installed in " + python_ + "'s environment"; }
  std::string unchanged_state() const {
    return "pip installed nothing; the environment of " + python_ + " is unchanged";
  }

  // The environment really holds no torch (what the unchanged state claims).
  void expect_no_torch() {
    host::RunOptions options;
    options.timeout = std::chrono::seconds(60);
    auto probe = runner_->run({python_, "-c", "import torch"}, options);
    EXPECT_FALSE(probe.ok()) << "torch imports in " << python_;
    EXPECT_NE(probe.err.find("No module named 'torch'"), std::string::npos) << probe.err;
  }

  const std::string& fix_of(const std::string& id) const {
    static const std::string none;
    const data::FailureKind* kind = catalogue_.find(id);
    return kind ? kind->fix : none;
  }

  static inline std::unique_ptr<TempDir> suite_dir_;
  static inline torchup::testing::TestWheel wheel_;
  static inline std::string template_venv_;
  static inline std::string skip_reason_;
  static inline std::string setup_error_;

  TempDir dir_;
  std::string python_;
  std::string seen_;  // torchup's step lines and pip's output, as they arrived
  data::FailureCatalogue catalogue_;
  std::unique_ptr<host::FileSystem> fs_ = host::make_rooted_fs("/");
  std::unique_ptr<host::ProcessRunner> runner_ = host::make_process_runner();
  std::unique_ptr<host::Environment> env_ = host::make_process_environment();
  std::unique_ptr<host::HttpClient> http_ = host::make_curl_http();
  host::Host host_{*fs_, *runner_, *env_, *http_, host::live_system_facts(), true};
};

TEST_F(InstallFailurePaths, DroppedConnectionIsRetriedThenTheNextIndexInstalls) {
  LocalIndex dropping(wheel_.name, wheel_.bytes, wheel_.sha256, {.file_mode = LocalIndex::FileMode::kDropMidStream});
  LocalIndex good(wheel_.name, wheel_.bytes, wheel_.sha256);
  auto outcome = install({{"dropping", dropping.url(), ""}, {"good", good.url(), ""}}, {});

  EXPECT_TRUE(outcome.ok) << outcome.message << "\n" << seen_;
  // pip's own words for a connection closed between two chunks of the wheel.
  EXPECT_NE(seen_.find("Connection broken: InvalidChunkLength"), std::string::npos) << seen_;
  ASSERT_EQ(outcome.commands.size(), 3u) << seen_;  // dropping, dropping again, good
  EXPECT_EQ(outcome.commands[0], outcome.commands[1]);
  EXPECT_TRUE(contains(outcome.commands[0], dropping.url()));
  EXPECT_TRUE(contains(outcome.commands[2], good.url()));
  EXPECT_EQ(dropping.file_requests(), 2);
  EXPECT_EQ(good.file_requests(), 1);
  EXPECT_EQ(outcome.installed_version, "2.12.0");
  EXPECT_EQ(outcome.state, installed_state());
}

TEST_F(InstallFailurePaths, ConnectionDroppedOnEveryTryIsANetworkFailureAndChangesNothing) {
  LocalIndex dropping(wheel_.name, wheel_.bytes, wheel_.sha256, {.file_mode = LocalIndex::FileMode::kDropMidStream});
  auto outcome = install({{"dropping", dropping.url(), ""}}, {});

  EXPECT_FALSE(outcome.ok) << seen_;
  EXPECT_EQ(outcome.failure_id.value_or("none"), "network-timeout") << seen_;
  ASSERT_EQ(outcome.commands.size(), 2u) << seen_;  // the try and its one retry
  EXPECT_EQ(dropping.file_requests(), 2);
  EXPECT_NE(outcome.message.find(fix_of("network-timeout")), std::string::npos) << outcome.message;
  EXPECT_EQ(outcome.state, unchanged_state());
  expect_no_torch();
}

TEST_F(InstallFailurePaths, MemoryErrorIsRetriedWithNoCacheDir) {
  LocalIndex good(wheel_.name, wheel_.bytes, wheel_.sha256);
  auto outcome = install({{"good", good.url(), ""}},
                         {{"PYTHONPATH", std::string(TORCHUP_TEST_DIR) + "/install/scripts/inject"},
                          {"TORCHUP_TEST_INJECT", "memoryerror"},
                          {"PIP_NO_CACHE_DIR", ""},  // pip ignores empty settings: its cache is on
                          {"PIP_CACHE_DIR", dir_.str() + "/pip-cache"}});

  EXPECT_TRUE(outcome.ok) << outcome.message << "\n" << seen_;
  EXPECT_NE(seen_.find("\nMemoryError"), std::string::npos) << seen_;
  ASSERT_EQ(outcome.commands.size(), 2u) << seen_;
  EXPECT_FALSE(contains(outcome.commands[0], "--no-cache-dir"));
  EXPECT_TRUE(contains(outcome.commands[1], "--no-cache-dir"));
  EXPECT_EQ(good.file_requests(), 2);
  EXPECT_EQ(outcome.installed_version, "2.12.0");
  EXPECT_EQ(outcome.state, installed_state());
}

TEST_F(InstallFailurePaths, FullDiskStopsWithoutRetryAndChangesNothing) {
  LocalIndex good(wheel_.name, wheel_.bytes, wheel_.sha256);
  LocalIndex second(wheel_.name, wheel_.bytes, wheel_.sha256);
  auto outcome = install({{"good", good.url(), ""}, {"second", second.url(), ""}},
                         {{"PYTHONPATH", std::string(TORCHUP_TEST_DIR) + "/install/scripts/inject"},
                          {"TORCHUP_TEST_INJECT", "enospc"}});

  EXPECT_FALSE(outcome.ok) << seen_;
  EXPECT_NE(seen_.find("Could not install packages due to an OSError: [Errno 28] No space left on device"),
            std::string::npos)
      << seen_;
  EXPECT_EQ(outcome.failure_id.value_or("none"), "disk-space");
  EXPECT_EQ(outcome.commands.size(), 1u) << seen_;  // another mirror would not free the disk
  EXPECT_EQ(second.file_requests(), 0);
  EXPECT_NE(outcome.message.find(fix_of("disk-space")), std::string::npos) << outcome.message;
  EXPECT_EQ(outcome.state, unchanged_state());
  expect_no_torch();
}

TEST_F(InstallFailurePaths, SelfSignedHttpsIndexIsAnSslFailureAndChangesNothing) {
  std::filesystem::create_directories(dir_.path() / "tls");
  torchup::testing::TlsIndex tls(dir_.str() + "/tls");
  if (tls.port() == 0 && !std::filesystem::exists("/usr/bin/openssl")) {
    GTEST_SKIP() << "the openssl CLI (Debian package openssl) is not installed";
  }
  ASSERT_NE(tls.port(), 0) << tls.error();
  auto outcome = install({{"self-signed", tls.url(), ""}}, {});

  EXPECT_FALSE(outcome.ok) << seen_;
  EXPECT_NE(seen_.find("CERTIFICATE_VERIFY_FAILED"), std::string::npos) << seen_;
  EXPECT_EQ(outcome.failure_id.value_or("none"), "ssl-proxy") << seen_;
  EXPECT_EQ(outcome.commands.size(), 1u) << seen_;
  EXPECT_NE(outcome.message.find(fix_of("ssl-proxy")), std::string::npos) << outcome.message;
  EXPECT_EQ(outcome.state, unchanged_state());
  expect_no_torch();

  // A mirror with a bad certificate is that mirror's problem: the next index installs.
  seen_.clear();
  LocalIndex good(wheel_.name, wheel_.bytes, wheel_.sha256);
  auto next = install({{"self-signed", tls.url(), ""}, {"good", good.url(), ""}}, {});
  EXPECT_TRUE(next.ok) << next.message << "\n" << seen_;
  ASSERT_EQ(next.commands.size(), 2u) << seen_;
  EXPECT_TRUE(contains(next.commands[1], good.url()));
  EXPECT_NE(seen_.find("trying the next index good"), std::string::npos) << seen_;
  EXPECT_EQ(next.state, installed_state());
}

TEST_F(InstallFailurePaths, UnreachableProxyIsAProxyFailureAndChangesNothing) {
  LocalIndex good(wheel_.name, wheel_.bytes, wheel_.sha256);
  // One pip-level retry: pip reports a failed index request only in its retry
  // warnings (pip's default is 5 retries; with 0 it prints just "from versions: none").
  auto outcome = install({{"good", good.url(), ""}},
                         {{"PIP_PROXY", "http://127.0.0.1:" + std::to_string(closed_port())}, {"PIP_RETRIES", "1"}});

  EXPECT_FALSE(outcome.ok) << seen_;
  EXPECT_NE(seen_.find("ProxyError('Cannot connect to proxy."), std::string::npos) << seen_;
  EXPECT_EQ(outcome.failure_id.value_or("none"), "ssl-proxy") << seen_;
  EXPECT_EQ(outcome.commands.size(), 1u) << seen_;
  EXPECT_EQ(good.file_requests(), 0);
  EXPECT_EQ(outcome.state, unchanged_state());
  expect_no_torch();
}

TEST_F(InstallFailurePaths, VersionTheIndexDoesNotHaveIsNoMatchingDistribution) {
  LocalIndex good(wheel_.name, wheel_.bytes, wheel_.sha256);
  auto outcome = install({{"good", good.url(), ""}}, {}, "9.9.9");

  EXPECT_FALSE(outcome.ok) << seen_;
  EXPECT_NE(seen_.find("(from versions: 2.12.0)"), std::string::npos) << seen_;
  EXPECT_EQ(outcome.failure_id.value_or("none"), "no-wheel-for-python-version") << seen_;
  EXPECT_EQ(outcome.commands.size(), 1u) << seen_;
  EXPECT_EQ(good.file_requests(), 0);
  EXPECT_EQ(outcome.state, unchanged_state());
  expect_no_torch();
}

// pip with retries off (PIP_RETRIES=0 here, as in some CI configs) prints no
// connection error for an index that does not answer, only "(from versions: none)":
// torchup asks the index itself, sees it is unreachable, and treats it as the network
// failure it is (retry, then the next index) instead of "no wheel for your Python".
TEST_F(InstallFailurePaths, SilentUnreachableIndexIsANetworkFailureAndTheNextIndexInstalls) {
  LocalIndex good(wheel_.name, wheel_.bytes, wheel_.sha256);
  const std::string dead = "http://127.0.0.1:" + std::to_string(closed_port()) + "/simple";
  auto outcome = install({{"dead", dead, ""}, {"good", good.url(), ""}}, {});

  EXPECT_TRUE(outcome.ok) << outcome.message << "\n" << seen_;
  EXPECT_NE(seen_.find("(from versions: none)"), std::string::npos) << seen_;
  EXPECT_NE(seen_.find("torchup cannot reach the index either (" + dead + "/torch/"), std::string::npos) << seen_;
  ASSERT_EQ(outcome.commands.size(), 3u) << seen_;  // dead, dead again, good
  EXPECT_TRUE(contains(outcome.commands[2], good.url()));
  EXPECT_EQ(outcome.state, installed_state());
}

// An index whose host name does not resolve (.invalid, RFC 6761), pip's retries off: pip
// prints only "(from versions: none)". torchup's own look at the index fails the name
// lookup: a DNS failure, not retried (the lookup would fail again), and the next index
// installs. With every index unresolvable the message is the DNS fix, not a timeout's.
TEST_F(InstallFailurePaths, UnresolvableIndexHostIsADnsFailureAndTheNextIndexInstalls) {
  for (const char* var : {"http_proxy", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"}) {
    if (const char* v = std::getenv(var); v && *v) GTEST_SKIP() << var << " is set: a proxy does the name lookups here";
  }
  const std::string nowhere = "https://torchup-test.invalid/simple";
  auto alone = install({{"nowhere", nowhere, ""}}, {});
  EXPECT_FALSE(alone.ok) << seen_;
  EXPECT_EQ(alone.failure_id.value_or("none"), "dns-failure") << alone.message << "\n" << seen_;
  EXPECT_EQ(alone.commands.size(), 1u) << seen_;  // not retried
  EXPECT_NE(alone.message.find(fix_of("dns-failure")), std::string::npos) << alone.message;
  EXPECT_EQ(alone.state, unchanged_state());
  expect_no_torch();

  seen_.clear();
  LocalIndex good(wheel_.name, wheel_.bytes, wheel_.sha256);
  auto outcome = install({{"nowhere", nowhere, ""}, {"good", good.url(), ""}}, {});
  EXPECT_TRUE(outcome.ok) << outcome.message << "\n" << seen_;
  EXPECT_NE(seen_.find("torchup cannot look up the index's host either (" + nowhere + "/torch/"), std::string::npos)
      << seen_;
  EXPECT_NE(seen_.find("Could not resolve host: torchup-test.invalid"), std::string::npos) << seen_;
  ASSERT_EQ(outcome.commands.size(), 2u) << seen_;  // nowhere once, then good
  EXPECT_TRUE(contains(outcome.commands[1], good.url()));
  EXPECT_EQ(outcome.state, installed_state());
}

// The whole happy path with real parts: real pip installs a "torch" wheel from the
// local index into a venv, and torchup's real verify then runs the guide's checks in
// that venv against a real torch. The wheel carries Debian's python3-torch (no torch
// wheel can be downloaded here): a .pth puts /usr/lib/python3/dist-packages on the
// venv's path, so `import torch` is Debian's torch, at the version the wheel declares.
TEST_F(InstallFailurePaths, InstallThenVerifyPassesWithARealTorch) {
  const std::string debian = "/usr/lib/python3/dist-packages";
  if (!std::filesystem::exists(debian + "/torch/__init__.py")) GTEST_SKIP() << "Debian's python3-torch is not installed";
  host::RunOptions options;
  options.timeout = std::chrono::seconds(180);
  auto asked = runner_->run({"/usr/bin/python3", "-c", "import torch; print(torch.__version__)"}, options);
  ASSERT_TRUE(asked.ok()) << asked.err;
  const std::string version(str::trim(asked.out));  // "1.13.0a0" on Debian 12
  auto wheel = torchup::testing::make_test_wheel(dir_.str() + "/real", version, debian);
  ASSERT_TRUE(wheel.error.empty()) << wheel.error;
  LocalIndex index(wheel.name, wheel.bytes, wheel.sha256);

  data::DataStore store(*fs_, data::StoreOptions{});
  InstallRequest request;
  request.plan.torch = version;
  request.python = python_;
  request.sources = {{"local", index.url(), ""}};
  request.env = pip_env();
  request.step_timeout = std::chrono::seconds(120);
  std::vector<std::string> verified;
  request.verifier = [&](const std::string& python) {
    verified.push_back(python);
    VerifyOptions verify_options;
    verify_options.python = python;
    return verify_python(host_, store, verify_options);
  };
  auto outcome = run_install(host_, catalogue_, request, [&](std::string_view chunk) { seen_ += chunk; });

  EXPECT_TRUE(outcome.ok) << outcome.message << "\n" << seen_;
  EXPECT_EQ(verified, std::vector<std::string>{python_});
  EXPECT_NE(seen_.find("[2/2] verifying torch in " + python_), std::string::npos) << seen_;
  ASSERT_TRUE(outcome.verify.has_value()) << outcome.verify_error;
  EXPECT_TRUE(outcome.verify->ok()) << outcome.message;
  std::set<std::string> passed;
  for (const auto& check : outcome.verify->checks) {
    if (check.status == CheckStatus::kPass) passed.insert(check.id);
  }
  for (const char* id : {"import_torch", "torch_rand", "build"}) EXPECT_EQ(passed.count(id), 1u) << id;
  EXPECT_EQ(outcome.installed_version, version);
  EXPECT_EQ(outcome.state, "torch " + version + " is installed in " + python_ + "'s environment and verified");
  EXPECT_EQ(index.file_requests(), 1);
}

// A captive portal (or a proxy's sign-in page) answers the project page with HTTP 200
// and no links: pip sees an index without torch. torchup names that, and moves on.
TEST_F(InstallFailurePaths, PortalPageInsteadOfTheIndexIsNamedAndTheNextIndexInstalls) {
  LocalIndex portal(wheel_.name, wheel_.bytes, wheel_.sha256, {.portal_page = true});
  LocalIndex good(wheel_.name, wheel_.bytes, wheel_.sha256);
  // Alone, it is the verdict, and nothing changed.
  auto only = install({{"portal", portal.url(), ""}}, {});
  EXPECT_FALSE(only.ok) << seen_;
  EXPECT_EQ(only.failure_id.value_or("none"), "index-without-torch") << seen_;
  EXPECT_NE(only.message.find(portal.url() + " lists no torch files"), std::string::npos) << only.message;
  EXPECT_NE(only.message.find("a proxy or captive portal may be answering in its place"), std::string::npos)
      << only.message;
  EXPECT_EQ(only.commands.size(), 1u) << seen_;  // it answered: no retry
  EXPECT_EQ(only.state, unchanged_state());
  expect_no_torch();

  // With another index after it, torchup moves on.
  seen_.clear();
  auto outcome = install({{"portal", portal.url(), ""}, {"good", good.url(), ""}}, {});
  EXPECT_TRUE(outcome.ok) << outcome.message << "\n" << seen_;
  ASSERT_EQ(outcome.commands.size(), 2u) << seen_;  // portal, good
  EXPECT_EQ(outcome.state, installed_state());
}

TEST_F(InstallFailurePaths, AutoMirrorInstallsFromTheFastIndexNotTheSlowOfficialOne) {
  using namespace std::chrono_literals;
  // Same 128 KiB project page on both; the official one trickles it out (8 KiB every 50 ms).
  LocalIndex slow(wheel_.name, wheel_.bytes, wheel_.sha256, {.page_padding = 128 * 1024, .page_delay = 50ms});
  LocalIndex fast(wheel_.name, wheel_.bytes, wheel_.sha256, {.page_padding = 128 * 1024});
  MirrorList list;
  list.official_pytorch = slow.url();
  list.pytorch_mirrors.push_back(MirrorEntry{"fast", fast.url(), "index", "", "test mirror", "this test", {}});
  MirrorProbeOptions probe_options;
  probe_options.per_mirror_timeout = 10s;
  probe_options.max_bytes = 256 * 1024;
  auto choice = choose_mirrors(*http_, list, "auto", "cpu", false, probe_options);
  ASSERT_TRUE(choice.has_value()) << choice.error().message;
  std::string notes;
  for (const auto& note : choice->notes) notes += note + "\n";
  ASSERT_EQ(choice->order.size(), 2u) << notes;
  EXPECT_EQ(choice->order[0].index_url, fast.url()) << notes;
  EXPECT_EQ(choice->order[1].index_url, slow.url()) << notes;

  auto outcome = install(choice->order, {});
  EXPECT_TRUE(outcome.ok) << outcome.message << "\n" << seen_;
  ASSERT_EQ(outcome.commands.size(), 1u) << seen_;
  EXPECT_TRUE(contains(outcome.commands[0], fast.url()));
  EXPECT_EQ(fast.file_requests(), 1);
  EXPECT_EQ(slow.file_requests(), 0);
  EXPECT_EQ(slow.page_requests(), 1);  // the probe only
  EXPECT_EQ(outcome.state, installed_state());
}


// pip reads extra-index-url from its configuration next to torchup's --index-url, and
// a local version sorts above another of the same release ("+cu126" > "+cpu", PEP 440):
// the plan's +cpu index loses to the extra index's +cu126 wheel. torchup reads pip's
// settings with the real pip, notices the installed build is not the planned one, and
// names the setting it came through.
TEST_F(InstallFailurePaths, TorchFromPipsExtraIndexIsNotThePlannedBuildAndSaysWhere) {
  auto cpu_wheel = torchup::testing::make_test_wheel(dir_.str() + "/cpu", "2.12.0+cpu");
  auto cuda_wheel = torchup::testing::make_test_wheel(dir_.str() + "/cu126", "2.12.0+cu126");
  ASSERT_TRUE(cpu_wheel.error.empty() && cuda_wheel.error.empty()) << cpu_wheel.error << cuda_wheel.error;
  LocalIndex planned(cpu_wheel.name, cpu_wheel.bytes, cpu_wheel.sha256);
  LocalIndex extra(cuda_wheel.name, cuda_wheel.bytes, cuda_wheel.sha256);
  dir_.write("pip.conf", "[global]\nextra-index-url = " + extra.url() + "\n");

  InstallRequest request;
  request.plan.torch = "2.12.0";
  request.plan.platform = "cpu";
  request.plan.index_url = planned.url();
  request.python = python_;
  request.sources = {{"official", planned.url(), ""}};
  request.env = pip_env();
  request.env.erase("PIP_EXTRA_INDEX_URL");
  request.env["PIP_CONFIG_FILE"] = dir_.str() + "/pip.conf";
  request.step_timeout = std::chrono::seconds(120);
  request.pip_settings = read_pip_settings(host_, python_, request.env);
  ASSERT_TRUE(request.pip_settings.read) << request.pip_settings.unread_reason;
  ASSERT_EQ(request.pip_settings.extra_index_urls.size(), 1u);
  auto outcome = run_install(host_, catalogue_, request, [&](std::string_view chunk) { seen_ += chunk; });

  EXPECT_FALSE(outcome.ok) << seen_;
  EXPECT_EQ(outcome.failure_id.value_or("none"), "wrong-build") << outcome.message << "\n" << seen_;
  EXPECT_EQ(outcome.installed_version, "2.12.0+cu126") << seen_;
  EXPECT_EQ(extra.file_requests(), 1);
  EXPECT_EQ(planned.file_requests(), 0);
  EXPECT_EQ(outcome.message, "pip installed torch 2.12.0+cu126, not the planned 2.12.0+cpu; pip also looked in " +
                                 extra.url() +
                                 " (pip config global.extra-index-url), which pip reads next to torchup's "
                                 "--index-url: remove it (`pip config list` shows pip's settings) and install again");
  EXPECT_EQ(outcome.state, "torch 2.12.0+cu126 is installed in " + python_ +
                               "'s environment but it is not the planned build; nothing was rolled back");

  // Without the extra index the same plan, into a fresh copy of the venv, installs and
  // passes the check.
  std::filesystem::copy(template_venv_, dir_.str() + "/venv2",
                        std::filesystem::copy_options::recursive | std::filesystem::copy_options::copy_symlinks);
  request.python = dir_.str() + "/venv2/bin/python";
  request.env["PIP_CONFIG_FILE"] = "/dev/null";
  request.pip_settings = read_pip_settings(host_, python_, request.env);
  auto again = run_install(host_, catalogue_, request, [&](std::string_view chunk) { seen_ += chunk; });
  EXPECT_TRUE(again.ok) << again.message << "\n" << seen_;
  EXPECT_EQ(again.installed_version, "2.12.0+cpu");
  EXPECT_EQ(planned.file_requests(), 1);
}

}  // namespace
}  // namespace torchup::act
