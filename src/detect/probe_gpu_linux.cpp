// GPUs on Linux: display-class PCI devices from sysfs (the approach of fastfetch's
// gpu_linux.c: one modalias per device), named by the NVIDIA driver's /proc file,
// else pci.ids; NVIDIA compute capability from the offline table; AMD gfx targets
// from the KFD topology (LLVM AMDGPUArchByKFD.cpp reads the same files).
#include <cstdio>

#include "data/gpu_db.h"
#include "detect/parse.h"
#include "detect/probes.h"
#include "util/strings.h"

namespace torchup::detect {
namespace {

constexpr const char* kPciDevices = "/sys/bus/pci/devices";

// PCI vendor ids (pci.ids): 10de NVIDIA, 1002 AMD/ATI, 8086 Intel, 106b Apple.
std::string vendor_key(std::uint16_t vendor) {
  switch (vendor) {
    case 0x10de:
      return "nvidia";
    case 0x1002:
      return "amd";
    case 0x8086:
      return "intel";
    case 0x106b:
      return "apple";
    default:
      return "other";
  }
}

std::string vendor_prefix(const std::string& key) {
  if (key == "nvidia") return "NVIDIA ";
  if (key == "amd") return "AMD ";
  if (key == "intel") return "Intel ";
  return {};
}

std::string pci_id_text(std::uint16_t vendor, std::uint16_t device) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04x:%04x", vendor, device);
  return buf;
}

struct PciGpu {
  std::string bdf;
  PciModalias ids;
  std::string driver;  // basename of the driver link, empty when none is bound
};

std::optional<PciModalias> read_ids(const host::FileSystem& fs, const std::string& dir) {
  if (auto modalias = read_small(fs, dir + "/modalias", 256)) {
    if (auto parsed = parse_pci_modalias(*modalias)) return parsed;
  }
  // Older kernels / hand-made trees: separate class, vendor and device files.
  auto cls = read_small(fs, dir + "/class", 64);
  auto vendor = read_small(fs, dir + "/vendor", 64);
  auto device = read_small(fs, dir + "/device", 64);
  if (!cls || !vendor || !device) return std::nullopt;
  auto c = parse_sysfs_hex(*cls);
  auto v = parse_sysfs_hex(*vendor);
  auto d = parse_sysfs_hex(*device);
  if (!c || !v || !d || *v > 0xffff || *d > 0xffff) return std::nullopt;
  return PciModalias{static_cast<std::uint16_t>(*v), static_cast<std::uint16_t>(*d),
                     static_cast<std::uint8_t>((*c >> 16) & 0xff),
                     static_cast<std::uint8_t>((*c >> 8) & 0xff)};
}

std::vector<PciGpu> list_pci_gpus(const host::FileSystem& fs, std::vector<Text>& warnings) {
  std::vector<PciGpu> out;
  std::size_t unreadable = 0;
  for (const auto& bdf : fs.list_dir(kPciDevices)) {
    auto dir = std::string(kPciDevices) + "/" + bdf;
    auto ids = read_ids(fs, dir);
    if (!ids) {
      ++unreadable;
      continue;
    }
    if (ids->base_class != 0x03) continue;  // PCI base class 03: display controller
    PciGpu gpu{bdf, *ids, {}};
    if (auto link = fs.read_link(dir + "/driver")) {
      auto slash = link->rfind('/');
      gpu.driver = slash == std::string::npos ? *link : link->substr(slash + 1);
    }
    out.push_back(std::move(gpu));
  }
  if (unreadable > 0) {
    warnings.push_back(tr("detect.pci-unreadable",
                          "{count} PCI device(s) under {dir} have unreadable ids "
                          "(modalias/class files); they were skipped",
                          {{"count", std::to_string(unreadable)}, {"dir", kPciDevices}}));
  }
  return out;
}

class PciNames {
 public:
  explicit PciNames(const host::FileSystem& fs) : fs_(fs) {}
  std::optional<std::string> device(std::uint16_t vendor, std::uint16_t device) {
    load();
    if (text_.empty()) return std::nullopt;
    return data::pci_ids_device_name(text_, vendor, device);
  }

