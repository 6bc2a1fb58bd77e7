// Windows Pythons and their torch, from the registry and the file layout; nothing runs:
//  - PEP 514 (peps.python.org/pep-0514): HKCU and HKLM SOFTWARE\Python\<Company>\<Tag>,
//    the 32-bit view of HKLM under SOFTWARE\WOW6432Node\Python; InstallPath's default value
//    and ExecutablePath; Version / SysVersion / SysArchitecture when the installer wrote
//    them. PythonCore is python.org's; other companies (ContinuumAnalytics: Anaconda) too;
//    "PyLauncher" is reserved for the py launcher, not an interpreter (PEP 514).
//  - the Microsoft Store package: python.exe in %LOCALAPPDATA%\Microsoft\WindowsApps's
//    folder PythonSoftwareFoundation.Python.3.X_qbz5n2kfra8p0; a bare python.exe
//    there is the App Execution Alias that opens the Store, not a Python.
//  - conda (python.exe at the prefix's root, envs\*): %USERPROFILE%\{anaconda3,miniconda3,
//    miniforge3,mambaforge}, %ProgramData%\{anaconda3,miniconda3}; venvs (pyvenv.cfg,
//    Scripts\python.exe) in the profile; pyenv-win (%USERPROFILE%\.pyenv\pyenv-win\versions\*).
//  - version: PEP 514's Version, pyvenv.cfg, conda-meta\python-X.Y.Z-*.json, the pyenv-win
//    folder name, include\patchlevel.h; bits: the interpreter's PE header, else PEP 514.
//  - torch: Lib\site-packages\torch-*.dist-info\METADATA and torch\version.py, not imported.
#include <algorithm>
#include <map>

#include "detect/parse.h"
#include "detect/parse_windows.h"
#include "detect/probes.h"
#include "detect/windows.h"
#include "util/strings.h"
#include "util/version.h"

namespace torchup::detect::win {
namespace {

struct Found {
  model::Python info;
  std::string prefix;          // the directory holding python.exe
  std::string version_source;  // for the unknown-version warning
  std::optional<int> registry_bits;
  bool store = false;
  bool venv = false;
};

bool is_version(std::string_view v) { return !v.empty() && DottedVersion::parse(v).has_value(); }

// "3.12" from "3.12-32", "3.12.4" from "3.12.4-win32"
std::string leading_version(std::string_view text) {
  std::size_t n = 0;
  while (n < text.size() && (std::isdigit(static_cast<unsigned char>(text[n])) || text[n] == '.'))
    ++n;
  std::string v(text.substr(0, n));
  while (!v.empty() && v.back() == '.') v.pop_back();
  return is_version(v) ? v : std::string();
}

class Finder {
 public:
  explicit Finder(Context& ctx, model::Machine& machine)
      : ctx_(ctx), fs_(ctx.host.fs), machine_(machine) {}

  void pep514() {
    using host::RegHive;
    for (auto hive : {RegHive::current_user, RegHive::local_machine}) {
      for (std::string base : {"SOFTWARE\\Python", "SOFTWARE\\WOW6432Node\\Python"}) {
        bool wow = base.find("WOW6432Node") != std::string::npos;
        for (const auto& company : ctx_.host.registry.subkeys(hive, base)) {
          if (lower(company) == "pylauncher") continue;
          for (const auto& tag : ctx_.host.registry.subkeys(hive, base + "\\" + company)) {
            std::string key = base + "\\" + company + "\\" + tag;
            std::string hive_name = hive == RegHive::current_user ? "HKCU\\" : "HKLM\\";
            auto install = ctx_.reg_string(hive, key + "\\InstallPath", "");
            auto exe = ctx_.reg_string(hive, key + "\\InstallPath", "ExecutablePath");
            if (!exe && install) exe = join(*install, "python.exe");
            if (!exe) {
              machine_.warnings.push_back(tr("detect.pep514-no-install-path",
                                             "{key}: no InstallPath (PEP 514): not a "
                                             "usable Python entry",
                                             {{"key", hive_name + key}}));
              continue;
            }
            Found f;
            f.info.path = *exe;
            f.prefix = install ? trimmed(*install) : dirname(*exe);
            auto version = ctx_.reg_string(hive, key, "Version");
            if (!version || !is_version(*version))
              version = ctx_.reg_string(hive, key, "SysVersion");
            if ((!version || !is_version(*version)) && lower(company) == "pythoncore")
              version = leading_version(tag);
            if (version && is_version(*version)) {
              f.info.version = *version;
              f.version_source = hive_name + key;
            }
            auto arch = ctx_.reg_string(hive, key, "SysArchitecture");
            if (arch && lower(*arch) == "32bit")
              f.registry_bits = 32;
            else if (arch && lower(*arch) == "64bit")
              f.registry_bits = 64;
            // HKCU is shared by both views, so python.org tags 32-bit per-user installs "X.Y-32"
            // (PEP 514).
            else if (wow || str::ends_with(tag, "-32"))
              f.registry_bits = 32;
            add(std::move(f), hive_name + key);
          }
        }
      }
    }
  }

