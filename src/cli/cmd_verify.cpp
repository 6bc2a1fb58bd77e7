// `torchup verify [--python PATH] [--libtorch DIR] [--json] [--timeout SECONDS] [--no-compile]`
#include <CLI/CLI.hpp>
#include <memory>
#include <nlohmann/json.hpp>

#include "act/verify.h"
#include "act/verify_libtorch.h"
#include "act/verify_text.h"
#include "app/tasks.h"
#include "cli/commands.h"
#include "cli/context.h"

namespace torchup::cli {

namespace {

struct VerifyArgs {
  std::string python;
  std::string libtorch;
  bool json = false;
  int timeout_s = 180;
  bool no_compile = false;
};

int run_verify(Context& ctx, const VerifyArgs& args) {
  app::VerifyRequest request{args.python, args.libtorch, !args.no_compile,
                             std::chrono::seconds(args.timeout_s)};
  auto result = app::verify(ctx.services(), request);
  if (!result) return ctx.fail(result.error());
  const auto& libtorch = result->libtorch;
  if (!result->python) {
    if (args.json)
      ctx.out << act::to_json(*libtorch).dump(2) << "\n";
    else
      act::render_libtorch(ctx.out, *libtorch, text_style(ctx.style));
    return result->ok() ? 0 : 1;
  }
  if (args.json) {
    auto j = act::to_json(*result->python);
    if (libtorch) {
      j["libtorch"] = act::to_json(*libtorch);
      j["ok"] = result->ok();
    }
    ctx.out << j.dump(2) << "\n";
  } else {
    act::render_verify(ctx.out, *result->python, text_style(ctx.style));
    if (libtorch) {
      ctx.out << "\n";
      act::render_libtorch(ctx.out, *libtorch, text_style(ctx.style));
    }
  }
  return result->ok() ? 0 : 1;
}

}  // namespace

void add_verify_command(CLI::App& app, Context& ctx) {
  auto args = std::make_shared<VerifyArgs>();
  auto* cmd = app.add_subcommand(
      "verify", ctx.style.t(tr(
                    "help.verify",
                    "check that PyTorch works: import, tensors, the GPU (or a LibTorch install)")));
  cmd->footer(ctx.style.t(
      tr("help.verify-footer",
         "The guide's checks (import torch, torch.rand(5, 3),\n"
         "torch.cuda.is_available()) plus the build kind, torchvision/torchaudio pairing,\n"
         "each GPU's name and capability, a matmul on each GPU compared with the CPU, and\n"
         "whether the GPU's arch is in torch.cuda.get_arch_list(). One Python process with\n"
         "a timeout; a crash or hang of it is reported, not inherited.\n"
         "With --libtorch DIR it checks a LibTorch (C++) install instead: a LibTorch zip\n"
         "(DIR/include, DIR/lib, DIR/build-version) or a distribution package (DIR=/usr for\n"
         "Debian's libtorch-dev): headers, libraries, version, CPU/CUDA build, and, when a\n"
         "C++ compiler is on PATH, compiles, links and runs a tiny torch::rand/torch::mm\n"
         "program (tens of seconds: torch/torch.h is large; --no-compile skips it).\n"
         "Give both --python and --libtorch to check both.\n\n"
         "Examples:\n"
         "  torchup verify                            the active venv/conda env, else python3 on "
         "PATH\n"
         "  torchup verify --python /usr/bin/python3 --json\n"
         "  torchup verify --libtorch ~/libtorch      an unzipped LibTorch\n"
         "  torchup verify --libtorch /usr            Debian's libtorch-dev\n"
         "Exit codes: 0 all checks passed or were skipped, 1 a check failed,\n"
         "2 the interpreter or directory does not exist, 3 environment failure.")));
  cmd->add_option(
         "--python", args->python,
         ctx.style.t(
             tr("opt.verify.python",
                "interpreter to check (default: $VIRTUAL_ENV, $CONDA_PREFIX, python3 on PATH)")))
      ->type_name("PATH");
  cmd->add_option("--libtorch", args->libtorch,
                  ctx.style.t(tr("opt.verify.libtorch", "check the LibTorch install in DIR")))
      ->type_name("DIR");
  cmd->add_flag(
      "--json", args->json,
      ctx.style.t(tr("opt.verify.json", "print the report as JSON (schema torchup.verify/1)")));
  cmd->add_option(
         "--timeout", args->timeout_s,
         ctx.style.t(tr("opt.verify.timeout",
                        "seconds the Python probe may take before it is stopped (default 180)")))
      ->type_name("SECONDS")
      ->check(CLI::Range(1, 3600));
  cmd->add_flag("--no-compile", args->no_compile,
                ctx.style.t(tr("opt.verify.no-compile",
                               "with --libtorch: do not compile and run the test program")));
  cmd->callback([&ctx, args]() { ctx.exit_code = run_verify(ctx, *args); });
}

}  // namespace torchup::cli
