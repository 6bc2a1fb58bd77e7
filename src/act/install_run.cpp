// The install engine's run (install.h): check the request, lock, create the
// environment, the attempt loop driven by remedy_for, verify. Remedies follow
// data/install-failures.json (each entry cites its sources) and the guide's
// "MemoryError -> --no-cache-dir".
#include <map>
#include <optional>

#include "act/install.h"
#include "act/install_internal.h"
#include "host/interrupt.h"
#include "util/strings.h"

namespace torchup::act {
namespace {

using detail::last_lines;

bool has_id(const std::vector<data::FailureMatch>& matches, const char* id) {
  for (const auto& match : matches) {
    if (match.kind->id == id) return true;
  }
  return false;
}

// Which catalogue entry explains a failed installer run. Network evidence wins over
// "no matching distribution": pip reports "from versions: none" after it could
// not reach the index at all (captured in tests/install/outputs/pip-connection-dropped.txt).
std::optional<std::string> pick_failure(const std::vector<data::FailureMatch>& matches) {
  for (const char* id : {"pep668-externally-managed", "pip-memoryerror", "disk-space", "ssl-proxy",
                         "hash-mismatch-truncated-download", "dns-failure", "network-timeout", "pinned-local-version-not-found",
                         "macos-intel-eol", "no-wheel-for-python-version", "python-32bit", "wheel-tag-mismatch", "uv-index-resolution",
                         "conda-pytorch-channel-deprecated"}) {
    if (has_id(matches, id)) return std::string(id);
  }
  if (!matches.empty()) return matches.front().kind->id;
  return std::nullopt;
}

// pip says "(from versions: none)" both when the index lists no torch for this
// Python/platform and when it never got an answer: with retries off (PIP_RETRIES=0,
// `retries = 0` in pip.conf) it prints no connection error at all (pip 23.0.1,
// measured against a closed port), and a proxy or captive portal that answers every
// URL with its own page looks like an empty index. torchup asks the index itself.
struct IndexLook {
  enum Kind { kUnresolved, kUnreachable, kNoTorchProject, kNoTorchFiles, kListsTorch } kind = kListsTorch;
  std::string detail;
};

IndexLook look_at_index(host::HttpClient& http, const std::string& index_url, bool allow_insecure) {
  std::string url = index_url;
  while (!url.empty() && url.back() == '/') url.pop_back();
  url += "/torch/";
  host::HttpOptions options;
  options.timeout = std::chrono::seconds(15);
  options.max_bytes = 4u << 20;
  options.allow_insecure = allow_insecure;
  auto got = http.get(url, options);
  if (!got) {
    // libcurl's words for a failed name lookup (CURLE_COULDNT_RESOLVE_HOST / _PROXY).
    const bool unresolved = str::contains(got.error().message, "Could not resolve host") ||
                            str::contains(got.error().message, "Couldn't resolve host");
    return {unresolved ? IndexLook::kUnresolved : IndexLook::kUnreachable, url + ": " + got.error().message};
  }
  if (got->status == 404) return {IndexLook::kNoTorchProject, url + " answered HTTP 404"};
  if (got->status < 200 || got->status >= 300) {
    return {IndexLook::kUnreachable, url + " answered HTTP " + std::to_string(got->status)};
  }
  // PEP 503: one anchor per file, named torch-<version>-<tags>.whl (or an sdist).
  if (got->body.find("torch-") == std::string::npos) {
    return {IndexLook::kNoTorchFiles, url + " answered HTTP " + std::to_string(got->status) + " with " +
                                          std::to_string(got->body.size()) + " bytes naming no torch file"};
  }
  return {IndexLook::kListsTorch, url + " lists torch files"};
}

std::string source_label(const IndexSource& source) {
  if (!source.index_url.empty()) return source.name + " (" + source.index_url + ")";
  if (!source.find_links.empty()) return source.name + " (-f " + source.find_links + ")";
  return "the default index";
}

// "failed: import torch (No module named torch); matmul[0] (...)"
std::string failed_checks(const VerifyReport& report) {
  std::string out;
  for (const auto& check : report.checks) {
    if (check.status != CheckStatus::kFail) continue;
    out += (out.empty() ? "" : "; ") + check.title + (check.reason.empty() ? "" : " (" + check.reason + ")");
  }
  return out;
}

// failure_id for the typed failures that have one of torchup's own ids.
const char* id_of(InstallFailure failure) {
  switch (failure) {
    case InstallFailure::kNoFit: return "no-fit";
    case InstallFailure::kPep668: return "pep668-externally-managed";
    case InstallFailure::kLocked: return "install-locked";
    case InstallFailure::kInterrupted: return "interrupted";
    case InstallFailure::kIndexWithoutTorch: return "index-without-torch";
    case InstallFailure::kVerifyFailed: return "verify-failed";
    case InstallFailure::kWrongBuild: return "wrong-build";
    default: return nullptr;
  }
}

// One install, step by step; each step returns false when the outcome is final.
class InstallRun {
 public:
  InstallRun(host::Host& host, const data::FailureCatalogue& catalogue, const InstallRequest& request,
             const std::function<void(std::string_view)>& progress)
      : host_(host), catalogue_(catalogue), request_(request), progress_(progress), started_(host.clock.now()) {
    outcome_.installer = to_string(request.installer);
  }

