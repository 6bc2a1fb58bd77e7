// Linux (and WSL2) detection: the probes in order (probes.h), each reading through
// the host.
#include "detect/detect_os.h"
#include "detect/probes.h"

namespace torchup::detect {

model::Machine detect_linux(host::Host& host, data::DataStore& store,
                            const DetectOptions& options) {
  model::Machine machine;
  probe_os(host, machine);
  probe_gpus(host, store, machine);
  bool nvidia_present = false;
  for (const auto& gpu : machine.gpus) nvidia_present = nvidia_present || gpu.vendor == "nvidia";
  // NVML only when it can answer something (an NVIDIA GPU, or WSL2 where PCI shows none):
  // its init costs tens of milliseconds.
  if (host.live && options.use_nvml && (nvidia_present || machine.os.wsl))
    probe_nvml(host, machine);
  probe_nvidia_driver(host, store, machine, options);
  probe_wsl_nvidia(host, store, machine);
  probe_rocm(host, machine);
  probe_cuda_toolkits(host, machine, options);
  probe_pythons(host, machine, options);
  for (const auto& gpu : machine.gpus) {
    // A GPU known only from WSL2's driver files has no id to look up; its warning says why.
    if (gpu.vendor == "nvidia" && !gpu.compute_capability && gpu.source != kWslDriverSource) {
      const std::string named = gpu.name + (gpu.pci_id ? " (" + *gpu.pci_id + ")" : std::string());
      machine.warnings.push_back(
          tr("detect.cc-unknown",
             "{gpu}: compute capability unknown (device id not in the "
             "offline table; NVML or nvidia-smi with a loaded driver would tell)",
             {{"gpu", named}}));
    }
  }
  return machine;
}

}  // namespace torchup::detect
