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
                         "hash-mismatch-truncated-download", "dns-failure", "network-timeout",
                         "pinned-local-version-not-found", "macos-intel-eol",
                         "no-wheel-for-python-version", "python-32bit", "wheel-tag-mismatch",
                         "uv-index-resolution", "conda-pytorch-channel-deprecated"}) {
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
  enum Kind {
    kUnresolved,
    kUnreachable,
    kNoTorchProject,
    kNoTorchFiles,
    kListsTorch
  } kind = kListsTorch;
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
    return {unresolved ? IndexLook::kUnresolved : IndexLook::kUnreachable,
            url + ": " + got.error().message};
  }
  if (got->status == 404) return {IndexLook::kNoTorchProject, url + " answered HTTP 404"};
  if (got->status < 200 || got->status >= 300) {
    return {IndexLook::kUnreachable, url + " answered HTTP " + std::to_string(got->status)};
  }
  // PEP 503: one anchor per file, named torch-<version>-<tags>.whl (or an sdist).
  if (got->body.find("torch-") == std::string::npos) {
    return {IndexLook::kNoTorchFiles, url + " answered HTTP " + std::to_string(got->status) +
                                          " with " + std::to_string(got->body.size()) +
                                          " bytes naming no torch file"};
  }
  return {IndexLook::kListsTorch, url + " lists torch files"};
}

Text source_label(const IndexSource& source) {
  if (!source.index_url.empty()) return source.name + " (" + source.index_url + ")";
  if (!source.find_links.empty()) return source.name + " (-f " + source.find_links + ")";
  return tr("install.default-index", "the default index");
}

// "import torch (No module named torch); matmul on cuda:0 (...)"
Text failed_checks(const VerifyReport& report) {
  std::vector<Text> parts;
  for (const auto& check : report.checks) {
    if (check.status != CheckStatus::kFail) continue;
    if (check.reason.empty()) {
      parts.push_back(check.title);
    } else {
      parts.push_back(tr("install.failed-check", "{check} ({reason})",
                         {{"check", check.title}, {"reason", check.reason}}));
    }
  }
  return join_text(parts, tr("install.list-separator", "; "));
}

// failure_id for the typed failures that have one of torchup's own ids.
const char* id_of(InstallFailure failure) {
  switch (failure) {
    case InstallFailure::kNoFit:
      return "no-fit";
    case InstallFailure::kPep668:
      return "pep668-externally-managed";
    case InstallFailure::kLocked:
      return "install-locked";
    case InstallFailure::kInterrupted:
      return "interrupted";
    case InstallFailure::kIndexWithoutTorch:
      return "index-without-torch";
    case InstallFailure::kVerifyFailed:
      return "verify-failed";
    case InstallFailure::kWrongBuild:
      return "wrong-build";
    default:
      return nullptr;
  }
}

// One install, step by step; each step returns false when the outcome is final.
class InstallRun {
 public:
  InstallRun(host::Host& host, const data::FailureCatalogue& catalogue,
             const InstallRequest& request, const std::function<void(const Text&)>& progress)
      : host_(host),
        catalogue_(catalogue),
        request_(request),
        progress_(progress),
        started_(host.clock.now()) {
    outcome_.installer = to_string(request.installer);
  }

  InstallOutcome run() {
    if (check_request() && lock() && create_environment() && dry_run_or_attempts() && verify())
      succeed();
    return finish();
  }

 private:
  // ---- reporting ----
  void say(const Text& line) {
    if (!progress_) return;
    progress_(Text("torchup: "));
    progress_(line);
    progress_(Text("\n"));
  }
  void step_line(const Text& what) {
    say(tr("install.step", "[{step}/{steps}] {what}",
           {{"step", std::to_string(++step_)}, {"steps", std::to_string(steps_)}, {"what", what}}));
  }
  // Ends the run with `failure`; failure_id is torchup's own id where it has one,
  // else the catalogue's (kept from the attempt).
  bool fail(InstallFailure failure, Text message, Text state) {
    outcome_.failure = failure;
    if (const char* id = id_of(failure)) outcome_.failure_id = id;
    outcome_.message = std::move(message);
    outcome_.state = std::move(state);
    return false;
  }
  static Text nothing_changed() { return tr("install.nothing-changed", "nothing was changed"); }
  static Text error_with_hint(const Error& e) {
    if (e.hint.empty()) return e.message;
    return tr("install.error-and-hint", "{error}; {hint}",
              {{"error", e.message}, {"hint", e.hint}});
  }
  InstallOutcome finish() {
    outcome_.elapsed =
        std::chrono::duration_cast<std::chrono::milliseconds>(host_.clock.now() - started_);
    return std::move(outcome_);
  }

