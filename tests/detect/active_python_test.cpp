// The active interpreter (detect/active_python.h) on the pyenv-shims fixture machine
// (tests/fixtures/machines/pyenv-shims/README.md): the one `python3` runs is the one
// detect marks [active], plan plans for, verify and doctor check, and install targets;
// pyenv's shims are resolved from its version files with no process. Each case gives
// the shell's environment (PATH, PYENV_*, PWD, VIRTUAL_ENV, CONDA_PREFIX).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "act/verify.h"
#include "act/verify_probe.h"
#include "detect/active_python.h"
#include "support/detect_fixture.h"
#include "support/run_cli.h"
#include "util/version.h"

namespace torchup {
namespace {

using testing::fixture_dir;
using testing::has_warning;
using testing::linux_x86_64;
using testing::run_cli;
using Env = std::map<std::string, std::string>;

const std::string kPyenv = "/home/dev/.pyenv";
const std::string kShimsPath = kPyenv + "/shims:/usr/local/bin:/usr/bin:/bin";

std::string tree() { return fixture_dir("machines", "pyenv-shims"); }

model::Machine detect_with(const Env& env) {
  host::FakeMachine machine(tree(), env);
  auto live_fs = host::make_rooted_fs("/");
  data::DataStore store(*live_fs, {});
  auto m = detect::detect_machine(machine.host(), store);
  EXPECT_TRUE(machine.runner().calls().empty()) << "no process may run to find the active interpreter";
  return m;
}

std::vector<std::string> active_paths(const model::Machine& m) {
  std::vector<std::string> out;
  for (const auto& p : m.pythons) {
    if (p.active) out.push_back(p.path);
  }
  return out;
}

std::optional<std::string> resolve(const Env& env) {
  host::FakeMachine machine(tree(), env);
  auto active = detect::active_python(machine.host());
  if (!active) return std::nullopt;
  return active->path;
}

// The case the user hit: shims first on PATH, the global version file says 3.12.4. Before
// this change detect skipped the shims and marked /usr/bin/python3 [active].
TEST(ActivePython, PyenvShimsFirstOnPathResolveThroughTheGlobalVersionFile) {
  const Env env{{"PATH", kShimsPath}, {"PYENV_ROOT", kPyenv}, {"HOME", "/home/dev"}, {"PWD", "/home/dev"}};
  EXPECT_EQ(resolve(env), kPyenv + "/versions/3.12.4/bin/python3");
  auto m = detect_with(env);
  EXPECT_EQ(active_paths(m), std::vector<std::string>{kPyenv + "/versions/3.12.4/bin/python3"});
}

// PYENV_ROOT unset: a "shims" directory beside pyenv's "versions" is pyenv's all the same.
TEST(ActivePython, ShimsAreRecognisedWithoutPyenvRoot) {
  EXPECT_EQ(resolve({{"PATH", kShimsPath}, {"PWD", "/home/dev"}}), kPyenv + "/versions/3.12.4/bin/python3");
}

// pyenv's order: PYENV_VERSION, then .python-version here or in a parent, then the global file.
TEST(ActivePython, PyenvVersionSelectionOrder) {
  Env env{{"PATH", kShimsPath}, {"PYENV_ROOT", kPyenv}, {"PWD", "/home/dev/proj/src"}};
  EXPECT_EQ(resolve(env), kPyenv + "/versions/3.13.1/bin/python3") << "the parent's .python-version";
  env["PYENV_VERSION"] = "3.6.15";
  EXPECT_EQ(resolve(env), kPyenv + "/versions/3.6.15/bin/python3") << "PYENV_VERSION wins";
  env["PYENV_VERSION"] = "3.9.1:3.12.4";  // the first that is installed
  EXPECT_EQ(resolve(env), kPyenv + "/versions/3.12.4/bin/python3");
  env["PYENV_VERSION"] = "system";  // the next python3 on PATH after the shims
  EXPECT_EQ(resolve(env), "/usr/bin/python3");
}

TEST(ActivePython, AVersionThatIsNotInstalledResolvesToNothingAndIsNamed) {
  const Env env{{"PATH", kShimsPath}, {"PYENV_ROOT", kPyenv}, {"PYENV_VERSION", "3.9.1"}};
  EXPECT_EQ(resolve(env), std::nullopt);
  auto m = detect_with(env);
  EXPECT_TRUE(active_paths(m).empty());
  EXPECT_TRUE(has_warning(m, "pyenv version 3.9.1 (PYENV_VERSION) is not installed")) << m.warnings.size();
}

TEST(ActivePython, AnActivatedVenvIsActive) {
  const Env env{{"PATH", "/home/dev/venv-torch/bin:" + kShimsPath},
                {"VIRTUAL_ENV", "/home/dev/venv-torch"},
                {"PYENV_ROOT", kPyenv}};
  EXPECT_EQ(resolve(env), "/home/dev/venv-torch/bin/python3");
  auto m = detect_with(env);
  EXPECT_EQ(active_paths(m), std::vector<std::string>{"/home/dev/venv-torch/bin/python3"});
  // The venv links to /usr/bin/python3.11 but is its own environment: both are listed.
  bool system_listed = false;
  for (const auto& p : m.pythons) system_listed = system_listed || p.path == "/usr/bin/python3";
  EXPECT_TRUE(system_listed);
}

TEST(ActivePython, CondasActiveEnvIsActive) {
  const Env env{{"PATH", "/home/dev/miniforge3/envs/ml/bin:/home/dev/miniforge3/condabin:/usr/bin:/bin"},
                {"CONDA_PREFIX", "/home/dev/miniforge3/envs/ml"}};
  EXPECT_EQ(resolve(env), "/home/dev/miniforge3/envs/ml/bin/python3");
  auto m = detect_with(env);
  ASSERT_EQ(active_paths(m), std::vector<std::string>{"/home/dev/miniforge3/envs/ml/bin/python3"});
  for (const auto& p : m.pythons) {
    if (p.active) {
      EXPECT_EQ(p.version, "3.10.15");
    }
  }
}

// PATH decides, as the shell does: pyenv's shims put ahead of an auto-activated conda base.
TEST(ActivePython, PathOrderBeatsCondaPrefix) {
  const Env env{{"PATH", kPyenv + "/shims:/home/dev/miniforge3/bin:/usr/bin"},
                {"CONDA_PREFIX", "/home/dev/miniforge3"},
                {"PYENV_ROOT", kPyenv}};
  EXPECT_EQ(resolve(env), kPyenv + "/versions/3.12.4/bin/python3");
}

// No PATH (a --root tree has no environment): the activated env's variables, else the default path.
TEST(ActivePython, WithoutPathTheEnvironmentVariablesThenTheDefaultPath) {
  EXPECT_EQ(resolve({{"VIRTUAL_ENV", "/home/dev/venv-torch"}}), "/home/dev/venv-torch/bin/python");
  EXPECT_EQ(resolve({}), "/usr/bin/python3");
}

TEST(ActivePython, VersionFileWords) {
  using V = std::vector<std::string>;
  EXPECT_EQ(detect::parse_pyenv_version_file("3.12.4\n"), V{"3.12.4"});
  EXPECT_EQ(detect::parse_pyenv_version_file("# comment\n  3.13.1 3.12.4\r\n\n"), (V{"3.13.1", "3.12.4"}));
  EXPECT_EQ(detect::parse_pyenv_version_file("../../etc\nsub/dir\nsystem\n"), V{"system"});
  EXPECT_TRUE(detect::parse_pyenv_version_file("").empty());
}

// detect, plan, verify and doctor name the same interpreter (the shims case).
TEST(ActivePython, EveryCommandUsesTheSameInterpreter) {
  const Env env{{"PATH", kShimsPath}, {"PYENV_ROOT", kPyenv}, {"HOME", "/home/dev"}, {"PWD", "/home/dev"}};
  const std::string expected = kPyenv + "/versions/3.12.4/bin/python3";
  host::FakeMachine machine(tree(), env, linux_x86_64());

  auto detect = run_cli(machine.host(), {"detect"});
  ASSERT_EQ(detect.code, 0) << detect.err;
  EXPECT_NE(detect.out.find(expected + "  3.12.4 (64-bit)  [active]"), std::string::npos) << detect.out;
  EXPECT_EQ(detect.out.find("/usr/bin/python3  3.11.2 (64-bit)  torch 1.13.0a0 (CPU)  [active]"), std::string::npos)
      << detect.out;

  auto plan = run_cli(machine.host(), {"plan", "--json"});
  ASSERT_EQ(plan.code, 0) << plan.err;
  auto j = nlohmann::json::parse(plan.out);
  EXPECT_EQ(j["python"], "3.12") << plan.out;
  // Not Debian's PEP 668 python: no externally-managed warning for the pip line.
  EXPECT_EQ(plan.out.find("externally managed"), std::string::npos) << plan.out;

  EXPECT_EQ(act::default_python(machine.host()), expected);
  auto verify = run_cli(machine.host(), {"verify", "--json"});
  auto v = nlohmann::json::parse(verify.out, nullptr, false);
  ASSERT_FALSE(v.is_discarded()) << verify.out << verify.err;
  EXPECT_EQ(v["python"], expected) << verify.out;
  auto doctor = run_cli(machine.host(), {"doctor", "--json"});
  auto d = nlohmann::json::parse(doctor.out, nullptr, false);
  ASSERT_FALSE(d.is_discarded()) << doctor.out << doctor.err;
  EXPECT_EQ(d["verify"]["python"], expected) << doctor.out;
}

// detect lists interpreters by version, numerically: 3.6 before 3.10 before 3.13.
TEST(ActivePython, DetectSortsInterpretersByVersion) {
  auto m = detect_with({{"PATH", kShimsPath}, {"PYENV_ROOT", kPyenv}, {"HOME", "/home/dev"}});
  std::vector<std::string> versions;
  for (const auto& p : m.pythons) versions.push_back(p.version);
  ASSERT_GE(versions.size(), 6u);
  EXPECT_EQ(versions.front(), "3.6.15");
  for (std::size_t i = 1; i < versions.size(); ++i) {
    auto a = DottedVersion::parse(versions[i - 1]);
    auto b = DottedVersion::parse(versions[i]);
    ASSERT_TRUE(a && b) << versions[i - 1] << " " << versions[i];
    EXPECT_FALSE(*b < *a) << versions[i - 1] << " listed before " << versions[i];
  }
}

// doctor of the active interpreter (pyenv 3.12.4, no torch) names the interpreters that
// have torch: pyenv's 3.13.1 and Debian's python3 (python3-torch).
TEST(ActivePython, DoctorNamesTheInterpretersThatHaveTorch) {
  const Env env{{"PATH", kShimsPath}, {"PYENV_ROOT", kPyenv}, {"HOME", "/home/dev"}, {"PWD", "/home/dev"}};
  const std::string active = kPyenv + "/versions/3.12.4/bin/python3";
  host::FakeMachine machine(tree(), env, linux_x86_64());
  machine.runner().add_output(
      {active, "-c", act::probe_script()},
      "@@TORCHUP_PROBE@@{\"schema\":\"torchup.probe/1\",\"python\":{\"executable\":\"" + active +
          "\",\"version\":\"3.12.4\",\"bits\":64},\"import_error\":{\"type\":\"ModuleNotFoundError\","
          "\"message\":\"No module named 'torch'\"}}\n");
  auto r = run_cli(machine.host(), {"doctor"});
  EXPECT_EQ(r.code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("torch is not installed in " + active), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("torch is installed for /usr/bin/python3 (torch 1.13.0a0), " + kPyenv +
                       "/versions/3.13.1/bin/python3 (torch 2.6.0+cu124)"),
            std::string::npos)
      << r.out;
}

// install without --python targets the same interpreter (a live fake machine: the
// interpreter answers install's one question from a script; a dry run runs no pip).
TEST(ActivePython, InstallTargetsTheActiveInterpreter) {
  const Env env{{"PATH", kShimsPath}, {"PYENV_ROOT", kPyenv}, {"HOME", "/home/dev"}, {"PWD", "/home/dev"}};
  const std::string expected = kPyenv + "/versions/3.12.4/bin/python3";
  host::FakeMachine machine(tree(), env, linux_x86_64(), true);
  machine.runner().set_fallback([&](const std::vector<std::string>& argv) {
    host::ProcessResult r;
    if (argv.size() >= 3 && argv[0] == expected && argv[1] == "-c" && argv[2].find("EXTERNALLY-MANAGED") != std::string::npos) {
      r.started = true;
      r.exit_code = 0;
      r.out = expected + "\n3.12\n64\n" + kPyenv + "/versions/3.12.4\n0\n";  // executable, version, bits, prefix, PEP 668
    }
    return r;
  });
  auto r = run_cli(machine.host(), {"install", "--platform", "cpu", "--dry-run", "--json"});
  ASSERT_EQ(r.code, 0) << r.err << r.out;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["python"], expected) << r.out;
  ASSERT_FALSE(j["commands"].empty()) << r.out;
  EXPECT_EQ(j["commands"][0][0], expected) << r.out;
}

}  // namespace
}  // namespace torchup
