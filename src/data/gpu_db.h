// GPU naming and NVIDIA compute capability, offline.
//  - NvidiaCcTable: PCI device id -> chip -> compute capability, parsed from
//    data/nvidia-compute-capability.json (ids from pci.ids 2026.08.22, CC per chip from
//    NVIDIA's "CUDA GPUs" page; see the file's "sources"). Used when NVML is not available.
//  - pci.ids lookups (format: pciutils pci.ids header; vendor "vvvv  Name", device
//    "\tdddd  Name", two spaces before the name) for model names when no driver names the GPU.
// Parsers never throw on bad data; they return Expected errors naming file and field.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "data/store.h"
#include "util/expected.h"

namespace torchup::data {

struct NvidiaChip {
  std::string chip;                               // "AD102"
  std::optional<std::string> compute_capability;  // "8.9"; null when the data leaves it unverified
};

class NvidiaCcTable {
 public:
  static Expected<NvidiaCcTable> parse(const std::string& json_text);
  // device: 16-bit PCI device id of vendor 10de.
  const NvidiaChip* find(std::uint16_t device) const;
  std::size_t size() const { return by_device_.size(); }

 private:
  std::map<std::uint16_t, NvidiaChip> by_device_;
};

Expected<NvidiaCcTable> load_nvidia_cc_table(DataStore& store);

// Device name for vendor:device in pci.ids text ("AD102 [GeForce RTX 4090]"); nullopt when absent.
std::optional<std::string> pci_ids_device_name(std::string_view pci_ids, std::uint16_t vendor,
                                               std::uint16_t device);
// Vendor name ("NVIDIA Corporation"); nullopt when absent.
std::optional<std::string> pci_ids_vendor_name(std::string_view pci_ids, std::uint16_t vendor);
// The marketing name inside the last [...] of a pci.ids name ("GeForce RTX 4090"), else the name.
std::string pci_marketing_name(std::string_view pci_name);
// The NVIDIA chip codename a pci.ids name starts with ("AD102" from "AD102 [GeForce RTX 4090]"
// or "GA107GLM [...]" -> "GA107"); nullopt when it does not start with GK/GM/GP/GV/TU/GA/AD/GH/GB.
std::optional<std::string> nvidia_chip_from_pci_name(std::string_view pci_name);

}  // namespace torchup::data