  // ---- prepare ----
  bool check_request() {
    if (!request_.plan.fits &&
        request_.plan.torch.empty()) {  // the planner's "nothing fits" verdict
      Text message = tr("install.no-fits-machine", "no PyTorch build fits this machine");
      if (!request_.plan.reasons.empty()) {
        message =
            tr("install.no-fit-because", "no PyTorch build fits this machine: {reasons}",
               {{"reasons", join_text(request_.plan.reasons, tr("install.list-separator", "; "))}});
      }
      return fail(InstallFailure::kNoFit, message, nothing_changed());
    }
    for (const auto& source : request_.sources) {
      if (source.no_index) continue;  // a local directory (a bundle): no URL to check
      auto allowed = check_index_url(
          source.index_url.empty() ? source.find_links : source.index_url, request_.allow_insecure);
      if (allowed && !source.find_links.empty())
        allowed = check_index_url(source.find_links, request_.allow_insecure);
      if (!allowed && !(source.index_url.empty() && source.find_links.empty())) {
        return fail(InstallFailure::kRefused, error_with_hint(allowed.error()), nothing_changed());
      }
    }
    if (request_.installer != Installer::kPip && request_.installer_program.empty()) {
      return fail(InstallFailure::kRefused,
                  tr("install.no-program", "no {installer} program was given to run",
                     {{"installer", outcome_.installer}}),
                  nothing_changed());
    }
    conda_ = request_.installer == Installer::kConda || request_.installer == Installer::kMamba;
    python_ = request_.venv ? host::venv_python(host_, *request_.venv) : request_.python;
    outcome_.python = python_;
    urls_ = request_.sources;
    if (urls_.empty() || conda_)
      urls_ = {IndexSource{"default", "", ""}};  // conda: the plan's channels
    requirements_ = request_.requirements.empty() ? plan_requirements(request_.plan) : request_.requirements;
    if (request_.venv) {
      target_ = *request_.venv;
    } else if (request_.env_dir) {
      target_ = *request_.env_dir;
    } else {
      target_ = tr("install.environment-of", "{python}'s environment", {{"python", python_}});
    }
    if (request_.venv && conda_) {
      untouched_ = tr("install.untouched-conda-env",
                      "the new conda env at {path} exists but does not contain torch",
                      {{"path", *request_.venv}});
    } else if (request_.venv) {
      untouched_ =
          tr("install.untouched-venv", "the new venv at {path} exists but does not contain torch",
             {{"path", *request_.venv}});
    } else {
      untouched_ = tr("install.untouched",
                      "{installer} installed nothing; the environment of {python} is unchanged",
                      {{"installer", outcome_.installer}, {"python", python_}});
    }
    steps_ = (request_.venv ? 1 : 0) + 2;  // [venv], install, verify
    if (conda_) {
      // conda installs into a prefix: the new env, or the interpreter's sys.prefix.
      std::string prefix = request_.venv ? *request_.venv : request_.env_dir.value_or("");
      if (prefix.empty()) {
        return fail(
            InstallFailure::kRefused,
            tr("install.conda-needs-prefix", "conda needs the environment prefix to install into"),
            nothing_changed());
      }
      auto argv = conda_install_argv(request_.installer_program, prefix, request_.plan);
      if (!argv)
        return fail(InstallFailure::kRefused, error_with_hint(argv.error()), nothing_changed());
      conda_argv_ = *argv;
    }
    options_.timeout = request_.step_timeout;
    options_.interrupt_grace = request_.interrupt_grace;
    options_.env = request_.env;
    options_.on_output = [this](std::string_view chunk, bool) {
      if (progress_) progress_(Text(chunk));  // the installer's own output, as it is
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
      Text message = tr("install.locked",
                        "another torchup install is installing into {path}; wait for it to finish, "
                        "then run torchup install again (lock file {lock})",
                        {{"path", *dir}, {"lock", lock_.lock_path}});
      if (lock_.holder_pid) {
        const std::string pid = std::to_string(*lock_.holder_pid);
        message = tr("install.locked-pid",
                     "another torchup install (pid {pid}) is installing into {path}; wait for it "
                     "to finish, or stop it (kill {pid}), then run torchup install again (lock "
                     "file {lock})",
                     {{"pid", pid}, {"path", *dir}, {"lock", lock_.lock_path}});
      }
      return fail(
          InstallFailure::kLocked, message,
          tr("install.locked-state",
             "nothing was changed by this run; the other install is still working on {path}",
             {{"path", *dir}}));
    }
    outcome_.lock_path = lock_.lock_path;
    if (!lock_.note.empty()) outcome_.notes.push_back(lock_.note);
    return true;
  }

