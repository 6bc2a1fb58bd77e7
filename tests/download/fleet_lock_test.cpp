// A fleet's lock as a site uses it (issue 15): the real torchup binary plans three
// nodes' facts, locks each group's wheels from a PEP 503 index on 127.0.0.1 (hashes from
// the pages, sizes from range requests), downloads them once (fleet fetch), and the real
// pip installs each node's group (install --lock), byte for byte the same on two nodes,
// and nothing the second time.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "download/dir_index.h"
#include "support/run_binary.h"
#include "support/temp_dir.h"

namespace torchup {
namespace {

namespace fs = std::filesystem;
using testing::DirIndex;
using testing::kPython;
using testing::slurp;

const auto& torchup = testing::run_isolated;

nlohmann::json json_of(const host::ProcessResult& r) {
  auto j = nlohmann::json::parse(r.out, nullptr, false);
  return j.is_discarded() ? nlohmann::json::object() : j;
}

// This machine's Python (3.11 on Debian 12) in a cluster node's facts.
void write_node(const fs::path& dir, const std::string& name, const std::string& from,
                const std::function<void(nlohmann::json&)>& edit = {}) {
  auto j = nlohmann::json::parse(
      slurp(fs::path(TORCHUP_TEST_DIR) / "fixtures" / "fleet" / "hpc" / (from + ".json")));
  j["hostname"] = name;
  j["pythons"][0]["path"] = kPython;
  j["pythons"][0]["version"] = "3.11.2";
  if (edit) edit(j);
  fs::create_directories(dir);
  std::ofstream(dir / (name + ".json")) << j.dump(2);
}

std::string record_of(const fs::path& venv, const std::string& dist) {
  for (const auto& lib : fs::directory_iterator(venv / "lib")) {
    for (const auto& e : fs::directory_iterator(lib.path() / "site-packages")) {
      const std::string n = e.path().filename().string();
      if (n.rfind(dist + "-", 0) == 0 && n.size() > 10 && n.substr(n.size() - 10) == ".dist-info")
        return slurp(e.path() / "RECORD");
    }
  }
  return "";
}

TEST(FleetLockEndToEnd, LockFetchOnceInstallTwoNodesTheSameAndNothingTheSecondTime) {
  if (!fs::exists(kPython)) GTEST_SKIP() << "no " << kPython;
  testing::TempDir tmp;
  const fs::path facts = tmp.path() / "facts", cache = tmp.path() / "cache";
  write_node(facts, "cpu-a", "login-01");
  write_node(facts, "cpu-b", "login-01");
  write_node(facts, "gpu-a", "a100-01");

  // The plan first: which CUDA variant torch 2.12.0 gets on the A100 node.
  auto planned = torchup({"fleet", "plan", facts.string(), "--torch", "2.12.0", "--json"}, cache);
  ASSERT_EQ(planned.exit_code, 0) << planned.out << planned.err;
  auto pj = json_of(planned);
  ASSERT_EQ(pj["groups"].size(), 2u) << planned.out;
  std::string cpu_id, gpu_id, variant;
  for (const auto& g : pj["groups"]) {
    if (g["platform"] == "cpu") {
      cpu_id = g["id"];
      EXPECT_EQ(g["nodes"], (nlohmann::json{"cpu-a", "cpu-b"}));
    } else {
      gpu_id = g["id"];
      variant = g["platform"];
      EXPECT_EQ(g["nodes"], (nlohmann::json{"gpu-a"}));
    }
  }
  ASSERT_FALSE(cpu_id.empty());
  ASSERT_FALSE(variant.empty());

  // One index carrying both variants (as a flat mirror would).
  DirIndex index(tmp.path() / "index", {"torch==2.12.0+cpu:filelock>=3.0@300000",
                                        "torch==2.12.0+" + variant + ":filelock>=3.0@400000",
                                        "torchvision==0.27.0+cpu:torch==2.12.0",
                                        "torchvision==0.27.0+" + variant + ":torch==2.12.0",
                                        "filelock==3.0.0", "filelock==3.1.0"});
  ASSERT_EQ(index.error(), "");
  const auto& cpu_torch = index.wheel("torch-2.12.0+cpu-py3-none-any.whl");
  const auto& gpu_torch = index.wheel("torch-2.12.0+" + variant + "-py3-none-any.whl");

  const fs::path lock = tmp.path() / "shared" / "lock.json";
  auto locked = torchup({"fleet", "plan", facts.string(), "--torch", "2.12.0", "--mirror",
                         index.url(), "--lock", lock.string(), "--json"},
                        cache);
  ASSERT_EQ(locked.exit_code, 0) << locked.out << locked.err;
  // Locking read pages and metadata only: at most a byte of each wheel (the size probe).
  EXPECT_LE(cpu_torch.counters->bytes_sent, 1u);
  EXPECT_LE(gpu_torch.counters->bytes_sent, 1u);
  auto lj = nlohmann::json::parse(slurp(lock));
  ASSERT_EQ(lj["schema"], "torchup.fleet-lock/1");
  ASSERT_EQ(lj["groups"].size(), 2u);
  for (const auto& g : lj["groups"]) {
    std::vector<std::string> files;
    for (const auto& f : g["bundle"]["files"]) {
      files.push_back(f["file"]);
      EXPECT_EQ(f["sha256"].get<std::string>().size(), 64u);
      EXPECT_GT(f["size"].get<std::uint64_t>(), 0u);
    }
    const std::string v = g["id"] == cpu_id ? "cpu" : variant;
    EXPECT_EQ(files, (std::vector<std::string>{"torch-2.12.0+" + v + "-py3-none-any.whl",
                                               "torchvision-0.27.0+" + v + "-py3-none-any.whl",
                                               "filelock-3.1.0-py3-none-any.whl"}))
        << g.dump();
    const std::string pylock =
        slurp(lock.parent_path() / ("pylock." + g["id"].get<std::string>() + ".toml"));
    EXPECT_NE(pylock.find("lock-version = \"1.0\""), std::string::npos);
    EXPECT_NE(pylock.find(g["bundle"]["files"][0]["sha256"].get<std::string>()), std::string::npos);
  }
  EXPECT_EQ(lj["groups"][0]["fingerprint"]["glibc"], "2.34");

  // Downloaded once, every group's wheels, for the nodes to share.
  const fs::path wheels = tmp.path() / "shared" / "wheels";
  auto fetched =
      torchup({"fleet", "fetch", lock.string(), "--dest", wheels.string(), "--json"}, cache);
  ASSERT_EQ(fetched.exit_code, 0) << fetched.out << fetched.err;
  EXPECT_EQ(json_of(fetched)["files"], 5);  // filelock once for both groups
  EXPECT_EQ(json_of(fetched)["changed"], true);
  auto refetched =
      torchup({"fleet", "fetch", lock.string(), "--dest", wheels.string(), "--json"}, cache);
  ASSERT_EQ(refetched.exit_code, 0) << refetched.out << refetched.err;
  EXPECT_EQ(json_of(refetched)["changed"], false);
  EXPECT_EQ(json_of(refetched)["received"], 0);  // from the cache
  EXPECT_TRUE(fs::exists(wheels / "torchup-fleet-lock.json"));
  const std::uint64_t sent_once = cpu_torch.counters->bytes_sent;
  EXPECT_GE(sent_once, cpu_torch.size);
  EXPECT_LE(static_cast<double>(sent_once), 1.05 * static_cast<double>(cpu_torch.size) + 1);

  // A new venv from this machine's Python, or (venv "") the interpreter in `extra`.
  auto install = [&](const std::string& node, const std::string& venv,
                     std::vector<std::string> extra = {}) {
    std::vector<std::string> args{
        "install", "--lock",      lock.string(), "--profile", (facts / (node + ".json")).string(),
        "--yes",   "--no-verify", "--json"};
    if (!venv.empty()) {
      for (const auto& a : {std::string("--python"), std::string(kPython), std::string("--venv"),
                            (tmp.path() / venv).string()})
        args.push_back(a);
    }
    args.insert(args.end(), extra.begin(), extra.end());
    return torchup(args, cache);
  };
  const std::vector<std::string> from{"--from", wheels.string()};
  // Two nodes of the CPU group, from the shared directory: the same bytes.
  auto a = install("cpu-a", "node-a", from);
  ASSERT_EQ(a.exit_code, 0) << a.out << a.err;
  auto aj = json_of(a);
  EXPECT_EQ(aj["changed"], true);
  EXPECT_EQ(aj["group"], cpu_id);
  EXPECT_NE(
      a.err.find("Successfully installed filelock-3.1.0 torch-2.12.0+cpu torchvision-0.27.0+cpu"),
      std::string::npos)
      << a.err;
  EXPECT_NE(aj["commands"].back().dump().find("--no-index"), std::string::npos);
  auto b = install("cpu-b", "node-b", from);
  ASSERT_EQ(b.exit_code, 0) << b.out << b.err;
  const std::string record = record_of(tmp.path() / "node-a", "torch");
  ASSERT_FALSE(record.empty());
  EXPECT_NE(record.find("sha256="), std::string::npos);
  EXPECT_EQ(record_of(tmp.path() / "node-b", "torch"), record);  // every installed file's hash
  EXPECT_EQ(cpu_torch.counters->bytes_sent, sent_once);          // no download on the nodes

  // The second run changes nothing and says so; a dry run on a new venv would change it.
  auto again = install(
      "cpu-a", "",
      {"--python", (tmp.path() / "node-a" / "bin" / "python").string(), "--from", wheels.string()});
  ASSERT_EQ(again.exit_code, 0) << again.out << again.err;
  auto gj = json_of(again);
  EXPECT_EQ(gj["changed"], false);
  EXPECT_TRUE(gj["commands"].empty()) << gj["commands"].dump();
  EXPECT_NE(gj["message"].get<std::string>().find("is already installed"), std::string::npos)
      << again.out;
  auto dry = install("cpu-a", "node-c", {"--dry-run"});
  ASSERT_EQ(dry.exit_code, 0) << dry.out << dry.err;
  EXPECT_EQ(json_of(dry)["changed"], true);
  EXPECT_FALSE(fs::exists(tmp.path() / "node-c"));

  // The GPU node without the shared directory: from the index, through the cache.
  auto g = install("gpu-a", "node-g");
  ASSERT_EQ(g.exit_code, 0) << g.out << g.err;
  EXPECT_EQ(json_of(g)["group"], gpu_id);
  EXPECT_NE(g.err.find("torch-2.12.0+" + variant), std::string::npos) << g.err;

  // A node the lock did not plan: told which group it misses and why (exit 2).
  write_node(facts, "gpu-old", "a100-01",
             [](nlohmann::json& j) { j["nvidia"]["driver_version"] = "535.54.03"; });
  auto old = install("gpu-old", "node-old");
  EXPECT_EQ(old.exit_code, 2) << old.out << old.err;
  EXPECT_NE(old.err.find("matches no group"), std::string::npos) << old.err;
  EXPECT_NE(old.err.find("needs NVIDIA driver 570.133.20 or newer; this machine has 535.54.03"),
            std::string::npos)
      << old.err;
  EXPECT_FALSE(fs::exists(tmp.path() / "node-old"));

  // A damaged copy of the shared directory is refused before pip runs (exit 3, the file named).
  const fs::path damaged = tmp.path() / "damaged";
  fs::copy(wheels, damaged);
  {
    std::fstream f(damaged / "filelock-3.1.0-py3-none-any.whl",
                   std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(40);
    f.put('X');
  }
  auto bad = install("cpu-b", "node-d", {"--from", damaged.string()});
  EXPECT_EQ(bad.exit_code, 3) << bad.out << bad.err;
  EXPECT_NE(bad.err.find("filelock-3.1.0-py3-none-any.whl"), std::string::npos) << bad.err;
  EXPECT_FALSE(fs::exists(tmp.path() / "node-d"));
}

}  // namespace
}  // namespace torchup
