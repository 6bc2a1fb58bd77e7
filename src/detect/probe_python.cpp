// Python interpreters and their torch, from the file layout first:
//  - where: the one `python3` runs (active_python.h: PATH, pyenv's version files), the
//    venv/conda env in $VIRTUAL_ENV, $CONDA_PREFIX, PATH, pyenv
//    ($PYENV_ROOT or ~/.pyenv/versions/*), conda bases (~/miniconda3, ~/anaconda3,
//    ~/miniforge3, /opt/conda) and their envs/*; pyenv shims are shell scripts and skipped.
//  - version: pyvenv.cfg (PEP 405), the pyenv version directory, conda-meta/python-X.Y.Z-*.json,
//    include/pythonX.Y/patchlevel.h (PY_VERSION), the PY_VERSION string compiled into the
//    interpreter or its libpython; only when none says, the live interpreter
//    is asked once (one short process per interpreter, all in parallel, with a timeout).
//  - bits: the interpreter's ELF header. torch: torch-*.dist-info/METADATA (or Debian's
//    torch-*.egg-info/PKG-INFO) and torch/version.py, read without importing torch.
#include <algorithm>
#include <thread>

#include "detect/active_python.h"
#include "detect/parse.h"
#include "detect/probes.h"
#include "util/strings.h"
#include "util/version.h"

namespace torchup::detect {
namespace {

// Asks an interpreter for what files cannot tell; works on Python 2.7 and 3.x.
constexpr const char* kProbeScript =
    "import sys;w=sys.stdout.write;w('version=%d.%d.%d\\n'%tuple(sys.version_info[:3]));"
    "w('bits=%d\\n'%(sys.maxsize.bit_length()+1));w('prefix='+sys.prefix+'\\n');"
    "w(''.join('path='+p+'\\n' for p in sys.path))";

std::string dirname(const std::string& path) {
  auto slash = path.rfind('/');
  if (slash == std::string::npos || slash == 0) return "/";
  return path.substr(0, slash);
}
std::string basename(const std::string& path) { return path.substr(path.rfind('/') + 1); }

struct Candidate {
  std::string path;
  bool active = false;
};

struct Interpreter {
  model::Python info;
  std::string real;
  std::string prefix;
  std::string minor;  // "3.11"
  bool venv = false;
  std::optional<PythonProbe> probe;
};

void add_interpreters_in(const host::FileSystem& fs, const std::string& bin,
                         std::vector<Candidate>& out) {
  for (const char* name : {"python3", "python"}) {
    auto p = join_path(bin, name);
    if (fs.is_executable(p)) {
      out.push_back({p, false});
      return;
    }
  }
}

void add_conda_base(const host::FileSystem& fs, const std::string& base,
                    std::vector<Candidate>& out) {
  if (!fs.is_dir(base)) return;
  add_interpreters_in(fs, base + "/bin", out);
  for (const auto& env : fs.list_dir(base + "/envs"))
    add_interpreters_in(fs, base + "/envs/" + env + "/bin", out);
}

// The versioned interpreter names CPython installs ("python3.11"; `make altinstall` and
// every distribution): 2.7 and 3.0 to 3.29 (3.14 is 2025's release, one minor a year),
// in name order as a directory listing gives them.
const std::vector<std::string>& versioned_python_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> v = {"python2.7"};
    for (int minor = 0; minor <= 29; ++minor) v.push_back("python3." + std::to_string(minor));
    std::sort(v.begin(), v.end());
    return v;
  }();
  return names;
}