  // ---- create the environment ----
  bool create_environment() {
    if (!request_.venv) return true;
    const std::string& venv = *request_.venv;
    const std::string kind = conda_ ? "conda env" : "venv";
    std::vector<std::string> argv =
        conda_
            ? std::vector<std::string>{request_.installer_program,      "create", "-y", "-p", venv,
                                       "python=" + request_.plan.python}
            : std::vector<std::string>{request_.python, "-m", "venv", venv};
    outcome_.commands.push_back(argv);
    if (request_.dry_run) return true;
    step_line(tr("install.creating", "creating {kind} {path}", {{"kind", kind}, {"path", venv}}));
    auto made = host_.runner.run(argv, options_);
    if (made.interrupted) {
      return fail(
          InstallFailure::kInterrupted,
          tr("install.interrupted-creating", "stopped (Ctrl-C) while creating the {kind} {path}",
             {{"kind", kind}, {"path", venv}}),
          tr("install.interrupted-creating-state",
             "nothing was installed; {path} may be an incomplete "
             "environment: delete it, or run the same torchup install again",
             {{"path", venv}}));
    }
    if (!made.ok()) {
      outcome_.output_tail = last_lines(made.out + made.err + made.start_error, 12);
      return fail(InstallFailure::kEnvironmentFailed,
                  tr("install.create-failed", "could not create the {kind} {path} with {program}",
                     {{"kind", kind},
                      {"path", venv},
                      {"program", conda_ ? request_.installer_program : request_.python}}),
                  tr("install.nothing-was-installed", "nothing was installed"));
    }
    return true;
  }

  // ---- the attempt loop ----
  bool dry_run_or_attempts() {
    if (!request_.dry_run) return attempts();
    outcome_.commands.push_back(attempt_argv(urls_.front(), false));
    outcome_.source_used = urls_.front();
    outcome_.ok = true;
    outcome_.state = tr("install.dry-run-state", "dry run: nothing was changed");
    return false;  // final, and a success
  }

  // Asks the index itself when the installer found no versions at all: an index that
  // cannot be reached is a network failure; one without torch is the wrong index.
  // Returns the index problem's sentence, "" when the wheel tags are the trouble.
  Text explain_no_versions(const IndexSource& source, const std::string& output, std::string& id) {
    if (id != "no-wheel-for-python-version" || conda_ || source.index_url.empty() ||
        output.find("(from versions: none)") == std::string::npos) {
      return "";
    }
    auto look = look_at_index(host_.http, source.index_url, request_.allow_insecure);
    if (look.kind == IndexLook::kUnresolved && catalogue_.find("dns-failure")) {
      say(tr("install.no-versions-dns",
             "{installer} found no versions and torchup cannot look up the index's host "
             "either ({detail}): a name-lookup failure, not a missing wheel",
             {{"installer", outcome_.installer}, {"detail", look.detail}}));
      outcome_.failure_id = id = "dns-failure";
    } else if (look.kind == IndexLook::kUnreachable || look.kind == IndexLook::kUnresolved) {
      say(tr("install.no-versions-network",
             "{installer} found no versions and torchup cannot reach the index either "
             "({detail}): a network failure, not a missing wheel",
             {{"installer", outcome_.installer}, {"detail", look.detail}}));
      outcome_.failure_id = id = "network-timeout";
    } else if (look.kind != IndexLook::kListsTorch) {
      Text problem = tr("install.index-no-torch-files",
                        "{url} lists no torch files ({detail}): a proxy or captive "
                        "portal may be answering in its place",
                        {{"url", source.index_url}, {"detail", look.detail}});
      if (look.kind == IndexLook::kNoTorchProject) {
        problem = tr("install.index-no-torch-project",
                     "{url} has no torch project ({detail}): the index URL is wrong "
                     "or this mirror does not carry PyTorch",
                     {{"url", source.index_url}, {"detail", look.detail}});
      }
      say(problem);
      id = "index-without-torch";
      return problem;
    }
    return "";
  }