  InstallOutcome run() {
    if (check_request() && lock() && create_environment() && dry_run_or_attempts() && verify()) succeed();
    return finish();
  }

 private:
  // ---- reporting ----
  void say(const std::string& line) {
    if (progress_) progress_("torchup: " + line + "\n");
  }
  void step_line(const std::string& what) {
    say("[" + std::to_string(++step_) + "/" + std::to_string(steps_) + "] " + what);
  }
  // Ends the run with `failure`; failure_id is torchup's own id where it has one,
  // else the catalogue's (kept from the attempt).
  bool fail(InstallFailure failure, std::string message, std::string state) {
    outcome_.failure = failure;
    if (const char* id = id_of(failure)) outcome_.failure_id = id;
    outcome_.message = std::move(message);
    outcome_.state = std::move(state);
    return false;
  }
  InstallOutcome finish() {
    outcome_.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(host_.clock.now() - started_);
    return std::move(outcome_);
  }

  // ---- prepare ----
  bool check_request() {
    if (!request_.plan.fits && request_.plan.torch.empty()) {  // the planner's "nothing fits" verdict
      std::string why;
      for (const auto& reason : request_.plan.reasons) why += (why.empty() ? ": " : "; ") + reason;
      return fail(InstallFailure::kNoFit, "no PyTorch build fits this machine" + why, "nothing was changed");
    }
    for (const auto& source : request_.sources) {
      auto allowed =
          check_index_url(source.index_url.empty() ? source.find_links : source.index_url, request_.allow_insecure);
      if (allowed && !source.find_links.empty()) allowed = check_index_url(source.find_links, request_.allow_insecure);
      if (!allowed && !(source.index_url.empty() && source.find_links.empty())) {
        return fail(InstallFailure::kRefused, allowed.error().message + "; " + allowed.error().hint,
                    "nothing was changed");
      }
    }
    if (request_.installer != Installer::kPip && request_.installer_program.empty()) {
      return fail(InstallFailure::kRefused, std::string("no ") + outcome_.installer + " program was given to run",
                  "nothing was changed");
    }
    conda_ = request_.installer == Installer::kConda || request_.installer == Installer::kMamba;
    python_ = request_.venv ? host::venv_python(host_, *request_.venv) : request_.python;
    outcome_.python = python_;
    urls_ = request_.sources;
    if (urls_.empty() || conda_) urls_ = {IndexSource{"default", "", ""}};  // conda: the plan's channels
    requirements_ = plan_requirements(request_.plan);
    target_ = request_.venv ? *request_.venv : request_.env_dir.value_or(python_ + "'s environment");
    untouched_ = request_.venv ? "the new " + std::string(conda_ ? "conda env" : "venv") + " at " + *request_.venv +
                                     " exists but does not contain torch"
                               : outcome_.installer + " installed nothing; the environment of " + python_ +
                                     " is unchanged";
    steps_ = (request_.venv ? 1 : 0) + 2;  // [venv], install, verify
    if (conda_) {
      // conda installs into a prefix: the new env, or the interpreter's sys.prefix.
      std::string prefix = request_.venv ? *request_.venv : request_.env_dir.value_or("");
      if (prefix.empty()) {
        return fail(InstallFailure::kRefused, "conda needs the environment prefix to install into",
                    "nothing was changed");
      }
      auto argv = conda_install_argv(request_.installer_program, prefix, request_.plan);
      if (!argv) return fail(InstallFailure::kRefused, argv.error().message + "; " + argv.error().hint, "nothing was changed");
      conda_argv_ = *argv;
    }
    options_.timeout = request_.step_timeout;
    options_.interrupt_grace = request_.interrupt_grace;
    options_.env = request_.env;
    options_.on_output = [this](std::string_view chunk, bool) {
      if (progress_) progress_(chunk);
    };
    return true;
  }

