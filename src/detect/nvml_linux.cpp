// NVML, loaded at run time (never linked; DESIGN §5). Symbol names and the int
// encoding of the CUDA driver version (12040 -> 12.4) are from NVIDIA's NVML API
// reference (docs.nvidia.com/deploy/nvml-api, "System Queries" and "Device Queries");
// the library name libnvidia-ml.so.1 (WSL2: /usr/lib/wsl/lib/) as in rattler and
// fastfetch (research/anchors-detection.md §1-3). Only on the live machine.
#include <dlfcn.h>

#include <cstdio>
#include <cstring>

#include "detect/probes.h"

namespace torchup::detect {
namespace {

using NvmlReturn = int;  // nvmlReturn_t; 0 is NVML_SUCCESS
using NvmlDevice = void*;

// nvmlPciInfo_t (nvml.h, _v3 layout): busIdLegacy[16], domain, bus, device,
// pciDeviceId (device << 16 | vendor), pciSubSystemId, busId[32]. Padded for safety.
struct NvmlPciInfo {
  char bus_id_legacy[16];
  unsigned domain;
  unsigned bus;
  unsigned device;
  unsigned pci_device_id;
  unsigned pci_subsystem_id;
  char bus_id[32];
  char reserved[64];
};

struct Nvml {
  NvmlReturn (*init)();
  NvmlReturn (*shutdown)();
  NvmlReturn (*driver_version)(char*, unsigned);
  NvmlReturn (*cuda_version)(int*);
  NvmlReturn (*count)(unsigned*);
  NvmlReturn (*by_index)(unsigned, NvmlDevice*);
  NvmlReturn (*name)(NvmlDevice, char*, unsigned);
  NvmlReturn (*cc)(NvmlDevice, int*, int*);
  NvmlReturn (*pci)(NvmlDevice, NvmlPciInfo*);
};

template <typename F>
bool bind(void* lib, const char* symbol, F& out) {
  void* p = ::dlsym(lib, symbol);
  if (!p) return false;
  static_assert(sizeof(F) == sizeof(void*));
  std::memcpy(&out, &p, sizeof p);
  return true;
}

}  // namespace

bool probe_nvml(host::Host& host, model::Machine& machine) {
  if (!host.live) return false;
  void* lib = ::dlopen("libnvidia-ml.so.1", RTLD_NOW | RTLD_LOCAL);
  if (!lib && machine.os.wsl)
    lib = ::dlopen("/usr/lib/wsl/lib/libnvidia-ml.so.1", RTLD_NOW | RTLD_LOCAL);
  if (!lib) return false;
  Nvml nvml{};
  bool ok = bind(lib, "nvmlInit_v2", nvml.init) && bind(lib, "nvmlShutdown", nvml.shutdown) &&
            bind(lib, "nvmlSystemGetDriverVersion", nvml.driver_version) &&
            bind(lib, "nvmlDeviceGetCount_v2", nvml.count) &&
            bind(lib, "nvmlDeviceGetHandleByIndex_v2", nvml.by_index) &&
            bind(lib, "nvmlDeviceGetName", nvml.name);
  if (!ok) {
    machine.warnings.push_back(
        tr("detect.nvml-lacks-calls",
           "libnvidia-ml.so.1 lacks the NVML calls torchup uses; falling back to files"));
    return false;  // never dlclose NVML (fastfetch keeps it loaded too)
  }
  bind(lib, "nvmlSystemGetCudaDriverVersion_v2", nvml.cuda_version) ||
      bind(lib, "nvmlSystemGetCudaDriverVersion", nvml.cuda_version);
  bind(lib, "nvmlDeviceGetCudaComputeCapability", nvml.cc);
  bind(lib, "nvmlDeviceGetPciInfo_v3", nvml.pci);
  if (nvml.init() != 0) {
    machine.warnings.push_back(
        tr("detect.nvml-init-failed",
           "NVML is installed but failed to initialise (driver not loaded or mismatched)"));
    return false;
  }
  char version[96] = {};
  if (nvml.driver_version(version, sizeof version) == 0 && version[0] != '\0') {
    model::NvidiaDriver driver;
    driver.driver_version = version;
    driver.source = "nvml";
    int cuda = 0;
    // Plausible range as in rattler's cuda.rs: 1000..99990.
    if (nvml.cuda_version && nvml.cuda_version(&cuda) == 0 && cuda >= 1000 && cuda <= 99990) {
      driver.max_cuda = std::to_string(cuda / 1000) + "." + std::to_string((cuda % 1000) / 10);
    }
    machine.nvidia = driver;
  }
  unsigned count = 0;
  if (nvml.count(&count) == 0) {
    std::vector<bool> matched(machine.gpus.size(), false);
    for (unsigned i = 0; i < count && i < 64; ++i) {
      NvmlDevice dev = nullptr;
      if (nvml.by_index(i, &dev) != 0) continue;
      char name[96] = {};
      nvml.name(dev, name, sizeof name);
      std::optional<std::string> cc;
      int major = 0, minor = 0;
      if (nvml.cc && nvml.cc(dev, &major, &minor) == 0)
        cc = std::to_string(major) + "." + std::to_string(minor);
      std::optional<std::string> pci_id;
      NvmlPciInfo info{};
      if (nvml.pci && nvml.pci(dev, &info) == 0) {
        char buf[16];
        std::snprintf(buf, sizeof buf, "%04x:%04x", info.pci_device_id & 0xffff,
                      info.pci_device_id >> 16);
        pci_id = buf;
      }
      // Join with the PCI list by id (first unmatched one); add the GPU when PCI did not show it
      // (WSL2).
      model::Gpu* target = nullptr;
      for (std::size_t g = 0; g < machine.gpus.size(); ++g) {
        if (!matched[g] && machine.gpus[g].vendor == "nvidia" &&
            (!pci_id || machine.gpus[g].pci_id == pci_id)) {
          matched[g] = true;
          target = &machine.gpus[g];
          break;
        }
      }
      if (!target) {
        machine.gpus.push_back(model::Gpu{"nvidia", {}, pci_id, {}, {}, {}});
        matched.push_back(true);
        target = &machine.gpus.back();
      }
      if (name[0] != '\0') target->name = name;
      if (cc) target->compute_capability = cc;
      target->source = "nvml";
    }
  }
  nvml.shutdown();
  return machine.nvidia.has_value();
}

}  // namespace torchup::detect