  // The cause and fix of a failure that stops the install.
  Text stop_message(const std::string& id, const host::ProcessResult& result) const {
    if (id == "pep668-externally-managed") {
      return tr("install.pep668-stop",
                "{python} is externally managed (PEP 668): {installer} refuses to install into "
                "it. torchup does not pass --break-system-packages; install into a venv "
                "instead: torchup install --venv ~/.venvs/torch",
                {{"python", python_}, {"installer", outcome_.installer}});
    }
    if (const data::FailureKind* kind =
            outcome_.failure_id ? catalogue_.find(*outcome_.failure_id) : nullptr) {
      return tr("install.cause-and-fix", "{cause} Fix: {fix}",
                {{"cause", kind->cause_text()}, {"fix", kind->fix_text()}});
    }
    return tr("install.unknown-failure",
              "{installer} failed (exit {code}) for a reason torchup does not know; its "
              "last lines follow",
              {{"installer", outcome_.installer}, {"code", std::to_string(result.exit_code)}});
  }

  // Resolve, then download (issue 13): torchup fetches the wheels (resumable,
  // hash-checked) and the installer installs them with --no-index and its cache off
  // (so pip's MemoryError on a large wheel cannot happen). Where torchup cannot, the
  // installer downloads them as before, and the user hears why.
  enum class Downloaded { kInstalled, kFinal, kInstallerDownloads };
  Downloaded from_downloaded() {
    if (!request_.prefetch || conda_) return Downloaded::kInstallerDownloads;
    auto got = request_.prefetch(urls_, python_);
    if (!got && got.error().hint == "interrupted") {
      fail(InstallFailure::kInterrupted, got.error().message,
           tr("install.interrupted-download-state",
              "nothing was installed; the part downloaded is kept in torchup's cache: run the "
              "same torchup install again to resume"));
      return Downloaded::kFinal;
    }
    if (!got) {
      const Text why =
          tr("install.download-fallback",
             "torchup did not download the wheels itself ({error}); {installer} downloads them",
             {{"error", got.error().message}, {"installer", outcome_.installer}});
      say(why);
      outcome_.notes.push_back(why);
      return Downloaded::kInstallerDownloads;
    }
    for (const auto& note : got->notes) {
      say(note);
      outcome_.notes.push_back(note);
    }
    IndexSource local{"torchup-download", "", got->dir, true};
    auto argv = attempt_argv(local, true);
    outcome_.commands.push_back(argv);
    say(tr("install.running", "running {command}", {{"command", str::join(argv, " ")}}));
    auto result = host_.runner.run(argv, options_);
    if (result.ok()) {
      outcome_.failure_id.reset();
      outcome_.source_used = urls_.front();
      return Downloaded::kInstalled;
    }
    if (result.interrupted) {
      outcome_.output_tail = last_lines(result.out + "\n" + result.err, 12);
      fail(InstallFailure::kInterrupted,
           tr("install.interrupted-installing",
              "{installer} was stopped (Ctrl-C) while installing {packages}",
              {{"installer", outcome_.installer}, {"packages", str::join(requirements_, " ")}}),
           tr("install.interrupted-local-state",
              "{target} may hold part of it; run the same torchup install again to finish (the "
              "wheels are in torchup's cache)",
              {{"target", target_}}));
      return Downloaded::kFinal;
    }
    const Text why =
        tr("install.local-failed",
           "{installer} could not install the downloaded wheels (exit {code}); "
           "trying {installer}'s own download",
           {{"installer", outcome_.installer}, {"code", std::to_string(result.exit_code)}});
    say(why);
    outcome_.notes.push_back(why);
    return Downloaded::kInstallerDownloads;
  }

