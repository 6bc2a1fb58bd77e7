// `torchup select` as a user runs it: in-process through cli::run, and through the
// real binary (TORCHUP_BINARY) for help, usage errors and bad --data-dir data.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <sstream>

#include "cli/commands.h"
#include "data/embedded.h"
#include "host/host.h"
#include "support/run_binary.h"
#include "support/temp_dir.h"

namespace torchup::cli {
namespace {

using Run = torchup::testing::CliRun;
using torchup::testing::run_binary;

Run run_in_process(std::vector<std::string> args) {
  args.insert(args.begin(), "torchup");
  std::vector<const char*> argv;
  for (const auto& a : args) argv.push_back(a.c_str());
  std::ostringstream out, err;
  Run r;
  r.code = run(static_cast<int>(argv.size()), argv.data(), out, err, false);
  r.out = out.str();
  r.err = err.str();
  return r;
}


std::vector<std::string> lines_of(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

TEST(SelectCli, TextIsTheNoteThenTheCommand) {
  auto r = run_in_process({"select", "--torch", "stable", "--os", "linux", "--platform", "cu126"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "pip3 install torch torchvision --index-url https://download.pytorch.org/whl/cu126\n");
  EXPECT_EQ(r.err, "");
  // HTML in notes is for the web page: stripped for people, kept by --as-published.
  r = run_in_process({"select", "--torch", "1.9.0", "--os", "linux", "--package", "conda", "--platform", "cuda.x",
                      "--as-published"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out,
            "<b>NOTE:</b> 'nvidia' channel is required for cudatoolkit 11.1\n"
            "conda install pytorch torchvision torchaudio cudatoolkit=11.1 -c pytorch -c nvidia\n");
  r = run_in_process({"select", "--torch", "1.8.2", "--os", "linux", "--package", "conda", "--platform", "cu111"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(lines_of(r.out), (std::vector<std::string>{
                                 "# NOTE: 'nvidia' channel is required for cudatoolkit 11.1",
                                 "NOTE: Pytorch LTS version 1.8.2 is only supported for Python <= 3.8.",
                                 "conda install pytorch torchvision torchaudio cudatoolkit=11.1 -c pytorch-lts -c nvidia"}));
}

TEST(SelectCli, OldReleasesArePinnedFromThePreviousVersionsPage) {
  // The selector's own 1.9.0 Linux CUDA 10.2 cell is unpinned; the page pins it.
  auto published = run_in_process({"select", "--torch", "1.9.0", "--os", "linux", "--platform", "cuda10.2", "--as-published"});
  EXPECT_EQ(published.out, "pip3 install torch torchvision torchaudio\n");
  auto pinned = run_in_process({"select", "--torch", "1.9.0", "--os", "linux", "--platform", "cuda10.2"});
  EXPECT_EQ(pinned.code, 0) << pinned.err;
  EXPECT_EQ(pinned.out,
            "pip install torch==1.9.0+cu102 torchvision==0.10.0+cu102 torchaudio==0.9.0 -f "
            "https://download.pytorch.org/whl/torch_stable.html\n");
  // A release the page does not list falls back to the selector's cell, with a warning.
  auto r = run_in_process({"select", "--torch", "1.10.2", "--os", "linux", "--platform", "cu102"});
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.out, "pip3 install torch torchvision torchaudio\n");
  EXPECT_NE(r.err.find("warning: torch 1.10.2 is not on the previous-versions page"), std::string::npos) << r.err;
}

TEST(SelectCli, JsonContract) {
  auto r = run_in_process({"select", "--os", "windows", "--language", "cpp", "--platform", "cuda.y", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_TRUE(j["command"].is_null());
  EXPECT_TRUE(j["note"].is_null());
  ASSERT_EQ(j["downloads"].size(), 2u);
  EXPECT_EQ(j["downloads"][0]["label"], "Download here (Release version):");
  EXPECT_EQ(j["downloads"][0]["url"],
            "https://download.pytorch.org/libtorch/cu130/libtorch-win-shared-with-deps-2.12.0%2Bcu130.zip");
  EXPECT_EQ(j["torch"], "2.12.0");
  EXPECT_EQ(j["package"], "libtorch");
  EXPECT_EQ(j["platform"], "cu130");
  EXPECT_EQ(j["platform_id"], "cuda.y");
  EXPECT_EQ(j["source"], "published_versions.json");
  // JSON keeps HTML notes verbatim even without --as-published.
  r = run_in_process({"select", "--torch", "1.9.0", "--os", "windows", "--package", "libtorch", "--platform", "cpu",
                      "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["downloads"].size(), 2u);
  // Nightly.
  r = run_in_process({"select", "--torch", "nightly", "--os", "linux", "--platform", "cu130", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["torch"], "nightly");
  EXPECT_NE(j["command"].get<std::string>().find("--pre"), std::string::npos);
  // Source: the site's fixed pointer.
  r = run_in_process({"select", "--os", "linux", "--package", "source", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  j = nlohmann::json::parse(r.out);
  EXPECT_TRUE(j["command"].is_null());
  EXPECT_EQ(j["note"], "# Follow instructions at this URL: https://github.com/pytorch/pytorch#from-source");
}

struct ImpossibleCase {
  std::vector<std::string> args;
  std::string message_part;  // must appear in the one-line error
};

TEST(SelectCli, ImpossibleCombinationsListTheValidChoices) {
  const std::vector<ImpossibleCase> cases = {
      {{"--os", "windows", "--platform", "rocm7.2"},
       "rocm7.2 is not available for torch 2.12.0 pip on windows: NOTE: ROCm is not available on Windows; valid "
       "choices: cpu (accnone), cu126 (cuda.x), cu130 (cuda.y), cu132 (cuda.z)"},
      {{"--torch", "1.9.0", "--os", "windows", "--platform", "cu130"},
       "the previous-versions page lists no 'cu130' for torch 1.9.0 pip on windows; valid choices: cu111, cu102, cpu"},
      {{"--torch", "1.9.0", "--os", "linux", "--platform", "cuda13.0"},
       "lists no 'cuda13.0 (cu130)' for torch 1.9.0 pip on linux; valid choices: rocm4.2, rocm4.1, rocm4.0.1, cu111, "
       "cu102, cpu"},
      {{"--torch", "3.0.0", "--os", "linux", "--platform", "cpu"}, "unknown torch version '3.0.0'; valid choices: stable, nightly, 2.12.0, 2.11.0"},
      {{"--os", "macos", "--platform", "cu126"}, "cu126 is not available for torch 2.12.0 pip on macos: # CUDA is not available on MacOS, please use default package; valid choices: cpu (accnone)"},
      {{"--os", "linux", "--package", "conda", "--platform", "cpu"}, "pytorch.org offers no conda package for torch 2.12.0 on linux; valid choices: pip, libtorch, source"},
      {{"--torch", "1.8.2", "--os", "macos", "--platform", "cpu"}, "lists no torch 1.8.2 pip on macos: macOS is currently not supported in LTS."},
      {{"--torch", "1.5.0", "--os", "linux", "--package", "libtorch", "--platform", "cpu"}, "pytorch.org lists no LibTorch download for torch 1.5.0"},
      {{"--torch", "1.5.0", "--os", "linux", "--platform", "cpu", "--as-published"}, "torch 1.5.0 was never on the Start Locally selector"},
      {{"--os", "linux", "--package", "pip", "--language", "cpp", "--platform", "cpu"}, "C++ is offered only as LibTorch"},
      {{"--os", "linux"}, "--platform is required; valid choices here: cpu (accnone), cu126 (cuda.x)"},
  };
  int checked = 0;
  for (const auto& c : cases) {
    std::vector<std::string> args = {"select"};
    args.insert(args.end(), c.args.begin(), c.args.end());
    auto r = run_in_process(args);
    SCOPED_TRACE(r.err);
    EXPECT_EQ(r.code, 2);
    EXPECT_EQ(r.out, "");
    auto lines = lines_of(r.err);
    ASSERT_GE(lines.size(), 1u);
    EXPECT_EQ(lines[0].rfind("torchup: error: ", 0), 0u);
    EXPECT_NE(lines[0].find(c.message_part), std::string::npos);
    ++checked;
  }
  EXPECT_EQ(checked, static_cast<int>(cases.size()));
}

TEST(SelectCli, HelpReadsWell) {
  auto r = run_binary({"--help"});
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.out.find("select"), std::string::npos);
  r = run_binary({"select", "--help"});
  EXPECT_EQ(r.code, 0);
  for (const char* part : {"--torch", "--os", "--package", "--language", "--platform", "--as-published", "--json",
                           "cuda.x", "Examples:", "Previous Versions"}) {
    EXPECT_NE(r.out.find(part), std::string::npos) << part << "\n" << r.out;
  }
}

TEST(SelectCli, WrongFlagOrValueIsOneLineAndAHint) {
  const std::vector<std::vector<std::string>> cases = {
      {"select", "--os", "lunix", "--platform", "cpu"},
      {"select", "--os", "linux", "--platform", "cpu", "--bogus"},
      {"select", "--os", "linux", "--package", "npm", "--platform", "cpu"},
      {"select", "--os"},  // a value missing (--os itself defaults to this computer's OS, issue #14)
      {"select", "--os", "linux", "--platform", "cu999"},
  };
  for (const auto& args : cases) {
    auto r = run_binary(args);
    auto lines = lines_of(r.err);
    SCOPED_TRACE(r.err);
    EXPECT_EQ(r.code, 2);
    ASSERT_EQ(lines.size(), 2u);
    EXPECT_EQ(lines[0].rfind("torchup: error: ", 0), 0u);
    EXPECT_EQ(lines[1].rfind("  hint: ", 0), 0u);
    EXPECT_EQ(r.err.find("terminate"), std::string::npos);
  }
}

// Bad files in --data-dir: a warning naming the file and the problem, then the
// embedded copy answers. Never a crash.
TEST(SelectCli, BadDataFallsBackToTheEmbeddedCopy) {
  std::string published(*data::embedded_file("published_versions.json"));
  std::string page(*data::embedded_file("previous-versions.md"));
  struct Case {
    const char* file;
    std::string text;
    const char* problem;
  };
  std::string wrong_type = published;
  wrong_type.replace(wrong_type.find("\"latest_stable\": \"2.12.0\""), 25, "\"latest_stable\": 2120");
  std::string unknown_id = published;
  unknown_id.replace(unknown_id.find("\"accnone\""), 9, "\"gpu42\"");
  const std::vector<Case> cases = {
      {"published_versions.json", published.substr(0, published.size() / 3), "not valid JSON"},
      {"published_versions.json", wrong_type, "latest_stable: expected a string, found number"},
      {"published_versions.json", unknown_id, "unknown platform id 'gpu42'"},
      {"previous-versions.md", page.substr(0, page.find("pip install torch==2.10.0")), "unterminated ``` block"},
      {"previous-versions.md", "just some text\n", "no install commands found"},
  };
  for (const auto& c : cases) {
    torchup::testing::TempDir dir;
    dir.write(c.file, c.text);
    auto r = run_binary({"--data-dir", dir.str(), "select", "--torch", "2.9.0", "--os", "linux", "--platform", "cu128"});
    SCOPED_TRACE(std::string(c.file) + ": " + r.err);
    EXPECT_EQ(r.code, 0);
    EXPECT_EQ(r.out,
              "pip install torch==2.9.0 torchvision==0.24.0 torchaudio==2.9.0 --index-url "
              "https://download.pytorch.org/whl/cu128\n");
    EXPECT_NE(r.err.find(std::string("torchup: warning: data file ") + c.file), std::string::npos);
    EXPECT_NE(r.err.find(dir.str()), std::string::npos);
    EXPECT_NE(r.err.find(c.problem), std::string::npos);
    EXPECT_NE(r.err.find("using embedded instead"), std::string::npos);
  }
}

}  // namespace
}  // namespace torchup::cli
