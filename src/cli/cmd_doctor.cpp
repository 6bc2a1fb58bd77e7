// `torchup doctor [--python PATH] [--json] [--timeout SECONDS]`
#include <CLI/CLI.hpp>
#include <memory>
#include <nlohmann/json.hpp>

#include "act/doctor.h"
#include "app/tasks.h"
#include "cli/commands.h"
#include "cli/context.h"

namespace torchup::cli {

namespace {

struct DoctorArgs {
  std::string python;
  bool json = false;
  int timeout_s = 180;
};

int run_doctor(Context& ctx, const DoctorArgs& args) {
  auto report = app::doctor(ctx.services(), args.python, std::chrono::seconds(args.timeout_s));
  if (!report) return ctx.fail(report.error());
  if (args.json) {
    ctx.out << act::to_json(*report).dump(2) << "\n";
  } else {
    act::render_doctor(ctx.out, *report, text_style(ctx.style));
  }
  return report->ok() ? 0 : 1;
}

}  // namespace

void add_doctor_command(CLI::App& app, Context& ctx) {
  auto args = std::make_shared<DoctorArgs>();
  auto* cmd = app.add_subcommand(
      "doctor",
      ctx.style.t(tr("help.doctor", "explain a broken PyTorch install and how to fix it")));
  cmd->footer(ctx.style.t(
      tr("help.doctor-footer",
         "Runs verify's probe in the interpreter, then matches what it saw against known\n"
         "failures (CPU build on a GPU machine, GPU arch missing from the build, driver too old,\n"
         "torchvision/torchaudio mismatch, several torch installs shadowing each other, and the\n"
         "install-failure catalogue's import and runtime errors) and prints each finding with its "
         "fix.\n\n"
         "Examples:\n"
         "  torchup doctor\n"
         "  torchup doctor --python ~/venv/bin/python --json\n"
         "Exit codes: 0 no problems found, 1 findings, 2 interpreter not found, 3 environment "
         "failure.")));
  cmd->add_option(
         "--python", args->python,
         ctx.style.t(
             tr("opt.doctor.python",
                "interpreter to examine (default: $VIRTUAL_ENV, $CONDA_PREFIX, python3 on PATH)")))
      ->type_name("PATH");
  cmd->add_flag(
      "--json", args->json,
      ctx.style.t(tr("opt.doctor.json", "print the findings as JSON (schema torchup.doctor/1)")));
  cmd->add_option(
         "--timeout", args->timeout_s,
         ctx.style.t(tr("opt.doctor.timeout", "seconds the Python probe may take (default 180)")))
      ->type_name("SECONDS")
      ->check(CLI::Range(1, 3600));
  cmd->callback([&ctx, args]() { ctx.exit_code = run_doctor(ctx, *args); });
}

}  // namespace torchup::cli
