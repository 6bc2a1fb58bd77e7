// Environment variables on Windows: read as UTF-16 (GetEnvironmentVariableW) and
// handed on as UTF-8, so a Chinese user name in %USERPROFILE% survives whatever the
// ANSI code page is. Names are case-insensitive, as Windows defines them.

#include "host/host.h"
#include "host/wide_windows.h"

namespace torchup::host {
namespace {

class ProcessEnvironment final : public Environment {
 public:
  std::optional<std::string> get(const std::string& name) const override {
    std::wstring wide_name = win::widen(name);
    std::wstring value(256, L'\0');
    for (;;) {
      ::SetLastError(ERROR_SUCCESS);
      DWORD n = ::GetEnvironmentVariableW(wide_name.c_str(), value.data(), static_cast<DWORD>(value.size()));
      if (n == 0) {
        if (::GetLastError() == ERROR_ENVVAR_NOT_FOUND) return std::nullopt;
        return std::string();  // set and empty
      }
      if (n < value.size()) {
        value.resize(n);
        return win::narrow(value);
      }
      value.resize(n);  // n: the size needed, terminator included
    }
  }
};

// The fixed variables of a rooted host or a test (looked up without regard to case).
class MapEnvironment final : public Environment {
 public:
  explicit MapEnvironment(std::map<std::string, std::string> vars) {
    for (auto& [name, value] : vars) vars_[upper(name)] = std::move(value);
  }
  std::optional<std::string> get(const std::string& name) const override {
    auto it = vars_.find(upper(name));
    if (it == vars_.end()) return std::nullopt;
    return it->second;
  }

 private:
  static std::string upper(std::string s) {
    for (char& c : s) {
      if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    }
    return s;
  }
  std::map<std::string, std::string> vars_;
};

}  // namespace

std::unique_ptr<Environment> make_process_environment() { return std::make_unique<ProcessEnvironment>(); }
std::unique_ptr<Environment> make_map_environment(std::map<std::string, std::string> vars) {
  return std::make_unique<MapEnvironment>(std::move(vars));
}

}  // namespace torchup::host
