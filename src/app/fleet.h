// Fleets (issue 15): many machines planned together. `torchup fleet plan FACTS...`
// reads one `detect --json` per node, plans each, groups the nodes by the build they
// get (with the reasons), finds one build for all of them when asked (--common) and
// writes a lock (--lock FILE): per group the exact wheels and the fingerprint that
// selects the group, which `torchup install --lock FILE` on a node installs.
// `torchup fleet slurm` writes the Slurm jobs that collect the facts and install.
//
// Reading, planning, grouping, the lock's format and the choice of a node's group
// are portable (fleet.cpp); resolving and downloading the wheels are where the build
// has torchup's downloader (fleet_posix.cpp, else fetch_unsupported.cpp).
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <vector>

#include "act/resolve.h"
#include "app/install.h"
#include "app/services.h"
#include "model/machine.h"
#include "model/plan.h"
#include "plan/planner.h"
#include "util/expected.h"

namespace torchup::app {

inline constexpr const char* kFleetSchema = "torchup.fleet/1";
inline constexpr const char* kFleetLockSchema = "torchup.fleet-lock/1";

// What selects a group on a node (install --lock): the same OS and architecture, the
// group's Python (X.Y, and its ABI tag), a glibc at least the group's lowest, GPUs
// among the group's architectures (none when the group's nodes have none), and an
// NVIDIA driver at least the group's lowest (when the group's build is a CUDA one).
struct FleetFingerprint {
  std::string os;                      // "linux"
  std::string arch;                    // "x86_64"
  std::optional<std::string> glibc;    // the lowest glibc among the group's nodes
  std::string python;                  // "3.11"
  std::string abi;                     // "cp311"
  std::vector<std::string> gpu_archs;  // "sm_80", "gfx90a": every GPU of the group's nodes
  std::optional<std::string> driver;   // the lowest NVIDIA driver (CUDA builds)
};

struct FleetNode {
  std::string name;  // the facts' "hostname", else the file's name without .json
  std::string file;
  std::optional<model::Machine> machine;
  std::optional<model::Plan> plan;
  std::string key;    // the facts without the name: identical machines share it
  std::string group;  // the group's id; empty: no build for this node
  Text cause;         // why not (unreadable facts, nothing fits)
};

struct FleetGroup {
  std::string id;    // "cu126-linux-x86_64-cp311" (no dots: pylock.<id>.toml)
  model::Plan plan;  // the first node's plan: the build and its command
  FleetFingerprint fingerprint;
  std::vector<std::string> nodes;
  std::vector<Text> reasons;        // the distinct reasons of the nodes' plans
  std::vector<Text> warnings;       // the distinct warnings
  std::optional<act::Bundle> lock;  // --lock: the wheels (its dir is empty)
};

struct CommonBlocker {
  std::string node;
  Text why;
};

// --common: one build (torch and variant) for every node, or the closest one and the
// nodes that keep it from fitting.
struct CommonBuild {
  bool found = false;
  std::string torch, platform;
  std::vector<std::string> fits;  // the nodes it fits
  std::vector<CommonBlocker> blockers;
};

struct FleetPlan {
  plan::Preferences prefs;
  std::vector<FleetNode> nodes;
  std::vector<FleetGroup> groups;
  std::optional<CommonBuild> common;
  std::vector<Text> notes;  // index choices while locking
};

struct FleetOptions {
  std::vector<std::string> inputs;  // files, or directories of *.json
  plan::Preferences prefs;
  bool common = false;
  std::string lock;                  // --lock FILE
  std::vector<std::string> mirrors;  // --mirror SPEC... (locking reads the index pages)
  bool allow_insecure = false;
};

// ---- pure parts ----

// The node's GPU architectures: NVIDIA's compute capability as sm_XY, AMD's gfx
// target; sorted, each once. GPUs without either are left out.
std::vector<std::string> gpu_archs(const model::Machine& machine);
// The node's fingerprint for the build it was planned (its Python, GPUs, driver).
FleetFingerprint fingerprint_of(const model::Machine& machine, const model::Plan& plan);
// Groups planned nodes by build (torch, variant, installer, OS, architecture, Python):
// fills `groups` and each node's `group`, in the nodes' order.
void group_nodes(FleetPlan& fleet);
// Plans every node (identical machines are planned once) and groups them; with
// `common`, the common build. Pure: the knowledge comes in.
void plan_fleet(FleetPlan& fleet, const plan::Knowledge& knowledge,
                const plan::CommandRenderer& render, bool common);
// One node from its facts' text; an unreadable one keeps `cause`.
FleetNode read_node(const std::string& file, const std::string& text);

nlohmann::json to_json(const FleetPlan& fleet);  // torchup.fleet/1

struct FleetLock {
  plan::Preferences prefs;
  std::vector<FleetGroup> groups;  // each with its lock
};
// The lock file (torchup.fleet-lock/1): every group with its fingerprint, nodes and
// bundle (act::to_json(Bundle)).
nlohmann::json lock_json(const FleetPlan& fleet);
Expected<FleetLock> lock_from_text(const std::string& text);

// The group of `lock` this machine belongs to, with the interpreter's Python X.Y
// (`python`, empty: any of the machine's); or why no group fits (one line per group).
struct LockMatch {
  std::optional<std::size_t> group;
  std::vector<Text> why_not;
};
LockMatch match_group(const FleetLock& lock, const model::Machine& machine,
                      const std::string& python);

// `fleet slurm`: the job scripts.
struct SlurmOptions {
  std::string out;        // --out DIR: where the scripts go
  std::string facts_dir;  // --facts DIR: where each node's facts land
  std::string lock;       // --lock FILE (the install job)
  std::string bundle;     // --from DIR (the install job; empty: the index)
  std::string partition;  // -p
  int nodes = 1;          // the array's size: one task per node
  std::string torchup = "torchup";
  std::string root;  // detect --root TEMPLATE (%n: the node's name), for machines in a directory
  std::vector<std::string> install_args;  // --python, --venv ... for install (%n: the node)
};
struct SlurmScript {
  std::string name, text;
};
Expected<std::vector<SlurmScript>> slurm_scripts(const SlurmOptions& options);
// Writes them into options.out; returns their paths.
Expected<std::vector<std::string>> write_slurm_scripts(const SlurmOptions& options);

// ---- tasks ----

// Reads the facts, plans, groups; --lock resolves each group's wheels and writes FILE
// and pylock.<group>.toml beside it. A node that cannot be read or planned is in the
// result with its cause (not an error). Errors: no facts found, the knowledge base,
// an unwritable lock, a group whose wheels cannot be resolved.
Expected<FleetPlan> fleet_plan(const Services& services, const FleetOptions& options);

// Resolves every group's wheels (sha256 and size from the index) into group.lock.
Status lock_groups(const Services& services, FleetPlan& fleet, const FleetOptions& options);

struct FleetFetchResult {
  std::string dest;
  std::size_t files = 0;
  std::uint64_t total = 0, received = 0;
  bool changed = false;  // DIR gained or replaced a file
  std::vector<Text> notes;
};
// `fleet fetch LOCK --dest DIR`: every group's wheels, downloaded once (hash-checked)
// into DIR, with the lock beside them; nodes install with --lock LOCK --from DIR.
Expected<FleetFetchResult> fleet_fetch(const Services& services, const std::string& lock_file,
                                       const std::string& dest, const ProgressLine& progress);

// install --lock: the group this machine belongs to (from --root/--profile, else this
// computer), its build as the plan's preferences. Errors: an unreadable lock, no group.
struct LockChoice {
  FleetLock lock;
  std::size_t group = 0;
};
Expected<LockChoice> choose_lock_group(const Services& services, const std::string& lock_file,
                                       const PlanRequest& machine, const std::string& python);
// Points a prepared install at the group's wheels: DIR (--from, each file checked) or
// the cache (downloaded, hash-checked). `unchanged` is set when the interpreter already
// holds every locked distribution at its locked version.
Status use_lock(const Services& services, PreparedInstall& prepared, const act::Bundle& wheels,
                const std::string& from, const ProgressLine& progress);

}  // namespace torchup::app