std::vector<Candidate> find_candidates(const host::Host& host, std::vector<Text>& warnings) {
  const auto& fs = host.fs;
  std::vector<Candidate> out;
  // The one `python3` runs (active_python.h) comes first: it keeps its PATH spelling
  // when the same interpreter is found again below.
  if (auto active = active_python(host, &warnings)) out.push_back({active->path, true});
  for (const char* var : {"VIRTUAL_ENV", "CONDA_PREFIX"}) {
    if (auto env = host.env.get(var); env && !env->empty())
      add_interpreters_in(fs, *env + "/bin", out);
  }
  auto path = host.env.get("PATH").value_or("/usr/local/bin:/usr/bin:/bin");
  std::vector<std::string> dirs_seen;  // merged /usr: /bin is a link to usr/bin
  for (auto dir_view : str::split(path, host.system.path_separator)) {
    std::string dir(dir_view);
    if (dir.empty() || dir.front() != '/' || str::contains(dir, "/.pyenv/shims") ||
        str::contains(dir, "/pyenv-virtualenv/shims"))
      continue;
    auto real_dir = resolve_links(fs, dir);
    if (std::find(dirs_seen.begin(), dirs_seen.end(), real_dir) != dirs_seen.end()) continue;
    dirs_seen.push_back(real_dir);
    if (!fs.is_dir(dir)) continue;
    std::vector<Candidate> found;
    add_interpreters_in(fs, dir, found);
    // One stat per possible name instead of listing the directory: /usr/bin holds thousands
    // of entries and listing it was the largest cost of detect.
    for (const auto& name : versioned_python_names()) {
      if (fs.is_executable(join_path(dir, name))) found.push_back({join_path(dir, name), false});
    }
    out.insert(out.end(), found.begin(), found.end());
  }
  std::vector<std::string> homes;
  if (host.live) {
    if (auto home = host.env.get("HOME"); home && !home->empty()) homes.push_back(*home);
  } else {
    homes.emplace_back("/root");
    for (const auto& user : fs.list_dir("/home")) homes.push_back("/home/" + user);
  }
  std::vector<std::string> pyenv_roots;
  if (auto root = host.env.get("PYENV_ROOT"); root && !root->empty()) pyenv_roots.push_back(*root);
  for (const auto& home : homes) pyenv_roots.push_back(home + "/.pyenv");
  for (const auto& root : pyenv_roots) {
    for (const auto& version : fs.list_dir(root + "/versions"))
      add_interpreters_in(fs, root + "/versions/" + version + "/bin", out);
  }
  for (const auto& home : homes) {
    // Virtual environments directly in a home directory (~/venv, ~/.venv, ~/envs-like names).
    for (const auto& entry : fs.list_dir(home)) {
      if (fs.exists(home + "/" + entry + "/pyvenv.cfg"))
        add_interpreters_in(fs, home + "/" + entry + "/bin", out);
    }
    for (const char* base : {"miniconda3", "anaconda3", "miniforge3", "mambaforge"})
      add_conda_base(fs, home + "/" + base, out);
  }
  add_conda_base(fs, "/opt/conda", out);
  return out;
}

// PY_VERSION compiled into the interpreter, or into the libpythonX.Y.so it links to
// (pyenv and Fedora build a small launcher plus a shared libpython; Debian's python3.X
// is static). Reading and scanning Debian's 6.8 MB python3.11 adds about 7 ms to detect
// on the dev VM; the interpreter process it replaces costs about 30.
std::optional<std::string> version_from_binary(const host::FileSystem& fs, const Interpreter& it,
                                               const std::string& home_prefix) {
  auto bytes = fs.read_file(it.real, kBinaryScan);
  if (!bytes) return std::nullopt;
  if (auto v = parse_python_version_in_binary(*bytes, it.minor)) return v;
  auto elf = parse_elf_header(*bytes);
  if (!elf) return std::nullopt;
  // Where CPython's `make install` (--enable-shared) and distributions put libpython:
  // <prefix>/lib, <prefix>/lib64 (Fedora), the Debian multiarch directory.
  std::vector<std::string> dirs = {home_prefix + "/lib", home_prefix + "/lib64"};
  if (!elf->arch.empty())
    dirs.push_back(home_prefix + "/lib/" +
                   (elf->arch == "armv7l" ? "arm-linux-gnueabihf" : elf->arch + "-linux-gnu"));
  for (const auto& dir : dirs) {
    // "m" was the ABI flag of 3.0-3.7 (PEP 3149): libpython3.7m.so.1.0.
    for (const char* abi : {"", "m"}) {
      auto lib = fs.read_file(resolve_links(fs, dir + "/libpython" + it.minor + abi + ".so.1.0"),
                              kBinaryScan);
      if (!lib) continue;
      return parse_python_version_in_binary(*lib, it.minor);
    }
  }
  return std::nullopt;
}