  void store_pythons() {
    for (const auto& profile : ctx_.profiles) {
      auto apps = profile + "\\AppData\\Local\\Microsoft\\WindowsApps";
      for (const auto& entry : fs_.list_dir(apps)) {
        if (!lower(entry).starts_with("pythonsoftwarefoundation.python.")) continue;
        auto exe = join(join(apps, entry), "python.exe");
        if (!fs_.exists(exe)) continue;
        Found f;
        f.info.path = exe;
        f.prefix = join(apps, entry);
        // The package family name carries the minor version:
        // PythonSoftwareFoundation.Python.3.12_qbz5n2kfra8p0.
        auto v = leading_version(std::string_view(entry).substr(32));
        if (!v.empty()) {
          f.info.version = v;
          f.version_source = "the Store package name " + entry;
        }
        f.registry_bits = 64;  // the Store package is published for x64 and ARM64 only
        add(std::move(f), exe);
      }
    }
  }

  void conda_and_venvs() {
    std::vector<std::string> bases;
    for (const auto& profile : ctx_.profiles) {
      for (const char* name : {"anaconda3", "miniconda3", "miniforge3", "mambaforge"})
        bases.push_back(join(profile, name));
    }
    auto data = ctx_.var("ProgramData").value_or("C:\\ProgramData");
    for (const char* name : {"anaconda3", "miniconda3"}) bases.push_back(join(data, name));
    for (const auto& base : bases) {
      if (!fs_.is_dir(base)) continue;
      add_dir(base, false);
      for (const auto& env : fs_.list_dir(join(base, "envs")))
        add_dir(join(join(base, "envs"), env), false);
    }
    for (const auto& profile : ctx_.profiles) {
      for (const auto& entry : fs_.list_dir(profile)) {
        auto dir = join(profile, entry);
        if (fs_.exists(join(dir, "pyvenv.cfg"))) add_dir(dir, true);
      }
      auto pyenv = join(profile, ".pyenv\\pyenv-win\\versions");
      for (const auto& version : fs_.list_dir(pyenv)) add_dir(join(pyenv, version), false);
    }
    if (ctx_.host.live) {
      for (const char* var : {"VIRTUAL_ENV", "CONDA_PREFIX"}) {
        if (auto v = ctx_.host.env.get(var); v && !v->empty())
          add_dir(*v, fs_.exists(join(*v, "pyvenv.cfg")), true);
      }
    }
  }

  void finish() {
    for (auto& f : found_) {
      fill_version(f);
      fill_bits(f);
      fill_torch(f);
      if (f.store) {
        // docs.python.org/3/using/windows.html ("The Microsoft Store package", known issues):
        // writes to %APPDATA%, TEMP and the registry are redirected into a private copy; the
        // deep package path meets the 260-character limit with torch's long file names
        // (research/pain-points.md, Windows paths).
        machine_.warnings.push_back(
            tr("detect.store-python",
               "Python {version} at {path} is the Microsoft Store package: it runs sandboxed (its "
               "writes to AppData, TEMP and the registry go to a private copy) and its deep "
               "install path can exceed Windows' 260-character path limit while pip installs "
               "torch; the python.org installer avoids both",
               {{"version", f.info.version}, {"path", f.info.path}}));
      }
      if (f.info.bits == 32) {
        // PyTorch publishes Windows wheels for 64-bit Python only (pytorch.org Get Started:
        // "PyTorch on Windows only supports 64-bit Python"; pip finds nothing,
        // pytorch/pytorch#41005).
        machine_.warnings.push_back(
            tr("detect.python-32-bit",
               "Python {version} at {path} is 32-bit: PyTorch has no 32-bit "
               "Windows builds; install a 64-bit Python",
               {{"version", f.info.version}, {"path", f.info.path}}));
      }
      machine_.pythons.push_back(std::move(f.info));
    }
  }

