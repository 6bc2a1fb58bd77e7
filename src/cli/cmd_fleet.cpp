// `torchup fleet plan FACTS... [--common] [--lock FILE] [plan options] [--json]`,
// `torchup fleet fetch LOCK --dest DIR [--json]` and
// `torchup fleet slurm --out DIR --facts DIR [--lock FILE] ...`: many machines planned
// together (app/fleet.h).
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>

#include "app/fleet.h"
#include "cli/commands.h"
#include "cli/context.h"
#include "cli/fleet_text.h"
#include "cli/plan_options.h"
#include "cli/progress_line.h"
#include "util/strings.h"

namespace torchup::cli {
namespace {

struct FleetArgs {
  app::FleetOptions plan;
  bool json = false;
  std::string lock_in, dest;  // fleet fetch
  app::SlurmOptions slurm;
};

std::string absolute(const std::string& path) {
  if (path.empty()) return path;
  std::error_code ec;
  std::string out = std::filesystem::absolute(path, ec).lexically_normal().string();
  if (out.size() > 1 && out.back() == '/') out.pop_back();
  return out;
}

bool all_planned(const app::FleetPlan& fleet) {
  return std::all_of(fleet.nodes.begin(), fleet.nodes.end(),
                     [](const app::FleetNode& n) { return !n.group.empty(); });
}

int run_fleet_plan(Context& ctx, FleetArgs& args) {
  auto fleet = app::fleet_plan(ctx.services(), args.plan);
  ctx.flush_data_warnings();
  if (!fleet) return ctx.fail(fleet.error());
  if (args.json)
    ctx.out << app::to_json(*fleet).dump(2) << "\n";
  else
    print_fleet(ctx, *fleet);
  const bool common_ok = !fleet->common || fleet->common->found;
  return all_planned(*fleet) && common_ok ? 0 : 1;
}

int run_fleet_fetch(Context& ctx, FleetArgs& args) {
  host::Host& host = ctx.services().host;
  app::ProgressLine progress;
  if (!args.json && host.terminal.output_is_terminal())
    progress = make_progress_line(ctx.out, ctx.style, host.clock);
  auto r = app::fleet_fetch(ctx.services(), args.lock_in, args.dest, progress);
  if (!r) return ctx.fail(r.error());
  if (args.json) {
    nlohmann::json j{{"schema", "torchup.fleet-fetch/1"},
                     {"dest", r->dest},
                     {"files", r->files},
                     {"bytes", r->total},
                     {"received", r->received},
                     {"changed", r->changed}};
    j["notes"] = nlohmann::json::array();
    for (const auto& n : r->notes) j["notes"].push_back(n.str());
    ctx.out << j.dump(2) << "\n";
    return 0;
  }
  for (const auto& n : r->notes) ctx.out << ctx.style.t(n) << "\n";
  return 0;
}

int run_fleet_slurm(Context& ctx, FleetArgs& args) {
  auto& o = args.slurm;
  o.out = absolute(o.out);
  o.facts_dir = absolute(o.facts_dir);
  o.lock = absolute(o.lock);
  o.bundle = absolute(o.bundle);
  auto paths = app::write_slurm_scripts(o);
  if (!paths) return ctx.fail(paths.error());
  for (const auto& p : *paths) ctx.out << p << "\n";
  const auto& s = ctx.style;
  ctx.out << s.t(tr("fleet.slurm-next",
                    "Next: sbatch {facts}; then torchup fleet plan {dir} --lock {lock}; then "
                    "sbatch {install}",
                    {{"facts", (*paths)[0]},
                     {"dir", o.facts_dir},
                     {"lock", o.lock.empty() ? o.out + "/torchup-lock.json" : o.lock},
                     {"install", (*paths)[1]}}))
          << "\n";
  return 0;
}

}  // namespace

void add_fleet_command(CLI::App& app, Context& ctx) {
  auto args = std::make_shared<FleetArgs>();
  const auto& style = ctx.style;
  auto* fleet = app.add_subcommand(
      "fleet", style.t(tr("help.fleet", "plan many machines together (Ansible, Slurm)")));
  fleet->require_subcommand(1);
  fleet->footer(style.t(tr(
      "help.fleet-footer",
      "Collect every node's facts (torchup detect --json > NODE.json, or the Ansible module, or\n"
      "the Slurm job `fleet slurm` writes), plan them together, lock the groups' wheels, and\n"
      "install the lock on each node (torchup install --lock FILE).")));

  auto* plan = fleet->add_subcommand(
      "plan",
      style.t(tr("help.fleet-plan", "group the nodes by the build each gets, with the reasons")));
  plan->footer(style.t(tr(
      "help.fleet-plan-footer",
      "FACTS are `torchup detect --json` files, or directories of them (*.json). A node is named\n"
      "by the file's \"hostname\", else by the file's name.\n"
      "--common finds one build for every node, or names the nodes that keep it from fitting.\n"
      "--lock FILE writes each group's exact wheels (URL, size, sha256 from the index) and the\n"
      "fingerprint that selects the group, and pylock.<group>.toml beside it.\n\n"
      "Examples:\n"
      "  torchup fleet plan facts/\n"
      "  torchup fleet plan facts/ --common\n"
      "  torchup fleet plan facts/ --torch 2.12.0 --lock /shared/fleet-lock.json\n"
      "Exit codes: 0 every node has a build (and, with --common, one fits all), 1 otherwise,\n"
      "2 usage, 3 the index could not be read while locking.")));
  plan->add_option("FACTS", args->plan.inputs,
                   style.t(tr("opt.fleet.facts", "facts files or directories of them")))
      ->required();
  plan->add_option("--torch", args->plan.prefs.torch,
                   style.t(tr("opt.plan.torch", "pin a torch version")))
      ->type_name("VER");
  plan->add_option(
          "--platform", args->plan.prefs.platform,
          style.t(tr("opt.plan.platform", "force a build: auto, cpu, cuXYZ, rocmX.Y, xpu, mps")))
      ->type_name("NAME");
  plan->add_option("--package", args->plan.prefs.package,
                   style.t(tr("opt.plan.package", "pip, uv, conda or libtorch")))
      ->type_name("NAME");
  plan->add_option("--channel", args->plan.prefs.channel,
                   style.t(tr("opt.plan.channel", "stable or nightly")))
      ->type_name("NAME");
  plan->add_flag("--common", args->plan.common,
                 style.t(tr("opt.fleet.common", "find one build that fits every node")));
  plan->add_option("--lock", args->plan.lock,
                   style.t(tr("opt.fleet.lock", "write the groups' exact wheels into FILE")))
      ->type_name("FILE");
  plan->add_option("--mirror", args->plan.mirrors,
                   style.t(tr("opt.install.mirror",
                              "auto (measured), a mirror name from data/mirrors.json, or an "
                              "index URL; repeatable; the\n"
                              "official index is always tried last")))
      ->type_name("auto|NAME|URL");
  plan->add_flag("--allow-insecure", args->plan.allow_insecure,
                 style.t(tr("opt.install.allow-insecure", "allow plain http:// index URLs")));
  plan->add_flag(
      "--json", args->json,
      style.t(tr("opt.fleet.json", "print the groups as JSON (schema torchup.fleet/1)")));
  plan->callback([&ctx, args]() { ctx.exit_code = run_fleet_plan(ctx, *args); });

  auto* fetch = fleet->add_subcommand(
      "fetch", style.t(tr("help.fleet-fetch",
                          "download every group's locked wheels once, into a directory")));
  fetch->footer(style.t(tr("help.fleet-fetch-footer",
                           "Copy DIR to the nodes (or share it) and run there:\n"
                           "  torchup install --lock LOCK --from DIR --yes\n\n"
                           "Example:\n"
                           "  torchup fleet fetch /shared/fleet-lock.json --dest /shared/wheels")));
  fetch
      ->add_option("LOCK", args->lock_in,
                   style.t(tr("opt.fleet.lock-in", "the lock `fleet plan --lock` wrote")))
      ->required();
  fetch
      ->add_option(
          "--dest", args->dest,
          style.t(tr("opt.fetch.dest", "the directory to write the wheels and the manifest into")))
      ->type_name("DIR")
      ->required();
  fetch->add_flag("--json", args->json,
                  style.t(tr("opt.fleet.fetch-json",
                             "print the result as JSON (schema torchup.fleet-fetch/1)")));
  fetch->callback([&ctx, args]() { ctx.exit_code = run_fleet_fetch(ctx, *args); });

  auto* slurm = fleet->add_subcommand(
      "slurm", style.t(tr("help.fleet-slurm",
                          "write Slurm jobs: collect every node's facts, install the lock")));
  slurm->footer(style.t(tr(
      "help.fleet-slurm-footer",
      "Writes torchup-facts.sbatch (an array job, one task per node: each node's facts into\n"
      "--facts DIR as NODE.json) and torchup-install.sbatch (each node installs its group of the\n"
      "lock; results in OUT/results/NODE.json). Paths must be shared by the nodes.\n\n"
      "Example:\n"
      "  torchup fleet slurm --partition gpu --nodes 16 --out /shared/torchup --facts "
      "/shared/torchup/facts \\\n"
      "      --lock /shared/torchup/lock.json --from /shared/torchup/wheels "
      "--install-arg=--venv=/shared/envs/torch")));
  slurm
      ->add_option("--out", args->slurm.out,
                   style.t(tr("opt.fleet.out", "where the job scripts (and their logs) go")))
      ->type_name("DIR")
      ->required();
  slurm
      ->add_option("--facts", args->slurm.facts_dir,
                   style.t(tr("opt.fleet.facts-dir", "where each node writes its facts")))
      ->type_name("DIR")
      ->required();
  slurm
      ->add_option("--lock", args->slurm.lock,
                   style.t(tr("opt.fleet.slurm-lock",
                              "the lock the install job installs (default OUT/torchup-lock.json)")))
      ->type_name("FILE");
  slurm
      ->add_option("--from", args->slurm.bundle,
                   style.t(tr("opt.fleet.slurm-from",
                              "install from this directory (`fleet fetch`), not the index")))
      ->type_name("DIR");
  slurm
      ->add_option("--partition,-p", args->slurm.partition,
                   style.t(tr("opt.fleet.partition", "the partition")))
      ->type_name("NAME");
  slurm
      ->add_option("--nodes,-N", args->slurm.nodes,
                   style.t(tr("opt.fleet.nodes", "how many nodes (one array task each)")))
      ->type_name("N");
  slurm
      ->add_option("--torchup", args->slurm.torchup,
                   style.t(tr("opt.fleet.torchup", "torchup's path on the nodes")))
      ->type_name("PATH");
  slurm
      ->add_option("--root", args->slurm.root,
                   style.t(tr("opt.fleet.root",
                              "detect the machine under this directory (%n: the node's name)")))
      ->type_name("DIR");
  slurm
      ->add_option("--install-arg", args->slurm.install_args,
                   style.t(tr("opt.fleet.install-arg",
                              "one more argument for install (repeatable; %n: the node's name)")))
      ->type_name("ARG")
      ->allow_extra_args(false);
  slurm->callback([&ctx, args]() { ctx.exit_code = run_fleet_slurm(ctx, *args); });
}

}  // namespace torchup::cli
