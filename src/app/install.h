// `install` as a task: plan for this computer and the interpreter, choose the
// installer, read pip's (or uv's) settings, decide about PEP 668 and confirmation,
// order the indexes, then act::run_install (lock, venv, attempts, verify).
// The decisions are values here so that they are tested as tables over a scripted
// host; the CLI only renders them.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "act/install.h"
#include "act/pip_config.h"
#include "app/plan.h"
#include "app/services.h"

namespace torchup::app {

// What the download's progress line shows (the CLI draws it on a terminal; nothing of
// it in --json).
struct FileProgress {
  std::size_t index = 0, count = 0;  // file index (0-based) of count
  std::string file_name;
  std::uint64_t done = 0;
  std::optional<std::uint64_t> total;
  double bytes_per_second = 0;  // over the last second or so
  std::string source;           // the host the bytes came from lately
  bool finished = false;
};
using ProgressLine = std::function<void(const FileProgress&)>;

struct InstallOptions {
  PlanRequest plan;                  // the plan options (--root/--profile are refused)
  std::vector<std::string> mirrors;  // --mirror SPEC...
  std::string venv;                  // --venv DIR
  std::string installer = "auto";    // auto, pip, uv, conda, mamba
  bool dry_run = false;
  bool yes = false;
  bool allow_insecure = false;
  std::string from;                  // --from DIR: a bundle torchup fetch wrote (no network)
  std::string download = "torchup";  // --download torchup|pip: who downloads the wheels
  std::string lock;                  // --lock FILE: a fleet lock (app/fleet.h); --root/--profile
                                     // then say which machine picks the group
  bool verify = true;                // --no-verify: only `import torch` and the version
  ProgressLine progress;             // the download's progress (unset: none)
};

struct InstallerChoice {
  act::Installer installer = act::Installer::kPip;
  std::string program;  // uv / conda / mamba (pip runs as `python -m pip`)
  std::string note;     // why another installer than asked ("uv is not on PATH; using pip ...")
};

// The plan's package decides the tool; `asked` (--installer) may ask for uv on a pip
// plan or mamba on a conda plan. A missing uv falls back to pip (same packages, same
// index); a missing mamba to conda. Errors: LibTorch, conda missing, mismatches.
Expected<InstallerChoice> choose_installer(const host::Host& host, const model::Plan& plan,
                                           const std::string& asked);

// What install does before anything runs, from the situation (pure).
enum class StartDecision {
  kRun,           // dry run, --yes, or nothing to ask
  kAskToInstall,  // "Install ...? [y/N]" at the terminal
  kOfferVenv,     // PEP 668 at a terminal: "Create a venv at ~/.venvs/torch ...? [Y/n]"
  kStopPep668,    // PEP 668 with --yes: stop before the installer runs (where a venv goes is the
                  // user's choice)
  kNeedTerminal,  // confirmation needed but nobody can answer: a usage error
};
struct StartSituation {
  bool pep668_blocks = false;  // the target is externally managed and nothing overrides it
  bool dry_run = false;
  bool yes = false;
  bool interactive = false;  // a person at the terminal
  bool have_home = false;    // $HOME set (where the offered venv would go)
};
StartDecision decide_start(const StartSituation& situation);

// Everything decided before the installer runs.
struct PreparedInstall {
  model::Plan plan;         // plan.fits false: nothing fits (nothing else is set)
  std::string interpreter;  // the Python installed into (or that makes the venv)
  act::InterpreterInfo described;
  InstallerChoice choice;
  act::PipSettings pip_settings;  // pip's (uv's) own settings
  std::vector<Text> notes;        // the PEP 668 sentence and the mirror choice
  Text pep668;                    // the PEP 668 sentence, when the target is externally managed
  bool pep668_blocks = false;     // ... and the installer would refuse it
  std::vector<std::string> pip_notes;  // settings of pip's (uv's) that change this install
  Text bundle_note;                    // install --from: the bundle installed from
  std::string lock_group;              // install --lock: the node's group
  bool unchanged = false;              // install --lock: every locked wheel is already there
  act::InstallRequest request;
  std::shared_ptr<host::HttpClient> http;  // the host's client with pip's proxy and CA
};

// Where a plan's wheels come from: the plan's own index, or --mirror SPEC... in order
// (the official index last; `notes` gains the mirror choice's sentences); every URL
// passes act::check_index_url. Shared by install and fetch.
Expected<std::vector<act::IndexSource>> index_sources(
    const Services& services, host::HttpClient& http, const model::Plan& plan,
    const std::vector<std::string>& mirrors, bool allow_insecure, std::vector<Text>& notes);

// Plans and decides (runs the interpreter to describe it; reads pip's settings;
// measures mirrors when asked). Errors: usage (--root, unknown installer, conda on a
// non-conda prefix...), not-found (no interpreter), environment.
Expected<PreparedInstall> prepare_install(const Services& services, InstallOptions options);

// How an install ended, for exit codes and the summary.
enum class InstallEnd {
  kInstalled,     // installed and verified (or, dry run, the commands shown)
  kNoFit,         // no build fits this machine: nothing was run
  kDeclined,      // the user answered no
  kStopped,       // --yes on an externally-managed (PEP 668) interpreter: stopped before pip ran
  kFailed,        // the installer (or the environment) failed
  kVerifyFailed,  // installed but verify found problems (or could not run)
  kWrongBuild,    // installed, but not the planned build
  kInterrupted,   // Ctrl-C
};
// The one place install outcomes become exit codes (DESIGN §2): 0, 1 (nothing fits,
// declined, stopped under --yes, verify problems, wrong build), 3 (failed), 130 (interrupted).
int exit_code(InstallEnd end);
// How the engine's outcome ended (its typed failure).
InstallEnd end_of(const act::InstallOutcome& outcome);

struct InstallResult {
  InstallEnd end = InstallEnd::kFailed;
  act::InstallOutcome outcome;
  Text declined;  // the sentence when the user declined
};

// Asks (through host.terminal, the question through `say`) when decide_start says
// so, then runs the install. `say` receives torchup's lines and the installer's
// output. Errors: kNeedTerminal as a usage error, an unreadable failure catalogue.
Expected<InstallResult> run_install(const Services& services, PreparedInstall& prepared,
                                    const InstallOptions& options,
                                    const std::function<void(const Text&)>& say);

}  // namespace torchup::app