 private:
  void load() {
    if (loaded_) return;
    loaded_ = true;
    // Debian/Ubuntu package pci.ids, Fedora/Arch hwdata (research/anchors-detection.md §7).
    for (const char* path : {"/usr/share/misc/pci.ids", "/usr/share/hwdata/pci.ids",
                             "/usr/local/share/hwdata/pci.ids"}) {
      if (auto text = fs_.read_file(path, kPciIdsMax); text && !text->empty()) {
        text_ = std::move(*text);
        return;
      }
    }
  }
  const host::FileSystem& fs_;
  bool loaded_ = false;
  std::string text_;
};

void attach_kfd_targets(const host::FileSystem& fs, model::Machine& machine) {
  const std::string nodes = "/sys/class/kfd/kfd/topology/nodes";
  std::vector<KfdNode> gpus;
  for (const auto& node : fs.list_dir(nodes)) {
    auto text = read_small(fs, nodes + "/" + node + "/properties");
    if (!text) continue;
    auto parsed = parse_kfd_properties(*text);
    if (parsed && parsed->gfx_target_version != 0) gpus.push_back(*parsed);
  }
  std::vector<bool> used(gpus.size(), false);
  for (auto& gpu : machine.gpus) {
    if (gpu.vendor != "amd" || !gpu.pci_id) continue;
    auto device = str::parse_hex(gpu.pci_id->substr(5));
    for (std::size_t i = 0; i < gpus.size(); ++i) {
      if (used[i]) continue;
      bool same = gpus[i].device_id && device && *gpus[i].device_id == *device;
      bool lone = !gpus[i].device_id;
      if (same || lone) {
        gpu.gfx_target = gfx_target_name(gpus[i].gfx_target_version);
        used[i] = true;
        break;
      }
    }
    if (!gpu.gfx_target) {
      machine.warnings.push_back(tr("detect.amd-gfx-unknown",
                                    "AMD GPU {gpu}: gfx target unknown (no KFD topology node "
                                    "for it; is the amdgpu driver loaded?)",
                                    {{"gpu", gpu.name}}));
    }
  }
}

}  // namespace

void probe_gpus(host::Host& host, data::DataStore& store, model::Machine& machine) {
  const auto& fs = host.fs;
  auto pci = list_pci_gpus(fs, machine.warnings);
  PciNames names(fs);
  std::optional<data::NvidiaCcTable> cc_table;
  bool cc_table_tried = false;

  for (const auto& dev : pci) {
    model::Gpu gpu;
    gpu.vendor = vendor_key(dev.ids.vendor);
    gpu.pci_id = pci_id_text(dev.ids.vendor, dev.ids.device);
    if (gpu.vendor == "nvidia") {
      if (auto info = read_small(fs, "/proc/driver/nvidia/gpus/" + dev.bdf + "/information")) {
        if (auto model = parse_nvidia_gpu_model(*info)) {
          gpu.name = *model;
          gpu.source = "/proc/driver/nvidia";
        }
      }
    }
    // pci.ids (1.3 MB) is read only when no driver named the GPU.
    std::optional<std::string> pci_name =
        gpu.name.empty() ? names.device(dev.ids.vendor, dev.ids.device) : std::nullopt;
    if (gpu.name.empty() && pci_name) {
      auto marketing = data::pci_marketing_name(*pci_name);
      auto prefix = vendor_prefix(gpu.vendor);
      gpu.name = marketing.starts_with(prefix) || prefix.empty() ? marketing : prefix + marketing;
      gpu.source = "pci.ids";
    }
    if (gpu.name.empty()) {
      gpu.name = "unknown model (" + *gpu.pci_id + ")";
      machine.warnings.push_back(tr("detect.gpu-name-unknown",
                                    "GPU {id} at {bdf}: model name unknown (no driver names it "
                                    "and pci.ids has no entry)",
                                    {{"id", *gpu.pci_id}, {"bdf", dev.bdf}}));
    }
    if (gpu.vendor == "nvidia") {
      if (!cc_table_tried) {
        cc_table_tried = true;
        auto loaded = data::load_nvidia_cc_table(store);
        if (loaded)
          cc_table = std::move(*loaded);
        else
          machine.warnings.push_back(tr("detect.cc-table-unusable",
                                        "compute capability table unusable: {error}",
                                        {{"error", loaded.error().message}}));
      }
      const data::NvidiaChip* chip = cc_table ? cc_table->find(dev.ids.device) : nullptr;
      if (chip && chip->compute_capability) gpu.compute_capability = chip->compute_capability;
      // A missing CC is warned about after NVML/nvidia-smi had their chance (detect.cpp).
      if (dev.driver != "nvidia") {
        if (dev.driver.empty()) {
          machine.warnings.push_back(tr("detect.gpu-no-driver",
                                        "{gpu} ({id}) has no NVIDIA driver loaded: install the "
                                        "NVIDIA driver to use CUDA",
                                        {{"gpu", gpu.name}, {"id", *gpu.pci_id}}));
        } else {
          machine.warnings.push_back(
              tr("detect.gpu-other-driver",
                 "{gpu} ({id}) has no NVIDIA driver loaded (bound to "
                 "{driver}): install the NVIDIA driver to use CUDA",
                 {{"gpu", gpu.name}, {"id", *gpu.pci_id}, {"driver", dev.driver}}));
        }
      }
    }
    machine.gpus.push_back(std::move(gpu));
  }
  attach_kfd_targets(fs, machine);
}

}  // namespace torchup::detect
