// The active interpreter from PATH and pyenv's version files (active_python.h).
// pyenv's rules: its README, "Understanding Python version selection" (PYENV_VERSION,
// then .python-version in the current directory and each parent up to /, then
// $(pyenv root)/version; "system" when none, which is "whatever would run if pyenv
// shims weren't on PATH"), libexec/pyenv-version-file (the parents walk, starting at
// $PYENV_DIR, which libexec/pyenv defaults to the current directory) and
// libexec/pyenv-version-file-read (the words of the file; "#" comment lines and names
// with "/" or ".." ignored). Several versions ("3.12.4:3.11.9" in PYENV_VERSION, or
// several words in a file) are tried in order for each command (libexec/pyenv-which).
#include "detect/active_python.h"

#include <algorithm>

#include "detect/probes.h"
#include "util/strings.h"

namespace torchup::detect {
namespace {

std::string parent_dir(const std::string& path) {
  auto slash = path.rfind('/');
  if (slash == std::string::npos || slash == 0) return "/";
  return path.substr(0, slash);
}

std::string base_name(const std::string& path) { return path.substr(path.rfind('/') + 1); }

std::optional<std::string> nonempty_env(const host::Host& host, const char* name) {
  auto v = host.env.get(name);
  if (!v || v->empty()) return std::nullopt;
  return v;
}

// The pyenv root a shims directory belongs to, or nullopt when `dir` is not pyenv's.
std::optional<std::string> pyenv_root_of_shims(const host::Host& host, const std::string& dir) {
  std::string d = dir;
  while (d.size() > 1 && d.back() == '/') d.pop_back();
  if (auto root = nonempty_env(host, "PYENV_ROOT")) {
    std::string r = *root;
    while (r.size() > 1 && r.back() == '/') r.pop_back();
    if (d == r + "/shims") return r;
  }
  // pyenv's default root is ~/.pyenv (README, "Set up your shell environment"); any
  // "shims" directory next to a "versions" one is laid out the same way.
  if (base_name(d) == "shims" && host.fs.is_dir(parent_dir(d) + "/versions")) return parent_dir(d);
  return std::nullopt;
}

struct PyenvChoice {
  std::vector<std::string> versions;  // empty or {"system"}: the system python
  std::string via;                    // which setting chose them
};

PyenvChoice pyenv_versions(const host::Host& host, const std::string& root) {
  if (auto v = nonempty_env(host, "PYENV_VERSION")) {
    PyenvChoice c{{}, "PYENV_VERSION"};
    for (auto part : str::split(*v, ':')) {
      if (!part.empty()) c.versions.emplace_back(part);
    }
    return c;
  }
  auto start = nonempty_env(host, "PYENV_DIR");
  if (!start) start = nonempty_env(host, "PWD");
  if (start && start->front() == '/') {
    std::string dir = *start;
    while (true) {
      const std::string file = join_path(dir, ".python-version");
      if (auto text = host.fs.read_file(file, 64u << 10)) {
        auto names = parse_pyenv_version_file(*text);
        if (!names.empty()) return {names, file};
      }
      if (dir == "/") break;
      dir = parent_dir(dir);
    }
  }
  const std::string global = root + "/version";
  if (auto text = host.fs.read_file(global, 64u << 10)) {
    auto names = parse_pyenv_version_file(*text);
    if (!names.empty()) return {names, global};
  }
  return {{"system"}, "no pyenv version file"};
}

bool usable(const host::Host& host, const std::string& path) {
  return host.fs.is_executable(path) && !host.fs.is_dir(path);
}

std::optional<ActivePython> search_path(const host::Host& host, const std::string& path_value,
                                        std::vector<Text>* warnings) {
  std::vector<std::string> dirs;
  for (auto d : str::split(path_value, host.system.path_separator)) {
    if (!d.empty()) dirs.emplace_back(d);
  }
  for (const char* name : {"python3", "python"}) {
    for (std::size_t i = 0; i < dirs.size(); ++i) {
      const std::string candidate = join_path(dirs[i], name);
      if (!usable(host, candidate)) continue;
      auto root = pyenv_root_of_shims(host, dirs[i]);
      if (!root) return ActivePython{candidate, "PATH"};
      // A pyenv shim: the version files say which interpreter it runs.
      auto choice = pyenv_versions(host, *root);
      bool system = false;
      for (const auto& version : choice.versions) {
        if (version == "system") {
          system = true;
          break;
        }
        const std::string target = *root + "/versions/" + version + "/bin/" + name;
        if (usable(host, target)) return ActivePython{target, "pyenv (" + choice.via + ")"};
        if (warnings && !host.fs.is_dir(*root + "/versions/" + version)) {
          warnings->push_back(tr("detect.pyenv-version-missing",
                                 "pyenv version {version} ({via}) is not installed in "
                                 "{dir}: `{name}` fails there",
                                 {{"version", version},
                                  {"via", choice.via},
                                  {"dir", *root + "/versions"},
                                  {"name", name}}));
        }
      }
      if (!system) break;  // pyenv answers "command not found" for this name
      // "system": the next one on PATH after the shims (pyenv-which drops its shims from PATH).
      // Other directories of pyenv shims later on PATH are skipped alike.
    }
  }
  return std::nullopt;
}

std::optional<ActivePython> from_environment(const host::Host& host) {
  for (const char* var : {"VIRTUAL_ENV", "CONDA_PREFIX"}) {
    if (auto prefix = nonempty_env(host, var)) {
      const std::string candidate = host::venv_python(host, *prefix);
      if (host.fs.is_executable(candidate)) return ActivePython{candidate, var};
    }
  }
  return std::nullopt;
}

}  // namespace

std::vector<std::string> parse_pyenv_version_file(const std::string& text) {
  std::vector<std::string> out;
  for (auto line : str::split(text, '\n')) {
    std::string l(line);
    std::replace(l.begin(), l.end(), '\t', ' ');
    std::replace(l.begin(), l.end(), '\r', ' ');
    auto first = l.find_first_not_of(' ');
    if (first == std::string::npos || l[first] == '#') continue;
    for (auto word : str::split(l, ' ')) {
      if (word.empty()) continue;
      std::string w(word);
      if (str::contains(w, "/") || str::contains(w, "..")) continue;
      out.push_back(std::move(w));
    }
  }
  return out;
}

std::optional<ActivePython> active_python(const host::Host& host, std::vector<Text>* warnings) {
  if (host.system.os_family == "windows") {
    // Windows: an activated venv/conda env first (the Store's python3 alias on PATH
    // opens the Store instead of running anything), then PATH with PATHEXT.
    if (auto env = from_environment(host)) return env;
    for (const char* name : {"python3", "python"}) {
      if (auto found = host::find_program(host, name)) return ActivePython{*found, "PATH"};
    }
    return std::nullopt;
  }
  auto path = host.env.get("PATH");
  if (path) {
    if (auto found = search_path(host, *path, warnings)) return found;
  }
  if (auto env = from_environment(host)) return env;
  // No PATH at all (a --root tree has no environment): the system's default search
  // path, as detect has always assumed (/usr/local/bin:/usr/bin:/bin, POSIX shells'
  // and login(1)'s default).
  if (!path) return search_path(host, "/usr/local/bin:/usr/bin:/bin", warnings);
  return std::nullopt;
}

}  // namespace torchup::detect
