// The portable part of app/fleet.h: reading the nodes' facts, planning and grouping
// them, the common build, the lock's format, a node's group, and the Slurm jobs.
#include "app/fleet.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "plan/rules.h"
#include "util/strings.h"
#include "util/version.h"

namespace torchup::app {
namespace {

using nlohmann::json;

std::string canon_arch(std::string a) {
  a = str::to_lower(a);
  if (a == "amd64" || a == "x64") return "x86_64";
  if (a == "arm64") return "aarch64";
  return a;
}

// "3.11.2" -> "3.11"
std::string major_minor(const std::string& version) {
  auto v = DottedVersion::parse(version);
  if (!v || v->parts().size() < 2) return version;
  return std::to_string(v->major()) + "." + std::to_string(v->minor());
}

bool older(const std::string& a, const std::string& b) {
  auto va = DottedVersion::parse(a), vb = DottedVersion::parse(b);
  return va && vb && *va < *vb;
}

std::string no_dots(std::string s) {
  for (auto& c : s)
    if (c == '.' || c == '/' || c == ' ') c = '_';
  return s;
}

// A node's name from its facts: letters, digits, '.', '-', '_' only.
std::string clean_name(std::string_view name) {
  std::string out;
  for (char c : name) {
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_') out += c;
    if (out.size() >= 100) break;
  }
  return out;
}

// The accelerator family of a variant: cu126 -> cuda; the macOS wheel (mps) is the CPU one.
std::string family(const std::string& platform) {
  if (str::starts_with(platform, "cu")) return "cuda";
  if (str::starts_with(platform, "rocm")) return "rocm";
  if (platform == "xpu") return "xpu";
  return "cpu";
}

void add_unique(std::vector<Text>& to, const std::vector<Text>& from, std::size_t most) {
  for (const auto& t : from) {
    if (to.size() >= most) return;
    if (std::find(to.begin(), to.end(), t) == to.end()) to.push_back(t);
  }
}

std::string machine_key(const model::Machine& m) { return model::to_json(m).dump(); }

json opt(const std::optional<std::string>& s) { return s ? json(*s) : json(nullptr); }

json texts(const std::vector<Text>& list) {
  json a = json::array();
  for (const auto& t : list) a.push_back(t.str());
  return a;
}

json fingerprint_json(const FleetFingerprint& f) {
  return {
      {"os", f.os},   {"arch", f.arch},           {"glibc", opt(f.glibc)},  {"python", f.python},
      {"abi", f.abi}, {"gpu_archs", f.gpu_archs}, {"driver", opt(f.driver)}};
}

Text plan_failure(const Expected<model::Plan>& p) {
  if (!p) return Text(p.error().message);
  return tr("fleet.nothing-fits", "no build fits: {reasons}",
            {{"reasons", join_text(p->reasons, tr("install.list-separator", "; "))}});
}

}  // namespace

std::vector<std::string> gpu_archs(const model::Machine& machine) {
  std::set<std::string> out;
  for (const auto& g : machine.gpus) {
    if (g.compute_capability) {
      if (auto cc = DottedVersion::parse(*g.compute_capability)) out.insert(plan::sm_name(*cc));
    } else if (g.gfx_target && !g.gfx_target->empty()) {
      out.insert(*g.gfx_target);
    }
  }
  return {out.begin(), out.end()};
}

FleetFingerprint fingerprint_of(const model::Machine& machine, const model::Plan& plan) {
  FleetFingerprint f;
  f.os = machine.os.family;
  f.arch = canon_arch(machine.os.arch);
  if (f.os == "linux") f.glibc = machine.os.glibc;
  f.python = plan.python;
  auto v = DottedVersion::parse(plan.python);
  if (v) f.abi = "cp" + std::to_string(v->major()) + std::to_string(v->minor());
  f.gpu_archs = gpu_archs(machine);
  if (family(plan.platform) == "cuda" && machine.nvidia) f.driver = machine.nvidia->driver_version;
  return f;
}

FleetNode read_node(const std::string& file, const std::string& text) {
  FleetNode node;
  node.file = file;
  node.name = clean_name(std::filesystem::path(file).stem().string());
  auto j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    node.cause =
        tr("fleet.not-json", "{file} is not a `torchup detect --json` document", {{"file", file}});
    return node;
  }
  if (auto h = j.find("hostname"); h != j.end() && h->is_string()) {
    auto name = clean_name(h->get<std::string>());
    if (!name.empty()) node.name = name;
  }
  if (node.name.empty()) node.name = "node";
  auto machine = model::machine_from_json(j);
  if (!machine) {
    node.cause = tr("fleet.bad-facts", "{file}: {error}",
                    {{"file", file}, {"error", machine.error().message}});
    return node;
  }
  node.machine = std::move(*machine);
  return node;
}

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
    keys[i] = machine_key(*node.machine);
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

