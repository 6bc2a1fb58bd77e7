// detect_machine(): one entry, per-OS detection behind it (detect_linux.cpp,
// detect_windows.cpp, detect_macos.cpp; other systems detect_unsupported.cpp until their port).
#include "detect/detect.h"

#include <algorithm>

#include "detect/detect_os.h"
#include "detect/probes.h"
#include "util/version.h"

namespace torchup::detect {

namespace {

model::Machine detect_by_family(host::Host& host, data::DataStore& store,
                                const DetectOptions& options) {
  // A machine read from files (--root, no system facts) is a Windows tree when it has
  // registry.reg or C/Windows, a macOS tree when it has SystemVersion.plist, else a Linux tree.
  const std::string& family = host.system.os_family;
  if (family == "windows" || (family.empty() && is_windows_tree(host.fs)))
    return detect_windows(host, store, options);
  if (family == "macos" || (family.empty() && is_macos_tree(host.fs)))
    return detect_macos(host, options);
  if (family.empty() || family == "linux") return detect_linux(host, store, options);
  return detect_unsupported(host);
}

}  // namespace

model::Machine detect_machine(host::Host& host, data::DataStore& store,
                              const DetectOptions& options) {
  auto machine = detect_by_family(host, store, options);
  // Each warning once (interpreters sharing a site directory meet the same unreadable torch).
  std::vector<Text> once;
  for (auto& w : machine.warnings) {
    if (std::find(once.begin(), once.end(), w) == once.end()) once.push_back(std::move(w));
  }
  machine.warnings = std::move(once);
  // Interpreters by version, numerically (3.6 before 3.13, not as text); unknown versions
  // last; the order found is kept among equals (a venv after its base).
  std::stable_sort(machine.pythons.begin(), machine.pythons.end(),
                   [](const model::Python& a, const model::Python& b) {
                     auto va = DottedVersion::parse(a.version);
                     auto vb = DottedVersion::parse(b.version);
                     if (!va || !vb) return va.has_value() && !vb.has_value();
                     return *va < *vb;
                   });
  return machine;
}

std::vector<model::Python> find_pythons(host::Host& host) {
  const std::string& family = host.system.os_family;
  if (!(family == "linux" ||
        (family.empty() && !is_windows_tree(host.fs) && !is_macos_tree(host.fs))))
    return {};
  model::Machine machine;
  DetectOptions options;
  options.probe_pythons = false;
  probe_pythons(host, machine, options);
  return machine.pythons;
}

}  // namespace torchup::detect
