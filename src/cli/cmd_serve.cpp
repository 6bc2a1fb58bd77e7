// `torchup serve`: the Start Locally selector as a local web page.
// Parses options, builds the API over the same core calls as the CLI, serves on
// 127.0.0.1 until SIGINT/SIGTERM, then stops cleanly (exit 0).
//
// /api/machine and /api/plan are app::detect and app::compute_plan, run in this
// process once at start-up, so the page shows exactly what `detect --json` and
// `plan --json` report, with the same --profile/--python options, and serving
// starts no process. With --profile, the machine is the profile itself.
#include <CLI/CLI.hpp>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>

#include "app/plan.h"
#include "app/tasks.h"
#include "cli/commands.h"
#include "cli/context.h"
#include "host/desktop.h"
#include "host/interrupt.h"
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

// /api/machine and /api/plan: app::detect and app::compute_plan in this process, with
// the store's warnings (a bad --data-dir file) in the document's own warnings as
// `detect --json` and `plan --json` report them. One at a time: the store loads lazily.
struct InProcess {
  explicit InProcess(Context& c) : ctx(c) {}
  Context& ctx;
  std::mutex mu;
};

void add_store_warnings(Context& ctx, nlohmann::json& document) {
  for (const auto& w : ctx.store().warnings()) document["warnings"].push_back(w);
}

serve::JsonProvider machine_json(std::shared_ptr<InProcess> self) {
  return [self]() -> Expected<nlohmann::json> {
    std::lock_guard lock(self->mu);
    auto j = model::to_json(app::detect(self->ctx.services()));
    add_store_warnings(self->ctx, j);
    return j;
  };
}

serve::JsonProvider plan_json(std::shared_ptr<InProcess> self, app::PlanRequest request) {
  return [self, request]() -> Expected<nlohmann::json> {
    std::lock_guard lock(self->mu);
    auto plan = app::compute_plan(self->ctx.services(), request);
    if (!plan) return plan.error();
    auto j = model::to_json(*plan);
    // The page's 简体中文 mode shows the plan's reasons from the same catalogue as the CLI.
    j["localized"] = {{"zh", model::localized_json(*plan, Lang::kZh)}};
    add_store_warnings(self->ctx, j);
    return j;
  };
}

serve::JsonProvider profile_json(Context& ctx, const std::string& path) {
  return [&ctx, path]() -> Expected<nlohmann::json> {
    auto text = ctx.live_host().fs.read_file(path);
    if (!text) return make_error(ErrorKind::kNotFound, "cannot read profile " + path);
    auto parsed = nlohmann::json::parse(*text, nullptr, false);
    if (parsed.is_discarded())
      return make_error(ErrorKind::kParse, "profile " + path + " is not JSON");
    return parsed;
  };
}

int run_serve(Context& ctx, const ServeOptions& options) {
  // The host's file reader takes absolute paths.
  std::string profile =
      options.profile.empty() ? "" : std::filesystem::absolute(options.profile).string();
  app::PlanRequest plan_request;
  plan_request.profile = profile;
  plan_request.prefs.python = options.python;
  // A missing or malformed profile is the user's input error: exit 2 with the parse
  // error now, as `plan --profile` does, not a page that serves an error per request.
  if (!profile.empty()) {
    auto machine = app::read_machine(ctx.services(), plan_request);
    if (!machine) return ctx.fail(machine.error());
  }

  auto selector = render::Selector::load(ctx.store());
  if (!selector) return ctx.fail(selector.error());
  ctx.flush_data_warnings();
  auto in_process = std::make_shared<InProcess>(ctx);
  serve::MachineSources sources;
  sources.machine =
      serve::run_once(profile.empty() ? machine_json(in_process) : profile_json(ctx, profile));
  sources.plan = serve::run_once(plan_json(in_process, plan_request));
  // Detect and plan now, before serving: detection runs programs (nvidia-smi, the
  // interpreters), and serving starts none.
  (void)sources.machine();
  (void)sources.plan();
  serve::Api api(std::make_shared<const render::Selector>(std::move(*selector)),
                 std::move(sources));

  // Before the server's threads start: only this thread receives Ctrl-C, in wait() below.
  std::optional<host::StopSignals> stop_signals;
  stop_signals.emplace();
  auto server = serve::Server::start(std::move(api), options.port);
  if (!server) {
    stop_signals.reset();
    return ctx.fail(server.error());
  }
  ctx.out << (*server)->url() << std::endl;
  ctx.err << "torchup: "
          << ctx.style.t(tr("serve.serving",
                            "serving the selector on {url} (127.0.0.1 only); Ctrl-C stops it",
                            {{"url", (*server)->url()}}))
          << std::endl;
  if (options.open) {
    host::RunOptions run_options;
    run_options.timeout = std::chrono::seconds(10);
    const auto open_argv = host::browser_command((*server)->url());
    auto opened = ctx.live_host().runner.run(open_argv, run_options);
    if (!opened.ok()) {
      Text why = tr("serve.browser-not-started", "{program}: {error}",
                    {{"program", open_argv.front()}, {"error", opened.start_error}});
      if (opened.started)
        why = tr("serve.browser-failed", "{program} failed", {{"program", open_argv.front()}});
      ctx.err << ctx.style.yellow(ctx.style.t(tr("serve.warning", "torchup: warning: ")))
              << ctx.style.t(tr("serve.no-browser",
                                "could not open a browser ({why}); open the URL yourself",
                                {{"why", why}}))
              << "\n";
    }
  }
  stop_signals->wait();
  (*server)->stop();
  stop_signals.reset();
  ctx.err << "torchup: " << ctx.style.t(tr("serve.stopped", "stopped")) << std::endl;
  return 0;
}

}  // namespace

void add_serve_command(CLI::App& app, Context& ctx) {
  auto options = std::make_shared<ServeOptions>();
  auto* cmd = app.add_subcommand(
      "serve", ctx.style.t(tr("help.serve",
                              "the Start Locally selector as a local web page (127.0.0.1 only)")));
  cmd->footer(ctx.style.t(
      tr("help.serve-footer",
         "The page is the pytorch.org 'Start Locally' selector (every previous version too),\n"
         "pre-filled with what `torchup plan` chooses for this machine. It listens on 127.0.0.1\n"
         "only, answers only to localhost host names, and nothing on it changes the machine.\n"
         "\n"
         "Examples:\n"
         "  torchup serve                 # http://127.0.0.1:8765/\n"
         "  torchup serve --port 0 --open # any free port, open the browser\n"
         "  torchup serve --profile node.json")));
  cmd->add_option("--port", options->port,
                  ctx.style.t(tr("opt.serve.port",
                                 "port on 127.0.0.1; 0 picks a free one (the URL is printed)")))
      ->check(CLI::Range(0, 65535))
      ->capture_default_str();
  cmd->add_flag("--open", options->open,
                ctx.style.t(tr("opt.serve.open", "open the page in the browser (xdg-open)")));
  cmd->add_option("--profile", options->profile,
                  ctx.style.t(tr("opt.serve.profile",
                                 "pre-fill for the machine described by this JSON profile")))
      ->type_name("FILE");
  cmd->add_option("--python", options->python,
                  ctx.style.t(tr("opt.serve.python", "the interpreter to plan for (path or X.Y)")))
      ->type_name("PATH|X.Y");
  cmd->callback([&ctx, options]() { ctx.exit_code = run_serve(ctx, *options); });
}

}  // namespace torchup::cli
