// run_probe over a ScriptedRunner (every process outcome), the PCI GPU scan over
// fixture trees, interpreter discovery, the pairing table from the real data
// file, and verify_python on a whole fake machine.
#include <gtest/gtest.h>

#include <filesystem>

#include "act/verify.h"
#include "act/verify_checks_internal.h"
#include "data/store.h"
#include "host/scripted.h"
#include "support/temp_dir.h"

namespace torchup::act {
namespace {

using torchup::testing::TempDir;

const std::string kOkOutput =
    "@@TORCHUP_PROBE@@{\"schema\":\"torchup.probe/1\",\"python\":{\"executable\":\"/py\","
    "\"version\":\"3.12.1\",\"bits\":64},\"torch\":{\"version\":\"2.5.1+cu124\",\"cuda\":\"12.4\","
    "\"rand\":\"tensor(...)\",\"cuda_available\":false},\"torchvision\":{\"installed\":true,"
    "\"version\":\"0.20.1+cu124\"}}\n";

std::vector<std::string> probe_argv(const std::string& python) {
  return {python, "-c", probe_script()};
}

struct OutcomeCase {
  const char* name;
  host::ProcessResult result;
  ProbeOutcome expected;
  const char* problem_part;
};

host::ProcessResult result(bool started, bool timed_out, int code, int signal, std::string out,
                           std::string err = {}) {
  host::ProcessResult r;
  r.started = started;
  r.timed_out = timed_out;
  r.exit_code = code;
  r.signal = signal;
  r.out = std::move(out);
  r.err = std::move(err);
  r.start_error = started ? "" : "No such file or directory";
  return r;
}

TEST(RunProbe, ClassifiesEveryProcessOutcome) {
  const std::vector<OutcomeCase> cases = {
      {"ok", result(true, false, 0, 0, kOkOutput), ProbeOutcome::kOk, ""},
      {"ok despite exit 1 after the result", result(true, false, 1, 0, kOkOutput),
       ProbeOutcome::kOk, ""},
      {"not started", result(false, false, -1, 0, ""), ProbeOutcome::kNotStarted,
       "could not run /py: No such file"},
      {"timeout even with output", result(true, true, -1, 9, kOkOutput), ProbeOutcome::kTimedOut,
       "did not finish the probe within 7 s"},
      {"segfault", result(true, false, -1, 11, "", "Fatal Python error: Segmentation fault"),
       ProbeOutcome::kCrashed, "crashed (SIGSEGV)"},
      {"illegal instruction", result(true, false, -1, 4, ""), ProbeOutcome::kCrashed,
       "illegal instruction"},
      {"exit 139 from a wrapper", result(true, false, 139, 0, ""), ProbeOutcome::kCrashed,
       "exited with code 139 before reporting a result (as if killed by SIGSEGV)"},
      {"exit 2", result(true, false, 2, 0, "", "usage"), ProbeOutcome::kCrashed, "exited with code 2"},
      {"garbage", result(true, false, 0, 0, "hello\x01\x02 world\n"), ProbeOutcome::kGarbage,
       "could not be understood"},
      {"bad json", result(true, false, 0, 0, "@@TORCHUP_PROBE@@{nope"), ProbeOutcome::kGarbage,
       "not valid JSON"},
  };
  for (const auto& c : cases) {
    TempDir root;
    host::FakeMachine machine(root.str());
    machine.runner().add(probe_argv("/py"), c.result);
    ProbeRun run = run_probe(machine.host(), "/py", std::chrono::seconds(7));
    EXPECT_EQ(run.outcome, c.expected) << c.name << ": " << run.problem;
    EXPECT_NE(run.problem.find(c.problem_part), std::string::npos) << c.name << ": " << run.problem;
    EXPECT_EQ(run.output.has_value(), c.expected == ProbeOutcome::kOk) << c.name;
    ASSERT_EQ(machine.runner().calls().size(), 1u);
    EXPECT_EQ(machine.runner().calls()[0], probe_argv("/py"));  // one process, argv, no shell
  }
}

TEST(RunProbe, KeepsPrintableTailsOfCrashOutput) {
  TempDir root;
  host::FakeMachine machine(root.str());
  std::string err;
  for (int i = 0; i < 30; ++i) err += "line " + std::to_string(i) + "\n";
  err += "bad byte \x07 here\n";
  machine.runner().add(probe_argv("/py"), result(true, false, -1, 6, "", err));
  ProbeRun run = run_probe(machine.host(), "/py", std::chrono::seconds(5));
  EXPECT_EQ(run.outcome, ProbeOutcome::kCrashed);
  EXPECT_EQ(run.stderr_tail.find("line 0\n"), std::string::npos);  // only the last lines
  EXPECT_NE(run.stderr_tail.find("line 29"), std::string::npos);
  EXPECT_NE(run.stderr_tail.find("bad byte ? here"), std::string::npos);
}

TEST(ScanMachineGpus, CountsDisplayDevicesByVendor) {
  TempDir root;
  auto dev = [&](const std::string& slot, const std::string& klass, const std::string& vendor) {
    root.write("sys/bus/pci/devices/" + slot + "/class", klass + "\n");
    root.write("sys/bus/pci/devices/" + slot + "/vendor", vendor + "\n");
  };
  dev("0000:00:02.0", "0x030000", "0x8086");  // Intel iGPU: not counted
  dev("0000:01:00.0", "0x030000", "0x10de");  // NVIDIA VGA
  dev("0000:01:00.1", "0x040300", "0x10de");  // NVIDIA HDMI audio: not a GPU
  dev("0000:41:00.0", "0x030200", "0x10de");  // NVIDIA 3D controller (data centre)
  dev("0000:c1:00.0", "0x030000", "0x1002");  // AMD
  dev("0000:c2:00.0", "garbage", "0x1002");   // unreadable class: ignored
  auto fs = host::make_rooted_fs(root.str());
  MachineGpus gpus = scan_machine_gpus(*fs);
  EXPECT_TRUE(gpus.scanned);
  EXPECT_EQ(gpus.nvidia, 2);
  EXPECT_EQ(gpus.amd, 1);

  TempDir empty;
  auto no_sys = host::make_rooted_fs(empty.str());
  EXPECT_FALSE(scan_machine_gpus(*no_sys).scanned);
}

// The interpreter `python3` runs (detect::active_python, issue 14): PATH decides; the
// venv/conda variables only when PATH is unset. Before, $VIRTUAL_ENV won over PATH even
// when its bin/ was not on PATH, so verify checked another interpreter than `python3`.
TEST(DefaultPython, PathDecidesThenVenvThenConda) {
  TempDir root;
  auto exe = [&](const std::string& rel) {
    root.write(rel, "#!/bin/sh\n");
    std::filesystem::permissions(root.path() / rel, std::filesystem::perms::owner_all);
  };
  exe("venv/bin/python");
  exe("conda/bin/python");
  exe("usr/bin/python3");
  root.write("opt/bin/python3", "not executable");
  {
    host::FakeMachine m(root.str(), {{"VIRTUAL_ENV", "/venv"}, {"CONDA_PREFIX", "/conda"},
                                     {"PATH", "/usr/bin"}});
    EXPECT_EQ(default_python(m.host()), "/usr/bin/python3");  // the venv is not on PATH
  }
  {
    host::FakeMachine m(root.str(), {{"VIRTUAL_ENV", "/venv"}, {"PATH", "/venv/bin:/usr/bin"}});
    EXPECT_EQ(default_python(m.host()), "/usr/bin/python3");  // this venv has no python3: `python3` is /usr/bin's
  }
  {
    host::FakeMachine m(root.str(), {{"VIRTUAL_ENV", "/venv"}, {"CONDA_PREFIX", "/conda"}});
    EXPECT_EQ(default_python(m.host()), "/venv/bin/python");  // no PATH: the activated venv
  }
  {
    host::FakeMachine m(root.str(), {{"VIRTUAL_ENV", "/gone"}, {"CONDA_PREFIX", "/conda"}});
    EXPECT_EQ(default_python(m.host()), "/conda/bin/python");
  }
  {
    host::FakeMachine m(root.str(), {{"PATH", "/opt/bin::/usr/bin"}});
    EXPECT_EQ(default_python(m.host()), "/usr/bin/python3");
  }
  {
    host::FakeMachine m(root.str(), {{"PATH", "/opt/bin"}});
    EXPECT_FALSE(default_python(m.host()));
  }
}

TEST(PairingTable, EmbeddedDataHasTheKnownPairs) {
  TempDir nothing;
  auto fs = host::make_rooted_fs(nothing.str());
  data::DataStore store(*fs, {});
  auto table = load_pairing_table(store);
  ASSERT_TRUE(table) << table.error().message;
  // pytorch.org previous-versions page: v1.13.1 -> torchvision 0.14.1, torchaudio 0.13.1.
  ASSERT_TRUE(table->count("1.13.1"));
  EXPECT_EQ(table->at("1.13.1").torchvision, std::vector<std::string>{"0.14.1"});
  EXPECT_EQ(table->at("1.13.1").torchaudio, std::vector<std::string>{"0.13.1"});
  // Sources disagree for 1.10.0: both values are kept.
  EXPECT_EQ(table->at("1.10.0").torchvision.size(), 2u);
}

// The pairing rule over the embedded data: Debian 12's python3-torch (1.13.0a0) with its
// python3-torchvision (0.14.1a0) and python3-torchaudio (0.13.1) passes; another minor
// series fails.
TEST(PairingTable, EmbeddedDataPairsByMinorSeries) {
  TempDir nothing;
  auto fs = host::make_rooted_fs(nothing.str());
  data::DataStore store(*fs, {});
  auto table = load_pairing_table(store);
  ASSERT_TRUE(table) << table.error().message;
  struct Case {
    const char* torch;
    const char* package;
    const char* version;
    CheckStatus expected;
  };
  const std::vector<Case> cases = {
      {"1.13.0a0", "torchvision", "0.14.1a0", CheckStatus::kPass},
      {"1.13.0a0", "torchaudio", "0.13.1", CheckStatus::kPass},
      {"1.13.1", "torchvision", "0.14.0", CheckStatus::kPass},
      {"2.5.1+cu124", "torchvision", "0.20.0+cu124", CheckStatus::kPass},
      {"2.5.1", "torchaudio", "2.5.0", CheckStatus::kPass},
      {"1.13.0a0", "torchvision", "0.15.1", CheckStatus::kFail},
      {"2.5.1+cu124", "torchvision", "0.19.1+cu124", CheckStatus::kFail},
      {"2.5.1", "torchaudio", "2.4.1", CheckStatus::kFail},
  };
  for (const auto& c : cases) {
    ProbeTorch torch;
    torch.version = c.torch;
    auto check = package_check(c.package, ProbePackage{true, c.version, std::nullopt}, torch, &*table);
    EXPECT_EQ(check.status, c.expected) << c.torch << " " << c.package << " " << c.version << ": "
                                        << check.reason;
  }
}

TEST(PairingTable, BadDataNamesFileAndField) {
  struct Bad {
    std::string text;
    const char* part;
  };
  const std::vector<Bad> cases = {
      {"nope", "not a JSON object"},
      {"{}", "versions: missing"},
      {"{\"versions\":{\"1.0\":3}}", "versions.1.0: expected an object"},
      {"{\"versions\":{\"1.0\":{\"torchvision\":5}}}", "versions.1.0.torchvision"},
      {"{\"versions\":{\"1.0\":{\"torchaudio\":[1]}}}", "versions.1.0.torchaudio"},
  };
  for (const auto& c : cases) {
    auto table = parse_pairing_table(c.text);
    ASSERT_FALSE(table) << c.text;
    EXPECT_NE(table.error().message.find("torch-releases.json"), std::string::npos);
    EXPECT_NE(table.error().message.find(c.part), std::string::npos) << table.error().message;
  }
}

TEST(VerifyPython, FakeNvidiaMachineWithCudaOffFails) {
  TempDir root;
  root.write("sys/bus/pci/devices/0000:01:00.0/class", "0x030000\n");
  root.write("sys/bus/pci/devices/0000:01:00.0/vendor", "0x10de\n");
  root.write("usr/bin/python3", "");
  host::FakeMachine machine(root.str(), {{"PATH", "/usr/bin"}});
  machine.runner().add_output(probe_argv("/usr/bin/python3"), kOkOutput);
  TempDir nothing;
  auto fs = host::make_rooted_fs(nothing.str());
  data::DataStore store(*fs, {});
  VerifyOptions options;
  options.python = "/usr/bin/python3";
  auto report = verify_python(machine.host(), store, options);
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_FALSE(report->ok());
  EXPECT_EQ(report->machine.nvidia, 1);
  bool cuda_failed = false;
  for (const auto& c : report->checks) {
    if (c.id == "cuda_available") cuda_failed = c.status == CheckStatus::kFail;
    if (c.id == "torchvision") {
      EXPECT_EQ(c.status, CheckStatus::kPass) << c.reason;  // 0.20.1 pairs with 2.5.1
      EXPECT_NE(c.reason.find("pairs with torch 2.5.1"), std::string::npos) << c.reason;
    }
  }
  EXPECT_TRUE(cuda_failed);

  options.python = "/usr/bin/missing-python";
  auto missing = verify_python(machine.host(), store, options);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().kind, ErrorKind::kNotFound);
}

}  // namespace
}  // namespace torchup::act
