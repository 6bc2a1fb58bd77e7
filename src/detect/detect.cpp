// detect_machine(): one entry, per-OS detection behind it (detect_linux.cpp,
// detect_windows.cpp, detect_macos.cpp; other systems detect_unsupported.cpp until their port).
#include "detect/detect.h"

#include "detect/detect_os.h"

namespace torchup::detect {

model::Machine detect_machine(host::Host& host, data::DataStore& store, const DetectOptions& options) {
  // A machine read from files (--root, no system facts) is a Windows tree when it has
  // registry.reg or C/Windows, a macOS tree when it has SystemVersion.plist, else a Linux tree.
  const std::string& family = host.system.os_family;
  if (family == "windows" || (family.empty() && is_windows_tree(host.fs))) return detect_windows(host, store, options);
  if (family == "macos" || (family.empty() && is_macos_tree(host.fs))) return detect_macos(host, options);
  if (family.empty() || family == "linux") return detect_linux(host, store, options);
  return detect_unsupported(host);
}

}  // namespace torchup::detect
