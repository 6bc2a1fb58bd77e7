// The portable part of app/fleet.h that a node needs: its facts read, its fingerprint,
// the lock's format, and which group of a lock it belongs to (fuzzed: fuzz_fleet_lock).
#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>

#include "app/fleet.h"
#include "app/fleet_internal.h"
#include "util/strings.h"
#include "util/version.h"

namespace torchup::app {

namespace fleet_detail {

json fingerprint_json(const FleetFingerprint& f) {
  return {
      {"os", f.os},   {"arch", f.arch},           {"glibc", opt(f.glibc)},  {"python", f.python},
      {"abi", f.abi}, {"gpu_archs", f.gpu_archs}, {"driver", opt(f.driver)}};
}

}  // namespace fleet_detail

using namespace fleet_detail;

std::vector<std::string> gpu_archs(const model::Machine& machine) {
  std::set<std::string> out;
  for (const auto& g : machine.gpus) {
    if (g.compute_capability) {
      if (auto cc = DottedVersion::parse(*g.compute_capability))
        out.insert("sm_" + std::to_string(cc->major()) + std::to_string(cc->minor()));
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
  j.erase("hostname");
  node.key = j.dump();
  return node;
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
  auto schema = j.find("schema");
  if (schema == j.end() || !schema->is_string() || schema->get<std::string>() != kFleetLockSchema)
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
    act::take_build(g.plan, *bundle);
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

}  // namespace torchup::app