  std::vector<std::string> attempt_argv(const IndexSource& source, bool no_cache) const {
    if (conda_) return conda_argv_;
    if (request_.installer == Installer::kUv) {
      return uv_install_argv(request_.installer_program, python_, requirements_, source, no_cache);
    }
    return pip_install_argv(python_, requirements_, source, no_cache);
  }

  // A second torchup install into the same environment is refused (flock; dry runs
  // change nothing and take no lock).
  bool lock() {
    std::optional<std::string> dir = request_.venv ? request_.venv : request_.env_dir;
    if (request_.dry_run || !request_.locker || !dir) return true;
    lock_ = request_.locker(*dir);
    if (!lock_.acquired) {
      std::string pid = lock_.holder_pid ? " (pid " + std::to_string(*lock_.holder_pid) + ")" : "";
      return fail(InstallFailure::kLocked,
                  "another torchup install" + pid + " is installing into " + *dir + "; wait for it to finish" +
                      (lock_.holder_pid ? ", or stop it (kill " + std::to_string(*lock_.holder_pid) + ")" : "") +
                      ", then run torchup install again (lock file " + lock_.lock_path + ")",
                  "nothing was changed by this run; the other install is still working on " + *dir);
    }
    outcome_.lock_path = lock_.lock_path;
    if (!lock_.note.empty()) outcome_.notes.push_back(lock_.note);
    return true;
  }

  // ---- create the environment ----
  bool create_environment() {
    if (!request_.venv) return true;
    const std::string& venv = *request_.venv;
    const std::string kind = conda_ ? "conda env " : "venv ";
    std::vector<std::string> argv =
        conda_ ? std::vector<std::string>{request_.installer_program, "create", "-y", "-p", venv,
                                          "python=" + request_.plan.python}
               : std::vector<std::string>{request_.python, "-m", "venv", venv};
    outcome_.commands.push_back(argv);
    if (request_.dry_run) return true;
    step_line("creating " + kind + venv);
    auto made = host_.runner.run(argv, options_);
    if (made.interrupted) {
      return fail(InstallFailure::kInterrupted, "stopped (Ctrl-C) while creating the " + kind + venv,
                  "nothing was installed; " + venv +
                      " may be an incomplete environment: delete it, or run the same torchup install again");
    }
    if (!made.ok()) {
      outcome_.output_tail = last_lines(made.out + made.err + made.start_error, 12);
      return fail(InstallFailure::kEnvironmentFailed,
                  "could not create the " + kind + venv + " with " + (conda_ ? request_.installer_program : request_.python),
                  "nothing was installed");
    }
    return true;
  }

  // ---- the attempt loop ----
  bool dry_run_or_attempts() {
    if (!request_.dry_run) return attempts();
    outcome_.commands.push_back(attempt_argv(urls_.front(), false));
    outcome_.source_used = urls_.front();
    outcome_.ok = true;
    outcome_.state = "dry run: nothing was changed";
    return false;  // final, and a success
  }

  // Asks the index itself when the installer found no versions at all: an index that
  // cannot be reached is a network failure; one without torch is the wrong index.
  // Returns the index problem's sentence, "" when the wheel tags are the trouble.
  std::string explain_no_versions(const IndexSource& source, const std::string& output, std::string& id) {
    if (id != "no-wheel-for-python-version" || conda_ || source.index_url.empty() ||
        output.find("(from versions: none)") == std::string::npos) {
      return "";
    }
    auto look = look_at_index(host_.http, source.index_url, request_.allow_insecure);
    if (look.kind == IndexLook::kUnresolved && catalogue_.find("dns-failure")) {
      say(outcome_.installer + " found no versions and torchup cannot look up the index's host either (" +
          look.detail + "): a name-lookup failure, not a missing wheel");
      outcome_.failure_id = id = "dns-failure";
    } else if (look.kind == IndexLook::kUnreachable || look.kind == IndexLook::kUnresolved) {
      say(outcome_.installer + " found no versions and torchup cannot reach the index either (" + look.detail +
          "): a network failure, not a missing wheel");
      outcome_.failure_id = id = "network-timeout";
    } else if (look.kind != IndexLook::kListsTorch) {
      std::string problem = look.kind == IndexLook::kNoTorchProject
                                ? source.index_url + " has no torch project (" + look.detail +
                                      "): the index URL is wrong or this mirror does not carry PyTorch"
                                : source.index_url + " lists no torch files (" + look.detail +
                                      "): a proxy or captive portal may be answering in its place";
      say(problem);
      id = "index-without-torch";
      return problem;
    }
    return "";
  }