std::optional<std::string> version_from_files(const host::FileSystem& fs, const Interpreter& it,
                                              const std::optional<PyvenvCfg>& cfg) {
  if (cfg && cfg->version) return cfg->version;
  // pyenv: .../.pyenv/versions/3.10.13/bin/python3
  auto pos = it.real.find("/.pyenv/versions/");
  if (pos != std::string::npos) {
    auto rest = it.real.substr(pos + 17);
    auto v = rest.substr(0, rest.find('/'));
    if (DottedVersion::parse(v)) return v;
  }
  for (const auto& entry : fs.list_dir(it.prefix + "/conda-meta")) {
    if (entry.starts_with("python-") && entry.size() > 7 &&
        std::isdigit(static_cast<unsigned char>(entry[7]))) {
      auto v = entry.substr(7, entry.find('-', 7) - 7);
      if (DottedVersion::parse(v)) return v;
    }
  }
  if (!it.minor.empty()) {
    auto home_prefix = cfg && cfg->home ? dirname(*cfg->home) : it.prefix;
    if (auto header =
            read_small(fs, home_prefix + "/include/python" + it.minor + "/patchlevel.h")) {
      // patchlevel.h: #define PY_VERSION "3.11.2"
      auto def = header->find("#define PY_VERSION");
      auto open = def == std::string::npos ? def : header->find('"', def);
      auto close = open == std::string::npos ? open : header->find('"', open + 1);
      if (close != std::string::npos && close - open < 32) {
        auto t = header->substr(open + 1, close - open - 1);
        if (DottedVersion::parse(t)) return t;
      }
    }
    if (auto v = version_from_binary(fs, it, home_prefix)) return v;
  }
  return std::nullopt;
}

std::vector<std::string> site_dirs(const host::Host& host, const Interpreter& it) {
  std::vector<std::string> dirs;
  if (it.probe) {
    for (const auto& p : it.probe->sys_path) {
      if (str::ends_with(p, "site-packages") || str::ends_with(p, "dist-packages"))
        dirs.push_back(p);
    }
    if (!dirs.empty()) return dirs;
  }
  if (it.minor.empty()) return dirs;
  const std::string lib = "/lib/python" + it.minor;
  if (!it.venv && host.live) {
    if (auto home = host.env.get("HOME"); home && !home->empty())
      dirs.push_back(*home + "/.local" + lib + "/site-packages");
  }
  // Debian's python3 (prefix /usr): pip installs to /usr/local/lib/python3.X/dist-packages and
  // Debian packages to /usr/lib/python3/dist-packages (Debian Python Policy §1.5).
  if (it.prefix == "/usr") dirs.push_back("/usr/local" + lib + "/dist-packages");
  dirs.push_back(it.prefix + lib + "/site-packages");
  dirs.push_back(it.prefix + lib + "/dist-packages");
  if (it.prefix == "/usr") dirs.push_back("/usr/lib/python3/dist-packages");
  return dirs;
}

std::optional<model::InstalledTorch> find_torch(const host::FileSystem& fs,
                                                const std::vector<std::string>& dirs,
                                                std::vector<Text>& warnings) {
  for (const auto& dir : dirs) {
    if (!fs.is_dir(dir + "/torch")) continue;
    model::InstalledTorch torch;
    torch.location = dir;
    for (const auto& entry : fs.list_dir(dir)) {
      if (!entry.starts_with("torch-")) continue;
      std::optional<std::string> meta;
      if (str::ends_with(entry, ".dist-info"))
        meta = read_small(fs, dir + "/" + entry + "/METADATA");
      else if (str::ends_with(entry, ".egg-info")) {
        meta = fs.is_dir(dir + "/" + entry) ? read_small(fs, dir + "/" + entry + "/PKG-INFO")
                                            : read_small(fs, dir + "/" + entry);
      }
      if (!meta) continue;
      if (auto parsed = parse_dist_metadata(*meta);
          parsed && str::to_lower(parsed->name) == "torch") {
        torch.version = parsed->version;
        break;
      }
    }
    if (auto py = read_small(fs, dir + "/torch/version.py")) {
      auto parsed = parse_torch_version_py(*py);
      if (parsed.version) torch.version = *parsed.version;
      torch.cuda = parsed.cuda;
      torch.hip = parsed.hip;
    }
    if (torch.version.empty()) {
      warnings.push_back(tr("detect.torch-version-unknown",
                            "torch at {path}: version unknown (no readable METADATA or "
                            "torch/version.py)",
                            {{"path", dir + "/torch"}}));
      continue;
    }
    return torch;
  }
  return std::nullopt;
}

}  // namespace

