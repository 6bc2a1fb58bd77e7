// Internal to detect/: the thin probes that read one group of facts through
// host::Host and fill a model::Machine, each adding warnings for what it could
// not read. detect.cpp calls them in order; tests go through detect_machine().
#pragma once

#include <optional>
#include <string>

#include "data/store.h"
#include "detect/detect.h"
#include "host/host.h"
#include "model/machine.h"

namespace torchup::detect {

// Caps on file reads: detection reads small text files and never a whole binary.
inline constexpr std::size_t kSmallFile = 64u << 10;
inline constexpr std::size_t kPciIdsMax = 4u << 20;   // pci.ids is ~1.6 MB
inline constexpr std::size_t kLibcScan = 4u << 20;    // the banner sits near the end of .rodata
// An interpreter or libpython scanned for PY_VERSION: Debian's static python3.11 is 6.8 MB
// (the string at 2.9 MB); unstripped libpython3.13.so is 31 MB with .rodata in the first 5 MB.
inline constexpr std::size_t kBinaryScan = 16u << 20;

// Reads a small text file; nullopt when missing or empty.
std::optional<std::string> read_small(const host::FileSystem& fs, const std::string& path,
                                      std::size_t max = kSmallFile);

void probe_os(host::Host& host, model::Machine& machine);
// PCI display devices, NVIDIA /proc names, pci.ids names, the offline CC table, KFD gfx targets.
void probe_gpus(host::Host& host, data::DataStore& store, model::Machine& machine);
// NVML (live only, loaded at run time); fills GPU names/CC and the driver when it answers.
// Returns true when NVML answered.
bool probe_nvml(host::Host& host, model::Machine& machine);
// Driver version from files, else nvidia-smi (live), and max CUDA from Table 3.
void probe_nvidia_driver(host::Host& host, data::DataStore& store, model::Machine& machine,
                         const DetectOptions& options);
// The highest CUDA of machine.nvidia's driver from Table 3 when the driver did not say
// (the Windows column under WSL2); a warning when the table has no row for it.
void fill_max_cuda(data::DataStore& store, model::Machine& machine);
// WSL2 with no NVIDIA GPU or driver found so far: the Windows driver's files under
// /usr/lib/wsl show an NVIDIA GPU exists; reports it (model unknown), and the driver's
// version from the DriverVer of its INF in the driver store (then max CUDA from Table 3),
// else a warning saying how to get it. Source tag of such a GPU: kWslDriverSource.
inline constexpr const char* kWslDriverSource = "wsl-driver-files";
void probe_wsl_nvidia(host::Host& host, data::DataStore& store, model::Machine& machine);
void probe_rocm(host::Host& host, model::Machine& machine);
void probe_cuda_toolkits(host::Host& host, model::Machine& machine, const DetectOptions& options);
void probe_pythons(host::Host& host, model::Machine& machine, const DetectOptions& options);

// "/a/b" + "c" -> "/a/b/c"
std::string join_path(const std::string& dir, const std::string& name);
// Follows symbolic links through the host (at most 16 hops); the path itself when not a link.
std::string resolve_links(const host::FileSystem& fs, const std::string& path);

}  // namespace torchup::detect
