// macOS detection over the host seams (issue 12 part 5), for the live Mac and for --root
// trees of a Mac's disk (DIR/System/Library/CoreServices/SystemVersion.plist marks one):
//  - os: SystemVersion.plist (ProductName, ProductVersion); the CPU from the live host, else
//    the Mach-O header of an interpreter found below, else Homebrew's prefix (/opt/homebrew
//    on Apple silicon, /usr/local on Intel: docs.brew.sh "Installation").
//  - GPUs: `system_profiler SPDisplaysDataType -json` on the live Mac (with a timeout);
//    under --root an Apple-silicon Mac's GPU is the SoC's own (named "Apple silicon GPU"),
//    an Intel Mac's GPU is unknown (nothing on disk names it) and a warning says so.
//  - Pythons: python.org's framework builds (/Library/Frameworks/Python.framework/Versions/X.Y),
//    the Command Line Tools' Python3.framework, Homebrew's Cellar (python@X.Y/X.Y.Z, under
//    /opt/homebrew and /usr/local), pyenv, conda and venvs in /Users/*; version from
//    include/pythonX.Y/patchlevel.h, the Cellar folder, pyvenv.cfg or conda-meta; torch from
//    lib/pythonX.Y/site-packages without importing it. Nothing runs under --root.
// Not run on a real Mac here (no Mac in this project's machines): tested with fixture trees
// and scripted system_profiler output only.
#include <algorithm>

#include "detect/detect_os.h"
#include "detect/parse.h"
#include "detect/parse_macos.h"
#include "detect/probes.h"
#include "util/strings.h"
#include "util/version.h"

namespace torchup::detect {
namespace {

constexpr const char* kSystemVersion = "/System/Library/CoreServices/SystemVersion.plist";

struct Found {
  model::Python info;
  std::string prefix;  // sys.prefix: site-packages is prefix/lib/pythonX.Y/site-packages
  std::string minor;
  std::string site;    // set when the layout puts site-packages elsewhere (Homebrew)
};

std::string minor_of(const std::string& version) {
  auto first = version.find('.');
  if (first == std::string::npos) return {};
  auto second = version.find('.', first + 1);
  return version.substr(0, second);
}

std::optional<std::string> patchlevel(const host::FileSystem& fs, const std::string& prefix, const std::string& minor) {
  auto header = read_small(fs, prefix + "/include/python" + minor + "/patchlevel.h");
  if (!header) return std::nullopt;
  auto def = header->find("#define PY_VERSION");
  auto open = def == std::string::npos ? def : header->find('"', def);
  auto close = open == std::string::npos ? open : header->find('"', open + 1);
  if (close == std::string::npos || close - open > 32) return std::nullopt;
  auto v = header->substr(open + 1, close - open - 1);
  return DottedVersion::parse(v) ? std::optional<std::string>(v) : std::nullopt;
}

std::optional<std::string> interpreter_in(const host::FileSystem& fs, const std::string& bin, const std::string& minor) {
  for (const auto& name : {std::string("python3"), "python" + minor, std::string("python")}) {
    if (fs.exists(bin + "/" + name)) return bin + "/" + name;
  }
  return std::nullopt;
}

class MacFinder {
 public:
  MacFinder(host::Host& host, model::Machine& machine) : host_(host), fs_(host.fs), machine_(machine) {}

  void run() {
    frameworks("/Library/Frameworks/Python.framework/Versions");
    frameworks("/Library/Developer/CommandLineTools/Library/Frameworks/Python3.framework/Versions");
    for (const char* brew : {"/opt/homebrew", "/usr/local"}) homebrew(brew);
    std::vector<std::string> homes;
    if (host_.live) {
      if (auto h = host_.env.get("HOME"); h && !h->empty()) homes.push_back(*h);
    } else {
      for (const auto& user : fs_.list_dir("/Users")) {
        if (user != "Shared" && !user.starts_with(".")) homes.push_back("/Users/" + user);
      }
    }
    for (const auto& home : homes) {
      for (const auto& v : fs_.list_dir(home + "/.pyenv/versions")) add_prefix(home + "/.pyenv/versions/" + v, v);
      for (const char* base : {"miniconda3", "anaconda3", "miniforge3", "opt/anaconda3"}) {
        auto b = home + "/" + base;
        if (!fs_.is_dir(b)) continue;
        add_prefix(b, "");
        for (const auto& env : fs_.list_dir(b + "/envs")) add_prefix(b + "/envs/" + env, "");
      }
      for (const auto& entry : fs_.list_dir(home)) {
        if (fs_.exists(home + "/" + entry + "/pyvenv.cfg")) add_prefix(home + "/" + entry, "");
      }
    }
    for (auto& f : found_) {
      fill_torch(f);
      machine_.pythons.push_back(std::move(f.info));
    }
  }

