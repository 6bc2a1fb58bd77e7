// NVML on systems without the Linux loader (the Windows build until Windows detection
// loads nvml.dll): never answers, so the Linux probes fall back to files and nvidia-smi.
#include "detect/probes.h"

namespace torchup::detect {

bool probe_nvml(host::Host&, model::Machine&) { return false; }

}  // namespace torchup::detect