 private:
  static std::string trimmed(std::string dir) {
    while (dir.size() > 3 && (dir.back() == '\\' || dir.back() == '/')) dir.pop_back();
    return dir;
  }

  // A python.exe in `dir` (conda prefixes and pyenv-win versions hold it at the root; venvs in
  // Scripts).
  void add_dir(const std::string& dir, bool venv, bool active = false) {
    auto exe = join(dir, venv ? "Scripts\\python.exe" : "python.exe");
    if (!fs_.exists(exe)) return;
    Found f;
    f.info.path = exe;
    f.info.active = active;
    f.prefix = trimmed(dir);
    f.venv = venv;
    auto name = basename(f.prefix);
    // pyenv-win names a 32-bit version "3.9.6-win32" (pyenv-win's version list).
    if (str::icontains(dir, "\\pyenv-win\\versions\\")) {
      auto v = leading_version(name);
      if (!v.empty()) {
        f.info.version = v;
        f.version_source = "the pyenv-win folder " + name;
      }
      if (str::ends_with(str::to_lower(name), "-win32")) f.registry_bits = 32;
    }
    add(std::move(f), exe);
  }

  void add(Found f, const std::string& where) {
    (void)where;
    f.store = str::icontains(f.info.path, "\\WindowsApps\\");
    for (auto& seen : found_) {
      if (lower(seen.info.path) != lower(f.info.path)) continue;
      if (seen.info.version.empty()) seen.info.version = f.info.version;
      if (!seen.registry_bits) seen.registry_bits = f.registry_bits;
      seen.info.active = seen.info.active || f.info.active;
      return;
    }
    found_.push_back(std::move(f));
  }

  void fill_version(Found& f) {
    if (f.venv || fs_.exists(join(f.prefix, "pyvenv.cfg"))) {
      f.venv = true;
      if (auto text = read_small(fs_, join(f.prefix, "pyvenv.cfg"))) {
        auto cfg = parse_pyvenv_cfg(*text);
        if (cfg.version) f.info.version = *cfg.version;
        if (cfg.home) home_[f.info.path] = *cfg.home;
      }
    }
    if (!f.info.version.empty() &&
        std::count(f.info.version.begin(), f.info.version.end(), '.') >= 2)
      return;
    for (const auto& entry : fs_.list_dir(join(f.prefix, "conda-meta"))) {
      if (entry.starts_with("python-") && entry.size() > 7 &&
          std::isdigit(static_cast<unsigned char>(entry[7]))) {
        auto v = entry.substr(7, entry.find('-', 7) - 7);
        if (is_version(v)) {
          f.info.version = v;
          return;
        }
      }
    }
    auto home = home_.count(f.info.path) ? trimmed(home_[f.info.path]) : f.prefix;
    if (auto header = read_small(fs_, join(home, "include\\patchlevel.h"))) {
      auto def = header->find("#define PY_VERSION");
      auto open = def == std::string::npos ? def : header->find('"', def);
      auto close = open == std::string::npos ? open : header->find('"', open + 1);
      if (close != std::string::npos && close - open < 32) {
        auto t = header->substr(open + 1, close - open - 1);
        if (is_version(t)) {
          f.info.version = t;
          return;
        }
      }
    }
    if (f.info.version.empty()) {
      machine_.warnings.push_back(tr("detect.windows-python-version-unknown",
                                     "Python at {path}: version unknown (no PEP "
                                     "514 Version, pyvenv.cfg, conda-meta or "
                                     "include\\patchlevel.h)",
                                     {{"path", f.info.path}}));
    } else if (std::count(f.info.version.begin(), f.info.version.end(), '.') < 2) {
      machine_.warnings.push_back(
          tr("detect.windows-python-minor-only",
             "Python at {path}: only the minor version "
             "{version} is known (from {source})",
             {{"path", f.info.path}, {"version", f.info.version}, {"source", f.version_source}}));
    }
  }

