// `torchup install [plan options] [--venv DIR] [--installer auto|pip|uv|conda|mamba]
//                  [--mirror auto|NAME|URL]... [--allow-insecure] [--dry-run] [--yes] [--json]`
// Thin: plan for this machine and the chosen interpreter (the same options as
// `torchup plan`), pick the installer and the index order, then act::run_install
// (lock, venv, install, verify) and a summary.
#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include <algorithm>
#include <iostream>
#include <memory>
#include <optional>

#include "act/install.h"
#include "act/mirrors.h"
#include "act/verify.h"
#include "act/verify_text.h"
#include "cli/commands.h"
#include "cli/context.h"
#include "cli/plan_options.h"
#include "host/interrupt.h"
#include "model/plan.h"
#include "plan/planner.h"

namespace torchup::cli {
namespace {

struct InstallArgs {
  PlanOptions plan;
  std::vector<std::string> mirrors;
  std::string venv;
  std::string installer = "auto";
  bool dry_run = false;
  bool yes = false;
  bool allow_insecure = false;
  bool json = false;
};

std::string join(const std::vector<std::string>& argv) {
  std::string out;
  for (const auto& arg : argv) out += (out.empty() ? "" : " ") + arg;
  return out;
}

bool is_version_text(const std::string& text) {
  return !text.empty() && text.find_first_not_of("0123456789.") == std::string::npos;
}

struct InstallerChoice {
  act::Installer installer = act::Installer::kPip;
  std::string program;
  std::string note;
};

// The plan's package decides the tool; --installer may ask for uv on a pip plan or
// mamba on a conda plan. A missing uv falls back to pip (same packages, same index).
Expected<InstallerChoice> choose_installer(const host::Host& host, const model::Plan& plan, const std::string& asked) {
  InstallerChoice choice;
  if (plan.package == "libtorch") {
    return make_error(ErrorKind::kUsage, "install installs Python packages; LibTorch is a zip archive",
                      "download it with the link from `torchup select --package libtorch`");
  }
  if (plan.package == "conda") {
    if (asked == "pip" || asked == "uv") {
      return make_error(ErrorKind::kUsage, "--installer " + asked + " cannot run a conda plan",
                        "plan for pip with --package pip (or --package uv)");
    }
    if (asked == "mamba") {
      if (auto mamba = act::find_program(host, "mamba")) return InstallerChoice{act::Installer::kMamba, *mamba, ""};
      choice.note = "mamba is not on PATH; using conda";
    }
    auto conda = act::find_program(host, "conda");
    if (!conda) {
      return make_error(ErrorKind::kEnvironment, "the plan installs with conda, but conda is not on PATH",
                        "activate your conda installation (Miniforge) or plan for pip with --package pip");
    }
    choice.installer = act::Installer::kConda;
    choice.program = *conda;
    return choice;
  }
  if (asked == "conda" || asked == "mamba") {
    return make_error(ErrorKind::kUsage, "--installer " + asked + " needs a conda plan",
                      "add --package conda (pytorch.org published conda packages up to torch 2.5.1)");
  }
  if (asked == "uv" || (asked == "auto" && plan.package == "uv")) {
    if (auto uv = act::find_program(host, "uv")) return InstallerChoice{act::Installer::kUv, *uv, ""};
    choice.note = "uv is not on PATH; using pip with the same packages and index";
  }
  return choice;
}

act::TextStyle text_style(const Context& ctx) {
  const Style s = ctx.style;
  return {[s](std::string_view t) { return s.green(t); }, [s](std::string_view t) { return s.red(t); },
          [s](std::string_view t) { return s.yellow(t); }, [s](std::string_view t) { return s.dim(t); },
          [s](std::string_view t) { return s.bold(t); }};
}

int run_install_command(Context& ctx, InstallArgs args) {
  if (!args.plan.root.empty() || !args.plan.profile.empty()) {
    return ctx.fail(make_error(ErrorKind::kUsage,
                               std::string(args.plan.root.empty() ? "--profile" : "--root") +
                                   " describes another machine; install only runs on this one",
                               "use `torchup plan " + std::string(args.plan.root.empty() ? "--profile" : "--root") +
                                   " ...` to see that machine's plan"));
  }
  const std::vector<std::string> installers{"auto", "pip", "uv", "conda", "mamba"};
  if (std::find(installers.begin(), installers.end(), args.installer) == installers.end()) {
    return ctx.fail(make_error(ErrorKind::kUsage, "--installer " + args.installer + " is not known",
                               "choose auto, pip, uv, conda or mamba"));
  }
  host::Host& host = ctx.live_host();
  std::ostream& info = args.json ? ctx.err : ctx.out;

  // The interpreter: --python PATH is asked for its version (the plan is for that
  // version); --python X.Y and no --python let the planner pick a detected one.
  std::string interpreter;
  const std::string asked = args.plan.prefs.python;
  if (!asked.empty() && !is_version_text(asked)) {
    auto found = act::find_program(host, asked);
    if (!found) {
      return ctx.fail(make_error(ErrorKind::kNotFound, "no Python interpreter " + asked,
                                 "pass --python with the path of an existing interpreter"));
    }
    auto described = act::describe_interpreter(host, *found);
    if (!described) return ctx.fail(described.error());
    interpreter = *found;
    args.plan.prefs.python = described->version;
  }
  auto plan = compute_plan(ctx, args.plan);
  ctx.flush_data_warnings();
  if (!plan) return ctx.fail(plan.error());
  // The plan's PEP 668 warning is about the interpreter detect found; install checks
  // the one it will really use (below), so the plan's guess is dropped here.
  std::erase(plan->warnings, plan::externally_managed_warning(plan->python_path));
  if (!interpreter.empty()) plan->python_path = interpreter;
  if (!plan->fits) {
    if (args.json) {
      nlohmann::json j{{"schema", "torchup.install/1"}, {"ok", false}, {"plan", model::to_json(*plan)},
                       {"message", "no PyTorch build fits this machine"}, {"state", "nothing was changed"}};
      ctx.out << j.dump(2) << "\n";
    } else {
      ctx.out << plan_text(*plan, ctx.style) << "\nNothing was installed: no PyTorch build fits (see above).\n";
    }
    return exit_code_for(ErrorKind::kNoFit);
  }
  if (interpreter.empty()) interpreter = plan->python_path;
  if (interpreter.empty()) {
    if (auto python3 = act::find_program(host, "python3"); python3 && asked.empty()) interpreter = *python3;
  }
  if (interpreter.empty()) {
    return ctx.fail(make_error(ErrorKind::kNotFound,
                               "no Python " + (asked.empty() ? std::string() : asked + " ") + "interpreter found on this machine",
                               "pass --python with the path of the interpreter to install into (or to make the venv with)"));
  }
  auto described = act::describe_interpreter(host, interpreter);
  if (!described) return ctx.fail(described.error());

  auto choice = choose_installer(host, *plan, args.installer);
  if (!choice) return ctx.fail(choice.error());
  if (!args.mirrors.empty() && (choice->installer == act::Installer::kConda || choice->installer == act::Installer::kMamba)) {
    return ctx.fail(make_error(ErrorKind::kUsage, "--mirror applies to pip and uv installs",
                               "conda installs from the plan's channels (-c pytorch ...); configure conda mirrors in .condarc"));
  }
  // conda installs into conda environments (they have conda-meta/); a system
  // Python's prefix is not one.
  if ((choice->installer == act::Installer::kConda || choice->installer == act::Installer::kMamba) &&
      args.venv.empty() && !host.fs.is_dir(described->prefix + "/conda-meta")) {
    return ctx.fail(make_error(ErrorKind::kUsage,
                               described->prefix + " (" + interpreter + ") is not a conda environment",
                               "pass --venv DIR to create a conda env there, or --python with a conda env's python"));
  }
  // pip's own proxy, certificates and extra indexes (pip.conf, PIP_*): torchup's index
  // checks go where pip goes, and the user hears which settings change the install.
  act::PipSettings pip_settings;
  if (choice->installer == act::Installer::kPip) pip_settings = act::read_pip_settings(host, interpreter);
  if (choice->installer == act::Installer::kUv) pip_settings = act::read_uv_settings(host.env);
  std::vector<std::string> notes;
  // Say before anything runs what pip would only say after: a system Python under
  // PEP 668 refuses installs. torchup never adds --break-system-packages; a user who
  // set pip's own break-system-packages hears what it does.
  std::string pep668;
  bool pep668_blocks = false;
  if (described->externally_managed && args.venv.empty() &&
      (choice->installer == act::Installer::kPip || choice->installer == act::Installer::kUv)) {
    if (choice->installer == act::Installer::kPip && pip_settings.break_system_packages) {
      pep668 = interpreter + " is externally managed (PEP 668), but pip's break-system-packages (" +
               pip_settings.break_system_packages->origin + ") is on: pip will install into " + described->prefix +
               " over the system's own packages, which can break them; --venv ~/.venvs/torch is the safe choice";
    } else {
      pep668 = interpreter + " is externally managed (PEP 668): " + act::to_string(choice->installer) +
               " will refuse to install into " + described->prefix +
               ". Install into a virtual environment instead: add --venv ~/.venvs/torch";
      pep668_blocks = true;
    }
    notes.push_back(pep668);
  }
  act::DefaultedHttp pip_http(host.http, act::pip_http_defaults(pip_settings));
  host::Host install_host{host.fs, host.runner, host.env, pip_http, host.system, host.live};
  std::vector<act::IndexSource> sources{act::plan_source(*plan)};
  if (!args.mirrors.empty()) {
    auto list = ctx.store().load<act::MirrorList>("mirrors.json", act::parse_mirror_list);
    if (!list) return ctx.fail(list.error());
    auto resolved = act::resolve_install_sources(pip_http, *list, args.mirrors, *plan, args.allow_insecure);
    if (!resolved) return ctx.fail(resolved.error());
    sources = resolved->order;
    notes.insert(notes.end(), resolved->notes.begin(), resolved->notes.end());
  }
  for (const auto& source : sources) {
    for (const auto& url : {source.index_url, source.find_links}) {
      if (url.empty()) continue;
      auto allowed = act::check_index_url(url, args.allow_insecure);
      if (!allowed) return ctx.fail(allowed.error());
    }
  }

  act::InstallRequest request;
  request.plan = *plan;
  request.python = interpreter;
  if (!args.venv.empty()) request.venv = args.venv;
  else request.env_dir = described->prefix;
  request.sources = sources;
  request.allow_insecure = args.allow_insecure;
  request.dry_run = args.dry_run;
  request.installer = choice->installer;
  request.installer_program = choice->program;
  request.pip_settings = pip_settings;
  std::vector<std::string> own_urls;
  for (const auto& source : sources) own_urls.insert(own_urls.end(), {source.index_url, source.find_links});
  const std::vector<std::string> pip_notes =
      act::pip_settings_notes(pip_settings, !sources.empty() && !sources.front().index_url.empty(), own_urls,
                              act::to_string(choice->installer));

  // What will happen, briefly: the verdict, why, and where from.
  info << ctx.style.bold(fmt::format("Plan: torch {} ({}) for Python {}", plan->torch, plan->platform,
                                     described->version))
       << " with " << act::to_string(choice->installer) << ", into "
       << (request.venv ? "a new " + std::string(choice->installer == act::Installer::kPip ||
                                                 choice->installer == act::Installer::kUv
                                             ? "venv "
                                             : "conda env ") +
                              *request.venv
                        : described->prefix + " (" + interpreter + ")")
       << "\n";
  for (const auto& reason : plan->reasons) info << "  - " << reason << "\n";
  for (const auto& warning : plan->warnings) info << "  ! " << warning << "\n";
  if (!choice->note.empty()) info << "  note: " << choice->note << "\n";
  for (const auto& note : notes) info << (note == pep668 ? "  ! " : "  mirror: ") << note << "\n";
  for (const auto& note : pip_notes) info << "  " << act::to_string(choice->installer) << " config: " << note << "\n";
  if (choice->installer == act::Installer::kPip || choice->installer == act::Installer::kUv) {
    info << "  index order:";
    for (const auto& s : sources) {
      info << " " << s.name << "="
           << (!s.index_url.empty() ? s.index_url : !s.find_links.empty() ? "-f " + s.find_links : "(default)");
    }
    info << "\n";
  }

  // PEP 668: running pip would only end in its refusal. Asked interactively, torchup
  // offers the venv instead (one question, which is also the confirmation); with --yes
  // it stops here, since where a venv goes is the user's choice.
  std::optional<act::InstallOutcome> stopped;
  const auto home = host.env.get("HOME");
  if (pep668_blocks && !args.dry_run && !args.yes && isatty(STDIN_FILENO) != 0 && home && !home->empty()) {
    const std::string offered = *home + "/.venvs/torch";
    info << "Create a venv at " << offered << " and install " << join(act::plan_requirements(request.plan))
         << " there instead? [Y/n] " << std::flush;
    std::string answer;
    std::getline(std::cin, answer);
    if (!answer.empty() && answer != "y" && answer != "Y" && answer != "yes") {
      info << "Nothing installed: " << act::to_string(choice->installer) << " would refuse to install into "
           << described->prefix << " (PEP 668); run again with --venv DIR.\n";
      return 1;
    }
    request.venv = offered;
    request.env_dir.reset();
    std::erase(notes, pep668);
    info << "torchup: installing into a new venv at " << offered << " (" << interpreter << " -m venv)\n";
  } else if (pep668_blocks && !args.dry_run && args.yes) {
    act::InstallOutcome outcome;
    outcome.installer = act::to_string(choice->installer);
    outcome.python = interpreter;
    outcome.failure_id = "pep668-externally-managed";
    outcome.message = pep668 + " (or run without --yes to be offered one)";
    outcome.state = "nothing was changed: " + outcome.installer + " was not run";
    stopped = std::move(outcome);
  } else if (!args.dry_run && !args.yes) {
    if (isatty(STDIN_FILENO) == 0) {
      return ctx.fail(make_error(ErrorKind::kUsage, "install needs confirmation but stdin is not a terminal",
                                 "pass --yes to install without asking, or --dry-run to see the commands"));
    }
    info << "Install " << join(act::plan_requirements(request.plan)) << "? [y/N] " << std::flush;
    std::string answer;
    std::getline(std::cin, answer);
    if (answer != "y" && answer != "Y" && answer != "yes") {
      info << "Nothing installed.\n";
      return 1;
    }
  }
  auto catalogue = ctx.store().load<data::FailureCatalogue>("install-failures.json", data::parse_failure_catalogue);
  if (!catalogue) return ctx.fail(catalogue.error());
  if (!args.dry_run) {
    request.locker = act::make_flock_locker(host.env);
    data::DataStore& store = ctx.store();
    request.verifier = [&host, &store](const std::string& python) {
      act::VerifyOptions options;
      options.python = python;
      return act::verify_python(host, store, options);
    };
  }
  // Ctrl-C (or SIGTERM) during the install stops the installer too, and torchup still
  // says what state the environment is in (exit 130, as a shell would report it).
  std::optional<host::InterruptScope> interrupts;
  if (!args.dry_run) interrupts.emplace();
  auto outcome = stopped ? std::move(*stopped)
                         : act::run_install(install_host, *catalogue, request,
                                            [&info](std::string_view chunk) { info << chunk << std::flush; });
  const std::string failure = outcome.failure_id.value_or("");
  const int code = outcome.ok                                                 ? 0
                   : failure == "verify-failed" || failure == "wrong-build" ? 1
                   : failure == "interrupted"                               ? 130
                                                                            : 3;
  if (args.json) {
    auto j = act::to_json(outcome);
    j["plan"] = model::to_json(*plan);
    j["dry_run"] = args.dry_run;
    for (const auto& note : notes) j["notes"].push_back(note);
    for (const auto& note : pip_notes) j["notes"].push_back(note);
    j[choice->installer == act::Installer::kUv ? "uv_config" : "pip_config"] = act::to_json(pip_settings);
    ctx.out << j.dump(2) << "\n";
    return code;
  }
  if (args.dry_run) {
    ctx.out << "Would run:\n";
    for (const auto& argv : outcome.commands) ctx.out << "  " << join(argv) << "\n";
    if (!outcome.ok) ctx.out << "Problem: " << outcome.message << "\n";
    ctx.out << "State: " << outcome.state << "\n";
    return outcome.ok ? 0 : 3;
  }
  if (outcome.verify) {
    ctx.out << "\n";
    act::render_verify(ctx.out, *outcome.verify, text_style(ctx));
  }
  ctx.out << "\n"
          << (outcome.ok               ? ctx.style.green("Installed: ")
              : failure == "interrupted" ? ctx.style.red("Interrupted: ")
                                         : ctx.style.red("Install failed: "))
          << outcome.message << "\n";
  // The installer's output was passed through; repeat its end only when torchup
  // could not say what went wrong.
  if (!outcome.ok && !outcome.failure_id && !outcome.output_tail.empty()) {
    ctx.out << "Installer's last lines:\n" << outcome.output_tail << "\n";
  }
  for (const auto& note : outcome.notes) ctx.out << "Note: " << note << "\n";
  if (outcome.source_used) {
    const auto& s = *outcome.source_used;
    ctx.out << "From: " << s.name << " "
            << (!s.index_url.empty() ? s.index_url : !s.find_links.empty() ? "-f " + s.find_links : "(default index)")
            << "\n";
  }
  ctx.out << fmt::format("Time: {:.1f} s with {}\n", static_cast<double>(outcome.elapsed.count()) / 1000.0,
                         outcome.installer);
  if (outcome.verify) ctx.out << "Verify: " << (outcome.verify->ok() ? "passed" : "FAILED") << "\n";
  ctx.out << "State: " << outcome.state << "\n";
  return code;
}

}  // namespace

void add_install_command(CLI::App& app, Context& ctx) {
  auto args = std::make_shared<InstallArgs>();
  auto* cmd = app.add_subcommand(
      "install",
      "Plan for this machine (the same options as `torchup plan`) and install it with pip, uv or\n"
      "conda (argument vector, never a shell), optionally into a new venv; one install per\n"
      "environment at a time (lock); recognises the usual failures (MemoryError, PEP 668,\n"
      "network, hashes) and retries or explains; verifies the result; ends with the state the\n"
      "environment is in.");
  cmd->footer(
      "Examples:\n"
      "  torchup install --venv ~/.venvs/torch --yes\n"
      "  torchup install --torch 2.12.0 --platform cu126 --python /usr/bin/python3.12 --dry-run\n"
      "  torchup install --package uv --mirror auto --venv ~/.venvs/torch --yes\n"
      "http:// index URLs are refused except on 127.0.0.1/localhost unless --allow-insecure.\n"
      "Exit codes: 0 installed and verified, 1 nothing fits / declined / verify found problems,\n"
      "2 usage, 3 the install failed or another install holds the environment,\n"
      "130 interrupted (Ctrl-C; the installer is stopped too and the state is reported).");
  add_plan_options(*cmd, args->plan);
  cmd->remove_option(cmd->get_option("--mirror"));
  cmd->add_option("--mirror", args->mirrors,
                  "auto (measured), a mirror name from data/mirrors.json, or an index URL; repeatable; the\n"
                  "official index is always tried last")
      ->type_name("auto|NAME|URL");
  cmd->add_option("--venv", args->venv, "create a fresh venv (conda plans: conda env) in DIR and install there")
      ->type_name("DIR");
  cmd->add_option("--installer", args->installer, "auto (the plan's package), pip, uv, conda or mamba")
      ->type_name("NAME");
  cmd->add_flag("--dry-run", args->dry_run, "print what would run; change nothing (no lock is taken)");
  cmd->add_flag("--yes,-y", args->yes, "do not ask for confirmation");
  cmd->add_flag("--allow-insecure", args->allow_insecure, "allow plain http:// index URLs");
  cmd->add_flag("--json", args->json, "print the outcome as JSON (schema torchup.install/1); progress goes to stderr");
  cmd->callback([&ctx, args]() { ctx.exit_code = run_install_command(ctx, *args); });
}

}  // namespace torchup::cli
