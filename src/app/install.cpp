// `install` as a task (app/install.h).
#include "app/install.h"

#include <algorithm>
#include <filesystem>
#include <optional>

#include "act/mirrors.h"
#include "act/verify.h"
#include "app/fetch.h"
#include "app/fleet.h"
#include "detect/active_python.h"
#include "host/interrupt.h"
#include "plan/planner.h"
#include "util/strings.h"

namespace torchup::app {

namespace {

bool is_version_text(const std::string& text) {
  return !text.empty() && text.find_first_not_of("0123456789.") == std::string::npos;
}

bool is_conda(act::Installer installer) {
  return installer == act::Installer::kConda || installer == act::Installer::kMamba;
}

bool is_yes(const std::optional<std::string>& answer, bool default_yes) {
  if (!answer || answer->empty()) return default_yes;
  return *answer == "y" || *answer == "Y" || *answer == "yes";
}

Status check_options(const InstallOptions& options) {
  if ((!options.plan.root.empty() || !options.plan.profile.empty()) && options.lock.empty()) {
    const std::string flag = options.plan.root.empty() ? "--profile" : "--root";
    return make_error(ErrorKind::kUsage,
                      flag + " describes another machine; install only runs on this one",
                      "use `torchup plan " + flag + " ...` to see that machine's plan");
  }
  if (options.download != "torchup" && options.download != "pip") {
    return make_error(ErrorKind::kUsage, "--download " + options.download + " is not known",
                      "choose torchup (torchup downloads, pip installs the files) or pip");
  }
  if (!options.lock.empty() && !options.plan.root.empty() && !options.plan.profile.empty()) {
    return make_error(ErrorKind::kUsage, "--root and --profile cannot be combined",
                      "pass one machine to choose the lock's group");
  }
  if (!options.from.empty() && !options.mirrors.empty()) {
    return make_error(ErrorKind::kUsage,
                      "--from DIR installs a bundle with no network; --mirror has no use there",
                      "drop --mirror");
  }
  const std::vector<std::string> installers{"auto", "pip", "uv", "conda", "mamba"};
  if (std::find(installers.begin(), installers.end(), options.installer) == installers.end()) {
    return make_error(ErrorKind::kUsage, "--installer " + options.installer + " is not known",
                      "choose auto, pip, uv, conda or mamba");
  }
  return Ok{};
}

// Say before anything runs what pip would only say after: a system Python under
// PEP 668 refuses installs. torchup never adds --break-system-packages; a user who
// set pip's own break-system-packages hears what it does.
void judge_pep668(PreparedInstall& p, const InstallOptions& options) {
  const auto installer = p.choice.installer;
  if (!p.described.externally_managed || !options.venv.empty() ||
      (installer != act::Installer::kPip && installer != act::Installer::kUv)) {
    return;
  }
  if (installer == act::Installer::kPip && p.pip_settings.break_system_packages) {
    p.pep668 = tr(
        "install.pep668-break-system-packages",
        "{python} is externally managed (PEP 668), but pip's break-system-packages ({origin}) is "
        "on: pip "
        "will install into {prefix} over the system's own packages, which can break them; --venv "
        "~/.venvs/torch is the safe choice",
        {{"python", p.interpreter},
         {"origin", p.pip_settings.break_system_packages->origin},
         {"prefix", p.described.prefix}});
  } else {
    p.pep668 = tr("install.pep668-refuses",
                  "{python} is externally managed (PEP 668): {installer} will refuse to install "
                  "into {prefix}. "
                  "Install into a virtual environment instead: add --venv ~/.venvs/torch",
                  {{"python", p.interpreter},
                   {"installer", act::to_string(installer)},
                   {"prefix", p.described.prefix}});
    p.pep668_blocks = true;
  }
  p.notes.push_back(p.pep668);
}

}  // namespace

InstallEnd end_of(const act::InstallOutcome& outcome) {
  if (outcome.ok) return InstallEnd::kInstalled;
  switch (outcome.failure) {
    case act::InstallFailure::kNoFit:
      return InstallEnd::kNoFit;
    case act::InstallFailure::kVerifyFailed:
      return InstallEnd::kVerifyFailed;
    case act::InstallFailure::kWrongBuild:
      return InstallEnd::kWrongBuild;
    case act::InstallFailure::kInterrupted:
      return InstallEnd::kInterrupted;
    default:
      return InstallEnd::kFailed;
  }
}

Expected<InstallerChoice> choose_installer(const host::Host& host, const model::Plan& plan,
                                           const std::string& asked) {
  InstallerChoice choice;
  if (plan.package == "libtorch") {
    return make_error(ErrorKind::kUsage,
                      "install installs Python packages; LibTorch is a zip archive",
                      "download it with the link from `torchup select --package libtorch`");
  }
  if (plan.package == "conda") {
    if (asked == "pip" || asked == "uv") {
      return make_error(ErrorKind::kUsage, "--installer " + asked + " cannot run a conda plan",
                        "plan for pip with --package pip (or --package uv)");
    }
    if (asked == "mamba") {
      if (auto mamba = host::find_program(host, "mamba"))
        return InstallerChoice{act::Installer::kMamba, *mamba, ""};
      choice.note = "mamba is not on PATH; using conda";
    }
    auto conda = host::find_program(host, "conda");
    if (!conda) {
      return make_error(
          ErrorKind::kEnvironment, "the plan installs with conda, but conda is not on PATH",
          "activate your conda installation (Miniforge) or plan for pip with --package pip");
    }
    choice.installer = act::Installer::kConda;
    choice.program = *conda;
    return choice;
  }
  if (asked == "conda" || asked == "mamba") {
    return make_error(
        ErrorKind::kUsage, "--installer " + asked + " needs a conda plan",
        "add --package conda (pytorch.org published conda packages up to torch 2.5.1)");
  }
  if (asked == "uv" || (asked == "auto" && plan.package == "uv")) {
    if (auto uv = host::find_program(host, "uv"))
      return InstallerChoice{act::Installer::kUv, *uv, ""};
    choice.note = "uv is not on PATH; using pip with the same packages and index";
  }
  return choice;
}

StartDecision decide_start(const StartSituation& s) {
  if (s.dry_run) return StartDecision::kRun;
  if (s.pep668_blocks && !s.yes && s.interactive && s.have_home) return StartDecision::kOfferVenv;
  if (s.pep668_blocks && s.yes) return StartDecision::kStopPep668;
  if (s.yes) return StartDecision::kRun;
  return s.interactive ? StartDecision::kAskToInstall : StartDecision::kNeedTerminal;
}

int exit_code(InstallEnd end) {
  switch (end) {
    case InstallEnd::kInstalled:
      return 0;
    case InstallEnd::kNoFit:
      return exit_code_for(ErrorKind::kNoFit);
    case InstallEnd::kDeclined:
    case InstallEnd::kStopped:
    case InstallEnd::kVerifyFailed:
    case InstallEnd::kWrongBuild:
      return 1;
    case InstallEnd::kFailed:
      return exit_code_for(ErrorKind::kEnvironment);
    case InstallEnd::kInterrupted:
      return 130;
  }
  return 3;
}

// The venv at `dir` was made by the interpreter `python` (its pyvenv.cfg's
// `executable`, or `home` as that interpreter's directory): running the same
// `--python P --venv DIR` again installs into it.
bool made_by(const host::Host& host, const std::string& dir, const std::string& python) {
  auto cfg = host.fs.read_file(dir + "/pyvenv.cfg");
  auto found = host::find_program(host, python);
  if (!cfg || !found) return false;
  const std::string real = host.fs.real_path(*found);
  for (auto line : str::lines(*cfg)) {
    auto eq = line.find('=');
    if (eq == std::string_view::npos) continue;
    const std::string key(str::trim(line.substr(0, eq)));
    const std::string value(str::trim(line.substr(eq + 1)));
    if (key == "executable" && (value == *found || value == real)) return true;
    if (key == "home" && (value == std::filesystem::path(*found).parent_path().string() ||
                          value == std::filesystem::path(real).parent_path().string()))
      return true;
  }
  return false;
}

// --venv DIR as the real run would meet it: a file or a directory of something else
// is refused before anything runs (dry run included); an existing venv is used as it
// is (its own interpreter), never described as "the new venv".
Status check_venv(const host::Host& host, InstallOptions& options, std::vector<Text>& notes) {
  if (options.venv.empty()) return Ok{};
  std::error_code ec;
  const std::string dir = std::filesystem::absolute(options.venv, ec).lexically_normal().string();
  if (host.fs.exists(dir) && !host.fs.is_dir(dir)) {
    return make_error(ErrorKind::kUsage,
                      tr("install.venv-is-file", "--venv {path} is a file, not a directory",
                         {{"path", options.venv}}),
                      tr("install.hint-venv-is-file",
                         "choose a new directory for the venv, e.g. --venv ~/.venvs/torch"));
  }
  // Empty, or holding only another torchup's install lock (that install is making the
  // venv right now; the lock says so below): a new venv.
  auto entries = host.fs.list_dir(dir);
  std::erase(entries, std::string(".torchup-install.lock"));
  if (!host.fs.is_dir(dir) || entries.empty()) return Ok{};
  const std::string python = host::venv_python(host, dir);
  const bool is_venv = host.fs.exists(dir + "/pyvenv.cfg") || host.fs.is_dir(dir + "/conda-meta");
  if (!is_venv || !host.fs.is_executable(python)) {
    return make_error(ErrorKind::kUsage,
                      tr("install.venv-not-environment",
                         "--venv {path} already exists and is not a Python environment",
                         {{"path", options.venv}}),
                      tr("install.hint-venv-not-environment",
                         "choose a new (or empty) directory, or --python with the "
                         "interpreter to install into"));
  }
  if (!options.plan.prefs.python.empty() && !is_version_text(options.plan.prefs.python) &&
      !made_by(host, dir, options.plan.prefs.python)) {
    return make_error(
        ErrorKind::kUsage,
        tr("install.venv-own-python",
           "--venv {path} is an existing environment with its own python",
           {{"path", options.venv}}),
        tr("install.hint-venv-own-python", "give --venv DIR or --python PATH, not both"));
  }
  notes.push_back(tr("install.existing-venv",
                     "{path} is an existing environment: installing into it with {python}",
                     {{"path", options.venv}, {"python", python}}));
  options.plan.prefs.python = python;
  options.venv.clear();
  return Ok{};
}

Expected<std::vector<act::IndexSource>> index_sources(
    const Services& services, host::HttpClient& http, const model::Plan& plan,
    const std::vector<std::string>& mirrors, bool allow_insecure, std::vector<Text>& notes) {
  std::vector<act::IndexSource> sources{act::plan_source(plan)};
  if (!mirrors.empty()) {
    auto list = services.store.load<act::MirrorList>("mirrors.json", act::parse_mirror_list);
    if (!list) return list.error();
    auto resolved = act::resolve_install_sources(http, *list, mirrors, plan, allow_insecure);
    if (!resolved) return resolved.error();
    sources = resolved->order;
    notes.insert(notes.end(), resolved->notes.begin(), resolved->notes.end());
  }
  for (const auto& source : sources) {
    for (const auto& url : {source.index_url, source.find_links}) {
      if (url.empty()) continue;
      if (auto allowed = act::check_index_url(url, allow_insecure); !allowed)
        return allowed.error();
    }
  }
  return sources;
}

Expected<PreparedInstall> prepare_install(const Services& services, InstallOptions options) {
  if (auto ok = check_options(options); !ok) return ok.error();
  host::Host& host = services.host;
  std::vector<Text> venv_notes;
  if (auto ok = check_venv(host, options, venv_notes); !ok) return ok.error();

  // The interpreter: --python PATH is asked for its version (the plan is for that
  // version); --python X.Y and no --python let the planner pick a detected one.
  PreparedInstall p;
  p.notes = venv_notes;
  std::optional<act::InterpreterInfo> asked_info;  // --python PATH, described once
  const std::string asked = options.plan.prefs.python;
  if (!asked.empty() && !is_version_text(asked)) {
    auto found = host::find_program(host, asked);
    if (!found) {
      return make_error(
          ErrorKind::kNotFound,
          tr("install.no-interpreter", "no Python interpreter {python}", {{"python", asked}}),
          tr("install.hint-no-interpreter",
             "pass --python with the path of an existing interpreter"));
    }
    auto described = act::describe_interpreter(host, *found);
    if (!described) return described.error();
    p.interpreter = *found;
    options.plan.prefs.python = described->version;
    asked_info = std::move(*described);
  }
  // --lock: the node's group decides the build (its torch, variant and Python).
  std::optional<LockChoice> locked;
  if (!options.lock.empty()) {
    PlanRequest which;
    which.root = options.plan.root;
    which.profile = options.plan.profile;
    auto chosen =
        choose_lock_group(services, options.lock, which, asked_info ? asked_info->version : "");
    if (!chosen) return chosen.error();
    const FleetGroup& g = chosen->lock.groups[chosen->group];
    // The plan is the group's build for the machine the facts describe (--root, --profile,
    // else this one); the interpreter is --python's, else that machine's Python X.Y.
    options.plan.prefs.torch = g.plan.torch;
    options.plan.prefs.platform = g.plan.platform;
    options.plan.prefs.package = g.plan.package;
    options.plan.prefs.channel = "stable";
    options.plan.prefs.python = g.fingerprint.python;
    p.lock_group = g.id;
    locked = std::move(*chosen);
  }
  auto plan = compute_plan(services, options.plan);
  if (!plan) return plan.error();
  p.plan = std::move(*plan);
  // The plan's PEP 668 warning is about the interpreter detect found; install checks
  // the one it will really use (below), so the plan's guess is dropped here.
  std::erase(p.plan.warnings, plan::externally_managed_warning(p.plan.python_path));
  if (!p.interpreter.empty()) p.plan.python_path = p.interpreter;
  if (!p.plan.fits) return p;

  if (p.interpreter.empty()) p.interpreter = p.plan.python_path;
  if (p.interpreter.empty() && asked.empty()) {
    if (auto active = detect::active_python(host)) p.interpreter = active->path;
  }
  if (p.interpreter.empty()) {
    return make_error(ErrorKind::kNotFound,
                      "no Python " + (asked.empty() ? std::string() : asked + " ") +
                          "interpreter found on this machine",
                      "pass --python with the path of the interpreter to install into (or to make "
                      "the venv with)");
  }
  // The interpreter is asked once: --python PATH was described above (each probe is a
  // Python start-up, 100-200 ms).
  if (asked_info) {  // then p.interpreter is that PATH
    p.described = std::move(*asked_info);
  } else {
    auto described = act::describe_interpreter(host, p.interpreter);
    if (!described) return described.error();
    p.described = std::move(*described);
  }

  auto choice = choose_installer(host, p.plan, options.installer);
  if (!choice) return choice.error();
  p.choice = std::move(*choice);
  const bool conda = is_conda(p.choice.installer);
  if (!options.mirrors.empty() && conda) {
    return make_error(ErrorKind::kUsage, "--mirror applies to pip and uv installs",
                      "conda installs from the plan's channels (-c pytorch ...); configure conda "
                      "mirrors in .condarc");
  }
  // conda installs into conda environments (they have conda-meta/); a system
  // Python's prefix is not one.
  if (conda && options.venv.empty() && !host.fs.is_dir(p.described.prefix + "/conda-meta")) {
    return make_error(
        ErrorKind::kUsage,
        p.described.prefix + " (" + p.interpreter + ") is not a conda environment",
        "pass --venv DIR to create a conda env there, or --python with a conda env's python");
  }
  // pip's own proxy, certificates and extra indexes (pip.conf, PIP_*): torchup's index
  // checks go where pip goes, and the user hears which settings change the install.
  if (p.choice.installer == act::Installer::kPip)
    p.pip_settings = act::read_pip_settings_at_prefix(host, p.described.prefix);
  if (p.choice.installer == act::Installer::kUv) p.pip_settings = act::read_uv_settings(host.env);
  judge_pep668(p, options);

  p.http = std::make_shared<act::DefaultedHttp>(host.http, act::pip_http_defaults(p.pip_settings));
  auto listed =
      index_sources(services, *p.http, p.plan, options.mirrors, options.allow_insecure, p.notes);
  if (!listed) return listed.error();
  const std::vector<act::IndexSource>& sources = *listed;

  act::InstallRequest& request = p.request;
  request.plan = p.plan;
  request.python = p.interpreter;
  if (!options.venv.empty())
    request.venv = options.venv;
  else
    request.env_dir = p.described.prefix;
  request.sources = sources;
  request.allow_insecure = options.allow_insecure;
  request.dry_run = options.dry_run;
  request.installer = p.choice.installer;
  request.installer_program = p.choice.program;
  request.pip_settings = p.pip_settings;
  std::vector<std::string> own_urls;
  for (const auto& source : sources)
    own_urls.insert(own_urls.end(), {source.index_url, source.find_links});
  const bool pip_like =
      p.choice.installer == act::Installer::kPip || p.choice.installer == act::Installer::kUv;
  if (!options.from.empty() && !locked) {
    if (!pip_like) {
      return make_error(ErrorKind::kUsage,
                        "--from DIR holds pip wheels; the plan installs with " +
                            std::string(act::to_string(p.choice.installer)),
                        "plan for pip with --package pip");
    }
    if (auto used = use_bundle(services, p, options.from); !used) return used.error();
  } else if (locked) {
    if (!pip_like) {
      return make_error(ErrorKind::kUsage, "a lock holds pip wheels; this install uses " +
                                               std::string(act::to_string(p.choice.installer)));
    }
    const FleetGroup& g = locked->lock.groups[locked->group];
    if (auto used = use_lock(services, p, *g.lock, options.from, options.progress); !used)
      return used.error();
  } else if (pip_like && options.download == "torchup" && !options.dry_run) {
    request.prefetch = make_prefetcher(services, p, options.progress);
  }
  p.pip_notes = act::pip_settings_notes(p.pip_settings,
                                        !sources.empty() && !sources.front().index_url.empty(),
                                        own_urls, act::to_string(p.choice.installer));
  return p;
}

// The official index could not be reached (its name did not resolve, or the network
// failed): the mirrors of pytorch.org's wheel index that torchup knows (in mainland
// China: data/mirrors.json) are the next thing to try, so the user hears their names.
static void suggest_mirrors(const Services& services, const PreparedInstall& p,
                            const InstallOptions& options, act::InstallOutcome& outcome) {
  const std::string id = outcome.failure_id.value_or("");
  if (outcome.ok || (id != "dns-failure" && id != "network-timeout") || !options.mirrors.empty())
    return;
  if (p.choice.installer != act::Installer::kPip && p.choice.installer != act::Installer::kUv)
    return;
  auto list = services.store.load<act::MirrorList>("mirrors.json", act::parse_mirror_list);
  if (!list || list->pytorch_mirrors.empty()) return;
  std::vector<std::string> flags;
  for (const auto& m : list->pytorch_mirrors) flags.push_back("--mirror " + m.name);
  outcome.notes.push_back(
      tr("install.try-mirrors",
         "the official index could not be reached; torchup knows these mirrors of it (in mainland "
         "China): {mirrors}; `--mirror auto` measures them and installs from the fastest",
         {{"mirrors", str::join(flags, ", ")}}));
}

// install --lock on a node that already holds the group's wheels: nothing runs but
// verify (unless --no-verify), and the result says so.
static InstallResult unchanged_install(const Services& services, const PreparedInstall& p,
                                       const InstallOptions& options) {
  InstallResult result;
  result.end = InstallEnd::kInstalled;
  act::InstallOutcome& o = result.outcome;
  o.ok = true;
  o.installer = act::to_string(p.choice.installer);
  o.python = p.request.venv ? *p.request.venv : p.interpreter;
  o.installed_version = p.plan.torch;
  o.message = tr("install.lock-already", "the lock's group {group} is already installed in {python}",
                 {{"group", p.lock_group}, {"python", o.python}});
  o.state = tr("install.nothing-changed", "nothing was changed");
  if (!options.verify || options.dry_run) return result;
  act::VerifyOptions verify;
  verify.python = p.request.venv ? host::venv_python(services.host, *p.request.venv) : p.interpreter;
  auto report = act::verify_python(services.host, services.store, verify);
  if (!report) {
    o.verify_error = report.error().message;
    result.end = InstallEnd::kVerifyFailed;
    return result;
  }
  if (report->run.output && report->run.output->torch)
    o.installed_version = report->run.output->torch->version;
  o.verify = std::move(*report);
  if (!o.verify->ok()) result.end = InstallEnd::kVerifyFailed;
  return result;
}

Expected<InstallResult> run_install(const Services& services, PreparedInstall& p,
                                    const InstallOptions& options,
                                    const std::function<void(const Text&)>& say) {
  host::Host& host = services.host;
  InstallResult result;
  if (!p.plan.fits) {
    result.end = InstallEnd::kNoFit;
    result.outcome.message = tr("install.no-fits-machine", "no PyTorch build fits this machine");
    result.outcome.state = tr("install.nothing-changed", "nothing was changed");
    return result;
  }
  act::InstallRequest& request = p.request;
  const std::string installer = act::to_string(p.choice.installer);
  if (p.unchanged) return unchanged_install(services, p, options);
  const std::string requirements = str::join(
      request.requirements.empty() ? act::plan_requirements(request.plan) : request.requirements, " ");
  const auto home = host.env.get("HOME");
  StartSituation situation{p.pep668_blocks, options.dry_run, options.yes,
                           host.terminal.interactive(), home && !home->empty()};
  std::optional<act::InstallOutcome> stopped;
  switch (decide_start(situation)) {
    case StartDecision::kRun:
      break;
    case StartDecision::kNeedTerminal:
      return make_error(ErrorKind::kUsage, "install needs confirmation but stdin is not a terminal",
                        "pass --yes to install without asking, or --dry-run to see the commands");
    case StartDecision::kAskToInstall: {
      say(tr("install.ask", "Install {packages}? [y/N] ", {{"packages", requirements}}));
      if (!is_yes(host.terminal.read_line(), false)) {
        result.end = InstallEnd::kDeclined;
        result.declined = tr("install.declined", "Nothing installed.");
        return result;
      }
      break;
    }
    case StartDecision::kOfferVenv: {
      // PEP 668: running pip would only end in its refusal. Asked interactively, torchup
      // offers the venv instead (one question, which is also the confirmation).
      const std::string offered = *home + "/.venvs/torch";
      say(tr("install.offer-venv",
             "Create a venv at {path} and install {packages} there instead? [Y/n] ",
             {{"path", offered}, {"packages", requirements}}));
      if (!is_yes(host.terminal.read_line(), true)) {
        result.end = InstallEnd::kDeclined;
        result.declined = tr("install.declined-venv",
                             "Nothing installed: {installer} would refuse to install into "
                             "{prefix} (PEP 668); run again with --venv DIR.",
                             {{"installer", installer}, {"prefix", p.described.prefix}});
        return result;
      }
      request.venv = offered;
      request.env_dir.reset();
      std::erase(p.notes, p.pep668);
      say(Text("torchup: "));
      say(tr("install.into-new-venv", "installing into a new venv at {path} ({python} -m venv)",
             {{"path", offered}, {"python", p.interpreter}}));
      say(Text("\n"));
      break;
    }
    case StartDecision::kStopPep668: {
      act::InstallOutcome outcome;
      outcome.installer = installer;
      outcome.python = p.interpreter;
      outcome.failure = act::InstallFailure::kPep668;
      outcome.failure_id = "pep668-externally-managed";
      outcome.message =
          tr("install.pep668-yes", "{pep668} (or run without --yes to be offered one)",
             {{"pep668", p.pep668}});
      outcome.state = tr("install.not-run-state", "nothing was changed: {installer} was not run",
                         {{"installer", installer}});
      stopped = std::move(outcome);
      break;
    }
  }
  auto catalogue = services.store.load<data::FailureCatalogue>("install-failures.json",
                                                               data::parse_failure_catalogue);
  if (!catalogue) return catalogue.error();
  if (!options.dry_run) {
    request.locker = act::make_flock_locker(host.env);
    data::DataStore& store = services.store;
    if (options.verify)
      request.verifier = [&host, &store](const std::string& python) {
      act::VerifyOptions verify;
      verify.python = python;
      return act::verify_python(host, store, verify);
    };
  }
  // Ctrl-C (or SIGTERM) during the install stops the installer too, and torchup still
  // says what state the environment is in (exit 130, as a shell would report it).
  std::optional<host::InterruptScope> interrupts;
  if (!options.dry_run && !stopped) interrupts.emplace();
  host::Host install_host{host.fs,     host.runner, host.env,      *p.http,
                          host.system, host.live,   host.terminal, host.clock};
  result.outcome =
      stopped ? std::move(*stopped) : act::run_install(install_host, *catalogue, request, say);
  // Stopped before pip ran: nothing failed and nothing changed, as when a person at a
  // terminal declines the venv offer (1, not 3: `install --help`'s exit codes).
  result.end = stopped ? InstallEnd::kStopped : end_of(result.outcome);
  if (!stopped && !options.dry_run) suggest_mirrors(services, p, options, result.outcome);
  return result;
}

}  // namespace torchup::app
