// The per-OS detection behind detect_machine() (detect.cpp dispatches by the host's
// OS family). A port adds its detect_<os>.cpp and a branch in detect.cpp.
#pragma once

#include "data/store.h"
#include "detect/detect.h"
#include "host/host.h"
#include "model/machine.h"

namespace torchup::detect {

// Linux and WSL2 (and any machine read from a directory tree): detect_linux.cpp.
model::Machine detect_linux(host::Host& host, data::DataStore& store, const DetectOptions& options);

// Windows (detect_windows.cpp): the live machine when host.system.os_family is
// "windows", else a Windows --root tree (DIR/registry.reg plus DIR/C/... for drive C:).
model::Machine detect_windows(host::Host& host, data::DataStore& store, const DetectOptions& options);
// A --root tree that is a Windows machine: it has registry.reg or C/Windows.
bool is_windows_tree(const host::FileSystem& fs);

// macOS (detect_macos.cpp): the live Mac, or a --root tree with
// System/Library/CoreServices/SystemVersion.plist.
model::Machine detect_macos(host::Host& host, const DetectOptions& options);
bool is_macos_tree(const host::FileSystem& fs);

// A system without detection yet: its family and CPU, and a warning saying so.
model::Machine detect_unsupported(const host::Host& host);

}  // namespace torchup::detect
