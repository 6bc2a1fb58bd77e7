// WSL2 from files. Under WSL2 the GPU belongs to Windows: no PCI display device, no
// /sys/module/nvidia; the Windows driver's Linux user-mode files are mounted from its
// DriverStore at /usr/lib/wsl/drivers/<name>.inf_amd64_<hash>/ (libcuda.so.1.1,
// libnvidia-ml.so.1, nvidia-smi) and linked from /usr/lib/wsl/lib/ (NVIDIA CUDA on WSL
// User Guide; research/anchors-detection.md §8; nvidia-container-toolkit's WSL discovery
// picks the driver store that holds these files, NVIDIA/nvidia-container-toolkit#1890).
// Those files do not say the driver version or the GPU model: only NVML or nvidia-smi
// (a live run) can, so from files alone detect reports "an NVIDIA GPU" and says so.
#include <algorithm>

#include "detect/probes.h"

namespace torchup::detect {
namespace {

constexpr const char* kDriverStore = "/usr/lib/wsl/drivers";
constexpr const char* kWslLib = "/usr/lib/wsl/lib";

// Files only NVIDIA's driver puts there (the first is libcuda's real name in the store).
constexpr const char* kNvidiaFiles[] = {"libcuda.so.1.1", "libnvidia-ml.so.1", "nvidia-smi"};

bool holds_nvidia_files(const host::FileSystem& fs, const std::string& dir) {
  return std::any_of(std::begin(kNvidiaFiles), std::end(kNvidiaFiles),
                     [&](const char* name) { return fs.exists(join_path(dir, name)); });
}

// The NVIDIA driver store directory, else /usr/lib/wsl/lib when it holds NVIDIA's files
// (where `which nvidia-smi` points inside WSL, microsoft/WSL#8174); nullopt when neither does.
std::optional<std::string> nvidia_driver_files(const host::FileSystem& fs) {
  for (const auto& entry : fs.list_dir(kDriverStore)) {
    auto dir = join_path(kDriverStore, entry);
    if (fs.is_dir(dir) && holds_nvidia_files(fs, dir)) return dir;
  }
  for (const char* name : {"libnvidia-ml.so.1", "libcuda.so.1", "nvidia-smi"}) {
    if (fs.exists(join_path(kWslLib, name))) return std::string(kWslLib);
  }
  return std::nullopt;
}

}  // namespace

void probe_wsl_nvidia(host::Host& host, model::Machine& machine) {
  if (!machine.os.wsl || machine.nvidia) return;
  bool have_nvidia = std::any_of(machine.gpus.begin(), machine.gpus.end(),
                                 [](const model::Gpu& g) { return g.vendor == "nvidia"; });
  if (have_nvidia) return;
  auto files = nvidia_driver_files(host.fs);
  if (!files) {
    machine.warnings.push_back(std::string("WSL2: no Windows NVIDIA driver files in ") + kDriverStore + " or " +
                               kWslLib + "; GPUs are not visible in WSL without one (install the NVIDIA driver on "
                               "Windows, not inside WSL)");
    return;
  }
  model::Gpu gpu;
  gpu.vendor = "nvidia";
  gpu.name = "NVIDIA GPU (model unknown: the WSL2 driver files do not name it)";
  gpu.source = kWslDriverSource;
  machine.gpus.push_back(std::move(gpu));
  std::string how = host.live ? "NVML (" + std::string(kWslLib) + "/libnvidia-ml.so.1) and nvidia-smi did not answer; "
                                "check `nvidia-smi` inside WSL and on Windows"
                              : "run `torchup detect` inside WSL without --root (it asks NVML in " + std::string(kWslLib) +
                                    "), or read `nvidia-smi` there";
  machine.warnings.push_back("WSL2: the Windows NVIDIA driver is installed (" + *files +
                             ") but its files do not carry the driver version, the GPU model or its compute "
                             "capability; to get them, " + how);
}

}  // namespace torchup::detect