json lock_json(const FleetPlan& fleet) {
  json j{{"schema", kFleetLockSchema},
         {"preferences",
          {{"torch", fleet.prefs.torch},
           {"platform", fleet.prefs.platform},
           {"package", fleet.prefs.package},
           {"channel", fleet.prefs.channel}}}};
  j["groups"] = json::array();
  for (const auto& g : fleet.groups) {
    if (!g.lock) continue;
    j["groups"].push_back({{"id", g.id},
                           {"nodes", g.nodes},
                           {"package", g.plan.package},
                           {"fingerprint", fingerprint_json(g.fingerprint)},
                           {"bundle", act::to_json(*g.lock)}});
  }
  return j;
}

Expected<FleetLock> lock_from_text(const std::string& text) {
  auto bad = [](const std::string& field, const std::string& want) {
    return make_error(ErrorKind::kParse, "lock: " + field + ": expected " + want,
                      "write it again with torchup fleet plan FACTS --lock FILE");
  };
  auto j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return bad("the file", "a JSON object");
  if (j.value("schema", std::string()) != kFleetLockSchema)
    return bad("schema", std::string("\"") + kFleetLockSchema + "\"");
  FleetLock lock;
  auto string_at = [](const json& o, const char* key) -> std::optional<std::string> {
    auto it = o.find(key);
    if (it == o.end() || !it->is_string()) return std::nullopt;
    return it->get<std::string>();
  };
  if (auto p = j.find("preferences"); p != j.end() && p->is_object()) {
    lock.prefs.torch = string_at(*p, "torch").value_or("");
    lock.prefs.platform = string_at(*p, "platform").value_or("auto");
    lock.prefs.package = string_at(*p, "package").value_or("pip");
    lock.prefs.channel = string_at(*p, "channel").value_or("stable");
  }
  auto groups = j.find("groups");
  if (groups == j.end() || !groups->is_array()) return bad("groups", "an array");
  for (std::size_t i = 0; i < groups->size(); ++i) {
    const json& gj = (*groups)[i];
    const std::string where = "groups[" + std::to_string(i) + "]";
    if (!gj.is_object()) return bad(where, "an object");
    FleetGroup g;
    auto id = string_at(gj, "id");
    if (!id || id->empty() || clean_name(*id) != *id) return bad(where + ".id", "a group name");
    g.id = *id;
    if (auto n = gj.find("nodes"); n != gj.end() && n->is_array()) {
      for (const auto& name : *n)
        if (name.is_string()) g.nodes.push_back(name.get<std::string>());
    }
    auto f = gj.find("fingerprint");
    if (f == gj.end() || !f->is_object()) return bad(where + ".fingerprint", "an object");
    auto& fp = g.fingerprint;
    fp.os = string_at(*f, "os").value_or("");
    fp.arch = string_at(*f, "arch").value_or("");
    fp.glibc = string_at(*f, "glibc");
    fp.python = string_at(*f, "python").value_or("");
    fp.abi = string_at(*f, "abi").value_or("");
    fp.driver = string_at(*f, "driver");
    if (auto a = f->find("gpu_archs"); a != f->end() && a->is_array()) {
      for (const auto& x : *a)
        if (x.is_string()) fp.gpu_archs.push_back(x.get<std::string>());
    }
    if (fp.os.empty() || fp.arch.empty() || fp.python.empty())
      return bad(where + ".fingerprint", "os, arch and python");
    auto b = gj.find("bundle");
    if (b == gj.end() || !b->is_object()) return bad(where + ".bundle", "an object");
    auto bundle = act::bundle_from_text(b->dump(), "");
    if (!bundle) {
      return make_error(ErrorKind::kParse, "lock: " + where + ".bundle: " + bundle.error().message);
    }
    g.plan.fits = true;
    g.plan.torch = bundle->torch;
    g.plan.torchvision = bundle->torchvision;
    g.plan.torchaudio = bundle->torchaudio;
    g.plan.platform = bundle->platform;
    g.plan.index_url = bundle->index_url;
    g.plan.python = fp.python;
    g.plan.package = string_at(gj, "package").value_or("pip");
    g.lock = std::move(*bundle);
    lock.groups.push_back(std::move(g));
  }
  if (lock.groups.empty()) return bad("groups", "at least one group");
  return lock;
}

