// A system torchup cannot detect yet (Windows, macOS before their ports): the OS
// family and CPU as the host reports them, no GPU or Python facts, and a warning that
// says so. Builds anywhere: it reads nothing but the host's system facts.
#include "detect/detect_os.h"

namespace torchup::detect {

model::Machine detect_unsupported(const host::Host& host) {
  model::Machine machine;
  machine.os.family = host.system.os_family;
  machine.os.arch = host.system.arch;
  machine.warnings.push_back("torchup cannot detect " + host.system.os_family +
                             " machines yet: GPUs, drivers and Pythons are unknown; plan with --profile FILE "
                             "(a hand-written `torchup detect --json` document) or --platform");
  return machine;
}

}  // namespace torchup::detect
