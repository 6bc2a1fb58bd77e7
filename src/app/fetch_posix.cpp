// app/fetch.h where torchup's downloader is built (libcurl's multi interface and POSIX
// files: act/download_curl.cpp, act/download_files_posix.cpp).
#include <algorithm>
#include <filesystem>
#include <map>

#include "act/pip_config.h"
#include "act/wheelset.h"
#include "app/fetch.h"
#include "app/fetch_posix_internal.h"
#include "host/interrupt.h"
#include "util/strings.h"
#include "util/version.h"

namespace torchup::app {
namespace fetch_detail {

Expected<Parts> make_parts(const host::Host& host, const host::HttpOptions& defaults,
                           bool allow_insecure) {
  Parts parts;
  auto cache = act::default_wheel_cache(host);
  if (!cache) {
    return make_error(ErrorKind::kEnvironment,
                      "no place for torchup's wheel cache (neither XDG_CACHE_HOME nor HOME is set)",
                      "set XDG_CACHE_HOME");
  }
  parts.cache_dir = *cache;
  act::TransportOptions options;
  options.allow_insecure = allow_insecure;
  options.proxy = defaults.proxy;
  options.ca_file = defaults.ca_file;
  auto transport = act::make_curl_transport(options);
  if (!transport) return transport.error();
  parts.transport = std::move(*transport);
  parts.files = act::make_download_files();
  return parts;
}

std::string host_of(const std::string& url) {
  auto start = url.find("://");
  if (start == std::string::npos) return url;
  start += 3;
  auto end = url.find('/', start);
  return url.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

// SetProgress -> FileProgress, with the rate over the last second or so.
std::function<void(const act::SetProgress&)> adapt(const ProgressLine& progress,
                                                   host::Clock& clock) {
  if (!progress) return {};
  struct State {
    std::size_t index = static_cast<std::size_t>(-1);
    std::chrono::steady_clock::time_point mark;
    std::uint64_t mark_received = 0;
    double rate = 0;
  };
  auto state = std::make_shared<State>();
  return [progress, state, &clock](const act::SetProgress& p) {
    const auto now = clock.now();
    if (p.index != state->index) {
      *state = State{};
      state->index = p.index;
      state->mark = now;
      state->mark_received = p.progress.received;
    }
    const double seconds = std::chrono::duration<double>(now - state->mark).count();
    if (seconds >= 1.0) {
      state->rate = static_cast<double>(p.progress.received - state->mark_received) / seconds;
      state->mark = now;
      state->mark_received = p.progress.received;
    }
    FileProgress f;
    f.index = p.index;
    f.count = p.count;
    f.file_name = p.wheel ? p.wheel->file_name : "";
    f.done = p.progress.done;
    f.total = p.progress.total;
    f.bytes_per_second = state->rate;
    f.source = host_of(p.progress.source);
    f.finished = p.finished;
    progress(f);
  };
}

std::string sets_dir(const std::string& cache_dir, std::vector<std::string> sha256s) {
  std::sort(sha256s.begin(), sha256s.end());
  std::string base = cache_dir;
  if (str::ends_with(base, "/wheels")) base.resize(base.size() - 7);
  return base + "/sets/" + act::sha256_hex(str::join(sha256s, "\n")).substr(0, 16);
}

std::string mib(std::uint64_t bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", static_cast<double>(bytes) / (1 << 20));
  return buf;
}

}  // namespace fetch_detail

namespace {
using namespace fetch_detail;

struct Fetched {
  act::Resolution resolution;
  act::FetchedSet set;
};

Expected<Fetched> resolve_and_download(host::Host& host, host::HttpClient& http, Parts& parts,
                                       const std::vector<act::IndexSource>& sources,
                                       const std::vector<std::string>& requirements,
                                       const act::TargetFacts& facts, act::ResolveOptions resolve,
                                       const ProgressLine& progress) {
  for (const auto& r : requirements) {
    if (str::starts_with(r, "-")) {
      return make_error(ErrorKind::kUsage,
                        "a nightly plan (" + r + ") is resolved by the installer, not by torchup");
    }
  }
  const act::WheelTarget target = act::make_target(facts);
  auto resolution = act::resolve_wheels(http, sources, requirements, target, resolve);
  if (!resolution) return resolution.error();
  for (const auto& w : resolution->wheels) {
    if (!w.sha256) {
      return make_error(ErrorKind::kNotFound, "the index gives no sha256 for " + w.file_name +
                                                  ", so torchup could not check what it downloads");
    }
  }
  act::probe_sizes(resolution->wheels, parts.cache_dir, *parts.transport, *parts.files,
                   std::chrono::seconds(15));
  act::SetOptions options;
  options.download.cache_dir = parts.cache_dir;
  options.download.should_stop = [] { return host::interrupt_signal() != 0; };
  options.on_progress = adapt(progress, host.clock);
  auto set =
      act::download_set(resolution->wheels, options, *parts.transport, *parts.files, host.clock);
  if (!set) return set.error();
  return Fetched{std::move(*resolution), std::move(*set)};
}

Text summary(const Fetched& f, const std::string& cache_dir) {
  const std::uint64_t cached = f.set.total - std::min(f.set.total, f.set.received);
  return tr(
      "fetch.summary",
      "torchup downloaded {count} wheels ({total} MiB: {received} MiB from {source}, {cached} MiB "
      "from its cache {cache})",
      {{"count", std::to_string(f.set.files.size())},
       {"total", mib(f.set.total)},
       {"received", mib(f.set.received)},
       {"source",
        f.set.files.empty() ? f.resolution.source_name : host_of(f.set.files.front().wheel.url)},
       {"cached", mib(cached)},
       {"cache", cache_dir}});
}

std::string set_dir(const std::string& cache_dir, const act::FetchedSet& set) {
  std::vector<std::string> names;
  for (const auto& f : set.files) names.push_back(f.sha256);
  return sets_dir(cache_dir, std::move(names));
}

}  // namespace

Expected<FetchResult> fetch(const Services& services, const FetchOptions& options,
                            const ProgressLine& progress) {
  host::Host& host = services.host;
  if (options.dest.empty())
    return make_error(ErrorKind::kUsage, "fetch needs --dest DIR", "e.g. --dest ./torch-wheels");
  auto plan = compute_plan(services, options.plan);
  if (!plan) return plan.error();
  FetchResult r;
  r.plan = std::move(*plan);
  if (!r.plan.fits) {
    Text reasons = join_text(r.plan.reasons, tr("install.list-separator", "; "));
    return make_error(ErrorKind::kNoFit,
                      tr("fetch.no-fit", "no PyTorch build fits that machine: {reasons}",
                         {{"reasons", reasons}}));
  }
  if (r.plan.package != "pip" && r.plan.package != "uv") {
    return make_error(ErrorKind::kUsage,
                      "fetch writes pip wheels; the plan installs with " + r.plan.package,
                      "plan for pip with --package pip");
  }
  // The target: this computer's interpreter, or the machine --profile/--root describes.
  if (options.plan.profile.empty() && options.plan.root.empty()) {
    if (r.plan.python_path.empty()) {
      return make_error(ErrorKind::kNotFound, "no Python interpreter found to fetch for",
                        "pass --python PATH, or --profile FILE for another machine");
    }
    auto facts = describe_target(host, r.plan.python_path);
    if (!facts) return facts.error();
    r.target = *facts;
  } else {
    auto machine = read_machine(services, options.plan);
    if (!machine) return machine.error();
    r.target = target_of(*machine, r.plan);
    r.notes.push_back(tr("fetch.for-machine", "resolved for Python {python} on {os} {arch}{libc}",
                         {{"python", r.target.python_version},
                          {"os", r.target.os_family},
                          {"arch", r.target.arch},
                          {"libc", r.target.glibc   ? " (glibc " + *r.target.glibc + ")"
                                   : r.target.macos ? " (macOS " + *r.target.macos + ")"
                                                    : std::string()}}));
  }
  auto http = std::make_shared<act::DefaultedHttp>(host.http, host::HttpOptions{});
  auto listed =
      index_sources(services, *http, r.plan, options.mirrors, options.allow_insecure, r.notes);
  if (!listed) return listed.error();
  const std::vector<act::IndexSource>& sources = *listed;
  auto parts = make_parts(host, {}, options.allow_insecure);
  if (!parts) return parts.error();
  r.cache_dir = parts->cache_dir;
  act::ResolveOptions resolve;
  resolve.allow_insecure = options.allow_insecure;
  if (r.plan.platform != "mps") resolve.variant = r.plan.platform;
  const auto requirements = act::plan_requirements(r.plan);
  std::optional<host::InterruptScope> interrupts;
  interrupts.emplace();
  auto fetched =
      resolve_and_download(host, *http, *parts, sources, requirements, r.target, resolve, progress);
  if (!fetched) return fetched.error();
  std::error_code ec;
  std::string dest = std::filesystem::absolute(options.dest, ec).lexically_normal().string();
  if (dest.size() > 1 && dest.back() == '/') dest.pop_back();
  if (auto placed = act::place_set(fetched->set, dest, *parts->files, false); !placed)
    return placed.error();
  r.bundle = act::make_bundle(fetched->set, r.plan, requirements, r.target, dest);
  if (auto wrote = act::write_bundle(r.bundle, *parts->files); !wrote) return wrote.error();
  r.total = fetched->set.total;
  r.received = fetched->set.received;
  r.source_name = fetched->resolution.source_name;
  r.notes.push_back(summary(*fetched, parts->cache_dir));
  return r;
}

act::Prefetcher make_prefetcher(const Services& services, const PreparedInstall& prepared,
                                const ProgressLine& progress) {
  host::Host* host = &services.host;
  auto http = prepared.http;
  const host::HttpOptions defaults = act::pip_http_defaults(prepared.pip_settings);
  const bool insecure = prepared.request.allow_insecure;
  const auto requirements = act::plan_requirements(prepared.plan);
  const std::string variant = prepared.plan.platform == "mps" ? "" : prepared.plan.platform;
  return [host, http, defaults, insecure, requirements, variant, progress](
             const std::vector<act::IndexSource>& sources,
             const std::string& python) -> Expected<act::Prefetched> {
    auto parts = make_parts(*host, defaults, insecure);
    if (!parts) return parts.error();
    act::ResolveOptions resolve;
    resolve.allow_insecure = insecure;
    resolve.variant = variant;
    auto facts = describe_target(*host, python, &resolve.installed);
    if (!facts) return facts.error();
    auto fetched = resolve_and_download(*host, http ? *http : host->http, *parts, sources,
                                        requirements, *facts, resolve, progress);
    if (!fetched) return fetched.error();
    act::Prefetched out;
    out.dir = set_dir(parts->cache_dir, fetched->set);
    if (auto placed = act::place_set(fetched->set, out.dir, *parts->files, true); !placed)
      return placed.error();
    out.notes.push_back(summary(*fetched, parts->cache_dir));
    if (!fetched->resolution.satisfied.empty()) {
      out.notes.push_back(tr("fetch.satisfied", "already installed, not downloaded: {packages}",
                             {{"packages", str::join(fetched->resolution.satisfied, ", ")}}));
    }
    return out;
  };
}

Status use_bundle(const Services& services, PreparedInstall& p, const std::string& dir_in) {
  host::Host& host = services.host;
  std::error_code ec;
  std::string dir = std::filesystem::absolute(dir_in, ec).lexically_normal().string();
  if (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  auto text = host.fs.read_file(dir + "/torchup-bundle.json");
  if (!text) {
    return make_error(ErrorKind::kNotFound, dir_in + " holds no torchup-bundle.json",
                      "write a bundle with torchup fetch --dest " + dir_in);
  }
  auto bundle = act::bundle_from_text(*text, dir);
  if (!bundle) return bundle.error();
  // The bundle was resolved for one interpreter: Python X.Y, OS and architecture.
  auto have = DottedVersion::parse(p.described.version);
  auto want = DottedVersion::parse(bundle->target.python_version);
  const bool same_python =
      have && want && have->major() == want->major() && have->minor() == want->minor();
  std::string arch = host.system.arch;
  std::string bundle_arch = bundle->target.arch;
  auto canon = [](std::string a) {
    a = str::to_lower(a);
    if (a == "amd64") a = "x86_64";
    if (a == "arm64") a = "aarch64";
    return a;
  };
  if (!same_python || bundle->target.os_family != host.system.os_family ||
      canon(arch) != canon(bundle_arch)) {
    return make_error(
        ErrorKind::kUsage,
        "the bundle in " + dir_in + " is for Python " + bundle->target.python_version + " on " +
            bundle->target.os_family + " " + bundle->target.arch + "; " + p.interpreter +
            " is Python " + p.described.version + " on " + host.system.os_family + " " + arch,
        "fetch a bundle for this machine (torchup detect --json > me.json; torchup fetch --profile "
        "me.json --dest DIR)");
  }
  auto files = act::make_download_files();
  if (auto checked = act::check_bundle(*bundle, *files); !checked) return checked.error();
  act::take_build(p.plan, *bundle);
  p.request.plan = p.plan;
  p.request.sources = {act::IndexSource{"bundle", "", dir, true}};
  p.request.prefetch = {};
  std::uint64_t total = 0;
  for (const auto& f : bundle->files) total += f.size;
  p.bundle_note =
      (tr("install.from-bundle",
          "installing from the bundle {dir} ({count} files, {size} MiB, each checked against "
          "its sha256); no network",
          {{"dir", dir}, {"count", std::to_string(bundle->files.size())}, {"size", mib(total)}}));
  return Ok{};
}

}  // namespace torchup::app
