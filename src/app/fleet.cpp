// The portable part of app/fleet.h: planning and grouping the nodes, the common build,
// `fleet plan --json`, the Slurm jobs, and the tasks (fleet_lock.cpp: a node's facts,
// fingerprint and group, and the lock's format).
#include "app/fleet.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "app/fleet_internal.h"
#include "util/strings.h"
#include "util/version.h"

namespace torchup::app {
namespace {

using namespace fleet_detail;

void add_unique(std::vector<Text>& to, const std::vector<Text>& from, std::size_t most) {
  for (const auto& t : from) {
    if (to.size() >= most) return;
    if (std::find(to.begin(), to.end(), t) == to.end()) to.push_back(t);
  }
}

std::string machine_key(const model::Machine& m) { return model::to_json(m).dump(); }

json texts(const std::vector<Text>& list) {
  json a = json::array();
  for (const auto& t : list) a.push_back(t.str());
  return a;
}

Text plan_failure(const Expected<model::Plan>& p) {
  if (!p) return Text(p.error().message);
  return tr("fleet.nothing-fits", "no build fits: {reasons}",
            {{"reasons", join_text(p->reasons, tr("install.list-separator", "; "))}});
}

}  // namespace

void group_nodes(FleetPlan& fleet) {
  fleet.groups.clear();
  std::map<std::string, std::size_t> by_key;
  std::set<std::string> ids;
  for (auto& node : fleet.nodes) {
    node.group.clear();
    if (!node.machine || !node.plan || !node.plan->fits) continue;
    const model::Plan& p = *node.plan;
    FleetFingerprint f = fingerprint_of(*node.machine, p);
    const std::string key =
        str::join({p.torch, p.platform, p.package, f.os, f.arch, f.python}, "|");
    auto [it, fresh] = by_key.emplace(key, fleet.groups.size());
    if (fresh) {
      FleetGroup g;
      g.id = no_dots(p.platform) + "-" + f.os + "-" + f.arch + (f.abi.empty() ? "" : "-" + f.abi);
      if (p.package != "pip") g.id += "-" + p.package;
      if (ids.count(g.id)) g.id += "-torch" + no_dots(p.torch);
      for (int n = 2; ids.count(g.id); ++n) g.id += "-" + std::to_string(n);
      ids.insert(g.id);
      g.plan = p;
      g.fingerprint = f;
      fleet.groups.push_back(std::move(g));
    }
    FleetGroup& g = fleet.groups[it->second];
    if (!fresh) {
      auto& gf = g.fingerprint;
      if (f.glibc && (!gf.glibc || older(*f.glibc, *gf.glibc))) gf.glibc = f.glibc;
      std::set<std::string> archs(gf.gpu_archs.begin(), gf.gpu_archs.end());
      archs.insert(f.gpu_archs.begin(), f.gpu_archs.end());
      gf.gpu_archs.assign(archs.begin(), archs.end());
      if (f.driver && (!gf.driver || older(*f.driver, *gf.driver))) gf.driver = f.driver;
    }
    g.nodes.push_back(node.name);
    add_unique(g.reasons, p.reasons, 12);
    add_unique(g.warnings, p.warnings, 12);
    node.group = g.id;
  }
}

void plan_fleet(FleetPlan& fleet, const plan::Knowledge& knowledge,
                const plan::CommandRenderer& render, bool common) {
  // Identical machines (the same facts but the name) get the same plan.
  std::map<std::string, Expected<model::Plan>> plans;
  std::vector<std::string> keys(fleet.nodes.size());
  for (std::size_t i = 0; i < fleet.nodes.size(); ++i) {
    auto& node = fleet.nodes[i];
    if (!node.machine) continue;
    keys[i] = node.key.empty() ? machine_key(*node.machine) : node.key;
    auto it = plans.find(keys[i]);
    if (it == plans.end())
      it = plans.emplace(keys[i], plan::make_plan(*node.machine, knowledge, fleet.prefs, render))
               .first;
    if (it->second && it->second->fits) {
      node.plan = *it->second;
    } else {
      if (it->second) node.plan = *it->second;
      node.cause = plan_failure(it->second);
    }
  }
  group_nodes(fleet);
  if (!common) return;

  // Each group's build is a candidate; the one that fits the most nodes wins (then the
  // newest torch, then the first group's).
  struct Candidate {
    std::string torch, platform;
  };
  std::vector<Candidate> candidates;
  for (const auto& g : fleet.groups) {
    bool seen = std::any_of(candidates.begin(), candidates.end(), [&](const Candidate& c) {
      return c.torch == g.plan.torch && c.platform == g.plan.platform;
    });
    if (!seen) candidates.push_back({g.plan.torch, g.plan.platform});
  }
  CommonBuild best;
  bool have_best = false;
  for (const auto& c : candidates) {
    CommonBuild b;
    b.torch = c.torch;
    b.platform = c.platform;
    plan::Preferences prefs = fleet.prefs;
    prefs.torch = c.torch == "nightly" ? "" : c.torch;
    prefs.platform = c.platform;
    std::map<std::string, Expected<model::Plan>> forced;
    auto plan_with = [&](std::size_t i,
                         const plan::Preferences& p) -> const Expected<model::Plan>& {
      const std::string key = keys[i] + "|" + p.platform;
      auto it = forced.find(key);
      if (it == forced.end())
        it = forced.emplace(key, plan::make_plan(*fleet.nodes[i].machine, knowledge, p, render))
                 .first;
      return it->second;
    };
    // Nodes without a GPU run a CUDA or ROCm build on their CPU: they fit when that
    // release fits them at all and another node of their OS and architecture proves
    // the variant's wheels exist there.
    std::vector<std::size_t> cpu_only;
    std::set<std::string> proven;  // "linux x86_64" kinds the candidate fits
    for (std::size_t i = 0; i < fleet.nodes.size(); ++i) {
      const auto& node = fleet.nodes[i];
      if (!node.machine) {
        b.blockers.push_back({node.name, node.cause});
        continue;
      }
      const model::Plan* own = node.plan && node.plan->fits ? &*node.plan : nullptr;
      const std::string own_family = own ? family(own->platform) : "cpu";
      if (own && own_family != "cpu" && own_family != family(c.platform)) {
        b.blockers.push_back(
            {node.name,
             tr("fleet.needs-family",
                "its GPU needs a {family} build (its own plan is {own}); {platform} "
                "would leave the GPU unused",
                {{"family", own_family}, {"own", own->platform}, {"platform", c.platform}})});
        continue;
      }
      if (own && own_family == "cpu" && family(c.platform) != "cpu" &&
          gpu_archs(*node.machine).empty()) {
        cpu_only.push_back(i);
        continue;
      }
      const auto& p = plan_with(i, prefs);
      if (!p || !p->fits) {
        b.blockers.push_back({node.name, plan_failure(p)});
      } else if (p->gpu_unused && !(own && own->gpu_unused)) {
        b.blockers.push_back({node.name, *p->gpu_unused});
      } else {
        b.fits.push_back(node.name);
        proven.insert(node.machine->os.family + " " + canon_arch(node.machine->os.arch));
      }
    }
    for (std::size_t i : cpu_only) {
      const auto& node = fleet.nodes[i];
      plan::Preferences cpu = prefs;
      cpu.platform = "cpu";
      const auto& p = plan_with(i, cpu);
      const std::string kind = node.machine->os.family + " " + canon_arch(node.machine->os.arch);
      if (!p || !p->fits) {
        b.blockers.push_back({node.name, plan_failure(p)});
      } else if (!proven.count(kind)) {
        b.blockers.push_back(
            {node.name, tr("fleet.cpu-node-unproven",
                           "it has no GPU, and no node of its kind ({kind}) shows that {platform} "
                           "wheels exist for it",
                           {{"kind", kind}, {"platform", c.platform}})});
      } else {
        b.fits.push_back(node.name);
      }
    }
    b.found = b.blockers.empty() && !b.fits.empty();
    auto newer = [](const std::string& a, const std::string& x) {
      auto va = Version::parse(a), vx = Version::parse(x);
      return va && vx && *va > *vx;
    };
    if (!have_best || b.fits.size() > best.fits.size() ||
        (b.fits.size() == best.fits.size() && newer(b.torch, best.torch))) {
      best = std::move(b);
      have_best = true;
    }
  }
  if (!have_best) {
    for (const auto& node : fleet.nodes) best.blockers.push_back({node.name, node.cause});
  }
  fleet.common = std::move(best);
}

json to_json(const FleetPlan& fleet) {
  json j{{"schema", kFleetSchema}, {"nodes", fleet.nodes.size()}};
  j["groups"] = json::array();
  for (const auto& g : fleet.groups) {
    const auto& p = g.plan;
    json gj{{"id", g.id},
            {"torch", p.torch},
            {"torchvision", opt(p.torchvision)},
            {"torchaudio", opt(p.torchaudio)},
            {"platform", p.platform},
            {"package", p.package},
            {"python", p.python},
            {"index_url", opt(p.index_url)},
            {"command", p.command},
            {"nodes", g.nodes},
            {"reasons", texts(g.reasons)},
            {"warnings", texts(g.warnings)},
            {"fingerprint", fingerprint_json(g.fingerprint)}};
    if (g.lock) {
      std::uint64_t total = 0;
      for (const auto& f : g.lock->files) total += f.size;
      gj["wheels"] = g.lock->files.size();
      gj["bytes"] = total;
    }
    j["groups"].push_back(std::move(gj));
  }
  j["unplanned"] = json::array();
  for (const auto& n : fleet.nodes) {
    if (!n.group.empty()) continue;
    j["unplanned"].push_back({{"node", n.name}, {"file", n.file}, {"cause", n.cause.str()}});
  }
  if (fleet.common) {
    const auto& c = *fleet.common;
    json blockers = json::array();
    for (const auto& b : c.blockers) blockers.push_back({{"node", b.node}, {"why", b.why.str()}});
    j["common"] = {{"found", c.found},
                   {"torch", c.torch},
                   {"platform", c.platform},
                   {"fits", c.fits},
                   {"blockers", blockers}};
  } else {
    j["common"] = nullptr;
  }
  j["notes"] = texts(fleet.notes);
  return j;
}

namespace {

// POSIX shell single quotes.
std::string sh(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'')
      out += "'\\''";
    else
      out += c;
  }
  return out + "'";
}

