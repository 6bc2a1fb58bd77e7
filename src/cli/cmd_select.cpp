// `torchup select`: pytorch.org's Start Locally selector and Previous Versions
// page on the command line (DESIGN §2). Parses options into a SelectQuery and
// calls render::Selector; rendering is render/select_output.h.
#include <CLI/CLI.hpp>
#include <memory>

#include "app/tasks.h"
#include "cli/commands.h"
#include "cli/context.h"
#include "render/select_output.h"
#include "render/selector.h"
#include "util/strings.h"

namespace torchup::cli {

namespace {

struct SelectOptions {
  render::SelectQuery query;
  bool json = false;
};

int run_select(Context& ctx, SelectOptions options) {
  if (options.query.os.empty()) {
    // Like the site, which preselects the visitor's OS: this computer's.
    const std::string& family = ctx.live_host().system.os_family;
    if (family != "linux" && family != "windows" && family != "macos") {
      return ctx.fail(make_error(ErrorKind::kUsage,
                                 "--os is needed: this computer's OS (" +
                                     (family.empty() ? std::string("unknown") : family) +
                                     ") is not one the selector offers",
                                 "choose --os linux, windows or macos"));
    }
    options.query.os = family;
  }
  auto result = app::select(ctx.services(), options.query);
  if (!result) return ctx.fail(result.error());
  ctx.flush_data_warnings();
  for (const auto& w : result->warnings)
    ctx.err << ctx.style.yellow(ctx.style.t(tr("cli.warning-prefix", "torchup: warning: ")))
            << ctx.style.t(w) << "\n";
  if (options.json) {
    ctx.out << render::select_json(*result).dump(2) << "\n";
  } else {
    ctx.out << render::select_text(*result);
  }
  return 0;
}

}  // namespace

void add_select_command(CLI::App& app, Context& ctx) {
  auto options = std::make_shared<SelectOptions>();
  auto* cmd = app.add_subcommand(
      "select",
      ctx.style.t(tr("help.select", "print the install command pytorch.org shows for a choice")));
  cmd->footer(ctx.style.t(
      tr("help.select-footer",
         "Which source: the current stable release and nightly come from the selector's data\n"
         "(published_versions.json); older releases from the Previous Versions page, whose\n"
         "commands pin the version. --as-published prints the selector's entry as the site\n"
         "showed it when that version was current.\n"
         "\n"
         "Examples:\n"
         "  torchup select --os linux --platform cu126\n"
         "  torchup select --torch 1.9.0 --os windows --package pip --platform cu111\n"
         "  torchup select --torch 1.9.0 --os linux --platform cuda.x --as-published\n"
         "  torchup select --torch nightly --os windows --package libtorch --platform cpu\n"
         "  torchup select --torch 2.5.1 --os linux --platform rocm6.2 --json")));
  cmd->add_option("--torch", options->query.torch,
                  ctx.style.t(tr("opt.select.torch", "a release (1.9.0), stable or nightly")))
      ->type_name("VER")
      ->capture_default_str();
  cmd->add_option("--os", options->query.os,
                  ctx.style.t(tr("opt.select.os", "operating system (default: this computer's)")))
      ->check(CLI::IsMember({"linux", "windows", "macos"}, CLI::ignore_case));
  cmd->add_option(
         "--package", options->query.package,
         ctx.style.t(tr("opt.select.package", "package manager / distribution (default: pip)")))
      ->check(CLI::IsMember({"pip", "conda", "libtorch", "source"}, CLI::ignore_case));
  cmd->add_option(
         "--language", options->query.language,
         ctx.style.t(tr("opt.select.language", "python, or cpp (implies --package libtorch)")))
      ->check(CLI::IsMember({"python", "cpp"}, CLI::ignore_case));
  cmd->add_option("--platform", options->query.platform,
                  ctx.style.t(tr("opt.select.platform",
                                 "compute platform: cpu, cuXYZ (cu126), rocmX.Y, or the site's id "
                                 "(cuda.x, accnone, rocm5.x)")))
      ->type_name("PLATFORM");
  cmd->add_flag(
      "--as-published", options->query.as_published,
      ctx.style.t(
          tr("opt.select.as-published",
             "the selector's entry exactly as the site showed it (unpinned for old releases)")));
  cmd->add_flag(
      "--json", options->json,
      ctx.style.t(tr("opt.select.json", "JSON: command, note, downloads and what was resolved")));
  cmd->callback([&ctx, options]() { ctx.exit_code = run_select(ctx, *options); });
}

}  // namespace torchup::cli
