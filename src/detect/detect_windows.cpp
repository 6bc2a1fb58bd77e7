// Windows detection: the probes of windows.h in order, over the host's seams.
//  - live (host.system.os_family == "windows"): the host's file system, registry,
//    environment and runner;
//  - a Windows --root tree (DIR/registry.reg, a regedit export of the machine's keys, and
//    DIR/C/... for drive C:): registry.reg is read as a text registry, Windows paths are
//    mapped onto the tree (case-insensitive, as NTFS looks names up) and nothing runs.
#include <algorithm>

#include "detect/detect_os.h"
#include "detect/parse_windows.h"
#include "detect/probes.h"
#include "detect/windows.h"
#include "util/strings.h"

namespace torchup::detect {
namespace win {

std::string lower(std::string_view s) { return str::to_lower(s); }

std::string join(const std::string& dir, const std::string& name) {
  if (dir.empty()) return name;
  if (dir.back() == '\\' || dir.back() == '/') return dir + name;
  return dir + "\\" + name;
}

std::string dirname(const std::string& path) {
  auto cut = path.find_last_of("\\/");
  if (cut == std::string::npos) return path;
  if (cut == 2 && path[1] == ':') return path.substr(0, 3);
  return path.substr(0, cut);
}

std::string basename(const std::string& path) {
  auto cut = path.find_last_of("\\/");
  return cut == std::string::npos ? path : path.substr(cut + 1);
}

std::optional<std::string> Context::reg_string(host::RegHive hive, const std::string& key,
                                               const std::string& name) const {
  auto v = host.registry.value(hive, key, name);
  if (!v) return std::nullopt;
  if (v->type == host::RegValue::Type::string) return v->text;
  if (v->type == host::RegValue::Type::expand_string) {
    return expand_windows_vars(v->text, [this](const std::string& n) { return var(n); });
  }
  return std::nullopt;
}

std::optional<std::uint64_t> Context::reg_number(host::RegHive hive, const std::string& key,
                                                 const std::string& name) const {
  auto v = host.registry.value(hive, key, name);
  if (!v || (v->type != host::RegValue::Type::dword && v->type != host::RegValue::Type::qword))
    return std::nullopt;
  return v->number;
}

std::optional<std::string> Context::var(const std::string& name) const {
  if (auto v = host.env.get(name); v && !v->empty()) return v;
  // One level of nesting at most: a variable's value is expanded with raw lookups only.
  auto raw = [this](host::RegHive hive, const char* key,
                    const std::string& n) -> std::optional<std::string> {
    auto v = host.registry.value(hive, key, n);
    if (!v ||
        (v->type != host::RegValue::Type::string && v->type != host::RegValue::Type::expand_string))
      return std::nullopt;
    return v->text;
  };
  auto builtin = [this, &raw](const std::string& n) -> std::optional<std::string> {
    auto key = lower(n);
    if (auto v = host.env.get(n); v && !v->empty()) return v;
    if (key == "systemroot" || key == "windir") {
      return raw(host::RegHive::local_machine, kNtCurrentVersion, "SystemRoot")
          .value_or("C:\\Windows");
    }
    if (key == "systemdrive") return std::string("C:");
    if (key == "programfiles" || key == "programw6432") {
      return raw(host::RegHive::local_machine, "SOFTWARE\\Microsoft\\Windows\\CurrentVersion",
                 "ProgramFilesDir")
          .value_or("C:\\Program Files");
    }
    if (key == "programdata") return std::string("C:\\ProgramData");
    if (key == "userprofile" && !profiles.empty()) return profiles.front();
    if (key == "localappdata" && !profiles.empty()) return profiles.front() + "\\AppData\\Local";
    if (key == "appdata" && !profiles.empty()) return profiles.front() + "\\AppData\\Roaming";
    return std::nullopt;
  };
  std::optional<std::string> text = raw(host::RegHive::current_user, "Environment", name);
  if (!text) text = raw(host::RegHive::local_machine, kSessionEnvironment, name);
  if (!text) return builtin(name);
  return expand_windows_vars(*text, builtin);
}

// ---- os ----

void probe_os(Context& ctx, model::Machine& machine) {
  using host::RegHive;
  machine.os.family = "windows";
  auto product = ctx.reg_string(RegHive::local_machine, kNtCurrentVersion, "ProductName");
  auto build = ctx.reg_string(RegHive::local_machine, kNtCurrentVersion, "CurrentBuildNumber");
  if (!build) build = ctx.reg_string(RegHive::local_machine, kNtCurrentVersion, "CurrentBuild");
  auto display = ctx.reg_string(RegHive::local_machine, kNtCurrentVersion, "DisplayVersion");
  if (!display) display = ctx.reg_string(RegHive::local_machine, kNtCurrentVersion, "ReleaseId");
  auto major =
      ctx.reg_number(RegHive::local_machine, kNtCurrentVersion, "CurrentMajorVersionNumber");
  auto minor =
      ctx.reg_number(RegHive::local_machine, kNtCurrentVersion, "CurrentMinorVersionNumber");
  if (product) {
    std::string name = *product;
    // Windows 11 kept "Windows 10" in ProductName; build 22000 is the first Windows 11
    // release (Microsoft, "Windows 11 release information": 21H2, OS build 22000).
    auto number = build ? str::parse_int(*build) : std::nullopt;
    if (number && *number >= 22000 && name.starts_with("Windows 10"))
      name.replace(0, 10, "Windows 11");
    if (display) name += " " + *display;
    machine.os.name = name;
  } else {
    machine.warnings.push_back(tr("detect.windows-version-unknown",
                                  "Windows version unknown: {key} has no ProductName",
                                  {{"key", "HKLM\\" + std::string(kNtCurrentVersion)}}));
  }
  if (build) {
    machine.os.version =
        std::to_string(major.value_or(10)) + "." + std::to_string(minor.value_or(0)) + "." + *build;
  }
  // The CPU: the live host's, else the system's PROCESSOR_ARCHITECTURE (AMD64, ARM64, x86).
  std::string arch = ctx.host.live ? ctx.host.system.arch : std::string();
  if (arch.empty()) {
    auto pa = ctx.reg_string(RegHive::local_machine, kSessionEnvironment, "PROCESSOR_ARCHITECTURE");
    if (!pa) pa = ctx.host.env.get("PROCESSOR_ARCHITECTURE");
    if (pa) {
      auto p = lower(*pa);
      arch = p == "amd64" ? "x86_64" : p == "arm64" ? "arm64" : p == "x86" ? "x86" : p;
    }
  }
  if (arch.empty()) {
    machine.warnings.push_back(tr("detect.windows-arch-unknown",
                                  "CPU architecture unknown: no PROCESSOR_ARCHITECTURE in "
                                  "the system environment"));
  }
  machine.os.arch = arch;
}

namespace {

// User profiles: the live user's %USERPROFILE%; in a tree, ProfileList's user SIDs
// (S-1-5-21-*, HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion\ProfileList\<SID>
// ProfileImagePath), else the folders of C:\Users that are not Windows' own.
std::vector<std::string> find_profiles(const host::Host& host) {
  std::vector<std::string> out;
  if (host.live) {
    if (auto home = host.env.get("USERPROFILE"); home && !home->empty()) out.push_back(*home);
    return out;
  }
  const std::string list = std::string(kNtCurrentVersion) + "\\ProfileList";
  for (const auto& sid : host.registry.subkeys(host::RegHive::local_machine, list)) {
    if (!sid.starts_with("S-1-5-21-")) continue;
    auto v =
        host.registry.value(host::RegHive::local_machine, list + "\\" + sid, "ProfileImagePath");
    if (!v || v->text.empty()) continue;
    auto path =
        expand_windows_vars(v->text, [](const std::string& n) -> std::optional<std::string> {
          return lower(n) == "systemdrive" ? std::optional<std::string>("C:") : std::nullopt;
        });
    out.push_back(path);
  }
  if (!out.empty()) return out;
  for (const auto& name : host.fs.list_dir("C:\\Users")) {
    auto l = lower(name);
    if (l == "public" || l == "default" || l == "default user" || l == "all users" ||
        l == "desktop.ini")
      continue;
    if (host.fs.is_dir("C:\\Users\\" + name)) out.push_back("C:\\Users\\" + name);
  }
  return out;
}

// Windows paths onto a --root tree: "C:\\Program Files\\x" -> "/C/Program Files/x", each
// component matched without regard to case when the exact name is absent. Paths that are
// not drive-absolute are refused; the rooted file system below keeps every read in DIR.
class WindowsTreeFs final : public host::FileSystem {
 public:
  explicit WindowsTreeFs(const host::FileSystem& tree) : tree_(tree) {}
  std::optional<std::string> read_file(const std::string& path,
                                       std::size_t max_bytes) const override {
    auto p = map(path);
    return p ? tree_.read_file(*p, max_bytes) : std::nullopt;
  }
  std::vector<std::string> list_dir(const std::string& path) const override {
    auto p = map(path);
    return p ? tree_.list_dir(*p) : std::vector<std::string>{};
  }
  bool exists(const std::string& path) const override {
    auto p = map(path);
    return p && tree_.exists(*p);
  }
  bool is_dir(const std::string& path) const override {
    auto p = map(path);
    return p && tree_.is_dir(*p);
  }
  // Windows has no execute bit: a file that exists runs (its extension decides how).
  bool is_executable(const std::string& path) const override {
    auto p = map(path);
    return p && tree_.exists(*p) && !tree_.is_dir(*p);
  }
  std::optional<std::string> read_link(const std::string&) const override { return std::nullopt; }
  std::string real_path(const std::string& path) const override {
    auto p = map(path);
    return p ? tree_.real_path(*p) : path;
  }