  bool attempts() {
    step_line(tr("install.installing", "installing {packages} with {installer} into {target}",
                 {{"packages", conda_ ? str::join(std::vector<std::string>(conda_argv_.begin() + 5,
                                                                           conda_argv_.end()),
                                                  " ")
                                      : str::join(requirements_, " ")},
                  {"installer", outcome_.installer},
                  {"target", target_}}));
    switch (from_downloaded()) {
      case Downloaded::kInstalled:
        return true;
      case Downloaded::kFinal:
        return false;
      case Downloaded::kInstallerDownloads:
        break;
    }
    bool no_cache = false;
    std::map<std::string, int> tries_in_install;  // per failure id
    for (std::size_t u = 0; u < urls_.size(); ++u) {
      const IndexSource& source = urls_[u];
      std::map<std::string, int> tries_on_index;
      for (;;) {
        auto argv = attempt_argv(source, no_cache);
        outcome_.commands.push_back(argv);
        say(tr("install.running", "running {command}", {{"command", str::join(argv, " ")}}));
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
          return fail(
              InstallFailure::kInterrupted,
              tr("install.interrupted-installing",
                 "{installer} was stopped (Ctrl-C) while installing {packages}",
                 {{"installer", outcome_.installer}, {"packages", str::join(requirements_, " ")}}),
              tr("install.interrupted-installing-state",
                 "the install was cut short: {target} may hold part of it (some packages "
                 "installed, others "
                 "not); run `torchup verify --python {python}` to see what works, or run the same "
                 "torchup "
                 "install again to finish",
                 {{"target", target_}, {"python", python_}}));
        }
        if (!result.started) {
          return fail(InstallFailure::kNotStarted,
                      tr("install.could-not-run", "could not run {program}: {error}",
                         {{"program", argv.front()}, {"error", result.start_error}}),
                      untouched_);
        }
        // Only failures that can happen here: macOS x86_64's end of wheels does not
        // explain "from versions: none" on Linux.
        auto matches = data::classify_output(catalogue_, output, {"install"},
                                             host_.system.os_family, host_.system.arch);
        outcome_.failure_id = pick_failure(matches);
        outcome_.output_tail = last_lines(output, 12);
        std::string id = outcome_.failure_id.value_or("");
        const Text index_problem = explain_no_versions(source, output, id);
        const Remedy remedy =
            remedy_for(id, tries_on_index[id]++, tries_in_install[id]++, request_.installer);
        if (remedy == Remedy::kRetryWithoutCache) {
          say(tr(
              "install.retry-memory",
              "{installer} ran out of memory (MemoryError); retrying once with {flag}",
              {{"installer", outcome_.installer},
               {"flag", request_.installer == Installer::kUv ? "--no-cache" : "--no-cache-dir"}}));
          no_cache = true;
          continue;
        }
        if (remedy == Remedy::kRetryAfterPause) {
          Text index = tr("install.the-index", "the index");
          if (!source.index_url.empty()) index = source.index_url;
          say(tr("install.retry-network", "network failure talking to {index}; retrying in 1 s",
                 {{"index", index}}));
          host_.clock.sleep_for(std::chrono::seconds(1));
          continue;
        }
        if (remedy == Remedy::kNextIndex && !index_problem.empty()) {
          fail(InstallFailure::kIndexWithoutTorch,
               tr("install.index-problem",
                  "{problem}. Fix: check the URL, or use another index (torchup install "
                  "--mirror official)",
                  {{"problem", index_problem}}),
               untouched_);
          if (u + 1 < urls_.size()) break;  // the next index may well have it
          return false;
        }
        if (remedy == Remedy::kNextIndex) break;
        return fail(id == "pep668-externally-managed" ? InstallFailure::kPep668
                                                      : InstallFailure::kInstallerFailed,
                    stop_message(id, result), untouched_);
      }
      if (u + 1 < urls_.size()) {
        say(tr("install.next-index", "giving up on {index}; trying the next index {next}",
               {{"index", source_label(source)}, {"next", source_label(urls_[u + 1])}}));
      }
    }
    const data::FailureKind* kind =
        outcome_.failure_id ? catalogue_.find(*outcome_.failure_id) : nullptr;
    const Text last = outcome_.message;
    const auto failure_id = outcome_.failure_id;
    Text message = tr("install.every-index-failed", "every index failed.");
    if (kind) {
      message = tr("install.every-index-failed-kind", "every index failed ({id}): {fix}",
                   {{"id", kind->id}, {"fix", kind->fix_text()}});
    } else if (!last.empty()) {
      message = tr("install.every-index-failed-last", "every index failed; the last: {last}",
                   {{"last", last}});
    }
    fail(InstallFailure::kEveryIndexFailed, message, untouched_);
    outcome_.failure_id = failure_id;
    return false;
  }

  // ---- verify ----
  // The installer may have taken torch from somewhere else than the plan's index
  // (pip's extra-index-url / find-links are still read next to --index-url).
  std::optional<Text> wrong_build() const {
    auto wrong = installed_build_mismatch(request_.plan, outcome_.installed_version);
    if (!wrong) return wrong;
    std::vector<std::string> elsewhere;
    const bool uv = request_.installer == Installer::kUv;
    if (request_.installer == Installer::kPip || uv) {
      for (const auto* list :
           {&request_.pip_settings.extra_index_urls, &request_.pip_settings.find_links}) {
        for (const auto& s : *list) {
          bool own = false;
          for (const auto& source : request_.sources)
            own = own || s.value == source.index_url || s.value == source.find_links;
          if (!own) elsewhere.push_back(shown(s));
        }
      }
    }
    if (elsewhere.empty()) {
      return tr("install.wrong-build-index", "{wrong}; the index it used served that build",
                {{"wrong", *wrong}});
    }
    const std::string where = str::join(elsewhere, ", ");
    const bool several = elsewhere.size() > 1;
    if (uv && several) {
      return tr("install.wrong-build-uv-many",
                "{wrong}; uv also looked in {where}, which uv consults before torchup's "
                "--index-url: unset them and install again",
                {{"wrong", *wrong}, {"where", where}});
    }
    if (uv) {
      return tr("install.wrong-build-uv",
                "{wrong}; uv also looked in {where}, which uv consults before torchup's "
                "--index-url: unset it and install again",
                {{"wrong", *wrong}, {"where", where}});
    }
    if (several) {
      return tr("install.wrong-build-pip-many",
                "{wrong}; pip also looked in {where}, which pip reads next to torchup's "
                "--index-url: remove them (`pip config list` shows pip's settings) and "
                "install again",
                {{"wrong", *wrong}, {"where", where}});
    }
    return tr("install.wrong-build-pip",
              "{wrong}; pip also looked in {where}, which pip reads next to torchup's "
              "--index-url: remove it (`pip config list` shows pip's settings) and "
              "install again",
              {{"wrong", *wrong}, {"where", where}});
  }

  // Prove it works (the guide's step 3), in the interpreter that was installed into.
  bool verify() {
    const Text doctor =
        tr("install.run-doctor", "run `torchup doctor --python {python}`", {{"python", python_}});
    const Text not_verified = tr("install.not-verified-state",
                                 "the packages were installed into {target} but were not "
                                 "verified",
                                 {{"target", target_}});
    if (host::interrupt_signal() != 0) {  // Ctrl-C after the installer finished
      return fail(InstallFailure::kInterrupted,
                  tr("install.interrupted-before-verify",
                     "stopped (Ctrl-C) after {installer} finished, before torchup "
                     "could verify it",
                     {{"installer", outcome_.installer}}),
                  tr("install.run-verify", "{state}; run `torchup verify --python {python}`",
                     {{"state", not_verified}, {"python", python_}}));
    }
    if (request_.verifier) {
      step_line(tr("install.verifying", "verifying torch in {python}", {{"python", python_}}));
      auto report = request_.verifier(python_);
      if (!report) {
        outcome_.verify_error = report.error().message;
        return fail(
            InstallFailure::kVerifyFailed,
            tr("install.verify-could-not-run",
               "{installer} finished but torchup could not verify the result: "
               "{error}",
               {{"installer", outcome_.installer}, {"error", report.error().message}}),
            tr("install.and-then", "{state}; {next}", {{"state", not_verified}, {"next", doctor}}));
      }
      outcome_.verify = std::move(*report);
      const VerifyReport& v = *outcome_.verify;
      if (v.run.output && v.run.output->torch)
        outcome_.installed_version = v.run.output->torch->version;
      if (!v.ok()) {
        Text message = tr("install.verify-problems",
                          "{installer} finished but verify found problems: {failed}",
                          {{"installer", outcome_.installer}, {"failed", failed_checks(v)}});
        if (auto wrong = wrong_build()) {
          message = tr("install.verify-problems-wrong-build", "{message}; it installed {wrong}",
                       {{"message", message}, {"wrong", *wrong}});
        }
        Text torch = "torch";
        if (!outcome_.installed_version.empty()) torch = "torch " + outcome_.installed_version;
        return fail(InstallFailure::kVerifyFailed, message,
                    tr("install.verify-problems-state",
                       "{torch} is installed in {target} but does not work as it "
                       "should (failed: {failed}); nothing was rolled back; {next}",
                       {{"torch", torch},
                        {"target", target_},
                        {"failed", failed_checks(v)},
                        {"next", doctor}}));
      }
    } else {
      step_line(tr("install.checking-import", "checking that torch imports in {python}",
                   {{"python", python_}}));
      auto check =
          host_.runner.run({python_, "-c", "import torch; print(torch.__version__)"}, options_);
      if (!check.ok()) {
        outcome_.output_tail = last_lines(check.out + check.err + check.start_error, 12);
        return fail(
            InstallFailure::kImportFailed,
            tr("install.import-fails", "{installer} finished but `import torch` fails in {python}",
               {{"installer", outcome_.installer}, {"python", python_}}),
            tr("install.import-fails-state",
               "torch is installed in {python}'s environment but does not "
               "import; {next}",
               {{"python", python_}, {"next", doctor}}));
      }
      outcome_.installed_version = last_lines(check.out, 1);
    }
    if (auto wrong = wrong_build()) {
      return fail(InstallFailure::kWrongBuild,
                  tr("install.wrong-build", "{installer} installed {wrong}",
                     {{"installer", outcome_.installer}, {"wrong", *wrong}}),
                  tr("install.wrong-build-state",
                     "torch {version} is installed in {target} but it is not the planned "
                     "build; nothing was rolled back",
                     {{"version", outcome_.installed_version}, {"target", target_}}));
    }
    return true;
  }

  void succeed() {
    outcome_.ok = true;
    outcome_.failure = InstallFailure::kNone;
    outcome_.message = tr("install.installed-into", "installed torch {version} into {python}",
                          {{"version", outcome_.installed_version}, {"python", python_}});
    if (request_.verifier) {
      outcome_.state = tr("install.installed-verified-state",
                          "torch {version} is installed in {python}'s environment "
                          "and verified",
                          {{"version", outcome_.installed_version}, {"python", python_}});
    } else {
      outcome_.state =
          tr("install.installed-state", "torch {version} is installed in {python}'s environment",
             {{"version", outcome_.installed_version}, {"python", python_}});
    }
  }

  host::Host& host_;
  const data::FailureCatalogue& catalogue_;
  const InstallRequest& request_;
  const std::function<void(const Text&)>& progress_;
  const std::chrono::steady_clock::time_point started_;
  InstallOutcome outcome_;
  host::RunOptions options_;
  LockAttempt lock_;
  bool conda_ = false;
  std::string python_;
  Text target_, untouched_;
  std::vector<IndexSource> urls_;
  std::vector<std::string> requirements_, conda_argv_;
  int steps_ = 2, step_ = 0;
};

}  // namespace

