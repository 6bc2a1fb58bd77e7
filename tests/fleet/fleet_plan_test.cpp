// Fleets (app/fleet.h), the pure parts: a cluster's facts (tests/fixtures/fleet/hpc)
// planned with the real knowledge base and grouped, --common, the lock's format, which
// group a node belongs to, and the Slurm jobs.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "app/fleet.h"
#include "plan/plan_support.h"
#include "util/strings.h"

namespace torchup::app {
namespace {

namespace fs = std::filesystem;

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

const fs::path kHpc = fs::path(TORCHUP_TEST_DIR) / "fixtures" / "fleet" / "hpc";

FleetPlan cluster(const std::vector<std::string>& names, bool common = false,
                  plan::Preferences prefs = {}) {
  FleetPlan fleet;
  fleet.prefs = prefs;
  for (const auto& n : names) {
    const fs::path file = kHpc / (n + ".json");
    fleet.nodes.push_back(read_node(file.string(), slurp(file)));
  }
  const auto& k = testing::knowledge();
  plan_fleet(fleet, k.knowledge(), render::make_fallback_renderer(&k.published), common);
  return fleet;
}

const std::vector<std::string> kAll{"a100-01",  "a100-02",  "v100-01",
                                    "gh200-01", "login-01", "mi250-01"};

const FleetGroup* group_of(const FleetPlan& fleet, const std::string& node) {
  for (const auto& g : fleet.groups)
    if (std::find(g.nodes.begin(), g.nodes.end(), node) != g.nodes.end()) return &g;
  return nullptr;
}

TEST(FleetPlan, GroupsAMixedClusterByTheBuildEachNodeGets) {
  auto fleet = cluster(kAll);
  ASSERT_EQ(fleet.nodes.size(), 6u);
  for (const auto& n : fleet.nodes) EXPECT_FALSE(n.group.empty()) << n.name << ": " << n.cause;
  const FleetGroup* a100 = group_of(fleet, "a100-01");
  ASSERT_NE(a100, nullptr);
  EXPECT_EQ(group_of(fleet, "a100-02"), a100);  // the same machine, the same build
  EXPECT_TRUE(str::starts_with(a100->plan.platform, "cu")) << a100->plan.platform;
  EXPECT_EQ(a100->id, a100->plan.platform + "-linux-x86_64-cp311");
  EXPECT_EQ(a100->fingerprint.glibc, "2.34");
  EXPECT_EQ(a100->fingerprint.abi, "cp311");
  EXPECT_EQ(a100->fingerprint.driver, "570.133.20");
  EXPECT_TRUE(
      std::count(a100->fingerprint.gpu_archs.begin(), a100->fingerprint.gpu_archs.end(), "sm_80"));
  EXPECT_FALSE(a100->reasons.empty());

  // The Grace Hopper node is aarch64: its own wheels, so its own group.
  const FleetGroup* gh200 = group_of(fleet, "gh200-01");
  ASSERT_NE(gh200, nullptr);
  EXPECT_NE(gh200, a100);
  EXPECT_EQ(gh200->fingerprint.arch, "aarch64");
  EXPECT_EQ(gh200->fingerprint.gpu_archs, std::vector<std::string>{"sm_90"});

  // The login node has no GPU: the CPU build; the MI250X node: a ROCm build.
  const FleetGroup* login = group_of(fleet, "login-01");
  ASSERT_NE(login, nullptr);
  EXPECT_EQ(login->plan.platform, "cpu");
  EXPECT_TRUE(login->fingerprint.gpu_archs.empty());
  EXPECT_FALSE(login->fingerprint.driver);
  const FleetGroup* amd = group_of(fleet, "mi250-01");
  ASSERT_NE(amd, nullptr);
  EXPECT_TRUE(str::starts_with(amd->plan.platform, "rocm")) << amd->plan.platform;
  EXPECT_EQ(amd->fingerprint.gpu_archs, std::vector<std::string>{"gfx90a"});
  EXPECT_EQ(amd->id.find('.'), std::string::npos) << amd->id;  // pylock.<id>.toml

  // The V100 (sm_70) gets a CUDA build that still has Volta kernels.
  const FleetGroup* v100 = group_of(fleet, "v100-01");
  ASSERT_NE(v100, nullptr);
  EXPECT_TRUE(str::starts_with(v100->plan.platform, "cu"));

  auto j = to_json(fleet);
  EXPECT_EQ(j["schema"], kFleetSchema);
  EXPECT_EQ(j["nodes"], 6);
  EXPECT_EQ(j["groups"].size(), fleet.groups.size());
  EXPECT_TRUE(j["unplanned"].empty());
  EXPECT_TRUE(j["common"].is_null());
}

TEST(FleetPlan, CommonNamesTheNodeThatBlocksOneBuildForAll) {
  auto fleet = cluster(kAll, true);
  ASSERT_TRUE(fleet.common);
  EXPECT_FALSE(fleet.common->found);
  // The closest build is a CUDA one (it fits the NVIDIA nodes and the login node); the
  // AMD node needs ROCm.
  EXPECT_TRUE(str::starts_with(fleet.common->platform, "cu")) << fleet.common->platform;
  ASSERT_EQ(fleet.common->blockers.size(), 1u);
  EXPECT_EQ(fleet.common->blockers[0].node, "mi250-01");
  EXPECT_NE(fleet.common->blockers[0].why.find("rocm"), std::string::npos)
      << fleet.common->blockers[0].why;
  EXPECT_EQ(fleet.common->fits.size(), 5u);

  // Without it, one CUDA build fits every node, the V100 and the login node included.
  auto nvidia = cluster({"a100-01", "a100-02", "v100-01", "gh200-01", "login-01"}, true);
  ASSERT_TRUE(nvidia.common);
  EXPECT_TRUE(nvidia.common->found);
  EXPECT_TRUE(nvidia.common->blockers.empty());
  EXPECT_EQ(nvidia.common->fits.size(), 5u);
  auto j = to_json(nvidia)["common"];
  EXPECT_EQ(j["found"], true);
  EXPECT_EQ(j["platform"], nvidia.common->platform);
}

TEST(FleetPlan, UnreadableFactsAreListedWithTheirCauseNotFatal) {
  FleetPlan fleet;
  fleet.nodes.push_back(read_node("/x/broken.json", "{not json"));
  fleet.nodes.push_back(
      read_node("/x/wrong.json", R"({"schema":"torchup.machine/1","gpus":"none"})"));
  fleet.nodes.push_back(
      read_node((kHpc / "login-01.json").string(), slurp(kHpc / "login-01.json")));
  const auto& k = testing::knowledge();
  plan_fleet(fleet, k.knowledge(), render::make_fallback_renderer(&k.published), true);
  EXPECT_EQ(fleet.nodes[0].name, "broken");
  EXPECT_NE(fleet.nodes[0].cause.find("is not a `torchup detect --json` document"),
            std::string::npos);
  EXPECT_NE(fleet.nodes[1].cause.find("gpus"), std::string::npos) << fleet.nodes[1].cause;
  EXPECT_EQ(fleet.nodes[2].name, "login-01");  // the facts' hostname
  ASSERT_EQ(fleet.groups.size(), 1u);
  auto j = to_json(fleet);
  ASSERT_EQ(j["unplanned"].size(), 2u);
  EXPECT_EQ(j["unplanned"][0]["node"], "broken");
  ASSERT_TRUE(fleet.common);
  EXPECT_FALSE(fleet.common->found);  // a node whose facts are unknown blocks "every node"
}

TEST(FleetPlan, ANodeThatFitsNothingIsUnplannedWithTheReasons) {
  FleetPlan fleet;
  const fs::path old =
      fs::path(TORCHUP_TEST_DIR) / "fixtures" / "profiles" / "python36-linux-too-old.json";
  fleet.nodes.push_back(read_node(old.string(), slurp(old)));
  const auto& k = testing::knowledge();
  plan_fleet(fleet, k.knowledge(), render::make_fallback_renderer(&k.published), false);
  EXPECT_TRUE(fleet.groups.empty());
  EXPECT_TRUE(fleet.nodes[0].group.empty());
  EXPECT_NE(fleet.nodes[0].cause.find("no build fits"), std::string::npos) << fleet.nodes[0].cause;
}

// ---- the lock ----

act::Bundle bundle_for(const std::string& platform) {
  act::Bundle b;
  b.requirements = {"torch==2.12.0"};
  b.torch = "2.12.0";
  b.platform = platform;
  b.index_url = "https://download.pytorch.org/whl/" + platform;
  b.target.python_version = "3.11.9";
  b.target.os_family = "linux";
  b.target.arch = "x86_64";
  b.target.glibc = "2.34";
  b.files.push_back({"torch", "2.12.0+" + platform,
                     "torch-2.12.0+" + platform + "-cp311-cp311-manylinux_2_28_x86_64.whl",
                     "https://download.pytorch.org/whl/" + platform + "/torch.whl",
                     std::string(64, 'a'), 1234, true});
  return b;
}

FleetLock locked_cluster() {
  auto fleet = cluster(kAll);
  for (auto& g : fleet.groups) g.lock = bundle_for(g.plan.platform);
  auto text = lock_json(fleet).dump();
  auto lock = lock_from_text(text);
  EXPECT_TRUE(lock) << lock.error().message;
  return lock ? *lock : FleetLock{};
}

model::Machine machine(const std::string& node) {
  return *model::machine_from_text(slurp(kHpc / (node + ".json")));
}

TEST(FleetLock, RoundTripsAndEveryNodeFindsItsOwnGroup) {
  auto fleet = cluster(kAll);
  auto lock = locked_cluster();
  ASSERT_EQ(lock.groups.size(), fleet.groups.size());
  for (std::size_t i = 0; i < lock.groups.size(); ++i) {
    EXPECT_EQ(lock.groups[i].id, fleet.groups[i].id);
    EXPECT_EQ(lock.groups[i].nodes, fleet.groups[i].nodes);
    EXPECT_EQ(lock.groups[i].fingerprint.gpu_archs, fleet.groups[i].fingerprint.gpu_archs);
    ASSERT_TRUE(lock.groups[i].lock);
    EXPECT_EQ(lock.groups[i].lock->files.at(0).sha256, std::string(64, 'a'));
    EXPECT_EQ(lock.groups[i].plan.platform, fleet.groups[i].plan.platform);
  }
  for (const auto& node : kAll) {
    auto m = match_group(lock, machine(node), "");
    ASSERT_TRUE(m.group) << node;
    EXPECT_EQ(lock.groups[*m.group].id, group_of(fleet, node)->id) << node;
  }
}

TEST(FleetLock, ANodeOutsideEveryGroupIsToldWhyPerGroup) {
  auto lock = locked_cluster();
  // A new A100 node with an older driver than the group's lowest.
  auto older = machine("a100-01");
  older.nvidia->driver_version = "550.54.14";
  auto m = match_group(lock, older, "");
  EXPECT_FALSE(m.group);
  ASSERT_EQ(m.why_not.size(), lock.groups.size());
  const std::string all = join_text(m.why_not, Text("\n"));
  EXPECT_NE(all.find("needs NVIDIA driver 570.133.20 or newer; this machine has 550.54.14"),
            std::string::npos)
      << all;
  // An H100 (sm_90) on x86_64: no x86_64 group has sm_90.
  auto h100 = machine("a100-01");
  for (auto& g : h100.gpus) g.compute_capability = "9.0";
  m = match_group(lock, h100, "");
  EXPECT_FALSE(m.group);
  EXPECT_NE(join_text(m.why_not, Text("\n")).find("this machine's sm_90 is not among its GPUs"),
            std::string::npos);
  // The interpreter asked for is another Python.
  m = match_group(lock, machine("login-01"), "3.12.1");
  EXPECT_FALSE(m.group);
  EXPECT_NE(
      join_text(m.why_not, Text("\n")).find("for Python 3.11; the interpreter is Python 3.12"),
      std::string::npos);
  // An older glibc than the group's wheels need.
  auto old_glibc = machine("login-01");
  old_glibc.os.glibc = "2.17";
  m = match_group(lock, old_glibc, "");
  EXPECT_FALSE(m.group);
  EXPECT_NE(join_text(m.why_not, Text("\n")).find("needs glibc 2.34; this machine has 2.17"),
            std::string::npos);
  // A GPU node never takes the login node's CPU group.
  auto a100 = machine("a100-01");
  a100.nvidia.reset();
  m = match_group(lock, a100, "");
  EXPECT_FALSE(m.group);
}

TEST(FleetLock, ABadLockIsAnErrorNamingTheField) {
  EXPECT_FALSE(lock_from_text("[]"));
  EXPECT_FALSE(
      lock_from_text(R"({"schema": [], "groups": {}})"));  // fuzz_fleet_lock found a throw here
  auto wrong = lock_from_text(R"({"schema":"torchup.fleet/1","groups":[]})");
  ASSERT_FALSE(wrong);
  EXPECT_NE(wrong.error().message.find("schema"), std::string::npos);
  auto no_fp = lock_from_text(R"({"schema":"torchup.fleet-lock/1","groups":[{"id":"g"}]})");
  ASSERT_FALSE(no_fp);
  EXPECT_NE(no_fp.error().message.find("groups[0].fingerprint"), std::string::npos)
      << no_fp.error().message;
  auto bad_id = lock_from_text(R"({"schema":"torchup.fleet-lock/1","groups":[{"id":"../x"}]})");
  ASSERT_FALSE(bad_id);
  EXPECT_NE(bad_id.error().message.find("groups[0].id"), std::string::npos);
}

// ---- Slurm ----

TEST(FleetSlurm, AnArrayJobPerNodeForFactsAndForTheInstall) {
  SlurmOptions o;
  o.out = "/shared/torchup";
  o.facts_dir = "/shared/torchup/facts";
  o.lock = "/shared/torchup/lock.json";
  o.bundle = "/shared/torchup/wheels";
  o.partition = "gpu";
  o.nodes = 3;
  o.torchup = "/opt/torchup/bin/torchup";
  o.root = "/srv/machines/%n/root";
  o.install_args = {"--venv", "/shared/envs/it's torch", "--python=/local/%n/bin/python"};
  auto scripts = slurm_scripts(o);
  ASSERT_TRUE(scripts) << scripts.error().message;
  ASSERT_EQ(scripts->size(), 2u);
  const auto& facts = (*scripts)[0];
  EXPECT_EQ(facts.name, "torchup-facts.sbatch");
  for (const char* line : {"#SBATCH --array=0-2\n", "#SBATCH --exclusive\n",
                           "#SBATCH --partition=gpu\n", "facts_dir='/shared/torchup/facts'\n",
                           "'/opt/torchup/bin/torchup' detect --json --root "
                           "'/srv/machines/'\"$node\"'/root' > \"$tmp\"\n",
                           "mv \"$tmp\" \"$facts_dir/$node.json\"\n"})
    EXPECT_NE(facts.text.find(line), std::string::npos) << line << "\n" << facts.text;
  const auto& install = (*scripts)[1];
  EXPECT_NE(install.text.find(
                "install --lock '/shared/torchup/lock.json' --from '/shared/torchup/wheels'"),
            std::string::npos)
      << install.text;
  EXPECT_NE(install.text.find(
                "'--venv' '/shared/envs/it'\\''s torch' '--python=/local/'\"$node\"'/bin/python' "
                "--yes --json > \"$results/$node.json\""),
            std::string::npos)
      << install.text;

  o.out = "relative/dir";
  EXPECT_FALSE(slurm_scripts(o));
  o.out = "/shared";
  o.nodes = 0;
  EXPECT_FALSE(slurm_scripts(o));
  o.nodes = 2;
  o.partition = "gpu;rm";
  EXPECT_FALSE(slurm_scripts(o));
}

}  // namespace
}  // namespace torchup::app
