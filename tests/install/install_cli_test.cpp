// `torchup install` through the real binary: the plan options, --dry-run output for
// pip, uv and conda plans (fake uv/conda programs on PATH: a dry run never runs
// them), usage errors (--root, an insecure mirror), --json, and the lock: this test
// process holds the environment's flock and the real install must refuse; and one
// whole install with real pip from a PEP 503 index on 127.0.0.1 whose "torch" is a
// stub package, so verify fails after installing and the state must say so.
#include <gtest/gtest.h>
#include <httplib.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "host/host.h"
#include "support/run_binary.h"
#include "support/temp_dir.h"

namespace torchup {
namespace {

using torchup::testing::TempDir;

const char* kPython = "/usr/bin/python3";

host::ProcessResult torchup(const std::vector<std::string>& args, std::map<std::string, std::string> env = {}) {
  return ::torchup::testing::run_torchup(args, std::move(env));
}

bool have_python() { return std::filesystem::exists(kPython); }

// A directory with fake `uv`, `conda` and `mamba` programs (a dry run only looks them up).
std::string fake_bin(const TempDir& dir) {
  for (const char* name : {"uv", "conda", "mamba"}) {
    dir.write(std::string("bin/") + name, "#!/bin/sh\necho fake >&2\nexit 99\n");
    std::filesystem::permissions(dir.path() / "bin" / name, std::filesystem::perms::owner_all);
  }
  return (dir.path() / "bin").string();
}

std::string path_with(const std::string& first) {
  const char* path = std::getenv("PATH");
  return first + ":" + (path ? path : "/usr/bin:/bin");
}

TEST(InstallCli, HelpListsTheInstallOptions) {
  auto r = torchup({"install", "--help"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const char* option : {"--venv", "--installer", "--mirror", "--dry-run", "--yes", "--allow-insecure", "--json",
                             "--platform", "--torch", "--package", "--python"}) {
    EXPECT_NE(r.out.find(option), std::string::npos) << option;
  }
}

TEST(InstallCli, DryRunPipPlanShowsTheVerdictAndTheCommand) {
  if (!have_python()) GTEST_SKIP() << "no /usr/bin/python3";
  auto r = torchup({"install", "--platform", "cpu", "--python", kPython, "--dry-run"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("Plan: torch "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("(cpu) for Python 3."), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(" with pip, into "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Would run:\n  /usr/bin/python3 -m pip install torch=="), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("--index-url https://download.pytorch.org/whl/cpu"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("State: dry run: nothing was changed"), std::string::npos) << r.out;
}

TEST(InstallCli, DryRunUvPlanUsesUvPipInstallWithThePython) {
  if (!have_python()) GTEST_SKIP() << "no /usr/bin/python3";
  TempDir dir;
  std::string bin = fake_bin(dir);
  auto r = torchup({"install", "--platform", "cpu", "--package", "uv", "--python", kPython, "--dry-run"},
                   {{"PATH", path_with(bin)}});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find(" with uv, into "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("  " + bin + "/uv pip install --python /usr/bin/python3 torch=="), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("--index-url https://download.pytorch.org/whl/cpu"), std::string::npos) << r.out;

  // uv's own extra index is consulted first: the plan says so; pip's settings do not apply.
  auto extra = torchup({"install", "--platform", "cpu", "--package", "uv", "--python", kPython, "--dry-run"},
                       {{"PATH", path_with(bin)},
                        {"UV_EXTRA_INDEX_URL", "https://download.pytorch.org/whl/cu126"},
                        {"PIP_EXTRA_INDEX_URL", "https://pip-only.example/simple"}});
  ASSERT_EQ(extra.exit_code, 0) << extra.out << extra.err;
  EXPECT_NE(extra.out.find("  uv config: uv also looks in https://download.pytorch.org/whl/cu126 (UV_EXTRA_INDEX_URL), "
                           "before torchup's --index-url"),
            std::string::npos)
      << extra.out;
  EXPECT_EQ(extra.out.find("pip-only.example"), std::string::npos) << extra.out;
}

TEST(InstallCli, UvAskedButMissingFallsBackToPipWithANote) {
  if (!have_python()) GTEST_SKIP() << "no /usr/bin/python3";
  TempDir dir;
  std::filesystem::create_directories(dir.path() / "empty");
  auto r = torchup({"install", "--platform", "cpu", "--installer", "uv", "--python", kPython, "--dry-run"},
                   {{"PATH", (dir.path() / "empty").string()}});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("uv is not on PATH; using pip"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("/usr/bin/python3 -m pip install"), std::string::npos) << r.out;
}

TEST(InstallCli, DryRunCondaPlanInstallsIntoTheEnvPrefixFromTheChannels) {
  if (!have_python()) GTEST_SKIP() << "no /usr/bin/python3";
  TempDir dir;
  std::string bin = fake_bin(dir);
  const std::string env = (dir.path() / "env").string();
  auto r = torchup({"install", "--platform", "cpu", "--package", "conda", "--torch", "2.5.1", "--python", kPython,
                    "--venv", env, "--dry-run"},
                   {{"PATH", path_with(bin)}});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find(" with conda, into a new conda env " + env), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("  " + bin + "/conda create -y -p " + env + " python=3."), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("  " + bin + "/conda install -y -p " + env + " pytorch==2.5.1"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("-c pytorch"), std::string::npos) << r.out;
  EXPECT_FALSE(std::filesystem::exists(env)) << "a dry run must not create the env";
}

TEST(InstallCli, CondaPlanRefusesAPrefixThatIsNotACondaEnv) {
  if (!have_python()) GTEST_SKIP() << "no /usr/bin/python3";
  TempDir dir;
  std::string bin = fake_bin(dir);
  auto r = torchup({"install", "--platform", "cpu", "--package", "conda", "--torch", "2.5.1", "--python", kPython,
                    "--dry-run"},
                   {{"PATH", path_with(bin)}});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("is not a conda environment"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("--venv DIR"), std::string::npos) << r.err;
}

TEST(InstallCli, CondaInstallerOnAPipPlanIsAUsageError) {
  if (!have_python()) GTEST_SKIP() << "no /usr/bin/python3";
  auto r = torchup({"install", "--platform", "cpu", "--installer", "conda", "--python", kPython, "--dry-run"});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("--installer conda needs a conda plan"), std::string::npos) << r.err;
}

TEST(InstallCli, RootAndProfileAreRefused) {
  auto root = torchup({"install", "--root", "/", "--dry-run"});
  EXPECT_EQ(root.exit_code, 2);
  EXPECT_NE(root.err.find("--root describes another machine; install only runs on this one"), std::string::npos)
      << root.err;
  auto profile = torchup({"install", "--profile", "machine.json", "--dry-run"});
  EXPECT_EQ(profile.exit_code, 2);
  EXPECT_NE(profile.err.find("--profile describes another machine"), std::string::npos) << profile.err;
}

TEST(InstallCli, InsecureMirrorIsRefusedUnlessAllowed) {
  if (!have_python()) GTEST_SKIP() << "no /usr/bin/python3";
  auto refused = torchup({"install", "--platform", "cpu", "--python", kPython, "--mirror",
                          "http://mirror.example/whl/cpu", "--dry-run"});
  EXPECT_EQ(refused.exit_code, 2) << refused.out << refused.err;
  EXPECT_NE(refused.err.find("http://mirror.example/whl/cpu"), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find("--allow-insecure"), std::string::npos) << refused.err;
  EXPECT_EQ(refused.out.find("Would run"), std::string::npos);
  auto allowed = torchup({"install", "--platform", "cpu", "--python", kPython, "--mirror",
                          "http://mirror.example/whl/cpu", "--allow-insecure", "--dry-run"});
  ASSERT_EQ(allowed.exit_code, 0) << allowed.out << allowed.err;
  EXPECT_NE(allowed.out.find("--index-url http://mirror.example/whl/cpu"), std::string::npos) << allowed.out;
}

TEST(InstallCli, MirrorUrlsComeFirstInOrderAndTheOfficialIndexLast) {
  if (!have_python()) GTEST_SKIP() << "no /usr/bin/python3";
  auto r = torchup({"install", "--platform", "cpu", "--python", kPython, "--mirror", "http://127.0.0.1:9/a",
                    "--mirror", "http://127.0.0.1:9/b", "--dry-run"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  auto a = r.out.find("=http://127.0.0.1:9/a");
  auto b = r.out.find("=http://127.0.0.1:9/b");
  auto official = r.out.find("=https://download.pytorch.org/whl/cpu");
  ASSERT_NE(a, std::string::npos) << r.out;
  ASSERT_NE(b, std::string::npos) << r.out;
  ASSERT_NE(official, std::string::npos) << r.out;
  EXPECT_LT(a, b);
  EXPECT_LT(b, official);
  EXPECT_NE(r.out.find("--index-url http://127.0.0.1:9/a\n"), std::string::npos) << r.out;
}

TEST(InstallCli, JsonDryRunIsTheInstallContract) {
  if (!have_python()) GTEST_SKIP() << "no /usr/bin/python3";
  auto r = torchup({"install", "--platform", "cpu", "--python", kPython, "--dry-run", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  auto j = nlohmann::json::parse(r.out, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << r.out;
  EXPECT_EQ(j["schema"], "torchup.install/1");
  EXPECT_EQ(j["ok"], true);
  EXPECT_EQ(j["dry_run"], true);
  EXPECT_EQ(j["installer"], "pip");
  EXPECT_EQ(j["plan"]["platform"], "cpu");
  ASSERT_EQ(j["commands"].size(), 1u);
  EXPECT_EQ(j["commands"][0][0], kPython);
  EXPECT_NE(r.err.find("Plan: torch"), std::string::npos) << "the verdict goes to stderr with --json";
}

TEST(InstallCli, ExternallyManagedPythonIsNamedBeforeAnythingRuns) {
  // Debian 12's python3 carries the PEP 668 marker: pip would refuse; the dry run
  // says so and names the fix, and a venv (marker ignored) or --venv is not warned about.
  if (!std::filesystem::exists("/usr/lib/python3.11/EXTERNALLY-MANAGED")) GTEST_SKIP() << "no PEP 668 marker here";
  const std::string warning = "/usr/bin/python3 is externally managed (PEP 668): pip will refuse to install into /usr";
  auto r = torchup({"install", "--platform", "cpu", "--python", kPython, "--dry-run"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("  ! " + warning), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("add --venv ~/.venvs/torch"), std::string::npos) << r.out;
  EXPECT_LT(r.out.find(warning), r.out.find("Would run:")) << r.out;

  auto j = nlohmann::json::parse(torchup({"install", "--platform", "cpu", "--python", kPython, "--dry-run", "--json"}).out,
                                 nullptr, false);
  ASSERT_TRUE(j.contains("notes")) << j.dump();
  EXPECT_NE(j["notes"].dump().find(warning), std::string::npos) << j.dump();

  TempDir dir;
  auto with_venv = torchup({"install", "--platform", "cpu", "--python", kPython, "--venv",
                            (dir.path() / "v").string(), "--dry-run"});
  EXPECT_EQ(with_venv.out.find("externally managed"), std::string::npos) << with_venv.out;

  auto made = host::make_process_runner()->run({kPython, "-m", "venv", "--without-pip", (dir.path() / "plain").string()},
                                               host::RunOptions{});
  ASSERT_TRUE(made.ok()) << made.err;
  auto in_venv = torchup({"install", "--platform", "cpu", "--python", (dir.path() / "plain/bin/python").string(),
                          "--dry-run"});
  ASSERT_EQ(in_venv.exit_code, 0) << in_venv.out << in_venv.err;
  EXPECT_EQ(in_venv.out.find("externally managed"), std::string::npos) << in_venv.out;
}

// With --yes nobody can be asked where a venv should go: install stops before pip
// runs (pip would only refuse), says why and how, and changes nothing. pip's own
// break-system-packages setting is the user's explicit choice: then pip runs, and the
// plan says what that setting does.
TEST(InstallCli, ExternallyManagedPythonWithYesStopsBeforePipRuns) {
  if (!std::filesystem::exists("/usr/lib/python3.11/EXTERNALLY-MANAGED")) GTEST_SKIP() << "no PEP 668 marker here";
  const std::map<std::string, std::string> isolated{{"PIP_CONFIG_FILE", "/dev/null"}, {"PIP_BREAK_SYSTEM_PACKAGES", ""}};
  auto r = torchup({"install", "--platform", "cpu", "--python", kPython, "--yes"}, isolated);
  // 1, not 3: pip never ran and nothing failed (`install --help`: "1 ... stopped (PEP 668 with --yes)").
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("Nothing installed: /usr/bin/python3 is externally managed (PEP 668): pip will refuse to install "
                       "into /usr. Install into a virtual environment instead: add --venv ~/.venvs/torch (or run "
                       "without --yes to be offered one)"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("State: nothing was changed: pip was not run"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("torchup: running"), std::string::npos) << r.out;

  auto j = nlohmann::json::parse(
      torchup({"install", "--platform", "cpu", "--python", kPython, "--yes", "--json"}, isolated).out, nullptr, false);
  ASSERT_FALSE(j.is_discarded());
  EXPECT_EQ(j["failure_id"], "pep668-externally-managed") << j.dump(2);
  EXPECT_EQ(j["commands"].size(), 0u) << j.dump(2);

  auto broken = isolated;
  broken["PIP_BREAK_SYSTEM_PACKAGES"] = "1";
  auto dry = torchup({"install", "--platform", "cpu", "--python", kPython, "--dry-run"}, broken);
  EXPECT_EQ(dry.exit_code, 0) << dry.out << dry.err;
  EXPECT_NE(dry.out.find("  ! /usr/bin/python3 is externally managed (PEP 668), but pip's break-system-packages "
                         "(PIP_BREAK_SYSTEM_PACKAGES) is on: pip will install into /usr over the system's own "
                         "packages, which can break them"),
            std::string::npos)
      << dry.out;
}

// Runs torchup on a pseudo-terminal (as a person at a shell would), answers its one
// question with `answer`, and returns everything it printed and its exit status.
struct TtyRun {
  std::string out;
  int exit_code = -1;
  bool asked = false;
};
TtyRun torchup_on_a_tty(const std::vector<std::string>& args, const std::map<std::string, std::string>& env,
                        const std::string& question, const std::string& answer) {
  TtyRun run;
  std::vector<std::string> argv_text = {TORCHUP_BINARY};
  argv_text.insert(argv_text.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_text) argv.push_back(a.data());
  argv.push_back(nullptr);
  int master = -1;
  const pid_t pid = ::forkpty(&master, nullptr, nullptr, nullptr);
  if (pid < 0) return run;
  if (pid == 0) {
    for (const auto& [key, value] : env) ::setenv(key.c_str(), value.c_str(), 1);
    ::setenv("NO_COLOR", "1", 1);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(240);
  char buf[4096];
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd p{master, POLLIN, 0};
    if (::poll(&p, 1, 200) > 0) {
      ssize_t n = ::read(master, buf, sizeof(buf));
      if (n <= 0) break;  // EIO: the child closed the terminal
      run.out.append(buf, static_cast<std::size_t>(n));
    }
    if (!run.asked && run.out.find(question) != std::string::npos) {
      run.asked = true;
      const std::string line = answer + "\n";
      if (::write(master, line.data(), line.size()) < 0) break;
    }
  }
  int status = 0;
  if (::waitpid(pid, &status, WNOHANG) == 0) {
    ::kill(pid, SIGKILL);
    ::waitpid(pid, &status, 0);
  }
  ::close(master);
  if (WIFEXITED(status)) run.exit_code = WEXITSTATUS(status);
  return run;
}

// At a terminal the PEP 668 refusal becomes an offer: one question, and the answer
// decides. "n" changes nothing (here, on a real pseudo-terminal).
TEST(InstallCli, ExternallyManagedPythonAtATerminalIsOfferedAVenv) {
  if (!std::filesystem::exists("/usr/lib/python3.11/EXTERNALLY-MANAGED")) GTEST_SKIP() << "no PEP 668 marker here";
  TempDir home;
  const std::map<std::string, std::string> env{{"HOME", home.str()},        {"PIP_CONFIG_FILE", "/dev/null"},
                                               {"PIP_BREAK_SYSTEM_PACKAGES", ""}, {"PIP_FIND_LINKS", ""},
                                               {"PIP_RETRIES", "0"},           {"PIP_DISABLE_PIP_VERSION_CHECK", "1"}};
  const std::string venv = home.str() + "/.venvs/torch";
  const std::string question = "Create a venv at " + venv + " and install torch==";
  // A mirror on a closed port: the install itself cannot succeed, and needs no network.
  const std::vector<std::string> args{"install", "--platform", "cpu", "--python", kPython, "--mirror",
                                      "http://127.0.0.1:9/simple"};

  auto no = torchup_on_a_tty(args, env, question, "n");
  EXPECT_TRUE(no.asked) << no.out;
  EXPECT_EQ(no.exit_code, 1) << no.out;
  EXPECT_NE(no.out.find("Nothing installed: pip would refuse to install into /usr (PEP 668); run again with --venv DIR."),
            std::string::npos)
      << no.out;
  EXPECT_FALSE(std::filesystem::exists(venv));

  // Enter (yes) at the offer is CliOnFakeMachine.InstallAcceptingTheVenvOfferMakesItAndInstallsThere
  // (in process: the same decision without making a real venv and waiting out pip).
}

TEST(InstallCli, NothingFitsExplainsAndRunsNothing) {
  auto r = torchup({"install", "--python", "3.99", "--platform", "cpu", "--dry-run"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("No PyTorch build fits"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Nothing was installed"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("Would run"), std::string::npos) << r.out;
}

TEST(InstallCli, SecondInstallIntoTheSameEnvironmentIsRefusedByTheLock) {
  if (!have_python()) GTEST_SKIP() << "no /usr/bin/python3";
  TempDir dir;
  const auto venv = dir.path() / "venv";
  std::filesystem::create_directories(venv);
  const std::string lock_path = (venv / ".torchup-install.lock").string();
  int fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::flock(fd, LOCK_EX | LOCK_NB), 0);
  const std::string pid = std::to_string(::getpid());
  ASSERT_EQ(::write(fd, (pid + "\n").data(), pid.size() + 1), static_cast<ssize_t>(pid.size() + 1));
  auto r = torchup({"install", "--platform", "cpu", "--python", kPython, "--venv", venv.string(), "--yes",
                    "--mirror", "http://127.0.0.1:9/simple"});
  ::close(fd);
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_NE(r.out.find("another torchup install (pid " + pid + ") is installing into " + venv.string() +
                       "; wait for it to finish"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("State: nothing was changed by this run"), std::string::npos) << r.out;
  EXPECT_FALSE(std::filesystem::exists(venv / "pyvenv.cfg")) << "the venv must not be created";
}

// Ctrl-C while pip runs: the terminal signals torchup's process group only (pip runs
// in its own group), so torchup must pass the signal on, let pip stop, and report the
// state. The "python" here answers torchup's interpreter question from a script and
// runs `-m pip` as a real Python process that sleeps and handles KeyboardInterrupt
// the way pip does ("ERROR: Operation cancelled by user", exit 1). Its marker is written
// inside the try: a Ctrl-C that lands right after the marker is still the script's to handle
// (CI once saw one arrive between a marker written before the try and the try itself).
TEST(InstallCli, CtrlCStopsTheInstallerAndReportsTheState) {
  if (!have_python()) GTEST_SKIP() << "no /usr/bin/python3";
  TempDir dir;
  const auto prefix = dir.path() / "prefix";
  std::filesystem::create_directories(prefix);
  const std::string marks = dir.path().string();
  dir.write("python",
            "#!/bin/sh\n"
            "if [ \"$1\" = -c ]; then printf '%s\\n' \"$0\" 3.11 64 '" + prefix.string() + "' 0; exit 0; fi\n"
            "if [ \"$1\" = -m ] && [ \"$2\" = pip ] && [ \"$3\" = config ]; then exit 0; fi\n"
            "if [ \"$1\" = -m ] && [ \"$2\" = pip ]; then exec /usr/bin/python3 -c '\n"
            "import pathlib, sys, time\n"
            "marks = pathlib.Path(sys.argv[1])\n"
            "try:\n"
            "    (marks / \"started\").write_text(\"1\")\n"
            "    print(\"Collecting torch==2.12.0\", flush=True)\n"
            "    time.sleep(60)\n"
            "except KeyboardInterrupt:\n"
            "    (marks / \"stopped\").write_text(\"1\")\n"
            "    print(\"ERROR: Operation cancelled by user\", file=sys.stderr)\n"
            "    sys.exit(1)\n"
            "' '" + marks + "'; fi\n"
            "exit 2\n");
  std::filesystem::permissions(dir.path() / "python", std::filesystem::perms::owner_all);

  const std::string out_file = (dir.path() / "out.txt").string();
  std::vector<std::string> args = {TORCHUP_BINARY, "install", "--platform", "cpu", "--python",
                                   (dir.path() / "python").string(), "--yes"};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    int fd = ::open(out_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(fd, 1);
    ::dup2(fd, 2);
    ::setenv("NO_COLOR", "1", 1);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  auto wait_for = [](const std::function<bool()>& done, int seconds) {
    for (int i = 0; i < seconds * 20 && !done(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    return done();
  };
  const bool started = wait_for([&] { return std::filesystem::exists(dir.path() / "started"); }, 60);
  ::kill(pid, SIGINT);  // what the terminal sends to torchup's group on Ctrl-C
  int status = 0;
  bool reaped = false;
  const bool exited = wait_for([&] { return reaped || (reaped = ::waitpid(pid, &status, WNOHANG) == pid); }, 30);
  if (!exited) {
    ::kill(pid, SIGKILL);
    ::waitpid(pid, &status, 0);
  }
  std::ifstream in(out_file);
  std::stringstream text;
  text << in.rdbuf();
  const std::string out = text.str();
  ASSERT_TRUE(started) << out;
  ASSERT_TRUE(exited) << "torchup did not stop after Ctrl-C\n" << out;
  ASSERT_TRUE(WIFEXITED(status)) << "torchup died of signal " << WTERMSIG(status) << " instead of reporting\n" << out;
  EXPECT_EQ(WEXITSTATUS(status), 130) << out;
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "stopped")) << "pip did not get the Ctrl-C\n" << out;
  EXPECT_NE(out.find("ERROR: Operation cancelled by user"), std::string::npos) << out;
  EXPECT_NE(out.find("Interrupted: pip was stopped (Ctrl-C) while installing torch==2.14.1"), std::string::npos) << out;
  EXPECT_NE(out.find("State: the install was cut short: " + prefix.string() + " may hold part of it"), std::string::npos)
      << out;
  EXPECT_NE(out.find("torchup verify --python " + (dir.path() / "python").string()), std::string::npos) << out;
  EXPECT_EQ(out.find("Verify:"), std::string::npos) << "nothing is verified after an interrupt\n" << out;
}

// A PEP 503 index on 127.0.0.1 serving the given wheel files (name -> bytes).
class StubIndex {
 public:
  explicit StubIndex(std::map<std::string, std::pair<std::string, std::string>> wheels) {  // project -> file, bytes
    for (const auto& [project, wheel] : wheels) {
      const std::string file = wheel.first;
      const std::string bytes = wheel.second;
      server_.Get("/simple/" + project + "/", [file](const httplib::Request&, httplib::Response& res) {
        res.set_content("<a href=\"/files/" + file + "\">" + file + "</a>", "text/html");
      });
      server_.Get("/files/" + file, [bytes](const httplib::Request&, httplib::Response& res) {
        res.set_content(bytes, "application/octet-stream");
      });
    }
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }
  ~StubIndex() {
    server_.stop();
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/simple"; }

 private:
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
};

std::string slurp(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

TEST(InstallCli, RealPipIntoNewVenvThenVerifyFailsOnAStubTorchAndTheStateSaysSo) {
  if (!have_python()) GTEST_SKIP() << "no /usr/bin/python3";
  auto plan_run = torchup({"plan", "--platform", "cpu", "--python", kPython, "--json"});
  ASSERT_EQ(plan_run.exit_code, 0) << plan_run.err;
  auto plan = nlohmann::json::parse(plan_run.out);
  TempDir dir;
  std::map<std::string, std::pair<std::string, std::string>> wheels;
  auto runner = host::make_process_runner();
  host::RunOptions quiet;
  quiet.timeout = std::chrono::seconds(60);
  for (const char* project : {"torch", "torchvision", "torchaudio"}) {
    if (!plan[project].is_string()) continue;
    std::string version = plan[project];
    auto made = runner->run({kPython, std::string(TORCHUP_TEST_DIR) + "/install/scripts/make_wheel.py",
                             dir.str() + "/w", project, version},
                            quiet);
    ASSERT_TRUE(made.ok()) << made.err;
    std::string file = made.out.substr(0, made.out.find(' '));
    wheels[project] = {file, slurp(dir.path() / "w" / file)};
  }
  StubIndex index(wheels);
  const std::string venv = (dir.path() / "venv").string();
  auto r = torchup({"install", "--platform", "cpu", "--python", kPython, "--venv", venv, "--yes", "--mirror",
                    index.url()},
                   {{"PIP_CONFIG_FILE", "/dev/null"}, {"PIP_FIND_LINKS", ""}, {"PIP_DISABLE_PIP_VERSION_CHECK", "1"},
                    {"PIP_NO_INPUT", "1"}});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;  // installed, but verify found problems
  EXPECT_NE(r.out.find("[1/3] creating venv " + venv), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("[2/3] installing torch=="), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("[3/3] verifying torch in " + venv + "/bin/python"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Successfully installed"), std::string::npos) << "pip's output is passed through\n" << r.out;
  EXPECT_NE(r.out.find("From: url " + index.url()), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Verify: FAILED"), std::string::npos) << r.out;
  // The stub has no torch.version, so the probe itself fails: the version is unknown.
  EXPECT_NE(r.out.find("State: torch is installed in " + venv + " but does not work as it should"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("nothing was rolled back"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("run `torchup doctor --python " + venv + "/bin/python`"), std::string::npos) << r.out;
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "venv" / ".torchup-install.lock"));
}

}  // namespace
}  // namespace torchup
