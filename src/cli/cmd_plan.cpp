// `torchup plan`: the best PyTorch build for a machine, with the command and why.
#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <memory>
#include <sstream>

#include "cli/context.h"
#include "cli/commands.h"
#include "cli/plan_options.h"
#include "data/cuda_table.h"
#include "data/published.h"
#include "data/releases.h"
#include "detect/detect.h"
#include "model/machine.h"
#include "render/equivalents.h"
#include "util/strings.h"

#if __has_include("render/selector.h")
#include "render/selector.h"
#define TORCHUP_PLAN_HAS_SELECTOR 1
#endif

namespace torchup::cli {

namespace {

Expected<model::Machine> read_profile(Context& ctx, const std::string& file) {
  std::error_code ec;
  std::string path = std::filesystem::absolute(file, ec).lexically_normal().string();
  auto text = ctx.live_host().fs.read_file(path);
  if (!text) {
    return make_error(ErrorKind::kNotFound, "cannot read profile " + file,
                      "write one with `torchup detect --json > machine.json` on the target machine");
  }
  auto machine = model::machine_from_text(*text);
  if (!machine) {
    return make_error(ErrorKind::kParse, "profile " + file + ": " + machine.error().message,
                      "the format is `torchup detect --json` (schema torchup.machine/1)");
  }
  return machine;
}

Expected<model::Machine> read_machine(Context& ctx, const PlanOptions& o) {
  if (!o.profile.empty()) return read_profile(ctx, o.profile);
  std::error_code ec;
  if (!o.root.empty() && !ctx.live_host().fs.is_dir(std::filesystem::absolute(o.root, ec).lexically_normal().string())) {
    return make_error(ErrorKind::kNotFound, "--root " + o.root + " is not a directory");
  }
  auto& host = ctx.machine_host(o.root.empty() ? std::nullopt : std::optional<std::string>(o.root));
  return detect::detect_machine(host, ctx.store(), detect::DetectOptions{});
}

// pip/uv/conda commands: the site's own lines through render::Selector where it
// is built in, else render/equivalents (pinned form).
plan::CommandRenderer make_renderer(Context& ctx, std::shared_ptr<const data::PublishedVersions> published) {
  plan::CommandRenderer fallback = render::make_fallback_renderer(published.get());
#ifdef TORCHUP_PLAN_HAS_SELECTOR
  auto selector = render::Selector::load(ctx.store());
  if (selector) {
    auto sel = std::make_shared<render::Selector>(std::move(*selector));
    return [sel, fallback, published](const plan::BuildRef& b) -> std::optional<plan::RenderedCommand> {
      if (b.platform == "xpu" || b.package == "libtorch") return fallback(b);  // the site has no XPU entry
      render::SelectQuery q;
      q.torch = b.torch == "nightly" ? "nightly" : (b.newest ? "stable" : b.torch);
      q.os = b.os;
      q.package = b.package == "uv" ? "pip" : b.package;
      q.platform = b.platform == "mps" ? "cpu" : b.platform;
      auto r = sel->select(q);
      if (!r || !r->command || r->command->find('\n') != std::string::npos || str::starts_with(*r->command, "#")) {
        return b.package == "conda" ? std::nullopt : fallback(b);
      }
      plan::BuildRef as_pip = b;
      std::string command = *r->command;
      if (b.package == "uv") {
        if (str::starts_with(command, "pip3 install")) command = "uv pip install" + command.substr(12);
        else if (str::starts_with(command, "pip install")) command = "uv pip install" + command.substr(11);
      }
      plan::RenderedCommand out;
      out.command = command;
      out.argv = render::command_argv(command);
      if (auto at = command.find("--index-url "); at != std::string::npos) {
        auto url = command.substr(at + 12);
        out.index_url = url.substr(0, url.find(' '));
      }
      out.source = r->source;
      return out;
    };
  }
#else
  (void)ctx;
#endif
  return fallback;
}

std::string bullet(const Style& style, const std::string& mark, const std::string& text) {
  return "  " + style.dim(mark) + " " + text + "\n";
}

}  // namespace

void add_plan_options(CLI::App& cmd, PlanOptions& o) {
  cmd.add_option("--root", o.root, "read the machine from a directory tree instead of /")->type_name("DIR");
  cmd.add_option("--profile", o.profile, "plan for the machine described by a `detect --json` file")
      ->type_name("FILE");
  cmd.add_option("--python", o.prefs.python, "the interpreter to plan for (default: active, else newest)")
      ->type_name("PATH|X.Y");
  cmd.add_option("--torch", o.prefs.torch, "pin a torch version")->type_name("VER");
  cmd.add_option("--platform", o.prefs.platform, "force a build: auto, cpu, cuXYZ, rocmX.Y, xpu, mps")
      ->type_name("NAME");
  cmd.add_option("--package", o.prefs.package, "pip, uv, conda or libtorch")->type_name("NAME");
  cmd.add_option("--channel", o.prefs.channel, "stable or nightly")->type_name("NAME");
  cmd.add_option("--mirror", o.mirror, "package mirror (used by install)")->type_name("auto|NAME|URL");
}

Expected<model::Plan> compute_plan(Context& ctx, const PlanOptions& o) {
  if (!o.root.empty() && !o.profile.empty()) {
    return make_error(ErrorKind::kUsage, "--root and --profile cannot be combined", "pass one machine");
  }
  if (auto st = plan::check_preferences(o.prefs); !st) return st.error();
  auto machine = read_machine(ctx, o);
  if (!machine) return machine.error();
  auto& store = ctx.store();
  auto releases = data::load_releases(store);
  if (!releases) return releases.error();
  auto cuda = data::load_cuda_table(store);
  if (!cuda) return cuda.error();
  auto rocm = data::load_rocm_gfx(store);
  if (!rocm) return rocm.error();
  auto facts = data::load_platform_facts(store);
  if (!facts) return facts.error();
  auto published = store.load<data::PublishedVersions>("published_versions.json", data::parse_published_versions);
  if (!published) return published.error();
  auto pub = std::make_shared<const data::PublishedVersions>(std::move(*published));
  plan::Knowledge knowledge{*releases, *cuda, *rocm, *facts, pub->latest_stable};
  return plan::make_plan(*machine, knowledge, o.prefs, make_renderer(ctx, pub));
}

std::string plan_text(const model::Plan& p, const Style& s) {
  std::ostringstream out;
  constexpr std::size_t kMaxAlternatives = 5;
  if (p.fits) {
    std::string py = p.python.empty() ? "" : " for Python " + p.python;
    out << s.green(s.bold(fmt::format("torch {} ({}){}", p.torch, p.platform, py))) << "\n\n";
    out << "  " << s.bold(p.command) << "\n";
    for (const auto& e : p.equivalents) out << "  " << s.dim(e.package + ":") << " " << e.command << "\n";
  } else {
    out << s.red(s.bold("No PyTorch build fits this machine.")) << "\n";
  }
  if (!p.reasons.empty()) out << "\n" << s.bold("why") << "\n";
  for (const auto& r : p.reasons) out << bullet(s, "-", r);
  if (!p.warnings.empty()) out << "\n" << s.bold(s.yellow("warnings")) << "\n";
  for (const auto& w : p.warnings) out << bullet(s, "!", w);
  if (!p.unlocks.empty()) out << "\n" << s.bold(p.fits ? "better builds" : "what would work") << "\n";
  for (const auto& u : p.unlocks) out << bullet(s, ">", u);
  if (!p.alternatives.empty()) out << "\n" << s.bold("not chosen") << "\n";
  for (std::size_t i = 0; i < p.alternatives.size() && i < kMaxAlternatives; ++i) {
    const auto& a = p.alternatives[i];
    out << bullet(s, "-", a.torch + " " + a.platform + ": " + a.why_not);
  }
  if (p.alternatives.size() > kMaxAlternatives) {
    out << "  " << s.dim(fmt::format("(+{} more: torchup plan --json)", p.alternatives.size() - kMaxAlternatives))
        << "\n";
  }
  return out.str();
}

int print_plan(Context& ctx, const model::Plan& plan, bool json) {
  if (json) ctx.out << model::to_json(plan).dump(2) << "\n";
  else ctx.out << plan_text(plan, ctx.style);
  return plan.fits ? 0 : exit_code_for(ErrorKind::kNoFit);
}

void add_plan_command(CLI::App& app, Context& ctx) {
  auto options = std::make_shared<PlanOptions>();
  auto* cmd = app.add_subcommand("plan", "choose the PyTorch build for this machine and say why");
  add_plan_options(*cmd, *options);
  cmd->add_flag("--json", options->json, "print the plan as JSON (schema torchup.plan/1)");
  cmd->footer(
      "Examples:\n"
      "  torchup plan                              this machine\n"
      "  torchup plan --profile node.json --json   a machine described by `torchup detect --json`\n"
      "  torchup plan --python 3.9 --platform cu126\n"
      "Exit codes: 0 a build fits, 1 nothing fits (alternatives listed), 2 usage, 3 environment.");
  cmd->callback([&ctx, options]() {
    auto plan = compute_plan(ctx, *options);
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