// One shell word with each %n as the node's name.
std::string node_word(const std::string& text) {
  std::string out;
  std::size_t from = 0;
  for (auto at = text.find("%n"); at != std::string::npos; at = text.find("%n", from)) {
    out += sh(text.substr(from, at - from)) + "\"$node\"";
    from = at + 2;
  }
  return out + sh(text.substr(from));
}

// `--root TEMPLATE` with %n as the node's name, in shell words.
std::string root_words(const std::string& root) {
  if (root.empty()) return "";
  return " --root " + node_word(root);
}

std::string header(const SlurmOptions& o, const std::string& job, const std::string& what) {
  std::string s = "#!/bin/bash\n";
  s += "# Written by `torchup fleet slurm`: " + what + "\n";
  s += "# One array task per node: as many tasks as nodes, each holding a whole node.\n";
  s += "#SBATCH --job-name=" + job + "\n";
  s += "#SBATCH --array=0-" + std::to_string(o.nodes - 1) + "\n";
  s += "#SBATCH --nodes=1\n#SBATCH --ntasks=1\n#SBATCH --exclusive\n";
  if (!o.partition.empty()) s += "#SBATCH --partition=" + o.partition + "\n";
  s += "#SBATCH --output=" + o.out + "/" + job + "-%A_%a.log\n";
  s += "set -euo pipefail\n";
  s += "node=\"${SLURMD_NODENAME:-$(hostname -s)}\"\n";
  return s;
}

