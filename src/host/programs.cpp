// Program search and venv layout through the host (host.h): the one PATH search.
#include "host/host.h"
#include "util/strings.h"

namespace torchup::host {
namespace {

bool is_windows(const Host& host) { return host.system.os_family == "windows"; }

bool has_directory(const Host& host, const std::string& name) {
  return name.find('/') != std::string::npos || (is_windows(host) && name.find('\\') != std::string::npos);
}

// The names to try for `name`: itself, and on Windows, when it has no extension, the
// name with each of PATHEXT's (default ".COM;.EXE;.BAT;.CMD": "PATHEXT", Microsoft
// Learn, cmd's "Command search sequence"), the way cmd and CreateProcess look.
std::vector<std::string> spellings(const Host& host, const std::string& name) {
  std::vector<std::string> out;
  if (is_windows(host)) {
    auto slash = name.find_last_of("/\\");
    bool has_extension = name.find('.', slash == std::string::npos ? 0 : slash + 1) != std::string::npos;
    if (!has_extension) {
      std::string pathext = host.env.get("PATHEXT").value_or(".COM;.EXE;.BAT;.CMD");
      for (auto ext : str::split(pathext, ';')) {
        if (!ext.empty()) out.push_back(name + str::to_lower(std::string(ext)));
      }
    }
  }
  out.push_back(name);
  return out;
}

std::optional<std::string> first_program(const Host& host, const std::string& candidate) {
  for (const auto& spelled : spellings(host, candidate)) {
    if (host.fs.is_executable(spelled) && !host.fs.is_dir(spelled)) return spelled;
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> find_program_in(const Host& host, const std::string& path_value, const std::string& name) {
  if (has_directory(host, name)) return first_program(host, name);
  for (auto dir : str::split(path_value, host.system.path_separator)) {
    if (dir.empty()) continue;
    if (auto found = first_program(host, std::string(dir) + "/" + name)) return found;
  }
  return std::nullopt;
}

std::optional<std::string> find_program(const Host& host, const std::string& name) {
  if (has_directory(host, name)) return find_program_in(host, "", name);
  auto path = host.env.get("PATH");
  if (!path) return std::nullopt;
  return find_program_in(host, *path, name);
}

std::string venv_python(const Host& host, const std::string& venv_dir) {
  return venv_dir + "/" + host.system.venv_python;
}

}  // namespace torchup::host
