// pci.ids (pciutils) lookups and the names taken from it. The first four bytes pick
// the vendor and device to look up; the rest is the file.
#include "data/gpu_db.h"
#include "fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace torchup;
  if (size < 4) return 0;
  auto vendor = static_cast<std::uint16_t>(data[0] << 8 | data[1]);
  auto device = static_cast<std::uint16_t>(data[2] << 8 | data[3]);
  auto ids = fuzz::view(data + 4, size - 4);
  (void)data::pci_ids_vendor_name(ids, vendor);
  (void)data::pci_ids_vendor_name(ids, 0x10de);
  for (auto dev : {device, static_cast<std::uint16_t>(0x2684)}) {
    if (auto name = data::pci_ids_device_name(ids, 0x10de, dev)) {
      (void)data::pci_marketing_name(*name);
      (void)data::nvidia_chip_from_pci_name(*name);
    }
  }
  (void)data::pci_ids_device_name(ids, vendor, device);
  (void)data::pci_marketing_name(ids);
  if (auto chip = data::nvidia_chip_from_pci_name(ids)) fuzz::check(chip->size() >= 2, "chip names have a family");
  return 0;
}
