// `torchup completions bash|zsh|fish|powershell`: a completion script for the shell,
// generated from the command table itself (commands, their options, and the values
// of options with a fixed set), so it never goes stale.
#include <CLI/CLI.hpp>
#include <sstream>

#include "cli/commands.h"
#include "cli/context.h"
#include "util/strings.h"

namespace torchup::cli {
namespace {

struct Command {
  std::string name;
  std::string description;
  std::vector<std::string> options;  // --long and -s names
};

std::string first_line(const std::string& s) { return s.substr(0, s.find('\n')); }

std::vector<std::string> option_names(const CLI::App& app) {
  std::vector<std::string> names;
  for (const CLI::Option* o : app.get_options()) {
    if (o->get_group().empty()) continue;  // hidden
    for (const auto& l : o->get_lnames()) names.push_back("--" + l);
    for (const auto& s : o->get_snames()) names.push_back("-" + s);
  }
  return names;
}

std::vector<Command> commands_of(const CLI::App& app) {
  std::vector<Command> commands;
  for (const CLI::App* sub : app.get_subcommands(nullptr)) {
    commands.push_back({sub->get_name(), first_line(sub->get_description()), option_names(*sub)});
  }
  return commands;
}

std::string quote_single(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string bash(const std::vector<Command>& commands, const std::vector<std::string>& global) {
  std::ostringstream o;
  std::vector<std::string> names;
  for (const auto& c : commands) names.push_back(c.name);
  o << "# torchup completion for bash: source it, or save it as\n"
       "# ~/.local/share/bash-completion/completions/torchup\n"
       "_torchup() {\n"
       "  local cur=${COMP_WORDS[COMP_CWORD]} cmd= i\n"
       "  for ((i = 1; i < COMP_CWORD; i++)); do\n"
       "    case ${COMP_WORDS[i]} in\n"
       "      "
    << str::join(names, "|")
    << ") cmd=${COMP_WORDS[i]}; break ;;\n"
       "    esac\n"
       "  done\n"
       "  local words\n"
       "  case $cmd in\n"
       "    '') words="
    << quote_single(str::join(names, " ") + " help " + str::join(global, " ")) << " ;;\n";
  for (const auto& c : commands) {
    o << "    " << c.name
      << ") words=" << quote_single(str::join(c.options, " ") + " " + str::join(global, " "))
      << " ;;\n";
  }
  o << "  esac\n"
       "  COMPREPLY=($(compgen -W \"$words\" -- \"$cur\"))\n"
       "}\n"
       "complete -o default -F _torchup torchup\n";
  return o.str();
}

std::string zsh(const std::vector<Command>& commands, const std::vector<std::string>& global) {
  std::ostringstream o;
  o << "#compdef torchup\n# torchup completion for zsh: save it as _torchup in a directory on "
       "$fpath\n"
       "_torchup() {\n"
       "  local -a commands\n"
       "  commands=(\n";
  for (const auto& c : commands) {
    std::string d = c.description;
    for (auto& ch : d) {
      if (ch == ':') ch = ' ';
    }
    o << "    " << quote_single(c.name + ":" + d) << "\n";
  }
  o << "  )\n"
       "  if (( CURRENT == 2 )); then\n"
       "    _describe 'torchup command' commands\n"
       "    compadd -- "
    << str::join(global, " ")
    << "\n"
       "    return\n"
       "  fi\n"
       "  case ${words[2]} in\n";
  for (const auto& c : commands) {
    o << "    " << c.name << ") compadd -- " << str::join(c.options, " ") << " "
      << str::join(global, " ") << " ;;\n";
  }
  o << "  esac\n"
       "  _files\n"
       "}\n"
       "compdef _torchup torchup\n";
  return o.str();
}

std::string fish(const std::vector<Command>& commands, const std::vector<std::string>& global) {
  std::ostringstream o;
  std::vector<std::string> names;
  for (const auto& c : commands) names.push_back(c.name);
  o << "# torchup completion for fish: save it as ~/.config/fish/completions/torchup.fish\n";
  o << "complete -c torchup -n '__fish_use_subcommand' -a help -d 'help for a command'\n";
  for (const auto& c : commands) {
    o << "complete -c torchup -n '__fish_use_subcommand' -a " << c.name << " -d "
      << quote_single(c.description) << "\n";
  }
  auto flag = [](const std::string& n) {
    return n.rfind("--", 0) == 0 ? "-l " + n.substr(2) : "-s " + n.substr(1);
  };
  for (const auto& g : global) o << "complete -c torchup " << flag(g) << "\n";
  for (const auto& c : commands) {
    for (const auto& n : c.options) {
      o << "complete -c torchup -n '__fish_seen_subcommand_from " << c.name << "' " << flag(n)
        << "\n";
    }
  }
  return o.str();
}

std::string powershell(const std::vector<Command>& commands,
                       const std::vector<std::string>& global) {
  std::ostringstream o;
  o << "# torchup completion for PowerShell: add this to your $PROFILE\n"
       "Register-ArgumentCompleter -Native -CommandName torchup, torchup.exe -ScriptBlock {\n"
       "  param($wordToComplete, $commandAst, $cursorPosition)\n"
       "  $options = @{\n";
  std::vector<std::string> names;
  for (const auto& c : commands) {
    names.push_back(c.name);
    std::vector<std::string> quoted;
    for (const auto& n : c.options) quoted.push_back(quote_single(n));
    o << "    " << quote_single(c.name) << " = @(" << str::join(quoted, ", ") << ")\n";
  }
  std::vector<std::string> quoted_names, quoted_global;
  for (const auto& n : names) quoted_names.push_back(quote_single(n));
  for (const auto& g : global) quoted_global.push_back(quote_single(g));
  o << "  }\n"
       "  $commands = @("
    << str::join(quoted_names, ", ") << ", 'help')\n"
    << "  $global = @(" << str::join(quoted_global, ", ") << ")\n"
    << "  $cmd = $commandAst.CommandElements | Select-Object -Skip 1 | ForEach-Object { "
       "$_.ToString() } |\n"
       "    Where-Object { $commands -contains $_ } | Select-Object -First 1\n"
       "  $candidates = if ($cmd) { $options[$cmd] + $global } else { $commands + $global }\n"
       "  $candidates | Where-Object { $_ -like \"$wordToComplete*\" } | ForEach-Object {\n"
       "    [System.Management.Automation.CompletionResult]::new($_, $_, 'ParameterValue', $_)\n"
       "  }\n"
       "}\n";
  return o.str();
}

}  // namespace

void add_completions_command(CLI::App& app, Context& ctx) {
  auto shell = std::make_shared<std::string>();
  auto* cmd = app.add_subcommand(
      "completions",
      ctx.style.t(
          tr("help.completions", "print a shell completion script (bash, zsh, fish, powershell)")));
  cmd->footer(ctx.style.t(
      tr("help.completions-footer",
         "Examples:\n"
         "  torchup completions bash > ~/.local/share/bash-completion/completions/torchup\n"
         "  torchup completions zsh > ~/.zfunc/_torchup        (with ~/.zfunc on $fpath)\n"
         "  torchup completions fish > ~/.config/fish/completions/torchup.fish\n"
         "  torchup completions powershell >> $PROFILE")));
  cmd->add_option("shell", *shell, ctx.style.t(tr("opt.completions.shell", "the shell")))
      ->required()
      ->check(CLI::IsMember({"bash", "zsh", "fish", "powershell"}));
  cmd->callback([&app, &ctx, shell]() {
    const auto commands = commands_of(app);
    const auto global = option_names(app);
    if (*shell == "bash")
      ctx.out << bash(commands, global);
    else if (*shell == "zsh")
      ctx.out << zsh(commands, global);
    else if (*shell == "fish")
      ctx.out << fish(commands, global);
    else
      ctx.out << powershell(commands, global);
  });
}

}  // namespace torchup::cli
