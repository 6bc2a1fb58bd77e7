// The torchup command line: global options, the subcommand table, and the one
// place where errors become messages and exit codes.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <iostream>

#include "cli/commands.h"
#include "cli/context.h"
#include "util/strings.h"

namespace torchup::cli {

namespace {

Text description() {
  return tr("help.torchup",
            "torchup: from \"I have a computer\" to \"PyTorch works, on my GPU\".\n"
            "Run with no command to see this machine and the recommended install command.");
}

Text footer() {
  return tr(
      "help.torchup-footer",
      "Examples:\n"
      "  torchup                                  detect this machine and recommend a build\n"
      "  torchup select --torch 1.9.0 --os windows --package pip --platform cu111\n"
      "  torchup cuda-compat 470.57.02            what CUDA can this driver run?\n"
      "  torchup cuda-compat --cuda 12.4          which driver does CUDA 12.4 need?\n"
      "\nExit codes: 0 ok, 1 problems found / nothing fits, 2 usage error, 3 environment failure.");
}

// The words CLI11 did not expect ("The following argument(s) was/were not expected: A B").
std::vector<std::string> unexpected_words(const std::string& message) {
  const auto colon = message.find(": ");
  if (colon == std::string::npos || message.find("not expected") == std::string::npos) return {};
  std::vector<std::string> words;
  for (auto w : str::split_ws(std::string_view(message).substr(colon + 2))) words.emplace_back(w);
  return words;
}

// "did you mean" for a mistyped command or option: commands where a command is
// expected, the options of the command being parsed (and the global ones) for "-x".
std::optional<std::string> suggestion(const std::string& word, CLI::App& app, CLI::App* sub) {
  std::vector<std::string> candidates;
  if (!word.empty() && word[0] == '-') {
    const std::string name = word.substr(0, word.find('='));
    for (CLI::App* a : {sub, &app}) {
      if (!a) continue;
      for (const CLI::Option* o : a->get_options()) {
        for (const auto& l : o->get_lnames()) candidates.push_back("--" + l);
      }
    }
    auto best = str::nearest(name, candidates);
    return best;
  }
  if (sub) return std::nullopt;  // a stray positional argument of a command: nothing to guess
  for (const CLI::App* c : app.get_subcommands(nullptr)) candidates.push_back(c->get_name());
  return str::nearest(word, candidates);
}

// Turns CLI11's error text into one line with a hint: the nearest command or option
// for a typo, else the right --help.
int report_parse_error(const CLI::ParseError& e, CLI::App& app, Context& ctx) {
  std::string where = "torchup";
  CLI::App* sub = nullptr;
  for (auto* s : app.get_subcommands()) {
    where += " " + s->get_name();
    sub = s;
  }
  std::string message = e.what();
  if (auto nl = message.find('\n'); nl != std::string::npos) message.resize(nl);
  Text said = message;  // CLI11's own words, in English
  Text hint = tr("cli.see-help", "run '{command} --help' for the options", {{"command", where}});
  const auto words = unexpected_words(message);
  // A mistyped command takes the options around it along ("detetc --json", "--json
  // detetc": --json is a command's option): the first word that is not an option is the
  // one to name and to correct.
  std::string command_word;
  if (!sub) {
    for (const auto& w : words) {
      if (w.rfind('-', 0) != 0) {
        command_word = w;
        break;
      }
    }
  }
  if (!command_word.empty()) {
    said = tr("cli.unknown-command", "unknown command '{word}'", {{"word", command_word}});
    if (auto near = suggestion(command_word, app, sub)) {
      hint = tr("cli.did-you-mean", "did you mean `{command} {near}`? ({hint})",
                {{"command", where}, {"near", *near}, {"hint", hint}});
    } else {
      hint = tr("cli.see-help-commands", "run 'torchup help' for the list of commands");
    }
  } else if (words.size() == 1) {
    if (words[0].rfind('-', 0) == 0) {
      said = tr("cli.unknown-option", "unknown option '{word}' for '{command}'",
                {{"word", words[0]}, {"command", where}});
    }
    if (auto near = suggestion(words[0], app, sub)) {
      hint = tr("cli.did-you-mean", "did you mean `{command} {near}`? ({hint})",
                {{"command", where}, {"near", *near}, {"hint", hint}});
    }
  }
  return ctx.fail(make_error(ErrorKind::kUsage, said, hint));
}

// `torchup help [COMMAND]` is `torchup [COMMAND] --help`.
std::vector<std::string> expand_help(std::vector<std::string> args) {
  if (args.empty() || args[0] != "help") return args;
  args.erase(args.begin());
  args.push_back("--help");
  return args;
}

// --json anywhere before "--": then errors are JSON on stdout too.
bool wants_json(const std::vector<std::string>& args) {
  for (const auto& a : args) {
    if (a == "--") return false;
    if (a == "--json") return true;
  }
  return false;
}

// --lang X or --lang=X before "--": the language is chosen before parsing, so that
// parse errors are said in it too. The last one counts, as CLI11 takes it.
std::string lang_flag(const std::vector<std::string>& args) {
  std::string lang = "auto";
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--") break;
    if (args[i] == "--lang" && i + 1 < args.size())
      lang = args[i + 1];
    else if (args[i].rfind("--lang=", 0) == 0)
      lang = args[i].substr(7);
  }
  return lang;
}

}  // namespace

