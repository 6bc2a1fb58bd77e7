// Program search and venv layout through the host (host.h): the one PATH search.
#include "host/host.h"
#include "util/strings.h"

namespace torchup::host {

std::optional<std::string> find_program_in(const Host& host, const std::string& path_value, const std::string& name) {
  if (name.find('/') != std::string::npos) {
    return host.fs.is_executable(name) && !host.fs.is_dir(name) ? std::optional<std::string>(name) : std::nullopt;
  }
  for (auto dir : str::split(path_value, host.system.path_separator)) {
    if (dir.empty()) continue;
    std::string candidate = std::string(dir) + "/" + name;
    if (host.fs.is_executable(candidate) && !host.fs.is_dir(candidate)) return candidate;
  }
  return std::nullopt;
}

std::optional<std::string> find_program(const Host& host, const std::string& name) {
  if (name.find('/') != std::string::npos) return find_program_in(host, "", name);
  auto path = host.env.get("PATH");
  if (!path) return std::nullopt;
  return find_program_in(host, *path, name);
}

std::string venv_python(const Host& host, const std::string& venv_dir) {
  return venv_dir + "/" + host.system.venv_python;
}

}  // namespace torchup::host
