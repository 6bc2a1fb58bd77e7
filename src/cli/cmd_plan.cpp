// `torchup plan`: the best PyTorch build for a machine, with the command and why.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>

#include "app/plan.h"
#include "cli/commands.h"
#include "cli/context.h"
#include "cli/plan_options.h"

namespace torchup::cli {

namespace {

std::string bullet(const Style& style, const std::string& mark, const std::string& text) {
  return "  " + style.dim(mark) + " " + text + "\n";
}

}  // namespace

void add_mirrors_option(CLI::App& cmd, std::vector<std::string>& mirrors, const Style& style) {
  cmd.remove_option(cmd.get_option("--mirror"));
  cmd.add_option("--mirror", mirrors,
                 style.t(tr("opt.install.mirror",
                            "auto (measured), a mirror name from data/mirrors.json, or an "
                            "index URL; repeatable; the\n"
                            "official index is always tried last")))
      ->type_name("auto|NAME|URL");
}

void add_plan_options(CLI::App& cmd, PlanOptions& o, const Style& style) {
  cmd.add_option(
         "--root", o.root,
         style.t(tr("opt.plan.root", "read the machine from a directory tree instead of /")))
      ->type_name("DIR");
  cmd.add_option("--profile", o.profile,
                 style.t(tr("opt.plan.profile",
                            "plan for the machine described by a `detect --json` file")))
      ->type_name("FILE");
  cmd.add_option("--python", o.prefs.python,
                 style.t(tr("opt.plan.python",
                            "the interpreter to plan for (default: active, else newest)")))
      ->type_name("PATH|X.Y");
  cmd.add_option("--torch", o.prefs.torch, style.t(tr("opt.plan.torch", "pin a torch version")))
      ->type_name("VER");
  cmd.add_option(
         "--platform", o.prefs.platform,
         style.t(tr("opt.plan.platform", "force a build: auto, cpu, cuXYZ, rocmX.Y, xpu, mps")))
      ->type_name("NAME");
  cmd.add_option("--package", o.prefs.package,
                 style.t(tr("opt.plan.package", "pip, uv, conda or libtorch")))
      ->type_name("NAME");
  cmd.add_option("--channel", o.prefs.channel, style.t(tr("opt.plan.channel", "stable or nightly")))
      ->type_name("NAME");
  cmd.add_option("--mirror", o.mirror,
                 style.t(tr("opt.plan.mirror", "package mirror (used by install)")))
      ->type_name("auto|NAME|URL");
}

std::string plan_text(const model::Plan& p, const Style& s) {
  std::ostringstream out;
  constexpr std::size_t kMaxAlternatives = 5;
  if (p.fits) {
    Text title;
    if (p.python.empty()) {
      title = tr("cli.plan-title", "torch {torch} ({platform})",
                 {{"torch", p.torch}, {"platform", p.platform}});
    } else {
      title = tr("cli.plan-title-python", "torch {torch} ({platform}) for Python {python}",
                 {{"torch", p.torch}, {"platform", p.platform}, {"python", p.python}});
    }
    out << s.green(s.bold(s.t(title))) << "\n\n";
    out << "  " << s.bold(p.command) << "\n";
    for (const auto& e : p.equivalents)
      out << "  " << s.dim(e.package + ":") << " " << e.command << "\n";
  } else {
    out << s.red(s.bold(s.t(tr("cli.plan-nothing-fits", "No PyTorch build fits this machine."))))
        << "\n";
  }
  if (!p.reasons.empty()) out << "\n" << s.bold(s.t(tr("cli.plan-why", "why"))) << "\n";
  for (const auto& r : p.reasons) out << bullet(s, "-", s.t(r));
  if (!p.warnings.empty())
    out << "\n" << s.bold(s.yellow(s.t(tr("cli.plan-warnings", "warnings")))) << "\n";
  for (const auto& w : p.warnings) out << bullet(s, "!", s.t(w));
  if (!p.unlocks.empty()) {
    Text heading = tr("cli.plan-would-work", "what would work");
    if (p.fits) heading = tr("cli.plan-better", "better builds");
    out << "\n" << s.bold(s.t(heading)) << "\n";
  }
  for (const auto& u : p.unlocks) out << bullet(s, ">", s.t(u));
  if (!p.alternatives.empty())
    out << "\n" << s.bold(s.t(tr("cli.plan-not-chosen", "not chosen"))) << "\n";
  for (std::size_t i = 0; i < p.alternatives.size() && i < kMaxAlternatives; ++i) {
    const auto& a = p.alternatives[i];
    out << bullet(s, "-",
                  s.t(tr("cli.plan-alternative", "{torch} {platform}: {why}",
                         {{"torch", a.torch}, {"platform", a.platform}, {"why", a.why_not}})));
  }
  if (p.alternatives.size() > kMaxAlternatives) {
    out << "  "
        << s.dim(s.t(tr("cli.plan-more-alternatives", "(+{count} more: torchup plan --json)",
                        {{"count", std::to_string(p.alternatives.size() - kMaxAlternatives)}})))
        << "\n";
  }
  return out.str();
}

int print_plan(Context& ctx, const model::Plan& plan, bool json) {
  if (json)
    ctx.out << model::to_json(plan).dump(2) << "\n";
  else if (ctx.global.quiet) {
    // -q: the command alone, for scripts and copy-paste; nothing when nothing fits.
    if (plan.fits) ctx.out << plan.command << "\n";
  } else
    ctx.out << plan_text(plan, ctx.style);
  return plan.fits ? 0 : exit_code_for(ErrorKind::kNoFit);
}

void add_plan_command(CLI::App& app, Context& ctx) {
  const Style& style = ctx.style;
  auto options = std::make_shared<PlanOptions>();
  auto* cmd = app.add_subcommand(
      "plan",
      ctx.style.t(tr("help.plan", "choose the PyTorch build for this machine and say why")));
  add_plan_options(*cmd, *options, style);
  cmd->add_flag("--json", options->json,
                style.t(tr("opt.plan.json", "print the plan as JSON (schema torchup.plan/1)")));
  cmd->footer(style.t(tr(
      "help.plan-footer",
      "Examples:\n"
      "  torchup plan                              this machine\n"
      "  torchup plan --profile node.json --json   a machine described by `torchup detect --json`\n"
      "  torchup plan --python 3.9 --platform cu126\n"
      "Exit codes: 0 a build fits, 1 nothing fits (alternatives listed), 2 usage, 3 "
      "environment.")));
  cmd->callback([&ctx, options]() {
    auto plan = app::compute_plan(ctx.services(), *options);
    // A broken data file (a bad override, a stale cache) is part of this plan's story:
    // it goes into the plan's warnings (JSON and text), once, not only to stderr.
    if (plan) {
      for (auto& w : ctx.take_data_warnings()) plan->warnings.push_back(std::move(w));
    }
    ctx.flush_data_warnings();
    if (!plan) {
      ctx.fail(plan.error());
      return;
    }
    ctx.exit_code = print_plan(ctx, *plan, options->json);
  });
}

}  // namespace torchup::cli