  // The cause and fix of a failure that stops the install.
  std::string stop_message(const std::string& id, const host::ProcessResult& result) const {
    if (id == "pep668-externally-managed") {
      return python_ + " is externally managed (PEP 668): " + outcome_.installer +
             " refuses to install into it. torchup does not pass --break-system-packages; "
             "install into a venv instead: torchup install --venv ~/.venvs/torch";
    }
    if (const data::FailureKind* kind = outcome_.failure_id ? catalogue_.find(*outcome_.failure_id) : nullptr) {
      return kind->cause + " Fix: " + kind->fix;
    }
    return outcome_.installer + " failed (exit " + std::to_string(result.exit_code) +
           ") for a reason torchup does not know; its last lines follow";
  }

  bool attempts() {
    step_line("installing " + (conda_ ? str::join(std::vector<std::string>(conda_argv_.begin() + 5, conda_argv_.end()), " ")
                                      : str::join(requirements_, " ")) +
              " with " + outcome_.installer + " into " + target_);
    bool no_cache = false;
    std::map<std::string, int> tries_in_install;  // per failure id
    for (std::size_t u = 0; u < urls_.size(); ++u) {
      const IndexSource& source = urls_[u];
      std::map<std::string, int> tries_on_index;
      for (;;) {
        auto argv = attempt_argv(source, no_cache);
        outcome_.commands.push_back(argv);
        say("running " + str::join(argv, " "));
        auto result = host_.runner.run(argv, options_);
        const std::string output = result.out + "\n" + result.err;
        if (result.ok()) {
          outcome_.failure_id.reset();
          outcome_.failure = InstallFailure::kNone;
          outcome_.source_used = source;
          return true;
        }
        if (result.interrupted) {
          // Ctrl-C: the installer got the signal too and was stopped; it may have
          // finished some packages. Say so rather than pretend nothing happened.
          outcome_.output_tail = last_lines(output, 12);
          return fail(InstallFailure::kInterrupted,
                      outcome_.installer + " was stopped (Ctrl-C) while installing " + str::join(requirements_, " "),
                      "the install was cut short: " + target_ +
                          " may hold part of it (some packages installed, others not); run `torchup verify --python " +
                          python_ + "` to see what works, or run the same torchup install again to finish");
        }
        if (!result.started) {
          return fail(InstallFailure::kNotStarted, "could not run " + argv.front() + ": " + result.start_error,
                      untouched_);
        }
        // Only failures that can happen here: macOS x86_64's end of wheels does not
        // explain "from versions: none" on Linux.
        auto matches = data::classify_output(catalogue_, output, {"install"}, host_.system.os_family, host_.system.arch);
        outcome_.failure_id = pick_failure(matches);
        outcome_.output_tail = last_lines(output, 12);
        std::string id = outcome_.failure_id.value_or("");
        const std::string index_problem = explain_no_versions(source, output, id);
        const Remedy remedy = remedy_for(id, tries_on_index[id]++, tries_in_install[id]++, request_.installer);
        if (remedy == Remedy::kRetryWithoutCache) {
          say(outcome_.installer + " ran out of memory (MemoryError); retrying once with " +
              (request_.installer == Installer::kUv ? "--no-cache" : "--no-cache-dir"));
          no_cache = true;
          continue;
        }
        if (remedy == Remedy::kRetryAfterPause) {
          say("network failure talking to " + (source.index_url.empty() ? "the index" : source.index_url) +
              "; retrying in 1 s");
          host_.clock.sleep_for(std::chrono::seconds(1));
          continue;
        }
        if (remedy == Remedy::kNextIndex && !index_problem.empty()) {
          fail(InstallFailure::kIndexWithoutTorch,
               index_problem + ". Fix: check the URL, or use another index (torchup install --mirror official)",
               untouched_);
          if (u + 1 < urls_.size()) break;  // the next index may well have it
          return false;
        }
        if (remedy == Remedy::kNextIndex) break;
        return fail(id == "pep668-externally-managed" ? InstallFailure::kPep668 : InstallFailure::kInstallerFailed,
                    stop_message(id, result), untouched_);
      }
      if (u + 1 < urls_.size()) {
        say("giving up on " + source_label(source) + "; trying the next index " + source_label(urls_[u + 1]));
      }
    }
    const data::FailureKind* kind = outcome_.failure_id ? catalogue_.find(*outcome_.failure_id) : nullptr;
    const std::string last = outcome_.message;
    const auto failure_id = outcome_.failure_id;
    fail(InstallFailure::kEveryIndexFailed,
         "every index failed" + (kind            ? " (" + kind->id + "): " + kind->fix
                                 : !last.empty() ? "; the last: " + last
                                                 : std::string(".")),
         untouched_);
    outcome_.failure_id = failure_id;
    return false;
  }