bool plain_path(const std::string& p) {
  return !p.empty() && std::none_of(p.begin(), p.end(), [](char c) {
    return c == '\n' || c == '\r' || c == '%' || c == '\'';
  });
}

}  // namespace

Expected<std::vector<SlurmScript>> slurm_scripts(const SlurmOptions& o) {
  if (o.nodes < 1 || o.nodes > 100000)
    return make_error(ErrorKind::kUsage, "--nodes must be between 1 and 100000");
  for (const auto& [name, value] : std::vector<std::pair<std::string, std::string>>{
           {"--out", o.out}, {"--facts", o.facts_dir}}) {
    if (!plain_path(value) || value.front() != '/')
      return make_error(
          ErrorKind::kUsage, name + " must be an absolute path without % or quotes",
          "the jobs run on other nodes: give a shared directory such as /shared/torchup");
  }
  if (!o.partition.empty() && clean_name(o.partition) != o.partition)
    return make_error(ErrorKind::kUsage,
                      "'" + str::sanitize(o.partition, 40) + "' is not a partition name");
  std::vector<SlurmScript> out;
  std::string facts = header(o, "torchup-facts", "every node's facts (torchup detect --json)");
  facts += "facts_dir=" + sh(o.facts_dir) + "\n";
  facts += "mkdir -p \"$facts_dir\"\n";
  facts += "tmp=\"$facts_dir/.$node.json.$$\"\n";
  facts += sh(o.torchup) + " detect --json" + root_words(o.root) + " > \"$tmp\"\n";
  facts += "mv \"$tmp\" \"$facts_dir/$node.json\"\n";
  facts += "echo \"$node: facts in $facts_dir/$node.json\"\n";
  facts += "# Then, on the login node: torchup fleet plan " + sh(o.facts_dir) + " --lock " +
           sh(o.lock.empty() ? o.out + "/torchup-lock.json" : o.lock) + "\n";
  out.push_back({"torchup-facts.sbatch", facts});

  const std::string lock = o.lock.empty() ? o.out + "/torchup-lock.json" : o.lock;
  if (!plain_path(lock) || lock.front() != '/')
    return make_error(ErrorKind::kUsage, "--lock must be an absolute path without % or quotes");
  std::string install =
      header(o, "torchup-install", "the lock's build on every node (torchup install --lock)");
  install += "results=" + sh(o.out + "/results") + "\n";
  install += "mkdir -p \"$results\"\n";
  install += sh(o.torchup) + " install --lock " + sh(lock);
  if (!o.bundle.empty()) install += " --from " + sh(o.bundle);
  install += root_words(o.root);
  for (const auto& a : o.install_args) install += " " + node_word(a);
  install += " --yes --json > \"$results/$node.json\"\n";
  install += "echo \"$node: installed; the result is in $results/$node.json\"\n";
  out.push_back({"torchup-install.sbatch", install});
  return out;
}