void probe_pythons(host::Host& host, model::Machine& machine, const DetectOptions& options) {
  const auto& fs = host.fs;
  std::vector<Interpreter> found;
  std::vector<std::string> seen;
  for (const auto& c : find_candidates(host, machine.warnings)) {
    Interpreter it;
    it.real = resolve_links(fs, c.path);
    // A venv's python links to its base interpreter but is a different environment.
    auto env_root = dirname(dirname(c.path));
    auto key = (fs.exists(env_root + "/pyvenv.cfg") ? env_root + "|" : std::string()) + it.real;
    if (std::find(seen.begin(), seen.end(), key) != seen.end()) continue;
    seen.push_back(key);
    it.info.path = c.path;
    it.info.active = c.active;
    it.prefix = dirname(dirname(c.path));
    std::optional<PyvenvCfg> cfg;
    if (auto text = read_small(fs, it.prefix + "/pyvenv.cfg")) {
      cfg = parse_pyvenv_cfg(*text);
      it.venv = true;
    }
    auto minor = python_minor_from_name(basename(it.real));
    if (!minor) minor = python_minor_from_name(basename(c.path));
    if (!minor && cfg && cfg->version)
      minor = cfg->version->substr(0, cfg->version->find('.', cfg->version->find('.') + 1));
    if (!minor) {
      for (const auto& entry : fs.list_dir(it.prefix + "/lib")) {
        if ((minor = python_minor_from_name(entry))) break;
      }
    }
    it.minor = minor.value_or("");
    it.info.version = version_from_files(fs, it, cfg).value_or("");
    if (auto head = fs.read_file(it.real, 64)) {
      if (auto elf = parse_elf_header(*head)) it.info.bits = elf->bits;
    }
    found.push_back(std::move(it));
  }
  // One short process per interpreter whose version the files did not give, in parallel.
  if (host.live && options.probe_pythons) {
    std::vector<std::thread> threads;
    for (auto& it : found) {
      if (!it.info.version.empty()) continue;
      threads.emplace_back([&host, &it, &options] {
        host::RunOptions run;
        run.timeout = options.process_timeout;
        run.max_output = 64u << 10;
        auto result = host.runner.run({it.info.path, "-E", "-c", kProbeScript}, run);
        if (result.ok()) it.probe = parse_python_probe(result.out);
      });
    }
    for (auto& t : threads) t.join();
  }
  for (auto& it : found) {
    if (it.probe) {
      it.info.version = it.probe->version;
      if (it.probe->bits) it.info.bits = it.probe->bits;
      if (it.minor.empty()) it.minor = it.probe->version.substr(0, it.probe->version.rfind('.'));
    }
    if (it.info.version.empty()) {
      if (it.minor.empty()) {
        machine.warnings.push_back(tr("detect.python-version-unknown",
                                      "{path}: Python version unknown (not in its name, "
                                      "pyvenv.cfg or the file layout)",
                                      {{"path", it.info.path}}));
      } else {
        it.info.version = it.minor;
        machine.warnings.push_back(tr("detect.python-minor-only",
                                      "{path}: only the minor version {minor} is known (from "
                                      "the file layout)",
                                      {{"path", it.info.path}, {"minor", it.minor}}));
      }
    }
    it.info.torch = find_torch(fs, site_dirs(host, it), machine.warnings);
    it.info.externally_managed =
        !it.venv && !it.minor.empty() &&
        fs.exists(it.prefix + "/lib/python" + it.minor + "/EXTERNALLY-MANAGED");
    machine.pythons.push_back(std::move(it.info));
  }
  if (machine.pythons.empty()) {
    machine.warnings.push_back(
        tr("detect.no-python", "no Python interpreter found (PATH, pyenv, conda)"));
  }
}

}  // namespace torchup::detect
