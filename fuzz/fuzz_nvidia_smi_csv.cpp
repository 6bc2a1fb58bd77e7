// nvidia-smi --query-gpu=name,driver_version,compute_cap,pci.device_id --format=csv,noheader
#include "detect/parse.h"
#include "fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace torchup;
  for (const auto& gpu : detect::parse_nvidia_smi_csv(fuzz::view(data, size))) {
    fuzz::check(!gpu.name.empty() && !gpu.driver_version.empty(), "a listed GPU has a name and a driver");
  }
  return 0;
}