namespace {

// The facts files of the inputs: files as given, directories' *.json (sorted).
Expected<std::vector<std::string>> facts_files(host::Host& host,
                                               const std::vector<std::string>& inputs) {
  std::vector<std::string> files;
  for (const auto& input : inputs) {
    std::error_code ec;
    std::string path = std::filesystem::absolute(input, ec).lexically_normal().string();
    if (host.fs.is_dir(path)) {
      auto names = host.fs.list_dir(path);
      std::sort(names.begin(), names.end());
      for (const auto& n : names) {
        if (str::ends_with(n, ".json") && !str::starts_with(n, "."))
          files.push_back(path + "/" + n);
      }
    } else if (host.fs.exists(path)) {
      files.push_back(path);
    } else {
      return make_error(ErrorKind::kNotFound, "no facts at " + input,
                        "collect them with `torchup detect --json > NODE.json` on each node");
    }
  }
  if (files.empty())
    return make_error(ErrorKind::kNotFound, "no facts files (*.json) in " + str::join(inputs, ", "),
                      "collect them with `torchup detect --json > NODE.json` on each node");
  return files;
}

}  // namespace

Expected<FleetPlan> fleet_plan(const Services& services, const FleetOptions& options) {
  if (auto st = plan::check_preferences(options.prefs); !st) return st.error();
  if (!options.lock.empty() && options.prefs.channel == "nightly")
    return make_error(ErrorKind::kUsage, "a lock pins files; nightly builds change every day",
                      "lock a stable release");
  auto files = facts_files(services.host, options.inputs);
  if (!files) return files.error();
  auto knowledge = load_knowledge(services.store);
  if (!knowledge) return knowledge.error();
  FleetPlan fleet;
  fleet.prefs = options.prefs;
  fleet.nodes.reserve(files->size());
  std::set<std::string> names;
  for (const auto& file : *files) {
    auto text = services.host.fs.read_file(file);
    FleetNode node;
    if (!text) {
      node.file = file;
      node.name = clean_name(std::filesystem::path(file).stem().string());
      node.cause = tr("fleet.unreadable", "cannot read {file}", {{"file", file}});
    } else {
      node = read_node(file, *text);
    }
    // Two files for one node name: the second keeps its file's name.
    if (names.count(node.name))
      node.name = clean_name(std::filesystem::path(file).filename().string());
    names.insert(node.name);
    fleet.nodes.push_back(std::move(node));
  }
  plan_fleet(fleet, knowledge->view(), make_renderer(services.store, knowledge->published),
             options.common);
  if (!options.lock.empty()) {
    if (auto locked = lock_groups(services, fleet, options); !locked) return locked.error();
  }
  return fleet;
}

Expected<LockChoice> choose_lock_group(const Services& services, const std::string& lock_file,
                                       const PlanRequest& request, const std::string& python) {
  std::error_code ec;
  auto text = services.host.fs.read_file(
      std::filesystem::absolute(lock_file, ec).lexically_normal().string());
  if (!text)
    return make_error(ErrorKind::kNotFound, "cannot read the lock " + lock_file,
                      "write one with torchup fleet plan FACTS --lock FILE");
  auto lock = lock_from_text(*text);
  if (!lock) return lock.error();
  auto machine = read_machine(services, request);
  if (!machine) return machine.error();
  auto match = match_group(*lock, *machine, python);
  if (!match.group) {
    return make_error(ErrorKind::kUsage,
                      tr("fleet.no-group", "this machine matches no group of {lock}: {why}",
                         {{"lock", lock_file},
                          {"why", join_text(match.why_not, tr("install.list-separator", "; "))}}),
                      "plan the fleet again with this machine's facts (torchup detect --json)");
  }
  return LockChoice{std::move(*lock), *match.group};
}

}  // namespace torchup::app
