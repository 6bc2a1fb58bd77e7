// End to end: the real torchup binary against real parts — Debian's
// python3-torch (torch 1.13, CPU) and libtorch-dev — and against fake
// interpreters built in a TempDir (one hangs, one crashes, one prints garbage,
// one whose `import torch` fails, one with a mismatched torchvision).
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "host/host.h"
#include "support/run_binary.h"
#include "support/temp_dir.h"

namespace torchup {
namespace {

using torchup::testing::TempDir;

host::ProcessResult torchup(const std::vector<std::string>& args) {
  return ::torchup::testing::run_torchup(args, {}, std::chrono::seconds(400));
}

// Writes an executable script and returns its path.
std::string script(const TempDir& dir, const std::string& name, const std::string& text) {
  dir.write(name, text);
  std::filesystem::permissions(dir.path() / name, std::filesystem::perms::owner_all);
  return (dir.path() / name).string();
}

// A "python" that is the real /usr/bin/python3 with `site` first on sys.path.
std::string python_with_site(const TempDir& dir) {
  return script(dir, "bin/python",
                "#!/bin/sh\nPYTHONPATH=" + (dir.path() / "site").string() +
                    " exec /usr/bin/python3 \"$@\"\n");
}

// Why Debian's python3-torch cannot be tested here, or "" when it can: these tests run
// real parts and skip, saying so, only where the part is genuinely absent.
std::string debian_torch_absent() {
  if (!std::filesystem::exists("/usr/bin/python3")) return "no /usr/bin/python3";
  if (!std::filesystem::exists("/usr/lib/python3/dist-packages/torch/__init__.py")) {
    return "Debian's python3-torch is not installed (no /usr/lib/python3/dist-packages/torch)";
  }
  return {};
}

const char* kFakeTorch =
    "__version__ = '1.13.1'\n"
    "class _V:\n    cuda = None\n    hip = None\n"
    "version = _V()\n"
    "def rand(*shape):\n    return 'tensor([[fake]])'\n"
    "class cuda:\n"
    "    @staticmethod\n    def is_available():\n        return False\n"
    "    @staticmethod\n    def get_arch_list():\n        return []\n"
    "class backends:\n    pass\n";

TEST(VerifyCli, DebianTorchPassesCpuChecks) {
  if (auto why = debian_torch_absent(); !why.empty()) GTEST_SKIP() << why;
  auto r = torchup({"verify", "--python", "/usr/bin/python3"});
  ASSERT_TRUE(r.started) << r.start_error;
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("PASS  import torch"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("PASS  torch.rand(5, 3)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("tensor([["), std::string::npos) << r.out;  // printed, as the guide does
  EXPECT_NE(r.out.find("SKIP  torch.cuda.is_available()"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("CPU build (torch 1.13"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("OK: "), std::string::npos) << r.out;
  EXPECT_EQ(r.err, "");
}

// Issue #14: the checks' reasons in Chinese (--lang zh); the names of the checks that
// are code (torch.cuda.is_available()) and the versions stay as they are.
TEST(VerifyCli, DebianTorchChecksInChinese) {
  if (auto why = debian_torch_absent(); !why.empty()) GTEST_SKIP() << why;
  auto r = torchup({"verify", "--lang", "zh", "--python", "/usr/bin/python3"});
  ASSERT_TRUE(r.started) << r.start_error;
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("torch.cuda.is_available()"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("False；仅 CPU 版本"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("CPU-only build"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("none (CUDA is not available)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("无（CUDA 不可用）"), std::string::npos) << r.out;
  // torchvision: paired ("配套") when Debian's is installed, else "未安装（可选）".
  EXPECT_TRUE(r.out.find("配套") != std::string::npos ||
              r.out.find("未安装（可选）") != std::string::npos)
      << r.out;
}

TEST(VerifyCli, DebianTorchJsonFieldByField) {
  if (auto why = debian_torch_absent(); !why.empty()) GTEST_SKIP() << why;
  auto r = torchup({"verify", "--python", "/usr/bin/python3", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["schema"], "torchup.verify/1");
  EXPECT_EQ(j["ok"], true);
  EXPECT_EQ(j["python"], "/usr/bin/python3");
  EXPECT_EQ(j["probe"]["outcome"], "ok");
  EXPECT_TRUE(j["probe"]["problem"].is_null());
  EXPECT_EQ(j["python_version"].get<std::string>().rfind("3.", 0), 0u);
  const auto& t = j["torch"];
  EXPECT_EQ(t["version"].get<std::string>().rfind("1.13", 0), 0u) << t["version"];
  EXPECT_EQ(t["build"], "CPU");
  EXPECT_TRUE(t["cuda"].is_null());
  EXPECT_EQ(t["cuda_available"], false);
  EXPECT_EQ(t["device_count"], 0);
  EXPECT_TRUE(t["gpus"].empty());
  EXPECT_NE(t["rand"].get<std::string>().find("tensor("), std::string::npos);
  EXPECT_EQ(t["location"], "/usr/lib/python3/dist-packages/torch");
  std::map<std::string, std::string> status;
  for (const auto& c : j["checks"]) {
    ASSERT_TRUE(c["id"].is_string());
    ASSERT_TRUE(c["reason"].is_string());
    status[c["id"]] = c["status"];
  }
  EXPECT_EQ(status["python"], "pass");
  EXPECT_EQ(status["import_torch"], "pass");
  EXPECT_EQ(status["torch_rand"], "pass");
  EXPECT_EQ(status["build"], "pass");
  EXPECT_EQ(status["cuda_available"], "skip");
  // Debian's python3-torchvision / python3-torchaudio may or may not be installed here:
  // absent they are skipped, present they are Debian's own matched pair and pass.
  for (const char* name : {"torchvision", "torchaudio"}) {
    const auto& package = j[name];
    if (package["installed"] == true) {
      EXPECT_EQ(status[name], "pass") << name << " " << package.dump();
    } else {
      EXPECT_EQ(status[name], "skip") << name << " " << package.dump();
    }
  }
}

// Debian's python3-torchvision 0.14.1-2 reports 0.14.1a0 next to python3-torch's
// 1.13.0a0, and python3-torchaudio 0.13.1-1 reports 0.13.1: a matched pair by minor
// series, so verify passes (notes, no failure) and doctor finds nothing. The packages
// are stood in for by their version attributes on top of the real Debian torch.
TEST(VerifyCli, DebianTorchWithDebiansTorchvisionPasses) {
  if (auto why = debian_torch_absent(); !why.empty()) GTEST_SKIP() << why;
  TempDir dir;
  dir.write("site/torchvision/__init__.py", "__version__ = '0.14.1a0'\n");
  dir.write("site/torchaudio/__init__.py", "__version__ = '0.13.1'\n");
  std::string python = python_with_site(dir);
  auto r = torchup({"verify", "--python", python, "--json"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  auto j = nlohmann::json::parse(r.out, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << r.out << r.err;
  EXPECT_EQ(j["ok"], true);
  EXPECT_EQ(j["torch"]["location"], "/usr/lib/python3/dist-packages/torch");
  EXPECT_EQ(j["torchvision"]["version"], "0.14.1a0");
  int seen = 0;
  for (const auto& c : j["checks"]) {
    if (c["id"] != "torchvision" && c["id"] != "torchaudio") continue;
    ++seen;
    EXPECT_EQ(c["status"], "pass") << c.dump();
    if (c["id"] == "torchvision") {
      EXPECT_NE(c["reason"].get<std::string>().find("in the 0.14.x series that pairs with torch "
                                                    "1.13.x"),
                std::string::npos)
          << c["reason"];
    }
  }
  EXPECT_EQ(seen, 2);
  auto doctor = torchup({"doctor", "--python", python});
  EXPECT_EQ(doctor.exit_code, 0) << doctor.out << doctor.err;
  EXPECT_NE(doctor.out.find("No problems found."), std::string::npos) << doctor.out;
}

struct FakePython {
  const char* name;
  std::string body;
  std::vector<std::string> extra_args;
  const char* outcome;
  const char* problem_part;
};

TEST(VerifyCli, HangCrashAndGarbageAreReportedNotInherited) {
  const std::vector<FakePython> cases = {
      {"hang", "#!/bin/sh\nsleep 60\n", {"--timeout", "1"}, "timed-out", "within 1 s"},
      {"segfault",
       "#!/bin/sh\necho 'Fatal Python error: Segmentation fault' >&2\nkill -SEGV $$\n",
       {},
       "crashed",
       "SIGSEGV"},
      {"exit 134", "#!/bin/sh\nexit 134\n", {}, "crashed", "exited with code 134"},
      {"garbage",
       "#!/bin/sh\nprintf 'Hello\\001\\002 I am not python\\n'\n",
       {},
       "garbage",
       "could not be understood"},
  };
  for (const auto& c : cases) {
    TempDir dir;
    std::string python = script(dir, "python", c.body);
    std::vector<std::string> args = {"verify", "--python", python, "--json"};
    args.insert(args.end(), c.extra_args.begin(), c.extra_args.end());
    auto r = torchup(args);
    ASSERT_TRUE(r.started) << c.name;
    EXPECT_EQ(r.signal, 0) << c.name;
    EXPECT_EQ(r.exit_code, 1) << c.name << r.out << r.err;  // a failed check, not the child's code
    auto j = nlohmann::json::parse(r.out, nullptr, false);
    ASSERT_FALSE(j.is_discarded()) << c.name << r.out;
    EXPECT_EQ(j["probe"]["outcome"], c.outcome) << c.name;
    EXPECT_NE(j["probe"]["problem"].get<std::string>().find(c.problem_part), std::string::npos)
        << c.name << ": " << j["probe"]["problem"];
    ASSERT_EQ(j["checks"].size(), 1u);
    EXPECT_EQ(j["checks"][0]["status"], "fail");
  }
}

TEST(VerifyCli, CrashTextShowsTheLastErrorLines) {
  TempDir dir;
  std::string python = script(dir, "python",
                              "#!/bin/sh\necho 'Fatal Python error: Segmentation fault' >&2\n"
                              "kill -SEGV $$\n");
  auto r = torchup({"verify", "--python", python});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("FAIL  run the probe in " + python), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Fatal Python error: Segmentation fault"), std::string::npos) << r.out;
}

TEST(VerifyCli, FailingImportIsAFailedCheckWithTheError) {
  TempDir dir;
  dir.write("site/torch/__init__.py",
            "raise ImportError('libcudnn.so.8: cannot open shared object file: No such file or "
            "directory')\n");
  std::string python = python_with_site(dir);
  auto r = torchup({"verify", "--python", python});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("FAIL  import torch"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("ImportError: libcudnn.so.8: cannot open shared object file"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("torchup doctor"), std::string::npos) << r.out;
}

TEST(VerifyCli, MismatchedTorchvisionFails) {
  if (auto why = debian_torch_absent(); !why.empty()) GTEST_SKIP() << why;  // the shadowed one
  TempDir dir;
  dir.write("site/torch/__init__.py", kFakeTorch);
  dir.write("site/torchvision/__init__.py", "__version__ = '0.15.2'\n");
  std::string python = python_with_site(dir);
  auto r = torchup({"verify", "--python", python, "--json"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["torch"]["version"], "1.13.1");
  EXPECT_EQ(j["torchvision"]["version"], "0.15.2");
  bool found = false;
  for (const auto& c : j["checks"]) {
    if (c["id"] != "torchvision") continue;
    found = true;
    EXPECT_EQ(c["status"], "fail");
    EXPECT_NE(c["reason"].get<std::string>().find("released with torch 2.0.1"), std::string::npos)
        << c["reason"];
    EXPECT_EQ(c["fix"], "pip install torchvision==0.14.1 from the same index as torch");
  }
  EXPECT_TRUE(found);
  // The fake torch shadows Debian's: both locations are reported.
  EXPECT_EQ(j["torch_locations"].size(), 2u) << j["torch_locations"];
}

TEST(VerifyCli, MissingInterpreterIsAUsageLevelError) {
  auto r = torchup({"verify", "--python", "/nonexistent/python3"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find("torchup: error: Python interpreter /nonexistent/python3 does not exist"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("hint:"), std::string::npos);
}

TEST(VerifyCli, DebianLibtorchCompilesAndRuns) {
  if (!std::filesystem::exists("/usr/include/torch/csrc/api/include/torch/torch.h")) {
    GTEST_SKIP() << "Debian's libtorch-dev is not installed (no /usr/include/torch)";
  }
  auto r = torchup({"verify", "--libtorch", "/usr", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["ok"], true);
  EXPECT_EQ(j["include_dir"], "/usr/include");
  EXPECT_NE(j["lib_dir"].get<std::string>().find("/usr/lib"), std::string::npos);
  EXPECT_EQ(j["version"].get<std::string>().rfind("1.13", 0), 0u) << j["version"];
  EXPECT_EQ(j["build"], "CPU");
  EXPECT_NE(j["run_output"].get<std::string>().find("TORCHUP_LIBTORCH ok rows=5 cuda=0"),
            std::string::npos)
      << j["run_output"];
  std::map<std::string, std::string> status;
  for (const auto& c : j["checks"]) status[c["id"]] = c["status"];
  for (const char* id : {"headers", "libraries", "version", "build", "compile", "run"}) {
    EXPECT_EQ(status[id], "pass") << id;
  }
}

TEST(VerifyCli, LibtorchZipLayoutAndBrokenDirs) {
  TempDir zip;
  zip.write("libtorch/build-version", "2.5.1+cu124\n");
  zip.write("libtorch/include/torch/csrc/api/include/torch/torch.h", "#error not a real header\n");
  // The test program includes the per-operator headers, not torch/torch.h.
  zip.write("libtorch/include/ATen/core/Tensor.h", "#error not a real header\n");
  zip.write("libtorch/include/ATen/ops/mm.h", "#error not a real header\n");
  for (const char* lib : {"libtorch.so", "libc10.so", "libtorch_cpu.so", "libtorch_cuda.so"}) {
    zip.write(std::string("libtorch/lib/") + lib, "");
  }
  const std::string dir = (zip.path() / "libtorch").string();
  auto r = torchup({"verify", "--libtorch", dir, "--no-compile", "--json"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["version"], "2.5.1+cu124");
  EXPECT_EQ(j["build"], "CUDA 12.4");
  EXPECT_EQ(j["lib_dir"], dir + "/lib");

  // With the compile step, the fake header fails it: exit 1 with the compiler's error.
  auto compiled = torchup({"verify", "--libtorch", dir});
  EXPECT_EQ(compiled.exit_code, 1) << compiled.out << compiled.err;
  EXPECT_NE(compiled.out.find("FAIL  compile and link a test program"), std::string::npos)
      << compiled.out;
  EXPECT_NE(compiled.out.find("not a real header"), std::string::npos) << compiled.out;

  TempDir broken;
  broken.write("include/readme.txt", "half an unzip\n");
  auto b = torchup({"verify", "--libtorch", broken.str()});
  EXPECT_EQ(b.exit_code, 1);
  EXPECT_NE(b.out.find("FAIL  headers"), std::string::npos) << b.out;
  EXPECT_NE(b.out.find("FAIL  libraries"), std::string::npos) << b.out;

  auto missing = torchup({"verify", "--libtorch", "/nonexistent/libtorch"});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("does not exist"), std::string::npos);
}

}  // namespace
}  // namespace torchup