  void fill_bits(Found& f) {
    // A venv's python.exe is a copy of the base's launcher, built for the same machine.
    std::vector<std::string> images = {f.info.path};
    if (home_.count(f.info.path)) images.push_back(join(trimmed(home_[f.info.path]), "python.exe"));
    for (const auto& image : images) {
      if (auto bytes = fs_.read_file(image, 4096)) {
        if (auto bits = pe_bits(*bytes)) {
          f.info.bits = *bits;
          return;
        }
      }
    }
    f.info.bits = f.registry_bits.value_or(64);
  }

  void fill_torch(Found& f) {
    std::vector<std::string> dirs = {join(f.prefix, "Lib\\site-packages")};
    // pip install --user: %APPDATA%\Python\Python312\site-packages (site.USER_SITE on Windows).
    auto parsed = DottedVersion::parse(f.info.version);
    if (!f.venv && parsed && parsed->parts().size() >= 2) {
      for (const auto& profile : ctx_.profiles) {
        dirs.push_back(join(profile, "AppData\\Roaming\\Python\\Python" +
                                         std::to_string(parsed->major()) +
                                         std::to_string(parsed->minor()) + "\\site-packages"));
      }
    }
    for (const auto& dir : dirs) {
      if (!fs_.is_dir(join(dir, "torch"))) continue;
      model::InstalledTorch torch;
      torch.location = dir;
      for (const auto& entry : fs_.list_dir(dir)) {
        if (!lower(entry).starts_with("torch-") || !str::ends_with(entry, ".dist-info")) continue;
        auto meta = read_small(fs_, join(join(dir, entry), "METADATA"));
        auto m = meta ? parse_dist_metadata(*meta) : std::nullopt;
        if (m && lower(m->name) == "torch") {
          torch.version = m->version;
          break;
        }
      }
      if (auto py = read_small(fs_, join(dir, "torch\\version.py"))) {
        auto v = parse_torch_version_py(*py);
        if (v.version) torch.version = *v.version;
        torch.cuda = v.cuda;
        torch.hip = v.hip;
      }
      // Without version.py, the local version tag says the build: "+cu124" is CUDA 12.4.
      auto plus = torch.version.find("+cu");
      if (!torch.cuda && plus != std::string::npos && torch.version.size() >= plus + 6) {
        auto digits = torch.version.substr(plus + 3);
        if (std::all_of(digits.begin(), digits.end(),
                        [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
          torch.cuda = digits.substr(0, digits.size() - 1) + "." + digits.substr(digits.size() - 1);
        }
      }
      if (torch.version.empty()) {
        machine_.warnings.push_back(tr("detect.windows-torch-version-unknown",
                                       "torch at {path}: version unknown (no "
                                       "readable METADATA or torch\\version.py)",
                                       {{"path", join(dir, "torch")}}));
        continue;
      }
      f.info.torch = torch;
      return;
    }
  }

  Context& ctx_;
  const host::FileSystem& fs_;
  model::Machine& machine_;
  std::vector<Found> found_;
  std::map<std::string, std::string> home_;  // interpreter -> pyvenv.cfg home
};

}  // namespace

void probe_pythons(Context& ctx, model::Machine& machine) {
  Finder finder(ctx, machine);
  finder.pep514();
  finder.store_pythons();
  finder.conda_and_venvs();
  finder.finish();
  if (machine.pythons.empty()) {
    machine.warnings.push_back(tr("detect.windows-no-python",
                                  "no Python found (PEP 514 registry entries, the Store package, "
                                  "conda, venvs, pyenv-win)"));
  }
}

}  // namespace torchup::detect::win
