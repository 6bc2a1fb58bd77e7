// `torchup install`: runs a plan's pip install as an argument vector through
// host::ProcessRunner (never a shell), optionally into a fresh venv, classifies a
// failure with the install-failure catalogue (data/failures.h) and applies the
// remedy the catalogue and the guide give: MemoryError -> retry once with
// --no-cache-dir; network timeout/reset -> retry once, then the next index URL;
// PEP 668 -> stop and tell the user to use --venv (never --break-system-packages).
// Every outcome carries a `state` sentence saying what the environment now holds.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "act/mirrors.h"
#include "data/failures.h"
#include "host/host.h"
#include "model/plan.h"
#include "util/expected.h"

namespace torchup::act {

struct InstallRequest {
  model::Plan plan;                        // torch/torchvision/torchaudio versions to install
  std::string python = "python3";          // interpreter that runs pip (ignored with venv)
  std::optional<std::string> venv;         // create this venv first and install there
  std::vector<IndexSource> sources;        // first is tried first; the rest are fallbacks
  bool allow_insecure = false;             // allow http:// index URLs other than loopback
  bool dry_run = false;                    // only report what would run
  std::map<std::string, std::string> env;  // extra environment for pip (tests isolate pip config)
  std::chrono::milliseconds step_timeout{std::chrono::minutes(60)};
};

struct InstallOutcome {
  bool ok = false;
  std::vector<std::vector<std::string>> commands;  // every argv run (or, dry run, to run)
  std::optional<std::string> failure_id;           // catalogue id of the failure, when known
  std::string message;                             // what happened and the fix
  std::string state;                               // what the environment holds now
  std::string output_tail;                         // installer's last lines on an unknown failure
  std::string installed_version;                   // torch.__version__ after a successful install
};

// An index URL is allowed when it is https://, or http:// on 127.0.0.1 /
// localhost / [::1] (local test indexes and local proxies), or allow_insecure.
Status check_index_url(const std::string& url, bool allow_insecure);

// The requirement strings for the plan: "torch==2.12.0", "torchvision==0.27.0"...
std::vector<std::string> plan_requirements(const model::Plan& plan);

// The pip argv for one attempt.
std::vector<std::string> pip_install_argv(const std::string& python, const std::vector<std::string>& requirements,
                                          const IndexSource& source, bool no_cache_dir);

// Runs the install. `progress` receives torchup's own step lines and the
// installer's output as it arrives.
InstallOutcome run_install(host::Host& host, const data::FailureCatalogue& catalogue, const InstallRequest& request,
                           const std::function<void(std::string_view)>& progress);

}  // namespace torchup::act