  // ---- verify ----
  // The installer may have taken torch from somewhere else than the plan's index
  // (pip's extra-index-url / find-links are still read next to --index-url).
  std::optional<std::string> wrong_build() const {
    auto wrong = installed_build_mismatch(request_.plan, outcome_.installed_version);
    if (!wrong) return wrong;
    std::vector<std::string> elsewhere;
    const bool uv = request_.installer == Installer::kUv;
    if (request_.installer == Installer::kPip || uv) {
      for (const auto* list : {&request_.pip_settings.extra_index_urls, &request_.pip_settings.find_links}) {
        for (const auto& s : *list) {
          bool own = false;
          for (const auto& source : request_.sources) own = own || s.value == source.index_url || s.value == source.find_links;
          if (!own) elsewhere.push_back(shown(s));
        }
      }
    }
    if (elsewhere.empty()) return *wrong + "; the index it used served that build";
    if (uv) {
      return *wrong + "; uv also looked in " + str::join(elsewhere, ", ") +
             ", which uv consults before torchup's --index-url: unset " + (elsewhere.size() > 1 ? "them" : "it") +
             " and install again";
    }
    return *wrong + "; pip also looked in " + str::join(elsewhere, ", ") +
           ", which pip reads next to torchup's --index-url: remove " + (elsewhere.size() > 1 ? "them" : "it") +
           " (`pip config list` shows pip's settings) and install again";
  }

  // Prove it works (the guide's step 3), in the interpreter that was installed into.
  bool verify() {
    const std::string doctor = "run `torchup doctor --python " + python_ + "`";
    if (host::interrupt_signal() != 0) {  // Ctrl-C after the installer finished
      return fail(InstallFailure::kInterrupted,
                  "stopped (Ctrl-C) after " + outcome_.installer + " finished, before torchup could verify it",
                  "the packages were installed into " + target_ + " but were not verified; run `torchup verify --python " +
                      python_ + "`");
    }
    if (request_.verifier) {
      step_line("verifying torch in " + python_);
      auto report = request_.verifier(python_);
      if (!report) {
        outcome_.verify_error = report.error().message;
        return fail(InstallFailure::kVerifyFailed,
                    outcome_.installer + " finished but torchup could not verify the result: " + report.error().message,
                    "the packages were installed into " + target_ + " but were not verified; " + doctor);
      }
      outcome_.verify = std::move(*report);
      const VerifyReport& v = *outcome_.verify;
      if (v.run.output && v.run.output->torch) outcome_.installed_version = v.run.output->torch->version;
      if (!v.ok()) {
        std::string message = outcome_.installer + " finished but verify found problems: " + failed_checks(v);
        if (auto wrong = wrong_build()) message += "; it installed " + *wrong;
        return fail(InstallFailure::kVerifyFailed, message,
                    (outcome_.installed_version.empty() ? std::string("torch") : "torch " + outcome_.installed_version) +
                        " is installed in " + target_ + " but does not work as it should (failed: " + failed_checks(v) +
                        "); nothing was rolled back; " + doctor);
      }
    } else {
      step_line("checking that torch imports in " + python_);
      auto check = host_.runner.run({python_, "-c", "import torch; print(torch.__version__)"}, options_);
      if (!check.ok()) {
        outcome_.output_tail = last_lines(check.out + check.err + check.start_error, 12);
        return fail(InstallFailure::kImportFailed, outcome_.installer + " finished but `import torch` fails in " + python_,
                    "torch is installed in " + python_ + "'s environment but does not import; " + doctor);
      }
      outcome_.installed_version = last_lines(check.out, 1);
    }
    if (auto wrong = wrong_build()) {
      return fail(InstallFailure::kWrongBuild, outcome_.installer + " installed " + *wrong,
                  "torch " + outcome_.installed_version + " is installed in " + target_ +
                      " but it is not the planned build; nothing was rolled back");
    }
    return true;
  }

