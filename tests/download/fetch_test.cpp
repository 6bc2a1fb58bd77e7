// Resolve, then download (issue 13) as a user runs it: the real torchup binary and the
// real pip against a PEP 503 index with PEP 658 metadata files served on 127.0.0.1
// (scripts/make_index.py writes it; every wheel is served with ranges and counted).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "download/dir_index.h"
#include "install/local_index.h"
#include "support/run_binary.h"
#include "support/served_file.h"
#include "support/temp_dir.h"

namespace torchup {
namespace {

namespace fs = std::filesystem;

using testing::DirIndex;
using testing::kPython;
using testing::slurp;

// torchup with pip's own settings isolated and the cache in `cache`.
const auto& torchup = testing::run_isolated;

bool usable() { return fs::exists(kPython); }

const std::vector<std::string> kSet{
    // torch, 2 MB, with a dependency, one only for Windows and one only for an extra
    "torch==2.12.0+cpu:filelock>=3.0;;winonly==1.0 ; sys_platform == \"win32\";;extraonly==1.0 ; "
    "extra == \"x\"@2000000",
    "torchvision==0.27.0+cpu:torch==2.12.0",
    "filelock==3.0.0",
    "filelock==3.1.0",
};

nlohmann::json last_json(const std::string& out) {
  auto j = nlohmann::json::parse(out, nullptr, false);
  return j;
}

std::string joined(const nlohmann::json& argv) {
  std::string s;
  for (const auto& a : argv) s += a.get<std::string>() + " ";
  return s;
}

TEST(FetchEndToEnd, InstallDownloadsTheSetItselfThenASecondVenvSendsNothing) {
  if (!usable()) GTEST_SKIP() << "no " << kPython;
  testing::TempDir tmp;
  DirIndex index(tmp.path() / "index", kSet);
  ASSERT_EQ(index.error(), "");
  const auto& torch = index.wheel("torch-2.12.0+cpu-py3-none-any.whl");
  auto install = [&](const std::string& venv) {
    return torchup(
        {"install", "--torch", "2.12.0", "--platform", "cpu", "--python", kPython, "--venv",
         (tmp.path() / venv).string(), "--mirror", index.url(), "--yes", "--json"},
        tmp.path() / "cache");
  };
  auto first = install("v1");
  auto j = last_json(first.out);
  ASSERT_TRUE(j.is_object()) << first.out << first.err;
  // pip installed from the files torchup downloaded (verify then fails on the test's fake torch).
  EXPECT_NE(first.err.find(
                "Successfully installed filelock-3.1.0 torch-2.12.0+cpu torchvision-0.27.0+cpu"),
            std::string::npos)
      << first.err;
  const std::string last = joined(j["commands"].back());
  EXPECT_NE(
      last.find("--no-index --find-links " + (tmp.path() / "cache").string() + "/torchup/sets/"),
      std::string::npos)
      << last;
  EXPECT_NE(last.find("--no-cache-dir"), std::string::npos) << last;
  EXPECT_NE(j["notes"].dump().find("torchup downloaded 3 wheels"), std::string::npos)
      << j["notes"].dump();
  EXPECT_EQ(first.err.find("winonly"), std::string::npos);  // its marker is false here
  EXPECT_EQ(first.err.find("extraonly"), std::string::npos);
  // Resolving read metadata files only: torch's bytes were sent once, by the downloader.
  const std::uint64_t sent = torch.counters->bytes_sent;
  EXPECT_GE(sent, torch.size);
  EXPECT_LE(static_cast<double>(sent), 1.05 * static_cast<double>(torch.size));
  EXPECT_TRUE(fs::exists(tmp.path() / "cache" / "torchup" / "wheels" / torch.sha256));

  auto second = install("v2");
  auto j2 = last_json(second.out);
  ASSERT_TRUE(j2.is_object()) << second.out << second.err;
  EXPECT_EQ(torch.counters->bytes_sent, sent) << "the second install downloaded torch again";
  EXPECT_NE(j2["notes"].dump().find("0.0 MiB from 127.0.0.1"), std::string::npos)
      << j2["notes"].dump();
  EXPECT_NE(second.err.find("Successfully installed"), std::string::npos) << second.err;
}

TEST(FetchEndToEnd, AnIndexWithoutMetadataLetsPipDownloadAndSaysWhy) {
  if (!usable()) GTEST_SKIP() << "no " << kPython;
  testing::TempDir tmp;
  DirIndex index(tmp.path() / "index", kSet, {{"NO_METADATA", "1"}});
  ASSERT_EQ(index.error(), "");
  auto r =
      torchup({"install", "--torch", "2.12.0", "--platform", "cpu", "--python", kPython, "--venv",
               (tmp.path() / "v").string(), "--mirror", index.url(), "--yes", "--json"},
              tmp.path() / "cache");
  auto j = last_json(r.out);
  ASSERT_TRUE(j.is_object()) << r.out << r.err;
  EXPECT_NE(j["notes"].dump().find("serves no metadata file (PEP 658)"), std::string::npos)
      << j["notes"].dump();
  EXPECT_NE(j["notes"].dump().find("pip downloads them"), std::string::npos) << j["notes"].dump();
  EXPECT_EQ(joined(j["commands"].back()).find("--no-index"), std::string::npos);
  EXPECT_NE(r.err.find("Successfully installed"), std::string::npos) << r.err;
}

TEST(FetchEndToEnd, BundleForAnotherMachineAndInstallFromWithTheNetworkClosed) {
  if (!usable()) GTEST_SKIP() << "no " << kPython;
  testing::TempDir tmp;
  auto specs = kSet;
  specs.push_back(
      "torch==2.12.0+cpu!cp312-cp312-win_amd64:filelock>=3.0;;winonly==1.0 ; sys_platform == "
      "\"win32\"");
  specs.push_back("winonly==1.0");
  DirIndex index(tmp.path() / "index", specs);
  ASSERT_EQ(index.error(), "");
  const fs::path cache = tmp.path() / "cache";
  const std::string profile =
      std::string(TORCHUP_TEST_DIR) + "/fixtures/profiles/ada-rtx4090-windows-566.json";

  // For the Windows machine of the profile: its cp312 win_amd64 wheel and its Windows-only
  // dependency.
  const fs::path win = tmp.path() / "win-bundle";
  auto w = torchup({"fetch", "--profile", profile, "--torch", "2.12.0", "--platform", "cpu",
                    "--mirror", index.url(), "--dest", win.string(), "--json"},
                   cache);
  ASSERT_EQ(w.exit_code, 0) << w.out << w.err;
  auto wj = last_json(w.out);
  ASSERT_TRUE(wj.is_object()) << w.out;
  std::vector<std::string> files;
  for (const auto& f : wj["bundle"]["files"]) files.push_back(f["file"]);
  EXPECT_EQ(files, (std::vector<std::string>{"torch-2.12.0+cpu-cp312-cp312-win_amd64.whl",
                                             "torchvision-0.27.0+cpu-py3-none-any.whl",
                                             "filelock-3.1.0-py3-none-any.whl",
                                             "winonly-1.0-py3-none-any.whl"}));
  EXPECT_EQ(wj["bundle"]["target"]["os_family"], "windows");
  EXPECT_EQ(wj["bundle"]["target"]["python_version"], "3.12.4");
  for (const auto& f : files) EXPECT_TRUE(fs::exists(win / f)) << f;
  // pylock.toml reads as TOML (Python's own tomllib) and names each file with its hash.
  auto toml = host::make_process_runner()->run(
      {kPython, "-c",
       "import sys,tomllib;d=tomllib.load(open(sys.argv[1],'rb'));"
       "print(d['lock-version'],len(d['packages']),d['packages'][0]['wheels'][0]['path'],"
       "len(d['packages'][0]['wheels'][0]['hashes']['sha256']))",
       (win / "pylock.toml").string()},
      {});
  EXPECT_EQ(toml.out, "1.0 4 ./torch-2.12.0+cpu-cp312-cp312-win_amd64.whl 64\n") << toml.err;
  // The Windows bundle is refused here, naming why.
  auto wrong = torchup({"install", "--from", win.string(), "--python", kPython, "--venv",
                        (tmp.path() / "vw").string(), "--yes"},
                       cache);
  EXPECT_EQ(wrong.exit_code, 2) << wrong.out << wrong.err;
  EXPECT_NE(wrong.err.find("is for Python 3.12.4 on windows"), std::string::npos) << wrong.err;

  // For this machine, then the network closes: install --from needs none.
  const fs::path mine = tmp.path() / "bundle";
  auto m = torchup({"fetch", "--torch", "2.12.0", "--platform", "cpu", "--python", kPython,
                    "--mirror", index.url(), "--dest", mine.string()},
                   cache);
  ASSERT_EQ(m.exit_code, 0) << m.out << m.err;
  EXPECT_NE(m.out.find("torchup install --from " + mine.string()), std::string::npos) << m.out;
  index.stop();
  // A damaged copy is refused before pip runs.
  const fs::path damaged = tmp.path() / "damaged";
  fs::copy(mine, damaged);
  fs::resize_file(damaged / "filelock-3.1.0-py3-none-any.whl", 10);
  auto bad = torchup({"install", "--from", damaged.string(), "--python", kPython, "--venv",
                      (tmp.path() / "vd").string(), "--yes"},
                     cache);
  EXPECT_EQ(bad.exit_code, 3) << bad.out << bad.err;
  EXPECT_NE(bad.err.find("filelock-3.1.0-py3-none-any.whl has 10 bytes"), std::string::npos)
      << bad.err;
  EXPECT_FALSE(fs::exists(tmp.path() / "vd"));
  auto r = torchup({"install", "--from", mine.string(), "--python", kPython, "--venv",
                    (tmp.path() / "v").string(), "--yes", "--json"},
                   cache);
  auto j = last_json(r.out);
  ASSERT_TRUE(j.is_object()) << r.out << r.err;
  EXPECT_EQ(joined(j["commands"].back()).find("--no-index --find-links " + mine.string()) !=
                std::string::npos,
            true)
      << joined(j["commands"].back());
  EXPECT_NE(
      r.err.find("Successfully installed filelock-3.1.0 torch-2.12.0+cpu torchvision-0.27.0+cpu"),
      std::string::npos)
      << r.err;
}

}  // namespace
}  // namespace torchup