  // The CPU of the first interpreter whose Mach-O header names one.
  std::optional<std::string> arch() const {
    for (const auto& f : found_arches_) {
      if (f) return f;
    }
    return std::nullopt;
  }

 private:
  void frameworks(const std::string& versions) {
    for (const auto& minor : fs_.list_dir(versions)) {
      if (minor == "Current" || !DottedVersion::parse(minor)) continue;
      auto prefix = versions + "/" + minor;
      auto exe = interpreter_in(fs_, prefix + "/bin", minor);
      if (!exe) continue;
      Found f;
      f.info.path = *exe;
      f.prefix = prefix;
      f.minor = minor;
      f.info.version = patchlevel(fs_, prefix, minor).value_or(minor);
      add(std::move(f));
    }
  }

  // Homebrew: Cellar/python@X.Y/X.Y.Z[_N]/ (the keg; its framework holds the interpreter),
  // with pip's site-packages at <brew>/lib/pythonX.Y/site-packages (Homebrew's python formula).
  void homebrew(const std::string& brew) {
    auto cellar = brew + "/Cellar";
    for (const auto& formula : fs_.list_dir(cellar)) {
      if (!formula.starts_with("python@")) continue;
      auto minor = formula.substr(7);
      for (const auto& keg : fs_.list_dir(cellar + "/" + formula)) {
        auto version = keg.substr(0, keg.find('_'));
        if (!DottedVersion::parse(version)) continue;
        auto exe = brew + "/bin/python" + minor;
        if (!fs_.exists(exe)) {
          auto in_keg = interpreter_in(fs_, cellar + "/" + formula + "/" + keg + "/bin", minor);
          if (!in_keg) continue;
          exe = *in_keg;
        }
        Found f;
        f.info.path = exe;
        f.prefix = brew;
        f.minor = minor;
        f.info.version = version;
        f.site = brew + "/lib/python" + minor + "/site-packages";
        add(std::move(f));
      }
    }
  }

  void add_prefix(const std::string& prefix, const std::string& version_hint) {
    std::string version;
    if (auto cfg = read_small(fs_, prefix + "/pyvenv.cfg")) version = parse_pyvenv_cfg(*cfg).version.value_or("");
    if (version.empty() && DottedVersion::parse(version_hint)) version = version_hint;
    if (version.empty()) {
      for (const auto& entry : fs_.list_dir(prefix + "/conda-meta")) {
        if (entry.starts_with("python-") && entry.size() > 7 && std::isdigit(static_cast<unsigned char>(entry[7]))) {
          auto v = entry.substr(7, entry.find('-', 7) - 7);
          if (DottedVersion::parse(v)) version = v;
          break;
        }
      }
    }
    std::string minor = minor_of(version);
    if (minor.empty()) {
      for (const auto& entry : fs_.list_dir(prefix + "/lib")) {
        if (auto m = python_minor_from_name(entry)) minor = *m;
      }
    }
    auto exe = interpreter_in(fs_, prefix + "/bin", minor);
    if (!exe) return;
    Found f;
    f.info.path = *exe;
    f.prefix = prefix;
    f.minor = minor;
    f.info.version = version.empty() ? patchlevel(fs_, prefix, minor).value_or(minor) : version;
    add(std::move(f));
  }

