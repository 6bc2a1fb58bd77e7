// `torchup fetch [plan options] [--profile FILE] --dest DIR [--mirror ...] [--json]`:
// a plan's wheels for this machine or another one (--profile, --root), downloaded by
// torchup (resumable, hash-checked, mirrors raced) into DIR with a manifest and a
// PEP 751 pylock.toml; `torchup install --from DIR` installs it with no network.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <memory>
#include <nlohmann/json.hpp>

#include "act/wheelset.h"
#include "app/fetch.h"
#include "cli/commands.h"
#include "cli/context.h"
#include "cli/plan_options.h"
#include "cli/progress_line.h"
#include "util/strings.h"

namespace torchup::cli {
namespace {

struct FetchArgs {
  PlanOptions plan;
  app::FetchOptions fetch;
  bool json = false;
};

std::string mib(std::uint64_t bytes) {
  return fmt::format("{:.1f}", static_cast<double>(bytes) / (1 << 20));
}

int run_fetch(Context& ctx, FetchArgs& args) {
  args.fetch.plan = args.plan;
  host::Host& host = ctx.services().host;
  app::ProgressLine progress;
  if (!args.json && host.terminal.output_is_terminal())
    progress = make_progress_line(ctx.out, ctx.style, host.clock);
  auto result = app::fetch(ctx.services(), args.fetch, progress);
  ctx.flush_data_warnings();
  if (!result) return ctx.fail(result.error());
  const auto& b = result->bundle;
  if (args.json) {
    nlohmann::json j{{"schema", "torchup.fetch/1"},
                     {"plan", model::to_json(result->plan)},
                     {"dest", b.dir},
                     {"bundle", act::to_json(b)},
                     {"bytes", result->total},
                     {"received", result->received},
                     {"cache", result->cache_dir}};
    j["notes"] = nlohmann::json::array();
    for (const auto& note : result->notes) j["notes"].push_back(note.str());
    ctx.out << j.dump(2) << "\n";
    return 0;
  }
  const auto& s = ctx.style;
  ctx.out << s.bold(
                 s.t(tr("fetch.plan-line", "Plan: torch {torch} ({platform}) for Python {python}",
                        {{"torch", result->plan.torch},
                         {"platform", result->plan.platform},
                         {"python", result->target.python_version}})))
          << "\n";
  ctx.out << s.green(s.t(tr("fetch.fetched", "Fetched: {count} wheels, {size} MiB, into {dir}",
                            {{"count", std::to_string(b.files.size())},
                             {"size", mib(result->total)},
                             {"dir", b.dir}})))
          << "\n";
  for (const auto& f : b.files) ctx.out << "  " << f.file_name << "  " << mib(f.size) << " MiB\n";
  ctx.out << "  torchup-bundle.json, pylock.toml\n";
  for (const auto& note : result->notes)
    ctx.out << s.t(tr("install.outcome-note", "Note: {note}", {{"note", note}})) << "\n";
  ctx.out << s.t(tr("fetch.install-with", "Install it (no network needed) with:")) << "\n"
          << "  torchup install --from " << str::command_line({b.dir}) << "\n"
          << "  python -m pip install --no-index --find-links " << str::command_line({b.dir}) << " "
          << str::join(b.requirements, " ") << "\n";
  return 0;
}

}  // namespace

void add_fetch_command(CLI::App& app, Context& ctx) {
  auto args = std::make_shared<FetchArgs>();
  auto* cmd = app.add_subcommand(
      "fetch", ctx.style.t(tr("help.fetch",
                              "download a plan's wheels into a directory (an offline bundle)")));
  cmd->footer(ctx.style.t(tr(
      "help.fetch-footer",
      "Resolves the plan's wheels and their dependencies from the index pages and their PEP 658\n"
      "metadata files (no wheel is downloaded to resolve), downloads them with torchup's own\n"
      "downloader (several ranges at once, resumed after a drop, mirrors raced, every file\n"
      "checked against its sha256) into the shared cache, and writes them into DIR with\n"
      "torchup-bundle.json and a PEP 751 pylock.toml.\n"
      "For another machine: --profile FILE (its `torchup detect --json`) resolves for its\n"
      "Python, OS, architecture and glibc. Copy DIR there and run `torchup install --from DIR`.\n\n"
      "Examples:\n"
      "  torchup fetch --dest ./torch-wheels\n"
      "  torchup fetch --profile node.json --platform cu126 --dest /shared/torch-cu126\n"
      "Exit codes: 0 fetched, 1 nothing fits, 2 usage, 3 a download or the disk failed,\n"
      "130 interrupted (the partial file resumes on the next run).")));
  add_plan_options(*cmd, args->plan, ctx.style);
  add_mirrors_option(*cmd, args->fetch.mirrors, ctx.style);
  cmd->add_option("--dest", args->fetch.dest,
                  ctx.style.t(tr("opt.fetch.dest",
                                 "the directory to write the wheels and the manifest into")))
      ->type_name("DIR")
      ->required();
  cmd->add_flag("--allow-insecure", args->fetch.allow_insecure,
                ctx.style.t(tr("opt.install.allow-insecure", "allow plain http:// index URLs")));
  cmd->add_flag(
      "--json", args->json,
      ctx.style.t(tr("opt.fetch.json", "print the bundle as JSON (schema torchup.fetch/1)")));
  cmd->callback([&ctx, args]() { ctx.exit_code = run_fetch(ctx, *args); });
}

}  // namespace torchup::cli
