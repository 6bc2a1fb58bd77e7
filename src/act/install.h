// `torchup install`: runs a plan's install as an argument vector through
// host::ProcessRunner (never a shell) with pip, uv or conda/mamba, optionally into a
// fresh venv (conda: a fresh env), under a per-environment lock, classifies a failure
// with the install-failure catalogue (data/failures.h) and applies the remedy the
// catalogue and the guide give: MemoryError -> retry once with --no-cache-dir (uv:
// --no-cache); network timeout/reset -> retry once, then the next index; PEP 668 ->
// stop and tell the user to use --venv (never --break-system-packages). After a
// successful install it verifies the result (act::verify_python, injected).
// Every outcome carries a `state` sentence saying what the environment now holds.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "act/mirrors.h"
#include "act/pip_config.h"
#include "act/verify.h"
#include "data/failures.h"
#include "host/host.h"
#include "model/plan.h"
#include "util/expected.h"

namespace torchup::act {

enum class Installer { kPip, kUv, kConda, kMamba };
const char* to_string(Installer installer);

// The result of trying to lock an environment for one install.
struct LockAttempt {
  bool acquired = false;           // false: another install holds it
  std::optional<long> holder_pid;  // the holder's pid, as it wrote it into the lock file
  std::string lock_path;           // the lock file used
  std::string note;                // e.g. "no lock file could be created: ..." (acquired anyway)
  std::shared_ptr<void> handle;    // keeps the lock; released when the last copy goes
};

// Locks environment directory `env_dir` (a venv, a conda env, an interpreter's
// sys.prefix). The seam: tests hand in a function that reports "held".
using EnvLocker = std::function<LockAttempt(const std::string& env_dir)>;

// flock(2) on ENV/.torchup-install.lock when ENV is (or will be) an environment of
// its own (missing or empty dir, pyvenv.cfg, conda-meta, an existing lock file);
// else, or when that file cannot be created, on
// $XDG_RUNTIME_DIR (or /tmp)/torchup-install-<hash of ENV's path>.lock.
// The holder writes its pid into the file. flock locks die with their process, so a
// lock can never be stale. Linux/POSIX (install_lock_posix.cpp).
EnvLocker make_flock_locker(const host::Environment& env);

// Runs the verify probe in the freshly installed interpreter (the CLI passes
// act::verify_python; tests pass canned reports).
using Verifier = std::function<Expected<VerifyReport>(const std::string& python)>;

// Resolve, then download (issue 13): the plan's wheels for the interpreter `python`
// on `sources`, downloaded by torchup into its cache and placed in a directory that
// pip installs from with --no-index. `dir` is that directory; `notes` say what came
// from where. An error with hint kInterruptedHint (act/wheelset.h) is Ctrl-C; any other
// error lets the installer download, and is said.
struct Prefetched {
  std::string dir;
  std::vector<Text> notes;
};
using Prefetcher = std::function<Expected<Prefetched>(const std::vector<IndexSource>& sources,
                                                      const std::string& python)>;

struct InstallRequest {
  model::Plan plan;                        // torch/torchvision/torchaudio versions to install
  std::string python = "python3";          // interpreter that runs pip (ignored with venv)
  std::optional<std::string> venv;         // create this venv first and install there
  std::vector<IndexSource> sources;        // first is tried first; the rest are fallbacks
  bool allow_insecure = false;             // allow http:// index URLs other than loopback
  bool dry_run = false;                    // only report what would run
  std::map<std::string, std::string> env;  // extra environment for pip (tests isolate pip config)
  std::chrono::milliseconds step_timeout{std::chrono::minutes(60)};
  // After Ctrl-C, how long the installer may take to stop before it is killed.
  std::chrono::milliseconds interrupt_grace{std::chrono::seconds(10)};
  Installer installer = Installer::kPip;
  std::string installer_program;       // uv / conda / mamba executable (pip: unused)
  std::optional<std::string> env_dir;  // environment to lock when not a venv (sys.prefix)
  EnvLocker locker;                    // unset: no lock (dry runs, library use)
  Verifier verifier;                   // unset: only `import torch` is checked
  PipSettings pip_settings;  // pip's own index settings (read_pip_settings), for the build check
  Prefetcher prefetch;       // unset: the installer downloads (conda always does)
  // What pip installs, when not the plan's packages (plan_requirements): a lock's exact
  // pins ("torch==2.12.0+cpu", each dependency too).
  std::vector<std::string> requirements;
};

// What ended an install that did not succeed (the internal type; JSON keeps the
// catalogue's string ids in failure_id). Exit codes: app::exit_code.
enum class InstallFailure {
  kNone,               // installed (or, dry run, nothing to do)
  kNoFit,              // the plan's verdict: nothing fits ("no-fit")
  kRefused,            // the request cannot run (bad index URL, no installer program): nothing ran
  kPep668,             // the interpreter is externally managed ("pep668-externally-managed")
  kLocked,             // another install holds the environment ("install-locked")
  kInterrupted,        // Ctrl-C ("interrupted")
  kEnvironmentFailed,  // the venv / conda env could not be created
  kNotStarted,         // the installer could not be run
  kInstallerFailed,  // the installer failed (failure_id: the catalogue's id, or none when unknown)
  kIndexWithoutTorch,  // the index lists no torch ("index-without-torch")
  kEveryIndexFailed,   // each index failed in a way the next one might not
  kImportFailed,       // installed, `import torch` fails
  kVerifyFailed,       // installed, verify found problems or could not run ("verify-failed")
  kWrongBuild,         // installed, not the planned build ("wrong-build")
};
const char* to_string(InstallFailure failure);

// What the attempt loop does after a failed installer run, by failure kind
// (data/install-failures.json ids; the guide: MemoryError -> --no-cache-dir).
enum class Remedy {
  kStop,               // say the cause and the fix
  kRetryWithoutCache,  // once, with --no-cache-dir (uv: --no-cache)
  kRetryAfterPause,    // once, after a second
  kNextIndex,          // give up on this index; the next one (mirror, then official) may work
};
// `tries_on_index` / `tries_in_install`: how often this failure was already seen on
// this index / in this install (each rule counts one of them). conda has no
// --no-cache-dir, so its MemoryError stops. Unknown failures stop.
Remedy remedy_for(std::string_view failure_id, int tries_on_index, int tries_in_install,
                  Installer installer);

struct InstallOutcome {
  bool ok = false;
  InstallFailure failure = InstallFailure::kNone;
  std::vector<std::vector<std::string>> commands;  // every argv run (or, dry run, to run)
  std::optional<std::string> failure_id;           // catalogue id of the failure, when known
  Text message;                                    // what happened and the fix
  Text state;                                      // what the environment holds now
  std::string output_tail;                         // installer's last lines on an unknown failure
  std::string installed_version;                   // torch.__version__ after a successful install
  std::string installer;                           // "pip", "uv", "conda", "mamba"
  std::string python;                              // the interpreter installed into
  std::optional<IndexSource> source_used;          // the index the successful run used
  std::optional<VerifyReport> verify;              // the verify report after installing
  std::string verify_error;                        // why verify could not run, when it could not
  std::string lock_path;                           // the lock file held during the install
  std::vector<Text> notes;                         // lock notes, the mirrors to try, and the like
  std::chrono::milliseconds elapsed{0};
};

// An index URL is allowed when it is https://, or http:// on 127.0.0.1 /
// localhost / [::1] (local test indexes and local proxies), or allow_insecure.
Status check_index_url(const std::string& url, bool allow_insecure);

// The installed torch (torch.__version__) is not the plan's build: its public version
// is not the plan's torch, or its local version ("+cu126") names another variant than
// the plan's index (mirror_variant; a PyPI plan expects none). A missing local version
// is accepted (macOS and some aarch64 wheels on pytorch.org have none), and nightly
// plans are not judged. Returns "torch 2.12.0+cu126, not the planned 2.12.0+cpu".
std::optional<Text> installed_build_mismatch(const model::Plan& plan, std::string_view installed);

// The requirement strings for the plan: "torch==2.12.0", "torchvision==0.27.0"...;
// a nightly plan (torch "nightly"): "--pre" and the packages of the plan's command.
std::vector<std::string> plan_requirements(const model::Plan& plan);

// Where the plan's own command installs from (--index-url / -f in its argv);
// name "official". Empty URLs: pip's configured default index (PyPI).
IndexSource plan_source(const model::Plan& plan);

// The mirror variant of a plan: the path after https://download.pytorch.org/whl/ in
// the plan's index ("cpu", "cu126", "nightly/cu126"); "" when the plan installs from
// PyPI (then the PyPI mirrors are the candidates); else the plan's platform.
std::string mirror_variant(const model::Plan& plan);

// --mirror SPEC... for a plan: each spec through choose_mirrors; the mirrors in the
// order given (duplicates dropped), the official index once, last. notes:
// choose_mirrors' sentences (measured rates and the decision). No specs: the plan's source.
struct SourceOrder {
  std::vector<IndexSource> order;
  std::vector<std::string> notes;
};
Expected<SourceOrder> resolve_install_sources(host::HttpClient& http, const MirrorList& list,
                                              const std::vector<std::string>& specs,
                                              const model::Plan& plan, bool allow_insecure,
                                              const MirrorProbeOptions& options = {});

// The pip argv for one attempt.
std::vector<std::string> pip_install_argv(const std::string& python,
                                          const std::vector<std::string>& requirements,
                                          const IndexSource& source, bool no_cache_dir);

// uv's pip interface (astral-sh/uv crates/uv-cli/src/lib.rs PipInstallArgs: `--python`
// names the target interpreter; --index-url / --find-links as pip's; crates/uv-cache/
// src/cli.rs: `--no-cache`, alias --no-cache-dir).
std::vector<std::string> uv_install_argv(const std::string& uv, const std::string& python,
                                         const std::vector<std::string>& requirements,
                                         const IndexSource& source, bool no_cache);

// conda/mamba: `PROGRAM install -y -p PREFIX <the plan's packages and -c channels>`
// (the plan's argv after "install", as pytorch.org's previous-versions page writes it;
// -y and -p are conda's documented `conda install` flags). Error when the plan has no
// conda command.
Expected<std::vector<std::string>> conda_install_argv(const std::string& program,
                                                      const std::string& prefix,
                                                      const model::Plan& plan);

// What an interpreter says about itself (one short process, argv only).
struct InterpreterInfo {
  std::string executable;  // sys.executable
  std::string version;     // "3.11" (major.minor)
  int bits = 64;
  std::string prefix;  // sys.prefix: the environment it installs into
  // PEP 668: the stdlib directory holds EXTERNALLY-MANAGED and this is not a venv
  // (pip and uv then refuse to install unless told --break-system-packages).
  bool externally_managed = false;
};
Expected<InterpreterInfo> describe_interpreter(
    host::Host& host, const std::string& python,
    std::chrono::milliseconds timeout = std::chrono::seconds(30));

// Runs the install: checks the request, locks the environment, creates the venv
// (conda env) when asked, then the attempt loop (indexes in order; remedy_for decides
// after each failure), then verifies. `progress` receives torchup's own step lines
// and the installer's output as it arrives. Time comes from host.clock.
InstallOutcome run_install(host::Host& host, const data::FailureCatalogue& catalogue,
                           const InstallRequest& request,
                           const std::function<void(const Text&)>& progress);

nlohmann::json to_json(const InstallOutcome& outcome);

}  // namespace torchup::act