  void succeed() {
    outcome_.ok = true;
    outcome_.failure = InstallFailure::kNone;
    outcome_.message = "installed torch " + outcome_.installed_version + " into " + python_;
    outcome_.state = "torch " + outcome_.installed_version + " is installed in " + python_ + "'s environment" +
                     (request_.verifier ? " and verified" : "");
  }

  host::Host& host_;
  const data::FailureCatalogue& catalogue_;
  const InstallRequest& request_;
  const std::function<void(std::string_view)>& progress_;
  const std::chrono::steady_clock::time_point started_;
  InstallOutcome outcome_;
  host::RunOptions options_;
  LockAttempt lock_;
  bool conda_ = false;
  std::string python_, target_, untouched_;
  std::vector<IndexSource> urls_;
  std::vector<std::string> requirements_, conda_argv_;
  int steps_ = 2, step_ = 0;
};

}  // namespace

const char* to_string(InstallFailure failure) {
  switch (failure) {
    case InstallFailure::kNone: return "none";
    case InstallFailure::kNoFit: return "no-fit";
    case InstallFailure::kRefused: return "refused";
    case InstallFailure::kPep668: return "pep668";
    case InstallFailure::kLocked: return "locked";
    case InstallFailure::kInterrupted: return "interrupted";
    case InstallFailure::kEnvironmentFailed: return "environment-failed";
    case InstallFailure::kNotStarted: return "not-started";
    case InstallFailure::kInstallerFailed: return "installer-failed";
    case InstallFailure::kIndexWithoutTorch: return "index-without-torch";
    case InstallFailure::kEveryIndexFailed: return "every-index-failed";
    case InstallFailure::kImportFailed: return "import-failed";
    case InstallFailure::kVerifyFailed: return "verify-failed";
    case InstallFailure::kWrongBuild: return "wrong-build";
  }
  return "none";
}

Remedy remedy_for(std::string_view id, int tries_on_index, int tries_in_install, Installer installer) {
  // failure id -> remedy, how many times (on one index, or in the whole install), then what
  struct Rule {
    std::string_view id;
    Remedy remedy;
    int times;
    bool per_install;
    Remedy then;
  };
  static constexpr Rule kRules[] = {
      // --no-cache-dir stays on for the later indexes: retried once per install.
      {"pip-memoryerror", Remedy::kRetryWithoutCache, 1, true, Remedy::kStop},
      {"network-timeout", Remedy::kRetryAfterPause, 1, false, Remedy::kNextIndex},
      // These belong to one index (or one route to it): an SSL failure is often one
      // mirror's certificate; a proxy failure may spare a no_proxy mirror; a name
      // lookup that failed is not retried (pip already retried it), but another index
      // may be on a host the resolver allows.
      {"hash-mismatch-truncated-download", Remedy::kNextIndex, 0, false, Remedy::kNextIndex},
      {"ssl-proxy", Remedy::kNextIndex, 0, false, Remedy::kNextIndex},
      {"dns-failure", Remedy::kNextIndex, 0, false, Remedy::kNextIndex},
      {"index-without-torch", Remedy::kNextIndex, 0, false, Remedy::kNextIndex},
  };
  const bool conda = installer == Installer::kConda || installer == Installer::kMamba;
  for (const auto& rule : kRules) {
    if (rule.id != id) continue;
    const int tries = rule.per_install ? tries_in_install : tries_on_index;
    Remedy remedy = tries < rule.times ? rule.remedy : rule.then;
    if (remedy == Remedy::kRetryWithoutCache && conda) return Remedy::kStop;  // conda has no --no-cache-dir
    return remedy;
  }
  return Remedy::kStop;
}

InstallOutcome run_install(host::Host& host, const data::FailureCatalogue& catalogue, const InstallRequest& request,
                           const std::function<void(std::string_view)>& progress) {
  return InstallRun(host, catalogue, request, progress).run();
}

}  // namespace torchup::act
