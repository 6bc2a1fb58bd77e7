// app/fleet.h where torchup's downloader is built: a lock's wheels resolved from the
// index pages (sha256 from the pages, sizes from one-byte range requests), `fleet
// fetch` (every group's wheels once), and install --lock's wheels.
#include <algorithm>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "act/pip_config.h"
#include "act/wheelset.h"
#include "app/fetch.h"
#include "app/fetch_posix_internal.h"
#include "app/fleet.h"
#include "host/interrupt.h"
#include "util/strings.h"
#include "util/version.h"

namespace torchup::app {
namespace {
using namespace fetch_detail;

std::string absolute(const std::string& path) {
  std::error_code ec;
  std::string out = std::filesystem::absolute(path, ec).lexically_normal().string();
  if (out.size() > 1 && out.back() == '/') out.pop_back();
  return out;
}

std::string major_minor(const std::string& version) {
  auto v = DottedVersion::parse(version);
  if (!v) return version;
  return std::to_string(v->major()) + "." + std::to_string(v->minor());
}

act::ResolvedWheel wheel_of(const act::BundleFile& f) {
  act::ResolvedWheel w;
  w.name = f.name;
  w.version = f.version;
  w.file_name = f.file_name;
  w.url = f.url;
  w.sha256 = f.sha256;
  w.size = f.size;
  w.requested = f.requested;
  return w;
}

bool same_version(const std::string& a, const std::string& b) {
  auto va = Version::parse(a), vb = Version::parse(b);
  if (va && vb) return *va == *vb && va->local() == vb->local();
  return a == b;
}

Expected<act::FetchedSet> download_wheels(host::Host& host, Parts& parts,
                                          std::vector<act::ResolvedWheel> wheels,
                                          const ProgressLine& progress) {
  act::SetOptions options;
  options.download.cache_dir = parts.cache_dir;
  options.download.should_stop = [] { return host::interrupt_signal() != 0; };
  options.on_progress = adapt(progress, host.clock);
  std::optional<host::InterruptScope> interrupts;
  interrupts.emplace();
  return act::download_set(std::move(wheels), options, *parts.transport, *parts.files, host.clock);
}

}  // namespace

Status lock_groups(const Services& services, FleetPlan& fleet, const FleetOptions& options) {
  host::Host& host = services.host;
  auto http = std::make_shared<act::DefaultedHttp>(host.http, host::HttpOptions{});
  auto parts = make_parts(host, {}, options.allow_insecure);
  if (!parts) return parts.error();
  std::vector<Text> notes;
  for (auto& g : fleet.groups) {
    if (g.plan.package != "pip" && g.plan.package != "uv") {
      return make_error(
          ErrorKind::kUsage,
          "a lock holds pip wheels; group " + g.id + " installs with " + g.plan.package,
          "plan the fleet for pip with --package pip");
    }
    auto first = std::find_if(fleet.nodes.begin(), fleet.nodes.end(),
                              [&](const FleetNode& n) { return n.group == g.id; });
    if (first == fleet.nodes.end() || !first->machine) continue;
    // The group's wheels must install on its oldest glibc.
    act::TargetFacts target = target_of(*first->machine, g.plan);
    if (target.os_family == "linux") target.glibc = g.fingerprint.glibc;
    auto sources =
        index_sources(services, *http, g.plan, options.mirrors, options.allow_insecure, notes);
    if (!sources) return sources.error();
    act::ResolveOptions resolve;
    resolve.allow_insecure = options.allow_insecure;
    if (g.plan.platform != "mps") resolve.variant = g.plan.platform;
    const auto requirements = act::plan_requirements(g.plan);
    auto resolution =
        act::resolve_wheels(*http, *sources, requirements, act::make_target(target), resolve);
    if (!resolution) {
      return make_error(resolution.error().kind,
                        "group " + g.id + ": " + resolution.error().message,
                        resolution.error().hint);
    }
    act::probe_sizes(resolution->wheels, parts->cache_dir, *parts->transport, *parts->files,
                     std::chrono::seconds(15));
    act::Bundle b;
    b.requirements = requirements;
    b.torch = g.plan.torch;
    b.platform = g.plan.platform;
    b.torchvision = g.plan.torchvision;
    b.torchaudio = g.plan.torchaudio;
    b.index_url = g.plan.index_url;
    b.target = target;
    for (const auto& w : resolution->wheels) {
      if (!w.sha256) {
        return make_error(ErrorKind::kNotFound, "the index gives no sha256 for " + w.file_name +
                                                    ": a lock needs each file's hash");
      }
      if (!w.size) {
        return make_error(ErrorKind::kNetwork,
                          "the index did not say how large " + w.file_name + " is (" + w.url + ")",
                          "a lock needs each file's size; try again, or another --mirror");
      }
      b.files.push_back({w.name, w.version, w.file_name, w.url, *w.sha256, *w.size, w.requested});
    }
    g.lock = std::move(b);
  }
  for (const auto& n : notes) {
    if (std::find(fleet.notes.begin(), fleet.notes.end(), n) == fleet.notes.end())
      fleet.notes.push_back(n);
  }
  const std::string file = absolute(options.lock);
  const std::string dir = std::filesystem::path(file).parent_path().string();
  if (auto made = parts->files->make_dirs(dir); !made) return made;
  if (auto wrote = parts->files->write_small(file, lock_json(fleet).dump(2) + "\n"); !wrote)
    return wrote;
  for (const auto& g : fleet.groups) {
    if (!g.lock) continue;
    if (auto wrote = parts->files->write_small(dir + "/pylock." + g.id + ".toml",
                                               act::pylock_toml(*g.lock, false));
        !wrote)
      return wrote;
  }
  fleet.notes.push_back(tr("fleet.lock-written",
                           "wrote the lock {file} and a pylock.<group>.toml per group beside it",
                           {{"file", file}}));
  return Ok{};
}

Expected<FleetFetchResult> fleet_fetch(const Services& services, const std::string& lock_file,
                                       const std::string& dest_in, const ProgressLine& progress) {
  host::Host& host = services.host;
  if (dest_in.empty()) return make_error(ErrorKind::kUsage, "fleet fetch needs --dest DIR");
  auto text = host.fs.read_file(absolute(lock_file));
  if (!text)
    return make_error(ErrorKind::kNotFound, "cannot read the lock " + lock_file,
                      "write one with torchup fleet plan FACTS --lock FILE");
  auto lock = lock_from_text(*text);
  if (!lock) return lock.error();
  auto parts = make_parts(host, {}, false);
  if (!parts) return parts.error();
  std::vector<act::ResolvedWheel> wheels;
  std::set<std::string> seen;
  for (const auto& g : lock->groups) {
    for (const auto& f : g.lock->files) {
      if (seen.insert(f.sha256).second) wheels.push_back(wheel_of(f));
    }
  }
  auto set = download_wheels(host, *parts, std::move(wheels), progress);
  if (!set) return set.error();
  FleetFetchResult r;
  r.dest = absolute(dest_in);
  // Changed: a file DIR lacks (or of another size), or another lock beside them.
  for (const auto& f : set->files) {
    auto have = parts->files->file_size(r.dest + "/" + f.wheel.file_name);
    if (!have || *have != f.size) r.changed = true;
  }
  if (parts->files->read_small(r.dest + "/torchup-fleet-lock.json") != *text) r.changed = true;
  if (auto placed = act::place_set(*set, r.dest, *parts->files, false); !placed)
    return placed.error();
  if (auto wrote = parts->files->write_small(r.dest + "/torchup-fleet-lock.json", *text); !wrote)
    return wrote.error();
  r.files = set->files.size();
  r.total = set->total;
  r.received = set->received;
  r.notes.push_back(
      tr("fleet.fetched",
         "{count} wheels for {groups} groups ({total} MiB, {received} MiB downloaded) "
         "in {dir}; install on each node with torchup install --lock LOCK --from {dir}",
         {{"count", std::to_string(r.files)},
          {"groups", std::to_string(lock->groups.size())},
          {"total", mib(r.total)},
          {"received", mib(r.received)},
          {"dir", r.dest}}));
  return r;
}

Status use_lock(const Services& services, PreparedInstall& p, const act::Bundle& wheels,
                const std::string& from, const ProgressLine& progress) {
  host::Host& host = services.host;
  if (major_minor(p.described.version) != major_minor(wheels.target.python_version)) {
    return make_error(ErrorKind::kUsage,
                      "group " + p.lock_group + " is for Python " +
                          major_minor(wheels.target.python_version) + "; " + p.interpreter +
                          " is Python " + p.described.version,
                      "pass --python with a Python " + major_minor(wheels.target.python_version) +
                          " interpreter");
  }
  act::Bundle b = wheels;
  // Already there: every locked distribution at its locked version.
  std::string target = p.interpreter;
  if (p.request.venv) {
    target = host::venv_python(host, *p.request.venv);
    if (!host.fs.is_executable(target)) target.clear();
  }
  if (!target.empty()) {
    std::map<std::string, std::string> installed;
    if (describe_target(host, target, &installed)) {
      p.unchanged = std::all_of(b.files.begin(), b.files.end(), [&](const act::BundleFile& f) {
        auto it = installed.find(act::normalize_name(f.name));
        return it != installed.end() && same_version(it->second, f.version);
      });
    }
  }
  std::uint64_t total = 0;
  std::vector<std::string> shas;
  for (const auto& f : b.files) {
    total += f.size;
    shas.push_back(f.sha256);
  }
  if (!from.empty()) {
    b.dir = absolute(from);
    auto files = act::make_download_files();
    if (auto checked = act::check_bundle(b, *files); !checked) return checked.error();
  } else {
    auto parts = make_parts(host, act::pip_http_defaults(p.pip_settings), p.request.allow_insecure);
    if (!parts) return parts.error();
    b.dir = sets_dir(parts->cache_dir, shas);
    if (!p.request.dry_run && !p.unchanged) {
      std::vector<act::ResolvedWheel> list;
      for (const auto& f : b.files) list.push_back(wheel_of(f));
      auto set = download_wheels(host, *parts, std::move(list), progress);
      if (!set) return set.error();
      if (auto placed = act::place_set(*set, b.dir, *parts->files, true); !placed) return placed;
      if (auto checked = act::check_bundle(b, *parts->files); !checked) return checked.error();
    }
  }
  act::take_build(p.plan, b);
  p.request.plan = p.plan;
  p.request.sources = {act::IndexSource{"lock", "", b.dir, true}};
  p.request.prefetch = {};
  // Exactly the locked files: every one pinned to its own version, local label included
  // (a shared directory holds every group's wheels, +cpu beside +cu126).
  p.request.requirements.clear();
  for (const auto& f : b.files) p.request.requirements.push_back(f.name + "==" + f.version);
  p.bundle_note =
      tr("install.from-lock",
         "installing group {group} of the lock: {count} wheels ({size} MiB) from {dir}, "
         "each checked against its sha256",
         {{"group", p.lock_group},
          {"count", std::to_string(b.files.size())},
          {"size", mib(total)},
          {"dir", b.dir}});
  return Ok{};
}

Expected<std::vector<std::string>> write_slurm_scripts(const SlurmOptions& options) {
  auto scripts = slurm_scripts(options);
  if (!scripts) return scripts.error();
  auto files = act::make_download_files();
  if (auto made = files->make_dirs(options.out); !made) return made.error();
  std::vector<std::string> paths;
  for (const auto& script : *scripts) {
    const std::string path = options.out + "/" + script.name;
    if (auto wrote = files->write_small(path, script.text); !wrote) return wrote.error();
    paths.push_back(path);
  }
  return paths;
}

}  // namespace torchup::app