 private:
  std::optional<std::string> map(const std::string& path) const {
    if (path.size() < 2 || path[1] != ':' || !std::isalpha(static_cast<unsigned char>(path[0])))
      return std::nullopt;
    std::string out =
        "/" + std::string(1, static_cast<char>(std::toupper(static_cast<unsigned char>(path[0]))));
    std::string rest = path.substr(2);
    std::replace(rest.begin(), rest.end(), '\\', '/');
    for (auto piece : str::split(rest, '/')) {
      if (piece.empty() || piece == ".") continue;
      if (piece == "..") return std::nullopt;
      std::string next = out + "/" + std::string(piece);
      if (!tree_.exists(next)) {
        for (const auto& entry : tree_.list_dir(out)) {
          if (lower(entry) == lower(piece)) {
            next = out + "/" + entry;
            break;
          }
        }
      }
      out = std::move(next);
    }
    return out;
  }
  const host::FileSystem& tree_;
};

model::Machine run_probes(host::Host& host, data::DataStore& store, const DetectOptions& options) {
  model::Machine machine;
  Context ctx{host, find_profiles(host), {}};
  probe_os(ctx, machine);
  probe_gpus(ctx, store, machine);
  probe_nvidia_driver(ctx, store, machine, options);
  probe_cuda_toolkits(ctx, machine);
  probe_pythons(ctx, machine);
  return machine;
}

}  // namespace
}  // namespace win

bool is_windows_tree(const host::FileSystem& fs) {
  return fs.exists("/registry.reg") || fs.is_dir("/C/Windows");
}

model::Machine detect_windows(host::Host& host, data::DataStore& store,
                              const DetectOptions& options) {
  if (host.system.os_family == "windows") return win::run_probes(host, store, options);
  // A Windows tree under --root: its registry from registry.reg, its drive C: from DIR/C.
  std::vector<std::string> problems;
  auto text = host.fs.read_file("/registry.reg");
  auto registry = host::make_text_registry(text.value_or(std::string()), &problems);
  win::WindowsTreeFs fs(host.fs);
  host::SystemFacts facts;
  facts.os_family = "windows";
  facts.path_separator = ';';
  facts.venv_python = "Scripts\\python.exe";  // Python docs, venv: "Scripts" on Windows
  host::Host tree{fs,    host.runner,   host.env,   host.http, facts,
                  false, host.terminal, host.clock, *registry};
  auto machine = win::run_probes(tree, store, options);
  if (!text)
    machine.warnings.insert(machine.warnings.begin(),
                            "registry.reg missing: registry facts (GPUs, driver, Pythons) unknown");
  for (const auto& p : problems) machine.warnings.push_back("registry.reg " + p);
  return machine;
}

}  // namespace torchup::detect