const char* to_string(InstallFailure failure) {
  switch (failure) {
    case InstallFailure::kNone:
      return "none";
    case InstallFailure::kNoFit:
      return "no-fit";
    case InstallFailure::kRefused:
      return "refused";
    case InstallFailure::kPep668:
      return "pep668";
    case InstallFailure::kLocked:
      return "locked";
    case InstallFailure::kInterrupted:
      return "interrupted";
    case InstallFailure::kEnvironmentFailed:
      return "environment-failed";
    case InstallFailure::kNotStarted:
      return "not-started";
    case InstallFailure::kInstallerFailed:
      return "installer-failed";
    case InstallFailure::kIndexWithoutTorch:
      return "index-without-torch";
    case InstallFailure::kEveryIndexFailed:
      return "every-index-failed";
    case InstallFailure::kImportFailed:
      return "import-failed";
    case InstallFailure::kVerifyFailed:
      return "verify-failed";
    case InstallFailure::kWrongBuild:
      return "wrong-build";
  }
  return "none";
}

Remedy remedy_for(std::string_view id, int tries_on_index, int tries_in_install,
                  Installer installer) {
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
    if (remedy == Remedy::kRetryWithoutCache && conda)
      return Remedy::kStop;  // conda has no --no-cache-dir
    return remedy;
  }
  return Remedy::kStop;
}

InstallOutcome run_install(host::Host& host, const data::FailureCatalogue& catalogue,
                           const InstallRequest& request,
                           const std::function<void(const Text&)>& progress) {
  return InstallRun(host, catalogue, request, progress).run();
}

}  // namespace torchup::act
