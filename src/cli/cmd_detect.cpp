// `torchup detect [--json] [--root DIR]`: reads the machine (DESIGN §2) through
// detect::detect_machine and prints the verdict, aligned sections and warnings,
// or the torchup.machine/1 JSON contract (model::to_json).
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <memory>
#include <nlohmann/json.hpp>
#include <ostream>

#include "app/tasks.h"
#include "cli/commands.h"
#include "cli/context.h"
#include "detect/detect.h"
#include "detect/report.h"

namespace torchup::cli {
namespace {

struct DetectCliOptions {
  bool json = false;
  std::optional<std::string> root;
};

int run_detect(Context& ctx, const DetectCliOptions& opts) {
  auto machine = app::detect(ctx.services(), opts.root.value_or(""));
  // Malformed data files (--data-dir, the update cache) belong in the report's warnings.
  for (auto& w : ctx.take_data_warnings()) machine.warnings.push_back(std::move(w));
  if (opts.json) {
    ctx.out << model::to_json(machine).dump(2) << "\n";
    return 0;
  }
  const auto& s = ctx.style;
  ctx.out << s.bold(s.t(detect::machine_verdict(machine))) << "\n\n";
  auto lines = detect::machine_report_lines(machine);
  std::size_t width = 0;
  for (const auto& line : lines) width = std::max(width, display_columns(s.t(line.label)));
  std::string previous;
  for (const auto& line : lines) {
    // Repeated labels (several GPUs' "CUDA", "Python") are shown once per block.
    std::string label = line.label == previous ? std::string() : s.t(line.label);
    previous = line.label;
    label += std::string(width - display_columns(label), ' ');
    ctx.out << "  " << s.cyan(label) << "  " << s.t(line.text) << "\n";
  }
  if (!machine.warnings.empty()) {
    ctx.out << "\n" << s.yellow(s.t(tr("detect.warnings", "Warnings:"))) << "\n";
    for (const auto& w : machine.warnings) ctx.out << "  - " << s.t(w) << "\n";
  }
  return 0;
}

}  // namespace

void add_detect_command(CLI::App& app, Context& ctx) {
  auto opts = std::make_shared<DetectCliOptions>();
  auto* cmd = app.add_subcommand(
      "detect", ctx.style.t(tr("help.detect",
                               "report this machine's OS, GPUs, driver, CUDA/ROCm and Pythons")));
  cmd->footer(ctx.style.t(
      tr("help.detect-footer",
         "Examples:\n"
         "  torchup detect                 this machine, for people\n"
         "  torchup detect --json          the torchup.machine/1 JSON (also the --profile format)\n"
         "  torchup detect --root /mnt/img a machine's files under a directory; nothing is "
         "executed")));
  cmd->add_flag(
      "--json", opts->json,
      ctx.style.t(tr("opt.detect.json", "print the torchup.machine/1 JSON instead of text")));
  cmd->add_option("--root", opts->root,
                  ctx.style.t(tr("opt.detect.root",
                                 "read the machine from this directory tree (files only)")))
      ->check(CLI::ExistingDirectory);
  cmd->callback([&ctx, opts] { ctx.exit_code = run_detect(ctx, *opts); });
}

}  // namespace torchup::cli
