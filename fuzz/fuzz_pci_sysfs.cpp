// sysfs PCI files: modalias ("pci:v000010DEd00002684sv...bc03sc00i00") and the
// "0x10de" / "0x030000" hex files (vendor, device, class).
#include "detect/parse.h"
#include "fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace torchup;
  auto in = fuzz::view(data, size);
  (void)detect::parse_pci_modalias(in);
  (void)detect::parse_sysfs_hex(in);
  return 0;
}
