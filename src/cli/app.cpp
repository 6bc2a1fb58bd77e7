// The torchup command line: global options, the subcommand table, and the one
// place where errors become messages and exit codes.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <iostream>

#include "cli/commands.h"
#include "cli/context.h"

namespace torchup::cli {

namespace {

constexpr const char* kDescription =
    "torchup: from \"I have a computer\" to \"PyTorch works, on my GPU\".\n"
    "Run with no command to see this machine and the recommended install command.";

constexpr const char* kFooter =
    "Examples:\n"
    "  torchup                                  detect this machine and recommend a build\n"
    "  torchup select --torch 1.9.0 --os windows --package pip --platform cu111\n"
    "  torchup cuda-compat 470.57.02            what CUDA can this driver run?\n"
    "  torchup cuda-compat --cuda 12.4          which driver does CUDA 12.4 need?\n"
    "\nExit codes: 0 ok, 1 problems found / nothing fits, 2 usage error, 3 environment failure.";

// Turns CLI11's error text into one line with a hint naming the right --help.
int report_parse_error(const CLI::ParseError& e, CLI::App& app, Context& ctx) {
  std::string where = "torchup";
  for (auto* sub : app.get_subcommands()) where += " " + sub->get_name();
  std::string message = e.what();
  if (auto nl = message.find('\n'); nl != std::string::npos) message.resize(nl);
  return ctx.fail(make_error(ErrorKind::kUsage, message,
                             fmt::format("run '{} --help' for the options", where)));
}

}  // namespace

int run(const std::vector<std::string>& args, host::Host& host, const Streams& streams) {
  std::ostream& out = streams.out;
  std::ostream& err = streams.err;
  Context ctx(host, streams);
  CLI::App app(kDescription, "torchup");
  app.footer(kFooter);
  app.set_version_flag("--version", std::string("torchup ") + TORCHUP_VERSION);
  app.require_subcommand(0, 1);
  app.fallthrough();

  std::string data_dir, cache_dir;
  app.add_option("--data-dir", data_dir,
                 "read knowledge-base files from DIR first (also TORCHUP_DATA_DIR)")
      ->type_name("DIR");
  app.add_option("--cache-dir", cache_dir, "where `torchup update` keeps downloaded data")
      ->type_name("DIR");
  app.add_flag("--no-color", ctx.global.no_color, "plain text output (also NO_COLOR)");
  // Options reach subcommands before their callbacks run.
  app.parse_complete_callback([&]() {
    if (!data_dir.empty()) ctx.global.data_dir = data_dir;
    if (!cache_dir.empty()) ctx.global.cache_dir = cache_dir;
    ctx.finalize_style();
  });

  add_detect_command(app, ctx);
  add_plan_command(app, ctx);
  add_select_command(app, ctx);
  add_install_command(app, ctx);
  add_verify_command(app, ctx);
  add_doctor_command(app, ctx);
  add_cuda_compat_command(app, ctx);
  add_serve_command(app, ctx);
  add_update_command(app, ctx);

  try {
    // CLI11 takes the arguments last to first.
    std::vector<std::string> reversed(args.rbegin(), args.rend());
    app.parse(reversed);
    if (app.get_subcommands().empty()) {
      if (!data_dir.empty()) ctx.global.data_dir = data_dir;
      if (!cache_dir.empty()) ctx.global.cache_dir = cache_dir;
      ctx.finalize_style();
      ctx.exit_code = run_default(ctx);
    }
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e, out, err);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e, out, err);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e, out, err);
  } catch (const CLI::ParseError& e) {
    return report_parse_error(e, app, ctx);
  } catch (const std::bad_alloc&) {
    err << "torchup: error: out of memory\n";
    return 3;
  } catch (const std::exception&) {
    // Never show a C++ exception text to users (DESIGN §2).
    err << "torchup: error: an unexpected internal failure stopped this command\n"
        << "  hint: please report it with the command line you ran\n";
    return 3;
  }
  ctx.flush_data_warnings();
  out.flush();
  return ctx.exit_code;
}

int run(int argc, const char* const* argv, std::ostream& out, std::ostream& err, bool out_is_tty) {
  std::vector<std::string> args;
  for (int i = 1; i < argc; ++i) args.emplace_back(argv[i]);
  auto live = host::OwnedHost::live();
  return run(args, live->host(), Streams{out, err, out_is_tty});
}

}  // namespace torchup::cli