int run(const std::vector<std::string>& given_args, host::Host& host, const Streams& streams) {
  std::ostream& out = streams.out;
  std::ostream& err = streams.err;
  const std::vector<std::string> args = expand_help(given_args);
  Context ctx(host, streams);
  ctx.global.json = wants_json(args);
  ctx.global.lang = lang_flag(args);
  ctx.style.lang = choose_lang(ctx.global.lang, host.env, host.system);
  const Style& s = ctx.style;
  CLI::App app(s.t(description()), "torchup");
  app.footer(s.t(footer()));
  app.set_version_flag("-V,--version", std::string("torchup ") + TORCHUP_VERSION,
                       s.t(tr("help.version", "print torchup's version and exit")));
  app.set_help_flag("-h,--help", s.t(tr("help.help", "print this help and exit")));
  app.require_subcommand(0, 1);
  app.fallthrough();

  std::string data_dir, cache_dir;
  app.add_option("--data-dir", data_dir,
                 s.t(tr("help.data-dir",
                        "read knowledge-base files from DIR first (also TORCHUP_DATA_DIR)")))
      ->type_name("DIR");
  app.add_option("--cache-dir", cache_dir,
                 s.t(tr("help.cache-dir", "where `torchup update` keeps downloaded data")))
      ->type_name("DIR");
  app.add_option("--color", ctx.global.color,
                 s.t(tr("help.color",
                        "colour: auto (a terminal, unless NO_COLOR or TERM=dumb), always, never")))
      ->check(CLI::IsMember({"auto", "always", "never"}))
      ->type_name("WHEN");
  app.add_flag("--no-color", ctx.global.no_color,
               s.t(tr("help.no-color", "the same as --color never")));
  app.add_option(
         "--lang", ctx.global.lang,
         s.t(tr("help.lang",
                "language: auto (TORCHUP_LANG, then LANGUAGE/LC_ALL/LC_MESSAGES/LANG), zh or en")))
      ->check(CLI::IsMember({"auto", "zh", "en"}))
      ->type_name("LANG");
  app.add_flag("-q,--quiet", ctx.global.quiet,
               s.t(tr("help.quiet", "print only the result (the plan: its command), no warnings")));
  app.add_flag("-v,--verbose", ctx.global.verbose,
               s.t(tr("help.verbose", "also print every file read and program run (to stderr)")));
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
  add_fetch_command(app, ctx);
  add_fleet_command(app, ctx);
  add_verify_command(app, ctx);
  add_doctor_command(app, ctx);
  add_cuda_compat_command(app, ctx);
  add_serve_command(app, ctx);
  add_update_command(app, ctx);
  add_completions_command(app, ctx);

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
