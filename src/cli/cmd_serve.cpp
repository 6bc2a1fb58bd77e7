// `torchup serve`: the Start Locally selector as a local web page (issue 6).
// Parses options, builds the API over the same core calls as the CLI, serves on
// 127.0.0.1 until SIGINT/SIGTERM, then stops cleanly (exit 0).
//
// /api/machine and /api/plan run this same binary's `detect --json` and
// `plan --json` (through the host's process runner, argv only), so the page shows
// exactly what those commands report, with the same --profile/--python options.
// With --profile, the machine is the profile itself (no detection at all).
#include <CLI/CLI.hpp>

#include <csignal>
#include <filesystem>
#include <memory>
#include <pthread.h>

#include "cli/commands.h"
#include "cli/context.h"
#include "render/selector.h"
#include "serve/api.h"
#include "serve/server.h"
#include "util/strings.h"

namespace torchup::cli {

namespace {

struct ServeOptions {
  int port = 8765;
  bool open = false;
  std::string profile;  // plan for a machine described by a JSON profile
  std::string python;   // --python PATH|X.Y for the plan
};

constexpr const char* kFooter =
    "The page is the pytorch.org 'Start Locally' selector (every previous version too),\n"
    "pre-filled with what `torchup plan` chooses for this machine. It listens on 127.0.0.1\n"
    "only, answers only to localhost host names, and nothing on it changes the machine.\n"
    "\n"
    "Examples:\n"
    "  torchup serve                 # http://127.0.0.1:8765/\n"
    "  torchup serve --port 0 --open # any free port, open the browser\n"
    "  torchup serve --profile node.json";

// Runs `torchup <args> --json` (this very binary) and returns its JSON output.
serve::JsonProvider self_json(Context& ctx, std::vector<std::string> args) {
  return [&ctx, args]() -> Expected<nlohmann::json> {
    host::Host& host = ctx.live_host();
    auto self = host.fs.read_link("/proc/self/exe");
    if (!self) return make_error(ErrorKind::kEnvironment, "cannot find the torchup binary (/proc/self/exe)");
    std::vector<std::string> argv = {*self};
    if (ctx.global.data_dir) argv.insert(argv.end(), {"--data-dir", *ctx.global.data_dir});
    if (ctx.global.cache_dir) argv.insert(argv.end(), {"--cache-dir", *ctx.global.cache_dir});
    argv.insert(argv.end(), args.begin(), args.end());
    host::RunOptions options;
    options.timeout = std::chrono::seconds(120);
    auto run = host.runner.run(argv, options);
    // plan exits 1 when no build fits, and still prints its JSON answer.
    if (run.started && !run.timed_out && (run.exit_code == 0 || run.exit_code == 1)) {
      auto parsed = nlohmann::json::parse(run.out, nullptr, false);
      if (!parsed.is_discarded()) return parsed;
    }
    std::string why = run.started ? std::string(str::trim(run.err)) : run.start_error;
    auto first_line = str::lines(why);
    return make_error(ErrorKind::kEnvironment,
                      "`torchup " + str::join(args, " ") + "` failed" +
                          (first_line.empty() ? std::string() : ": " + std::string(first_line.front())));
  };
}

serve::JsonProvider profile_json(Context& ctx, const std::string& path) {
  return [&ctx, path]() -> Expected<nlohmann::json> {
    auto text = ctx.live_host().fs.read_file(path);
    if (!text) return make_error(ErrorKind::kNotFound, "cannot read profile " + path);
    auto parsed = nlohmann::json::parse(*text, nullptr, false);
    if (parsed.is_discarded()) return make_error(ErrorKind::kParse, "profile " + path + " is not JSON");
    return parsed;
  };
}

int run_serve(Context& ctx, const ServeOptions& options) {
  auto selector = render::Selector::load(ctx.store());
  if (!selector) return ctx.fail(selector.error());
  ctx.flush_data_warnings();

  // The host's file reader takes absolute paths; the child `plan` gets the same one.
  std::string profile = options.profile.empty() ? "" : std::filesystem::absolute(options.profile).string();
  std::vector<std::string> plan_args = {"plan", "--json"};
  if (!profile.empty()) plan_args.insert(plan_args.end(), {"--profile", profile});
  if (!options.python.empty()) plan_args.insert(plan_args.end(), {"--python", options.python});
  serve::MachineSources sources;
  sources.machine = serve::run_once(profile.empty() ? self_json(ctx, {"detect", "--json"}) : profile_json(ctx, profile));
  sources.plan = serve::run_once(self_json(ctx, plan_args));
  serve::Api api(std::make_shared<const render::Selector>(std::move(*selector)), std::move(sources));

  // Block the stop signals before the server's threads start (they inherit the
  // mask), so only this thread receives them, in sigwait below.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  sigset_t previous;
  pthread_sigmask(SIG_BLOCK, &stop_signals, &previous);

  auto server = serve::Server::start(std::move(api), options.port);
  if (!server) {
    pthread_sigmask(SIG_SETMASK, &previous, nullptr);
    return ctx.fail(server.error());
  }
  ctx.out << (*server)->url() << std::endl;
  ctx.err << "torchup: serving the selector on " << (*server)->url()
          << " (127.0.0.1 only); Ctrl-C stops it" << std::endl;
  if (options.open) {
    host::RunOptions run_options;
    run_options.timeout = std::chrono::seconds(10);
    auto opened = ctx.live_host().runner.run({"xdg-open", (*server)->url()}, run_options);
    if (!opened.ok()) {
      ctx.err << ctx.style.yellow("torchup: warning: ") << "could not open a browser (xdg-open"
              << (opened.started ? " failed" : ": " + opened.start_error) << "); open the URL yourself\n";
    }
  }
  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  (*server)->stop();
  pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  ctx.err << "torchup: stopped" << std::endl;
  return 0;
}

}  // namespace

void add_serve_command(CLI::App& app, Context& ctx) {
  auto options = std::make_shared<ServeOptions>();
  auto* cmd = app.add_subcommand("serve", "the Start Locally selector as a local web page (127.0.0.1 only)");
  cmd->footer(kFooter);
  cmd->add_option("--port", options->port, "port on 127.0.0.1; 0 picks a free one (the URL is printed)")
      ->check(CLI::Range(0, 65535))
      ->capture_default_str();
  cmd->add_flag("--open", options->open, "open the page in the browser (xdg-open)");
  cmd->add_option("--profile", options->profile, "pre-fill for the machine described by this JSON profile")
      ->type_name("FILE");
  cmd->add_option("--python", options->python, "the interpreter to plan for (path or X.Y)")->type_name("PATH|X.Y");
  cmd->callback([&ctx, options]() { ctx.exit_code = run_serve(ctx, *options); });
}

}  // namespace torchup::cli
