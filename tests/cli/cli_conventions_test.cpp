// The conventions people bring from uv, rustup, pip and conda (issue #14 part 2) and
// the exit codes of the contract (part 3): -V, help COMMAND, "did you mean", --color
// and NO_COLOR, -q, -v, --json errors, completions, select's default --os.
#include <gtest/gtest.h>

#include <regex>

#include <nlohmann/json.hpp>

#include "host/scripted.h"
#include "support/run_cli.h"
#include "support/temp_dir.h"
#include "util/strings.h"

namespace torchup {
namespace {

using testing::linux_x86_64;
using testing::run_binary;
using testing::run_cli;

std::string fixture(const std::string& name) {
  return std::string(TORCHUP_TEST_DIR) + "/fixtures/machines/" + name;
}

TEST(EditDistance, CountsInsertionsDeletionsSubstitutionsAndSwaps) {
  EXPECT_EQ(str::edit_distance("detetc", "detect"), 1u);  // two neighbours swapped
  EXPECT_EQ(str::edit_distance("kitten", "sitting"), 3u);
  EXPECT_EQ(str::edit_distance("", "abc"), 3u);
  EXPECT_EQ(str::edit_distance("plan", "plan"), 0u);
  EXPECT_EQ(str::nearest("instal", {"detect", "install", "plan"}), "install");
  EXPECT_EQ(str::nearest("frobnicate", {"detect", "install", "plan"}), std::nullopt);
  EXPECT_EQ(str::nearest("x", {"detect"}), std::nullopt);
}

TEST(CliConventions, ShortAndLongVersionFlags) {
  host::FakeMachine machine(fixture("nvidia-desktop"));
  for (const char* flag : {"-V", "--version"}) {
    auto r = run_cli(machine.host(), {flag});
    EXPECT_EQ(r.code, 0) << flag << r.err;
    EXPECT_EQ(r.out, std::string("torchup ") + TORCHUP_VERSION + "\n") << flag;
  }
}

TEST(CliConventions, HelpCommandIsTheCommandsOwnHelp) {
  host::FakeMachine machine(fixture("nvidia-desktop"));
  auto top = run_cli(machine.host(), {"help"});
  EXPECT_EQ(top.code, 0);
  EXPECT_EQ(top.out, run_cli(machine.host(), {"--help"}).out);
  auto plan = run_cli(machine.host(), {"help", "plan"});
  EXPECT_EQ(plan.code, 0);
  EXPECT_EQ(plan.out, run_cli(machine.host(), {"plan", "--help"}).out);
  EXPECT_NE(plan.out.find("--platform"), std::string::npos);
}

// One line per command in the top-level help, each starting in lower case; the
// details live in the command's own help.
TEST(CliConventions, TopLevelHelpHasOneLinePerCommand) {
  host::FakeMachine machine(fixture("nvidia-desktop"));
  auto r = run_cli(machine.host(), {"--help"});
  const auto start = r.out.find("Subcommands:\n");
  ASSERT_NE(start, std::string::npos) << r.out;
  const auto end = r.out.find("\n\n", start);
  int commands = 0;
  for (auto line : str::lines(std::string_view(r.out).substr(start, end - start))) {
    if (line == "Subcommands:") continue;
    auto words = str::split_ws(line);
    ASSERT_GE(words.size(), 2u) << "a continuation line: '" << line << "'";
    // Lower case, as the options' help is; an acronym (NVIDIA) stays as it is.
    const std::string_view first = words[1];
    EXPECT_TRUE(std::islower(static_cast<unsigned char>(first[0])) ||
                (first.size() > 1 && std::isupper(static_cast<unsigned char>(first[1]))))
        << line;
    ++commands;
  }
  EXPECT_GE(commands, 10);
  auto verify = run_cli(machine.host(), {"verify", "--help"});
  EXPECT_NE(verify.out.find("torch.cuda.is_available()"), std::string::npos)
      << "details moved to the command's help";
}

TEST(CliConventions, InstallHelpOmitsOptionsItRefusesOnTheirOwn) {
  host::FakeMachine machine(fixture("nvidia-desktop"));
  auto help = run_cli(machine.host(), {"install", "--help"});
  // Not offered as options of install's own (only --lock's help names them, as its facts).
  const std::regex option_line(R"((^|\n)\s+(--root|--profile)\b)");
  EXPECT_FALSE(std::regex_search(help.out, option_line)) << help.out;
  EXPECT_NE(help.out.find("--lock FILE"), std::string::npos) << help.out;
  // Still refused with the reason, not "unknown option".
  auto r = run_cli(machine.host(), {"install", "--root", "/x", "--dry-run"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("install only runs on this one"), std::string::npos) << r.err;
  // With --lock they say which machine's facts pick the group: no longer that refusal.
  auto locked = run_cli(machine.host(), {"install", "--lock", "/no/lock.json", "--root", "/x", "--dry-run"});
  EXPECT_NE(locked.code, 0);
  EXPECT_EQ(locked.err.find("install only runs on this one"), std::string::npos) << locked.err;
  EXPECT_NE(locked.err.find("cannot read the lock /no/lock.json"), std::string::npos) << locked.err;
}

TEST(CliConventions, TyposGetTheNearestCommandOrOption) {
  host::FakeMachine machine(fixture("nvidia-desktop"));
  auto command = run_cli(machine.host(), {"detetc"});
  EXPECT_EQ(command.code, 2);
  EXPECT_NE(command.err.find("unknown command 'detetc'"), std::string::npos) << command.err;
  EXPECT_NE(command.err.find("did you mean `torchup detect`?"), std::string::npos) << command.err;
  // With options after (or before) it, the mistyped command is still the one named.
  for (const std::vector<std::string>& args : {std::vector<std::string>{"detetc", "--json"},
                                               std::vector<std::string>{"--json", "detetc"}}) {
    auto with_options = run_cli(machine.host(), args);
    EXPECT_EQ(with_options.code, 2);
    EXPECT_NE(with_options.out.find("unknown command 'detetc'"), std::string::npos)
        << with_options.out;  // the JSON
    EXPECT_NE(with_options.out.find("did you mean `torchup detect`?"), std::string::npos)
        << with_options.out;
  }
  auto option = run_cli(machine.host(), {"plan", "--jsno"});
  EXPECT_EQ(option.code, 2);
  EXPECT_NE(option.err.find("did you mean `torchup plan --json`?"), std::string::npos)
      << option.err;
  auto global = run_cli(machine.host(), {"--verbos"});
  EXPECT_NE(global.err.find("did you mean `torchup --verbose`?"), std::string::npos) << global.err;
  auto far = run_cli(machine.host(), {"frobnicate"});
  EXPECT_EQ(far.code, 2);
  EXPECT_EQ(far.err.find("did you mean"), std::string::npos) << far.err;
  EXPECT_NE(far.err.find("torchup help"), std::string::npos) << far.err;
}

// Colour: a terminal gets it unless NO_COLOR is set to something, TERM=dumb, or
// --color never; --color always forces it into a pipe.
TEST(CliConventions, ColourFollowsTheTerminalNoColorAndTermDumb) {
  auto coloured = [](std::map<std::string, std::string> env, bool tty,
                     std::vector<std::string> extra = {}) {
    host::FakeMachine machine(fixture("nvidia-desktop"), std::move(env), linux_x86_64());
    std::vector<std::string> args = {"cuda-compat", "550.54.14"};
    args.insert(args.end(), extra.begin(), extra.end());
    std::ostringstream out, err;
    cli::run(args, machine.host(), cli::Streams{out, err, tty});
    return out.str().find("\033[") != std::string::npos;
  };
  EXPECT_TRUE(coloured({}, true));
  EXPECT_TRUE(coloured({{"NO_COLOR", ""}}, true))
      << "an empty NO_COLOR does not count (no-color.org)";
  EXPECT_FALSE(coloured({{"NO_COLOR", "1"}}, true));
  EXPECT_FALSE(coloured({{"TERM", "dumb"}}, true));
  EXPECT_FALSE(coloured({}, false));
  EXPECT_TRUE(coloured({}, false, {"--color", "always"}));
  EXPECT_FALSE(coloured({}, true, {"--color", "never"}));
  EXPECT_FALSE(coloured({}, true, {"--no-color"}));
}

TEST(CliConventions, QuietPrintsThePlansCommandAlone) {
  host::FakeMachine machine(fixture("nvidia-desktop"));
  auto plan = nlohmann::json::parse(run_cli(machine.host(), {"plan", "--json"}).out);
  auto quiet = run_cli(machine.host(), {"-q", "plan"});
  EXPECT_EQ(quiet.code, 0) << quiet.err;
  EXPECT_EQ(quiet.out, plan["command"].get<std::string>() + "\n");
  EXPECT_EQ(run_cli(machine.host(), {"plan", "--quiet"}).out, quiet.out) << "after the command too";
}

TEST(CliConventions, VerboseTellsWhatWasReadAndChangesNothingElse) {
  host::FakeMachine machine(fixture("nvidia-desktop"));
  auto plain = run_cli(machine.host(), {"detect", "--json"});
  auto verbose = run_cli(machine.host(), {"-v", "detect", "--json"});
  ASSERT_EQ(verbose.code, 0) << verbose.err;
  EXPECT_EQ(verbose.out, plain.out);
  EXPECT_NE(verbose.err.find("read /etc/os-release ("), std::string::npos) << verbose.err;
  EXPECT_NE(verbose.err.find("read /sys/module/nvidia/version ("), std::string::npos)
      << verbose.err;
  EXPECT_EQ(plain.err.find("read /etc/os-release"), std::string::npos);
}

TEST(CliConventions, VerboseShowsTheProgramsRun) {
  host::FakeMachine machine(fixture("nvidia-desktop"), {{"PATH", "/usr/bin"}}, linux_x86_64(),
                            true);
  machine.runner().set_fallback([](const std::vector<std::string>&) {
    host::ProcessResult r;
    r.started = true;
    r.exit_code = 1;
    return r;
  });
  auto r = run_cli(machine.host(), {"--verbose", "verify", "--python", "/usr/bin/python3"});
  EXPECT_NE(r.err.find("run /usr/bin/python3 -c "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("exit 1, "), std::string::npos) << r.err;
}

TEST(CliConventions, JsonErrorsAreJsonOnStdoutWithTheSameExitCode) {
  testing::TempDir dir;
  dir.write("bad.json", "{");
  dir.write("empty.json", "");
  for (const char* name : {"bad.json", "empty.json"}) {
    auto r = run_binary({"plan", "--profile", dir.str() + "/" + name, "--json"});
    EXPECT_EQ(r.code, 2) << name << ": a malformed profile is a usage error\n" << r.err;
    auto j = nlohmann::json::parse(r.out, nullptr, false);
    ASSERT_FALSE(j.is_discarded()) << r.out;
    EXPECT_EQ(j["error"]["kind"], "usage");
    EXPECT_EQ(j["error"]["exit_code"], 2);
    EXPECT_NE(j["error"]["message"].get<std::string>().find("not valid JSON"), std::string::npos);
    EXPECT_NE(j["error"]["hint"].get<std::string>().find("torchup detect --json"),
              std::string::npos);
  }
  auto text = run_binary({"plan", "--profile", dir.str() + "/bad.json"});
  EXPECT_EQ(text.code, 2);
  EXPECT_TRUE(text.out.empty()) << "without --json the error is text on stderr only: " << text.out;
  auto usage = run_binary({"plan", "--jsno", "--json"});
  EXPECT_EQ(usage.code, 2);
  EXPECT_EQ(nlohmann::json::parse(usage.out)["error"]["kind"], "usage");
}

TEST(CliConventions, VerifyAndDoctorRefuseADirectoryAsPython) {
  testing::TempDir dir;
  for (const char* cmd : {"verify", "doctor"}) {
    auto r = run_binary({cmd, "--python", dir.str()});
    EXPECT_EQ(r.code, 2) << cmd << r.out << r.err;
    EXPECT_NE(r.err.find("is a directory, not an interpreter"), std::string::npos) << r.err;
    auto missing = run_binary({cmd, "--python", dir.str() + "/nope/python3"});
    EXPECT_EQ(missing.code, 2) << cmd;
    EXPECT_NE(missing.err.find("does not exist"), std::string::npos) << missing.err;
  }
}

TEST(CliConventions, CudaCompatOfADriverThatRunsNoCudaIsNothingFits) {
  host::FakeMachine machine(fixture("nvidia-desktop"), {}, linux_x86_64());
  auto none = run_cli(machine.host(), {"cuda-compat", "300.0"});
  EXPECT_EQ(none.code, 1) << none.out;
  EXPECT_NE(none.out.find("cannot run any CUDA"), std::string::npos) << none.out;
  EXPECT_EQ(run_cli(machine.host(), {"cuda-compat", "550.54.14"}).code, 0);
}

TEST(CliConventions, SelectDefaultsToThisComputersOs) {
  host::FakeMachine machine(fixture("nvidia-desktop"), {}, linux_x86_64());
  auto r = run_cli(machine.host(), {"select", "--platform", "cpu", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(
      r.out,
      run_cli(machine.host(), {"select", "--os", "linux", "--platform", "cpu", "--json"}).out);
  host::SystemFacts unknown;
  unknown.os_family = "haiku";
  host::FakeMachine other(fixture("nvidia-desktop"), {}, unknown);
  auto refused = run_cli(other.host(), {"select", "--platform", "cpu"});
  EXPECT_EQ(refused.code, 2);
  EXPECT_NE(refused.err.find("--os is needed"), std::string::npos) << refused.err;
}

// The bash script completes commands and a command's options in a real bash.
TEST(CliCompletions, BashCompletesCommandsAndOptions) {
  testing::TempDir dir;
  auto script = run_binary({"completions", "bash"});
  ASSERT_EQ(script.code, 0) << script.err;
  dir.write("torchup.bash", script.out);
  auto complete = [&](const std::string& words, int cword) {
    const std::string program = "source " + dir.str() + "/torchup.bash; COMP_WORDS=(" + words +
                                "); COMP_CWORD=" + std::to_string(cword) +
                                "; _torchup; echo \"${COMPREPLY[*]}\"";
    auto r =
        host::make_process_runner()->run({"bash", "--norc", "-c", program}, host::RunOptions{});
    EXPECT_TRUE(r.ok()) << r.err;
    return std::string(str::trim(r.out));
  };
  EXPECT_EQ(complete("torchup pl", 1), "plan");
  EXPECT_EQ(complete("torchup plan --plat", 2), "--platform");
  EXPECT_EQ(complete("torchup detect --js", 2), "--json");
  EXPECT_EQ(complete("torchup comp", 1), "completions");
}

TEST(CliCompletions, EveryShellNamesEveryCommand) {
  host::FakeMachine machine(fixture("nvidia-desktop"));
  for (const char* shell : {"bash", "zsh", "fish", "powershell"}) {
    auto r = run_cli(machine.host(), {"completions", shell});
    ASSERT_EQ(r.code, 0) << shell << r.err;
    for (const char* cmd : {"detect", "plan", "select", "install", "verify", "doctor",
                            "cuda-compat", "serve", "update"}) {
      EXPECT_NE(r.out.find(cmd), std::string::npos) << shell << " lacks " << cmd;
    }
    EXPECT_NE(r.out.find(std::string(shell) == "fish" ? "-l platform" : "--platform"),
              std::string::npos)
        << shell;
  }
  EXPECT_EQ(run_cli(machine.host(), {"completions", "tcsh"}).code, 2);
}

}  // namespace
}  // namespace torchup

namespace torchup {
namespace {

host::ProcessResult exited(int code, std::string out, std::string err = {}) {
  host::ProcessResult r;
  r.started = true;
  r.exit_code = code;
  r.out = std::move(out);
  r.err = std::move(err);
  return r;
}

TEST(CliNewUser, PythonTwoIsToldPyTorchNeedsPythonThree) {
  host::FakeMachine machine(fixture("nvidia-desktop"), {{"PATH", "/usr/bin"}},
                            testing::linux_x86_64(), true);
  machine.runner().set_fallback([](const std::vector<std::string>& argv) {
    if (argv.size() == 3 && argv[2].size() < 120)
      return exited(0, "2.7.18");  // the version question
    return exited(
        1, "",
        "  File \"<string>\", line 40\n    print(x, end='')\n SyntaxError: invalid syntax\n");
  });
  for (const char* cmd : {"verify", "doctor"}) {
    auto r = run_cli(machine.host(), {cmd, "--python", "/usr/bin/python3"});
    EXPECT_EQ(r.code, 1) << cmd;
    EXPECT_NE(r.out.find("PyTorch needs Python 3: /usr/bin/python3 is Python 2.7.18"),
              std::string::npos)
        << r.out;
    EXPECT_NE(r.out.find("use a Python 3 interpreter"), std::string::npos) << r.out;
  }
}

TEST(CliNewUser, DoctorNeverSendsTheUserToDoctor) {
  host::FakeMachine machine(fixture("nvidia-desktop"), {{"PATH", "/usr/bin"}},
                            testing::linux_x86_64(), true);
  machine.runner().set_fallback([](const std::vector<std::string>&) {
    host::ProcessResult r = exited(-1, "", "Segmentation fault\n");
    r.signal = 11;
    return r;
  });
  auto verify = run_cli(machine.host(), {"verify", "--python", "/usr/bin/python3"});
  EXPECT_NE(verify.out.find("`torchup doctor`"), std::string::npos)
      << "verify does point at doctor: " << verify.out;
  auto doctor = run_cli(machine.host(), {"doctor", "--python", "/usr/bin/python3"});
  EXPECT_EQ(doctor.code, 1);
  EXPECT_NE(doctor.out.find("crashed (SIGSEGV)"), std::string::npos) << doctor.out;
  EXPECT_EQ(doctor.out.find("`torchup doctor"), std::string::npos) << doctor.out;
  auto json = run_cli(machine.host(), {"doctor", "--python", "/usr/bin/python3", "--json"});
  EXPECT_EQ(json.out.find("`torchup doctor"), std::string::npos) << json.out;
}

}  // namespace
}  // namespace torchup

namespace torchup {
namespace {

// install --dry-run says what the real run would do with --venv (issue #14 part 3).
TEST(CliNewUser, DryRunVenvIsWhatTheRealRunWouldMeet) {
  testing::TempDir dir;
  dir.write("afile", "x");
  dir.write("stuff/notes.txt", "not a venv");
  const std::vector<std::string> base = {"install", "--dry-run", "--platform",
                                         "cpu",     "--python",  "/usr/bin/python3"};
  auto with = [&](const std::string& venv, std::vector<std::string> args = {}) {
    if (args.empty()) args = base;
    args.insert(args.end(), {"--venv", venv});
    return run_binary(args);
  };
  auto file = with(dir.str() + "/afile");
  EXPECT_EQ(file.code, 2) << file.out << file.err;
  EXPECT_NE(file.err.find("is a file, not a directory"), std::string::npos) << file.err;
  auto other = with(dir.str() + "/stuff");
  EXPECT_EQ(other.code, 2) << other.out << other.err;
  EXPECT_NE(other.err.find("already exists and is not a Python environment"), std::string::npos)
      << other.err;

  // An existing venv is used as it is: no "-m venv", no "new venv".
  std::filesystem::create_directories(dir.path() / "env/bin");
  dir.write("env/pyvenv.cfg", "home = /usr/bin\ninclude-system-site-packages = false\n");
  std::filesystem::create_symlink("/usr/bin/python3", dir.path() / "env/bin/python");
  auto existing = with(dir.str() + "/env", {"install", "--dry-run", "--platform", "cpu"});
  EXPECT_EQ(existing.code, 0) << existing.out << existing.err;
  EXPECT_NE(existing.out.find("is an existing environment: installing into it with " + dir.str() +
                              "/env/bin/python"),
            std::string::npos)
      << existing.out;
  EXPECT_EQ(existing.out.find("new venv"), std::string::npos) << existing.out;
  EXPECT_EQ(existing.out.find("-m venv"), std::string::npos) << existing.out;
  EXPECT_NE(existing.out.find(dir.str() + "/env/bin/python -m pip install"), std::string::npos)
      << existing.out;
  // The same command again (--python that made the venv, and --venv): installs into it.
  auto again = with(dir.str() + "/env");
  EXPECT_EQ(again.code, 0) << again.out << again.err;
  EXPECT_NE(again.out.find("is an existing environment: installing into it"), std::string::npos)
      << again.out;
  // Naming another interpreter than the venv's own is ambiguous: which one?
  std::filesystem::create_directories(dir.path() / "other/bin");
  dir.write("other/pyvenv.cfg", "home = /opt/python3.12/bin\nexecutable = /opt/python3.12/bin/python3.12\n");
  std::filesystem::create_symlink("/usr/bin/python3", dir.path() / "other/bin/python");
  auto both = with(dir.str() + "/other");
  EXPECT_EQ(both.code, 2) << both.out;
  EXPECT_NE(both.err.find("not both"), std::string::npos) << both.err;

  // A path with a space is quoted in "Would run", as the user would type it.
  auto spaced = with(dir.str() + "/my envs/torch");
  EXPECT_EQ(spaced.code, 0) << spaced.err;
  EXPECT_NE(spaced.out.find("-m venv '" + dir.str() + "/my envs/torch'"), std::string::npos)
      << spaced.out;
  EXPECT_NE(spaced.out.find("'" + dir.str() + "/my envs/torch/bin/python' -m pip install"),
            std::string::npos)
      << spaced.out;
}

TEST(CommandLine, QuotesAsTheShellNeeds) {
  EXPECT_EQ(str::command_line({"pip", "install", "torch==2.5.1"}), "pip install torch==2.5.1");
  EXPECT_EQ(str::command_line({"/my dir/python", "it's", ""}), "'/my dir/python' 'it'\\''s' ''");
  EXPECT_EQ(str::command_line({"a\\b"}), "'a\\b'");
  EXPECT_EQ(str::command_line({"C:\\Program Files\\Python312\\python.exe", "-m", "pip"}, true),
            "\"C:\\Program Files\\Python312\\python.exe\" -m pip");
  EXPECT_EQ(str::command_line({"say \"hi\"", "C:\\dir\\"}, true), "\"say \\\"hi\\\"\" C:\\dir\\");
  EXPECT_EQ(str::command_line({"C:\\my dir\\"}, true), "\"C:\\my dir\\\\\"");
}

}  // namespace
}  // namespace torchup
