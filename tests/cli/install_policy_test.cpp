// install's policy as tables over values and a scripted host: the situation before
// anything runs -> what install does; the plan and PATH -> the installer; a failure
// kind -> the next attempt; how an install ended -> the exit code.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>

#include "act/install.h"
#include "app/install.h"
#include "data/store.h"
#include "host/scripted.h"
#include "support/install_outputs.h"
#include "support/run_cli.h"
#include "support/temp_dir.h"

namespace torchup::app {
namespace {

using act::Installer;
using torchup::testing::linux_x86_64;
using act::Remedy;

TEST(InstallPolicy, StartDecisions) {
  struct Case {
    StartSituation situation;  // pep668_blocks, dry_run, yes, interactive, have_home
    StartDecision expected;
  };
  const Case cases[] = {
      {{false, true, false, false, false}, StartDecision::kRun},           // dry run: nothing to confirm
      {{true, true, false, true, true}, StartDecision::kRun},              // dry run under PEP 668: the note only
      {{false, false, true, false, false}, StartDecision::kRun},           // --yes
      {{false, false, false, true, true}, StartDecision::kAskToInstall},   // at a terminal
      {{false, false, false, false, true}, StartDecision::kNeedTerminal},  // nobody to ask
      {{true, false, false, true, true}, StartDecision::kOfferVenv},       // PEP 668 at a terminal
      {{true, false, false, true, false}, StartDecision::kAskToInstall},   // no HOME: nowhere to offer
      {{true, false, true, true, true}, StartDecision::kStopPep668},       // PEP 668 with --yes
      {{true, false, true, false, false}, StartDecision::kStopPep668},
      {{true, false, false, false, true}, StartDecision::kNeedTerminal},
  };
  for (const auto& c : cases) {
    const auto& s = c.situation;
    EXPECT_EQ(decide_start(s), c.expected) << "pep668=" << s.pep668_blocks << " dry=" << s.dry_run << " yes=" << s.yes
                                           << " tty=" << s.interactive << " home=" << s.have_home;
  }
}

TEST(InstallPolicy, RemediesByFailureKind) {
  struct Case {
    const char* failure;
    int tries_on_index, tries_in_install;
    Installer installer;
    Remedy expected;
  };
  const Case cases[] = {
      {"pip-memoryerror", 0, 0, Installer::kPip, Remedy::kRetryWithoutCache},
      {"pip-memoryerror", 0, 0, Installer::kUv, Remedy::kRetryWithoutCache},
      {"pip-memoryerror", 0, 1, Installer::kPip, Remedy::kStop},  // once per install, not per index
      {"pip-memoryerror", 0, 0, Installer::kConda, Remedy::kStop},  // conda has no --no-cache-dir
      {"network-timeout", 0, 0, Installer::kPip, Remedy::kRetryAfterPause},
      {"network-timeout", 1, 1, Installer::kPip, Remedy::kNextIndex},
      {"network-timeout", 0, 3, Installer::kPip, Remedy::kRetryAfterPause},  // a new index: one retry again
      {"hash-mismatch-truncated-download", 0, 0, Installer::kPip, Remedy::kNextIndex},
      {"ssl-proxy", 0, 0, Installer::kPip, Remedy::kNextIndex},
      {"dns-failure", 0, 0, Installer::kPip, Remedy::kNextIndex},
      {"index-without-torch", 0, 0, Installer::kPip, Remedy::kNextIndex},
      {"pep668-externally-managed", 0, 0, Installer::kPip, Remedy::kStop},
      {"disk-space", 0, 0, Installer::kPip, Remedy::kStop},
      {"no-wheel-for-python-version", 0, 0, Installer::kPip, Remedy::kStop},
      {"", 0, 0, Installer::kPip, Remedy::kStop},  // unknown failure
  };
  for (const auto& c : cases) {
    EXPECT_EQ(act::remedy_for(c.failure, c.tries_on_index, c.tries_in_install, c.installer), c.expected)
        << c.failure << " tries " << c.tries_on_index << "/" << c.tries_in_install << " with "
        << act::to_string(c.installer);
  }
}

TEST(InstallPolicy, ExitCodesInOnePlace) {
  EXPECT_EQ(exit_code(InstallEnd::kInstalled), 0);
  EXPECT_EQ(exit_code(InstallEnd::kNoFit), 1);
  EXPECT_EQ(exit_code(InstallEnd::kDeclined), 1);
  EXPECT_EQ(exit_code(InstallEnd::kVerifyFailed), 1);
  EXPECT_EQ(exit_code(InstallEnd::kWrongBuild), 1);
  EXPECT_EQ(exit_code(InstallEnd::kFailed), 3);
  EXPECT_EQ(exit_code(InstallEnd::kInterrupted), 130);

  // Failure kinds -> how the install ended.
  using F = act::InstallFailure;
  const std::pair<F, InstallEnd> kinds[] = {
      {F::kVerifyFailed, InstallEnd::kVerifyFailed}, {F::kWrongBuild, InstallEnd::kWrongBuild},
      {F::kInterrupted, InstallEnd::kInterrupted},   {F::kLocked, InstallEnd::kFailed},
      {F::kPep668, InstallEnd::kFailed},             {F::kInstallerFailed, InstallEnd::kFailed},
      {F::kEveryIndexFailed, InstallEnd::kFailed},   {F::kImportFailed, InstallEnd::kFailed},
      {F::kNotStarted, InstallEnd::kFailed},         {F::kNoFit, InstallEnd::kNoFit},
  };
  for (const auto& [failure, end] : kinds) {
    act::InstallOutcome outcome;
    outcome.failure = failure;
    EXPECT_EQ(end_of(outcome), end) << act::to_string(failure);
  }
  act::InstallOutcome ok;
  ok.ok = true;
  EXPECT_EQ(end_of(ok), InstallEnd::kInstalled);
}

// A PATH with the programs named (empty executable files in a temp dir).
struct PathWith {
  explicit PathWith(const std::vector<std::string>& programs) {
    for (const auto& p : programs) {
#ifdef _WIN32
      const std::string file = p + ".exe";  // Windows finds programs by PATHEXT
#else
      const std::string file = p;
#endif
      std::ofstream(dir.path() / file) << "";
      std::filesystem::permissions(dir.path() / file, std::filesystem::perms::owner_all);
    }
  }
  torchup::testing::TempDir dir;
};

model::Plan plan_for(const std::string& package) {
  model::Plan plan;
  plan.fits = true;
  plan.torch = "2.5.1";
  plan.package = package;
  return plan;
}

TEST(InstallPolicy, InstallerChoice) {
  struct Case {
    std::string package, asked;
    std::vector<std::string> on_path;
    std::optional<Installer> expected;  // nullopt: an error
    std::string note_or_error;
  };
  const std::vector<Case> cases = {
      {"pip", "auto", {}, Installer::kPip, ""},
      {"uv", "auto", {"uv"}, Installer::kUv, ""},
      {"uv", "auto", {}, Installer::kPip, "uv is not on PATH; using pip with the same packages and index"},
      {"pip", "uv", {}, Installer::kPip, "uv is not on PATH"},
      {"pip", "uv", {"uv"}, Installer::kUv, ""},
      {"conda", "auto", {"conda"}, Installer::kConda, ""},
      {"conda", "mamba", {"conda", "mamba"}, Installer::kMamba, ""},
      {"conda", "mamba", {"conda"}, Installer::kConda, "mamba is not on PATH; using conda"},
      {"conda", "auto", {}, std::nullopt, "conda is not on PATH"},
      {"conda", "pip", {"conda"}, std::nullopt, "cannot run a conda plan"},
      {"pip", "conda", {"conda"}, std::nullopt, "needs a conda plan"},
      {"libtorch", "auto", {}, std::nullopt, "LibTorch is a zip archive"},
  };
  for (const auto& c : cases) {
    PathWith path(c.on_path);
    // This computer's own conventions (PATH separator, PATHEXT): the programs are real files.
    host::FakeMachine machine("/", {{"PATH", path.dir.str()}}, host::live_system_facts(), true);
    auto choice = choose_installer(machine.host(), plan_for(c.package), c.asked);
    const std::string where = c.package + " plan, --installer " + c.asked;
    if (!c.expected) {
      ASSERT_FALSE(choice) << where;
      EXPECT_NE(choice.error().message.find(c.note_or_error), std::string::npos) << where << ": " << choice.error().message;
      continue;
    }
    ASSERT_TRUE(choice) << where << ": " << choice.error().message;
    EXPECT_EQ(choice->installer, *c.expected) << where;
    EXPECT_NE(choice->note.find(c.note_or_error), std::string::npos) << where << ": " << choice->note;
    if (c.note_or_error.empty()) {
      EXPECT_TRUE(choice->note.empty()) << where << ": " << choice->note;
    }
    if (choice->installer != Installer::kPip) {
      EXPECT_EQ(choice->program.find(path.dir.str()), 0u) << where;
    }
  }
}

using torchup::testing::captured_output;

// The attempt loop over a scripted pip: each index answers with its captured
// outputs in turn; the failure kinds decide retry / next index / stop.
TEST(InstallPolicy, AttemptLoopFollowsTheRemedies) {
  struct Case {
    const char* name;
    std::vector<std::vector<std::string>> answers;  // per index: captured output file, "ok" = success
    bool ok;
    act::InstallFailure failure;
    std::size_t runs;               // installer runs
    std::optional<std::size_t> used;  // the index that installed
    std::chrono::milliseconds slept;
  };
  using F = act::InstallFailure;
  using std::chrono::milliseconds;
  const std::vector<Case> cases = {
      {"memory error: again without the cache", {{"pip-memoryerror.txt", "ok"}}, true, F::kNone, 2, 0, milliseconds(0)},
      {"network: one retry after a pause, then the next index",
       {{"pip-connection-dropped.txt", "pip-connection-dropped.txt"}, {"ok"}}, true, F::kNone, 3, 1, milliseconds(1000)},
      {"hash mismatch: straight to the next index", {{"pip-hash-mismatch.txt"}, {"ok"}}, true, F::kNone, 2, 1,
       milliseconds(0)},
      {"every index failing", {{"pip-hash-mismatch.txt"}, {"pip-hash-mismatch.txt"}}, false, F::kEveryIndexFailed, 2,
       std::nullopt, milliseconds(0)},
      {"PEP 668 stops", {{"pip-externally-managed.txt"}, {"ok"}}, false, F::kPep668, 1, std::nullopt, milliseconds(0)},
      {"unknown failure stops", {{"none"}, {"ok"}}, false, F::kInstallerFailed, 1, std::nullopt, milliseconds(0)},
  };
  const auto kinds = torchup::testing::failure_catalogue();
  for (const auto& c : cases) {
    host::FakeMachine machine("/nonexistent", {}, linux_x86_64(), true);
    act::InstallRequest request;
    request.plan.torch = "2.12.0";
    request.python = "/py";
    for (std::size_t i = 0; i < c.answers.size(); ++i) {
      const std::string url = "https://index" + std::to_string(i) + "/simple";
      request.sources.push_back({url, url, ""});
    }
    std::vector<std::size_t> next(c.answers.size(), 0);
    machine.runner().set_fallback([&](const std::vector<std::string>& argv) {
      host::ProcessResult r;
      r.started = true;
      if (argv.size() > 1 && argv[1] == "-c") {  // import torch
        r.exit_code = 0;
        r.out = "2.12.0\n";
        return r;
      }
      std::size_t index = 0;
      for (std::size_t i = 0; i < argv.size(); ++i) {
        if (argv[i] == "--index-url") index = static_cast<std::size_t>(argv[i + 1][13] - '0');
      }
      const auto& script = c.answers[index];
      const std::string answer = script[std::min(next[index]++, script.size() - 1)];
      r.exit_code = answer == "ok" ? 0 : 1;
      r.out = answer == "ok" ? "Successfully installed torch-2.12.0\n" : answer == "none" ? "it broke\n" : captured_output(answer);
      return r;
    });
    auto outcome = act::run_install(machine.host(), kinds, request, nullptr);
    EXPECT_EQ(outcome.ok, c.ok) << c.name << ": " << outcome.message;
    EXPECT_EQ(outcome.failure, c.failure) << c.name << ": " << act::to_string(outcome.failure);
    std::size_t runs = 0;
    for (const auto& argv : outcome.commands) runs += argv.size() > 2 && argv[2] == "pip" ? 1 : 0;
    EXPECT_EQ(runs, c.runs) << c.name;
    if (c.used) {
      ASSERT_TRUE(outcome.source_used) << c.name;
      EXPECT_EQ(outcome.source_used->index_url, request.sources[*c.used].index_url) << c.name;
    }
    EXPECT_EQ(machine.clock().slept(), c.slept) << c.name;
    EXPECT_FALSE(outcome.state.empty()) << c.name;
  }
}

// `install --yes` on an externally-managed (PEP 668) interpreter does what `install
// --help` says: it stops before pip runs, with exit 1 and "Nothing installed" (before,
// the help did not mention the stop and the run said "Install failed" with exit 3).
TEST(InstallPolicy, Pep668UnderYesDoesWhatTheHelpSays) {
#ifdef _WIN32
  GTEST_SKIP() << "a Linux fixture machine (POSIX interpreter paths)";
#endif
  host::FakeMachine machine(std::string(TORCHUP_TEST_DIR) + "/fixtures/machines/nvidia-desktop",
                            {{"PATH", "/usr/bin"}, {"HOME", "/home/u"}}, linux_x86_64(), true);
  machine.runner().set_fallback([](const std::vector<std::string>& argv) {
    host::ProcessResult r;
    if (argv.size() >= 3 && argv[0] == "/usr/bin/python3" && argv[1] == "-c" &&
        argv[2].find("EXTERNALLY-MANAGED") != std::string::npos) {
      r.started = true;
      r.exit_code = 0;
      r.out = "/usr/bin/python3\n3.10\n64\n/usr\n1\n";  // executable, version, bits, prefix, PEP 668 marker
    }
    return r;
  });
  auto help = torchup::testing::run_cli(machine.host(), {"install", "--help"});
  ASSERT_EQ(help.code, 0) << help.err;
  EXPECT_NE(help.out.find("with --yes it stops before pip runs (exit 1; add --venv DIR)"), std::string::npos) << help.out;
  EXPECT_NE(help.out.find("1 nothing fits / declined / stopped (PEP 668 with --yes)"), std::string::npos) << help.out;

  auto r = torchup::testing::run_cli(machine.host(), {"install", "--python", "/usr/bin/python3", "--platform", "cpu", "--yes"});
  EXPECT_EQ(r.code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("Nothing installed: /usr/bin/python3 is externally managed (PEP 668)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("State: nothing was changed: pip was not run"), std::string::npos) << r.out;
  auto j = nlohmann::json::parse(
      torchup::testing::run_cli(machine.host(), {"install", "--python", "/usr/bin/python3", "--platform", "cpu", "--yes",
                                                 "--json"}).out,
      nullptr, false);
  ASSERT_FALSE(j.is_discarded());
  EXPECT_EQ(j["failure_id"], "pep668-externally-managed") << j.dump(2);
  for (const auto& call : machine.runner().calls()) {
    EXPECT_FALSE(call.size() > 2 && call[1] == "-m" && (call[2] == "pip" || call[2] == "venv")) << "ran " << call[0];
  }
}

}  // namespace
}  // namespace torchup::app