  void add(Found f) {
    for (const auto& seen : found_) {
      if (seen.info.path == f.info.path) return;
    }
    if (f.info.version.empty() || std::count(f.info.version.begin(), f.info.version.end(), '.') < 2) {
      machine_.warnings.push_back("Python at " + f.info.path + ": only the minor version " +
                                  (f.info.version.empty() ? std::string("(unknown)") : f.info.version) + " is known");
    }
    auto bytes = fs_.read_file(resolve_links(fs_, f.info.path), 64);
    found_arches_.push_back(bytes ? macho_arch(*bytes) : std::nullopt);
    f.info.bits = 64;  // macOS runs 64-bit programs only since 10.15 (Apple, "About 32-bit app compatibility")
    found_.push_back(std::move(f));
  }

  void fill_torch(Found& f) {
    if (f.minor.empty()) return;
    auto site = f.site.empty() ? f.prefix + "/lib/python" + f.minor + "/site-packages" : f.site;
    if (!fs_.is_dir(site + "/torch")) return;
    model::InstalledTorch torch;
    torch.location = site;
    for (const auto& entry : fs_.list_dir(site)) {
      if (!entry.starts_with("torch-") || !str::ends_with(entry, ".dist-info")) continue;
      auto meta = read_small(fs_, site + "/" + entry + "/METADATA");
      auto m = meta ? parse_dist_metadata(*meta) : std::nullopt;
      if (m && str::to_lower(m->name) == "torch") torch.version = m->version;
    }
    if (auto py = read_small(fs_, site + "/torch/version.py")) {
      auto v = parse_torch_version_py(*py);
      if (v.version) torch.version = *v.version;
    }
    if (torch.version.empty()) {
      machine_.warnings.push_back("torch at " + site + "/torch: version unknown (no readable METADATA or torch/version.py)");
      return;
    }
    f.info.torch = torch;
  }

  host::Host& host_;
  const host::FileSystem& fs_;
  model::Machine& machine_;
  std::vector<Found> found_;
  std::vector<std::optional<std::string>> found_arches_;
};

}  // namespace

bool is_macos_tree(const host::FileSystem& fs) { return fs.exists(kSystemVersion); }

model::Machine detect_macos(host::Host& host, const DetectOptions& options) {
  model::Machine machine;
  machine.os.family = "macos";
  if (auto plist = read_small(host.fs, kSystemVersion)) {
    auto name = plist_string(*plist, "ProductName");
    auto version = plist_string(*plist, "ProductVersion");
    if (version) machine.os.version = *version;
    machine.os.name = name.value_or("macOS") + (version ? " " + *version : std::string());
  } else {
    machine.warnings.push_back(std::string(kSystemVersion) + " unreadable: macOS version unknown");
  }
  MacFinder finder(host, machine);
  finder.run();
  std::string arch = host.live ? host.system.arch : std::string();
  if (arch.empty()) arch = finder.arch().value_or("");
  if (arch.empty() && host.fs.is_dir("/opt/homebrew/bin")) arch = "arm64";
  if (arch.empty() && host.fs.is_dir("/usr/local/Homebrew")) arch = "x86_64";
  if (arch.empty()) machine.warnings.push_back("CPU architecture unknown (no thin Mach-O interpreter, no Homebrew prefix)");
  machine.os.arch = arch;
  if (host.live) {
    host::RunOptions run;
    run.timeout = options.process_timeout;
    auto r = host.runner.run({"/usr/sbin/system_profiler", "SPDisplaysDataType", "-json"}, run);
    if (r.ok()) machine.gpus = parse_system_profiler_displays(r.out);
    if (!r.ok() || machine.gpus.empty()) machine.warnings.push_back("system_profiler SPDisplaysDataType gave no GPUs");
  } else if (arch == "arm64") {
    machine.gpus.push_back(model::Gpu{"apple", "Apple silicon GPU", {}, {}, {}, "arm64: the SoC's GPU"});
  } else {
    machine.warnings.push_back("GPU model unknown under --root: on an Intel Mac only system_profiler (live) names it");
  }
  if (machine.pythons.empty()) machine.warnings.push_back("no Python found");
  return machine;
}

}  // namespace torchup::detect
