// `torchup install [plan options] [--venv DIR] [--installer auto|pip|uv|conda|mamba]
//                  [--mirror auto|NAME|URL]... [--allow-insecure] [--dry-run] [--yes] [--json]`
// Parses the options, calls app::prepare_install and app::run_install, and renders
// the plan summary and the outcome (text or the torchup.install/1 JSON).
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <memory>
#include <nlohmann/json.hpp>

#include "act/install.h"
#include "act/verify_text.h"
#include "app/install.h"
#include "cli/commands.h"
#include "cli/context.h"
#include "cli/plan_options.h"
#include "cli/progress_line.h"
#include "model/plan.h"
#include "util/strings.h"

namespace torchup::cli {
namespace {

struct InstallArgs {
  PlanOptions plan;
  app::InstallOptions install;
  bool json = false;
};

Text source_text(const act::IndexSource& s, const Text& none) {
  if (!s.index_url.empty()) return s.index_url;
  if (!s.find_links.empty()) return "-f " + s.find_links;
  return none;
}

// ", into a new venv DIR" / ", into PREFIX (PYTHON)" after the plan line.
Text into_text(const std::string& installer, bool pip_like, const std::optional<std::string>& venv,
               const app::PreparedInstall& p) {
  if (venv && pip_like) {
    return tr("install.into-venv", " with {installer}, into a new venv {path}",
              {{"installer", installer}, {"path", *venv}});
  }
  if (venv) {
    return tr("install.into-conda-env", " with {installer}, into a new conda env {path}",
              {{"installer", installer}, {"path", *venv}});
  }
  return tr("install.into-prefix", " with {installer}, into {prefix} ({python})",
            {{"installer", installer}, {"prefix", p.described.prefix}, {"python", p.interpreter}});
}

// What will happen, briefly: the verdict, why, and where from.
void print_summary(std::ostream& info, const Style& style, const app::PreparedInstall& p) {
  const auto installer = p.choice.installer;
  const bool pip_like = installer == act::Installer::kPip || installer == act::Installer::kUv;
  const auto& request = p.request;
  info << style.bold(style.t(tr("install.plan-line",
                                "Plan: torch {torch} ({platform}) for Python {python}",
                                {{"torch", p.plan.torch},
                                 {"platform", p.plan.platform},
                                 {"python", p.described.version}})))
       << style.t(into_text(act::to_string(installer), pip_like, request.venv, p)) << "\n";
  for (const auto& reason : p.plan.reasons) info << "  - " << style.t(reason) << "\n";
  for (const auto& warning : p.plan.warnings) info << "  ! " << style.t(warning) << "\n";
  if (!p.choice.note.empty())
    info << "  " << style.t(tr("install.note", "note: {note}", {{"note", p.choice.note}})) << "\n";
  for (const auto& note : p.notes) {
    if (note == p.pep668)
      info << "  ! " << style.t(note) << "\n";
    else
      info << "  " << style.t(tr("install.mirror-note", "mirror: {note}", {{"note", note}}))
           << "\n";
  }
  if (!p.bundle_note.empty()) info << "  " << style.t(p.bundle_note) << "\n";
  for (const auto& note : p.pip_notes) {
    info << "  "
         << style.t(tr("install.config-note", "{installer} config: {note}",
                       {{"installer", act::to_string(installer)}, {"note", note}}))
         << "\n";
  }
  if (pip_like) {
    info << "  " << style.t(tr("install.index-order", "index order:"));
    for (const auto& s : request.sources)
      info << " " << s.name << "=" << source_text(s, "(default)");
    info << "\n";
  }
}

void print_outcome(Context& ctx, const app::InstallResult& result) {
  const auto& outcome = result.outcome;
  if (outcome.verify) {
    ctx.out << "\n";
    act::render_verify(ctx.out, *outcome.verify, text_style(ctx.style));
  }
  const auto& s = ctx.style;
  std::string head;
  if (outcome.ok)
    head = s.green(s.t(tr("install.installed", "Installed: ")));
  else if (result.end == app::InstallEnd::kInterrupted)
    head = s.red(s.t(tr("install.interrupted", "Interrupted: ")));
  else if (result.end == app::InstallEnd::kStopped)
    head = s.red(s.t(tr("install.nothing-installed", "Nothing installed: ")));
  else
    head = s.red(s.t(tr("install.failed", "Install failed: ")));
  ctx.out << "\n" << head << s.t(outcome.message) << "\n";
  // The installer's output was passed through; repeat its end only when torchup
  // could not say what went wrong.
  if (!outcome.ok && !outcome.failure_id && !outcome.output_tail.empty()) {
    ctx.out << s.t(tr("install.last-lines", "Installer's last lines:")) << "\n"
            << outcome.output_tail << "\n";
  }
  for (const auto& note : outcome.notes)
    ctx.out << s.t(tr("install.outcome-note", "Note: {note}", {{"note", note}})) << "\n";
  if (outcome.source_used) {
    const Text where =
        tr("install.from", "From: {name} {source}",
           {{"name", outcome.source_used->name},
            {"source", source_text(*outcome.source_used,
                                   tr("install.default-index-short", "(default index)"))}});
    ctx.out << s.t(where) << "\n";
  }
  ctx.out << s.t(tr("install.time", "Time: {seconds} s with {installer}",
                    {{"seconds",
                      fmt::format("{:.1f}", static_cast<double>(outcome.elapsed.count()) / 1000.0)},
                     {"installer", outcome.installer}}))
          << "\n";
  if (outcome.verify) {
    if (outcome.verify->ok())
      ctx.out << ctx.style.t(tr("install.verify-passed", "Verify: passed")) << "\n";
    else
      ctx.out << ctx.style.t(tr("install.verify-failed", "Verify: FAILED")) << "\n";
  }
  ctx.out << ctx.style.t(tr("install.state", "State: {state}", {{"state", outcome.state}})) << "\n";
}

int run_install_command(Context& ctx, InstallArgs& args) {
  args.install.plan = args.plan;
  std::ostream& info = args.json ? ctx.err : ctx.out;
  host::Host& host = ctx.services().host;
  if (!args.json && host.terminal.output_is_terminal())
    args.install.progress = make_progress_line(ctx.out, ctx.style, host.clock);
  auto prepared = app::prepare_install(ctx.services(), args.install);
  ctx.flush_data_warnings();
  if (!prepared) return ctx.fail(prepared.error());
  const model::Plan& plan = prepared->plan;
  if (!plan.fits) {
    if (args.json) {
      nlohmann::json j{{"schema", "torchup.install/1"},
                       {"ok", false},
                       {"plan", model::to_json(plan)},
                       {"message", "no PyTorch build fits this machine"},
                       {"state", "nothing was changed"}};
      ctx.out << j.dump(2) << "\n";
    } else {
      ctx.out << plan_text(plan, ctx.style) << "\n"
              << ctx.style.t(tr("install.no-fit",
                                "Nothing was installed: no PyTorch build fits (see above)."))
              << "\n";
    }
    return app::exit_code(app::InstallEnd::kNoFit);
  }
  print_summary(info, ctx.style, *prepared);
  auto result = app::run_install(
      ctx.services(), *prepared, args.install,
      [&info, &ctx](const Text& chunk) { info << ctx.style.t(chunk) << std::flush; });
  if (!result) return ctx.fail(result.error());
  if (result->end == app::InstallEnd::kDeclined) {
    info << ctx.style.t(result->declined) << "\n";
    return app::exit_code(result->end);
  }
  const auto& outcome = result->outcome;
  const int code = app::exit_code(result->end);
  if (args.json) {
    auto j = act::to_json(outcome);
    j["plan"] = model::to_json(plan);
    j["dry_run"] = args.install.dry_run;
    // Whether the environment changed (with --dry-run: would change), for Ansible and
    // other engines that report "changed".
    j["changed"] = !prepared->unchanged && (args.install.dry_run || !outcome.commands.empty());
    if (!prepared->lock_group.empty()) j["group"] = prepared->lock_group;
    for (const auto& note : prepared->notes) j["notes"].push_back(note.str());
    for (const auto& note : prepared->pip_notes) j["notes"].push_back(note);
    j[prepared->choice.installer == act::Installer::kUv ? "uv_config" : "pip_config"] =
        act::to_json(prepared->pip_settings);
    ctx.out << j.dump(2) << "\n";
    return code;
  }
  if (args.install.dry_run) {
    ctx.out << ctx.style.t(tr("install.would-run", "Would run:")) << "\n";
    const bool windows = ctx.live_host().system.os_family == "windows";
    for (const auto& argv : outcome.commands)
      ctx.out << "  " << str::command_line(argv, windows) << "\n";
    if (!outcome.ok)
      ctx.out << ctx.style.t(
                     tr("install.problem", "Problem: {message}", {{"message", outcome.message}}))
              << "\n";
    ctx.out << ctx.style.t(tr("install.state", "State: {state}", {{"state", outcome.state}}))
            << "\n";
    return outcome.ok ? 0 : app::exit_code(app::InstallEnd::kFailed);
  }
  print_outcome(ctx, *result);
  return code;
}

}  // namespace

void add_install_command(CLI::App& app, Context& ctx) {
  auto args = std::make_shared<InstallArgs>();
  auto* cmd = app.add_subcommand(
      "install", ctx.style.t(tr("help.install",
                                "install the planned build (pip, uv or conda), then verify it")));
  cmd->footer(ctx.style.t(tr(
      "help.install-footer",
      "Plans for this machine (the same options as `torchup plan`) and installs with pip, uv or\n"
      "conda (argument vector, never a shell), optionally into a new venv; one install per\n"
      "environment at a time (lock); recognises the usual failures (MemoryError, PEP 668,\n"
      "network, hashes) and retries or explains; verifies the result; ends with the state the\n"
      "environment is in.\n\n"
      "Examples:\n"
      "  torchup install --venv ~/.venvs/torch --yes\n"
      "  torchup install --torch 2.12.0 --platform cu126 --python /usr/bin/python3.12 --dry-run\n"
      "  torchup install --package uv --mirror auto --venv ~/.venvs/torch --yes\n"
      "  torchup install --lock /shared/fleet-lock.json --from /shared/wheels --yes\n"
      "http:// index URLs are refused except on 127.0.0.1/localhost unless --allow-insecure.\n"
      "An externally-managed (PEP 668) interpreter, unless pip's own break-system-packages is set: "
      "at\n"
      "a terminal torchup offers a venv at ~/.venvs/torch; with --yes it stops before pip runs "
      "(exit 1; add --venv DIR).\n"
      "Exit codes: 0 installed and verified, 1 nothing fits / declined / stopped (PEP 668 with "
      "--yes) /\n"
      "verify found problems, 2 usage, 3 the install failed or another install holds the "
      "environment,\n"
      "130 interrupted (Ctrl-C; the installer is stopped too and the state is reported).")));
  add_plan_options(*cmd, args->plan, ctx.style);
  // install runs on this machine only: --root and --profile are refused with a hint
  // (app::check_options), so the help does not offer them.
  cmd->get_option("--root")->group("");
  cmd->get_option("--profile")->group("");
  add_mirrors_option(*cmd, args->install.mirrors, ctx.style);
  cmd->add_option(
         "--venv", args->install.venv,
         ctx.style.t(tr("opt.install.venv",
                        "create a fresh venv (conda plans: conda env) in DIR and install there")))
      ->type_name("DIR");
  cmd->add_option("--installer", args->install.installer,
                  ctx.style.t(tr("opt.install.installer",
                                 "auto (the plan's package), pip, uv, conda or mamba")))
      ->type_name("NAME");
  cmd->add_option(
         "--from", args->install.from,
         ctx.style.t(tr("opt.install.from",
                        "install a bundle `torchup fetch --dest DIR` wrote (no network; every "
                        "file checked)")))
      ->type_name("DIR");
  cmd->add_option("--lock", args->install.lock,
                  ctx.style.t(tr("opt.install.lock",
                                 "install this machine's group of a fleet lock (`torchup fleet "
                                 "plan --lock`): exactly its\n"
                                 "wheels, hash-checked; --root DIR or --profile FILE give the "
                                 "facts that pick the group")))
      ->type_name("FILE");
  cmd->add_flag("--no-verify", [args](std::int64_t) { args->install.verify = false; },
                ctx.style.t(tr("opt.install.no-verify",
                               "do not run torchup verify after installing (import torch and "
                               "its version are still checked)")));
  cmd->add_option("--download", args->install.download,
                  ctx.style.t(tr("opt.install.download",
                                 "torchup (default: torchup downloads the wheels, resumable and "
                                 "hash-checked, and pip\n"
                                 "installs the files) or pip (pip downloads them itself)")))
      ->type_name("torchup|pip");
  cmd->add_flag("--dry-run", args->install.dry_run,
                ctx.style.t(tr("opt.install.dry-run",
                               "print what would run; change nothing (no lock is taken)")));
  cmd->add_flag("--yes,-y", args->install.yes,
                ctx.style.t(tr("opt.install.yes",
                               "do not ask for confirmation; an externally-managed (PEP 668) "
                               "interpreter then stops the install\n"
                               "before pip runs (exit 1): add --venv DIR")));
  cmd->add_flag("--allow-insecure", args->install.allow_insecure,
                ctx.style.t(tr("opt.install.allow-insecure", "allow plain http:// index URLs")));
  cmd->add_flag(
      "--json", args->json,
      ctx.style.t(
          tr("opt.install.json",
             "print the outcome as JSON (schema torchup.install/1); progress goes to stderr")));
  cmd->callback([&ctx, args]() { ctx.exit_code = run_install_command(ctx, *args); });
}

}  // namespace torchup::cli