LockMatch match_group(const FleetLock& lock, const model::Machine& machine,
                      const std::string& python) {
  LockMatch m;
  const auto archs = gpu_archs(machine);
  const std::string arch = canon_arch(machine.os.arch);
  for (std::size_t i = 0; i < lock.groups.size(); ++i) {
    const auto& g = lock.groups[i];
    const auto& f = g.fingerprint;
    auto no = [&](Text why) {
      m.why_not.push_back(tr("fleet.group-not", "{group}: {why}", {{"group", g.id}, {"why", why}}));
    };
    if (machine.os.family != f.os || arch != canon_arch(f.arch)) {
      no(tr("fleet.not-os", "for {os} {arch}; this machine is {have_os} {have_arch}",
            {{"os", f.os}, {"arch", f.arch}, {"have_os", machine.os.family}, {"have_arch", arch}}));
      continue;
    }
    bool have_python = false;
    if (!python.empty()) {
      have_python = major_minor(python) == f.python;
    } else {
      have_python =
          std::any_of(machine.pythons.begin(), machine.pythons.end(),
                      [&](const model::Python& p) { return major_minor(p.version) == f.python; });
    }
    if (!have_python) {
      Text have = python.empty() ? tr("fleet.no-such-python", "this machine has none")
                                 : tr("fleet.python-is", "the interpreter is Python {python}",
                                      {{"python", major_minor(python)}});
      no(tr("fleet.not-python", "for Python {python}; {have}",
            {{"python", f.python}, {"have", have}}));
      continue;
    }
    if (f.glibc) {
      if (!machine.os.glibc) {
        no(tr("fleet.glibc-unknown", "needs glibc {glibc}; this machine's glibc is unknown",
              {{"glibc", *f.glibc}}));
        continue;
      }
      if (older(*machine.os.glibc, *f.glibc)) {
        no(tr("fleet.glibc-older", "needs glibc {glibc}; this machine has {have}",
              {{"glibc", *f.glibc}, {"have", *machine.os.glibc}}));
        continue;
      }
    }
    if (f.gpu_archs.empty() != archs.empty()) {
      if (archs.empty()) {
        no(tr("fleet.group-has-gpus", "its nodes have GPUs ({archs}); this machine has none",
              {{"archs", str::join(f.gpu_archs, ", ")}}));
      } else {
        no(tr("fleet.group-no-gpus", "its nodes have no GPU; this machine has {archs}",
              {{"archs", str::join(archs, ", ")}}));
      }
      continue;
    }
    auto missing = std::find_if(archs.begin(), archs.end(), [&](const std::string& a) {
      return std::find(f.gpu_archs.begin(), f.gpu_archs.end(), a) == f.gpu_archs.end();
    });
    if (missing != archs.end()) {
      no(tr("fleet.arch-not-in-group", "this machine's {arch} is not among its GPUs ({archs})",
            {{"arch", *missing}, {"archs", str::join(f.gpu_archs, ", ")}}));
      continue;
    }
    if (f.driver) {
      if (!machine.nvidia) {
        no(tr("fleet.no-driver", "needs NVIDIA driver {driver} or newer; none is loaded here",
              {{"driver", *f.driver}}));
        continue;
      }
      if (older(machine.nvidia->driver_version, *f.driver)) {
        no(tr("fleet.driver-older",
              "needs NVIDIA driver {driver} or newer; this machine has {have}",
              {{"driver", *f.driver}, {"have", machine.nvidia->driver_version}}));
        continue;
      }
    }
    m.group = i;
    return m;
  }
  return m;
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
