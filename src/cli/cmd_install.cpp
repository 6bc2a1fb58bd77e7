// `torchup install [--python PATH] [--torch VER] [--platform cpu|cuXYZ|...]
//                  [--mirror URL] [--venv DIR] [--dry-run] [--yes] [--allow-insecure]`
// Thin: options -> act::InstallRequest -> act::run_install -> summary.
#include <CLI/CLI.hpp>
#include <unistd.h>

#include <iostream>
#include <memory>

#include "act/install.h"
#include "cli/commands.h"
#include "cli/context.h"

namespace torchup::cli {
namespace {

struct InstallArgs {
  std::string python = "python3";
  std::string torch;
  std::string torchvision;
  std::string torchaudio;
  std::string platform = "cpu";
  std::vector<std::string> mirrors;
  std::string venv;
  bool dry_run = false;
  bool yes = false;
  bool allow_insecure = false;
};

std::string join(const std::vector<std::string>& argv) {
  std::string out;
  for (const auto& arg : argv) out += (out.empty() ? "" : " ") + arg;
  return out;
}

int run_install_command(Context& ctx, const InstallArgs& args) {
  act::InstallRequest request;
  request.plan.fits = true;
  request.plan.package = "pip";
  request.plan.torch = args.torch;
  request.plan.platform = args.platform;
  if (!args.torchvision.empty()) request.plan.torchvision = args.torchvision;
  if (!args.torchaudio.empty()) request.plan.torchaudio = args.torchaudio;
  request.python = args.python;
  if (!args.venv.empty()) request.venv = args.venv;
  request.allow_insecure = args.allow_insecure;
  request.dry_run = args.dry_run;
  for (const auto& url : args.mirrors) request.sources.push_back({"url", url, ""});
  // The official wheel index always comes last as the fallback (pytorch.org
  // "Start Locally" commands: --index-url https://download.pytorch.org/whl/<platform>).
  request.sources.push_back({"official", "https://download.pytorch.org/whl/" + args.platform, ""});
  for (const auto& source : request.sources) {
    auto allowed = act::check_index_url(source.index_url, args.allow_insecure);
    if (!allowed) return ctx.fail(allowed.error());
  }
  if (!args.dry_run && !args.yes) {
    if (isatty(STDIN_FILENO) == 0) {
      return ctx.fail(make_error(ErrorKind::kUsage, "install needs confirmation but stdin is not a terminal",
                                 "pass --yes to install without asking, or --dry-run to see the commands"));
    }
    ctx.out << "Install " << join(act::plan_requirements(request.plan)) << " with " << request.python
            << (request.venv ? " into a new venv " + *request.venv : std::string()) << "? [y/N] " << std::flush;
    std::string answer;
    std::getline(std::cin, answer);
    if (answer != "y" && answer != "Y" && answer != "yes") {
      ctx.out << "Nothing installed.\n";
      return 1;
    }
  }
  auto catalogue = ctx.store().load<data::FailureCatalogue>("install-failures.json", data::parse_failure_catalogue);
  if (!catalogue) return ctx.fail(catalogue.error());
  auto outcome = act::run_install(ctx.live_host(), *catalogue, request,
                                  [&ctx](std::string_view chunk) { ctx.out << chunk << std::flush; });
  if (args.dry_run) {
    ctx.out << "Would run:\n";
    for (const auto& argv : outcome.commands) ctx.out << "  " << join(argv) << "\n";
    ctx.out << "State: " << outcome.state << "\n";
    return 0;
  }
  ctx.out << "\n" << (outcome.ok ? ctx.style.green("Installed: ") : ctx.style.red("Install failed: "))
          << outcome.message << "\n";
  if (!outcome.ok && !outcome.output_tail.empty()) ctx.out << "Installer's last lines:\n" << outcome.output_tail << "\n";
  ctx.out << "State: " << outcome.state << "\n";
  if (outcome.ok) ctx.out << "Next: torchup verify --python " << (request.venv ? *request.venv + "/bin/python" : request.python) << "\n";
  return outcome.ok ? 0 : 3;
}

}  // namespace

void add_install_command(CLI::App& app, Context& ctx) {
  auto args = std::make_shared<InstallArgs>();
  auto* cmd = app.add_subcommand("install",
                                 "Install PyTorch with pip (argument vector, never a shell), optionally into a new\n"
                                 "venv; recognises the usual failures (MemoryError, PEP 668, network, hashes) and\n"
                                 "retries or explains; ends with the state the environment is in.");
  cmd->footer(
      "Examples:\n"
      "  torchup install --torch 2.12.0 --platform cu126 --venv ~/.venvs/torch --yes\n"
      "  torchup install --platform cpu --dry-run\n"
      "http:// index URLs are refused except on 127.0.0.1/localhost unless --allow-insecure.\n"
      "Exit codes: 0 installed, 1 declined, 2 usage, 3 the install failed.");
  cmd->add_option("--python", args->python, "interpreter whose pip installs (default python3)")->type_name("PATH");
  cmd->add_option("--torch", args->torch, "torch version (default: newest on the index)")->type_name("VER");
  cmd->add_option("--torchvision", args->torchvision, "torchvision version to install with it")->type_name("VER");
  cmd->add_option("--torchaudio", args->torchaudio, "torchaudio version to install with it")->type_name("VER");
  cmd->add_option("--platform", args->platform, "wheel variant: cpu, cu126, rocm7.2, ... (default cpu)");
  cmd->add_option("--mirror", args->mirrors,
                  "index URL to try before the official one (repeatable, tried in order)")
      ->type_name("URL");
  cmd->add_option("--venv", args->venv, "create a fresh venv in DIR and install there")->type_name("DIR");
  cmd->add_flag("--dry-run", args->dry_run, "print what would run; change nothing");
  cmd->add_flag("--yes,-y", args->yes, "do not ask for confirmation");
  cmd->add_flag("--allow-insecure", args->allow_insecure, "allow plain http:// index URLs");
  cmd->callback([&ctx, args]() { ctx.exit_code = run_install_command(ctx, *args); });
}

}  // namespace torchup::cli
