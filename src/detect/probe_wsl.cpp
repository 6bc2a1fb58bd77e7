// WSL2 from files. Under WSL2 the GPU belongs to Windows: no PCI display device, no
// /sys/module/nvidia; the Windows driver's Linux user-mode files are mounted from its
// DriverStore at /usr/lib/wsl/drivers/<name>.inf_amd64_<hash>/ (libcuda.so.1.1,
// libnvidia-ml.so.1, nvidia-smi) and linked from /usr/lib/wsl/lib/ (NVIDIA CUDA on WSL
// User Guide; research/anchors-detection.md §8; nvidia-container-toolkit's WSL discovery
// picks the driver store that holds these files, NVIDIA/nvidia-container-toolkit#1890).
// The driver store directory is Windows' DriverStore\FileRepository package folder
// (/usr/lib/wsl/drivers is a mount of the Windows drive's driver store: renenyffenegger.ch,
// "/usr/lib/wsl/drivers"; microsoft/WSL#10547 lists it), and staging a package copies its
// INF there with every file it references (Microsoft Learn, "Driver Store"). The INF's
// DriverVer (Microsoft Learn, "INF DriverVer directive") is the Windows driver version
// ("31.0.15.5222"), which is NVIDIA's 552.22 by the rule in parse_windows.h. The
// libraries' names carry no version (libcuda.so.1.1, libnvidia-ml.so.1), and the GPU
// model is in no file: only NVML or nvidia-smi (a live run, probe_nvidia.cpp) name it.
#include <algorithm>

#include "detect/parse_windows.h"
#include "detect/probes.h"
#include "util/version.h"

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

struct InfVersion {
  std::string driver;   // "552.22"
  std::string windows;  // "31.0.15.5222"
  std::string inf;      // the INF's path
};

// The NVIDIA driver version from the INF files of a driver store package directory.
std::optional<InfVersion> inf_version(const host::FileSystem& fs, const std::string& dir) {
  for (const auto& entry : fs.list_dir(dir)) {
    if (entry.size() < 5) continue;
    std::string ext = entry.substr(entry.size() - 4);
    for (auto& c : ext) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    if (ext != ".inf") continue;
    const std::string path = join_path(dir, entry);
    auto text = fs.read_file(path, 4u << 20);  // NVIDIA's display INFs are a few hundred KB
    if (!text) continue;
    auto windows = parse_inf_driver_ver(*text);
    auto driver = windows ? nvidia_driver_from_windows(*windows) : std::nullopt;
    if (driver) return InfVersion{*driver, *windows, path};
  }
  return std::nullopt;
}

}  // namespace

void probe_wsl_nvidia(host::Host& host, data::DataStore& store, model::Machine& machine) {
  if (!machine.os.wsl || machine.nvidia) return;
  bool have_nvidia = std::any_of(machine.gpus.begin(), machine.gpus.end(),
                                 [](const model::Gpu& g) { return g.vendor == "nvidia"; });
  if (have_nvidia) return;
  auto files = nvidia_driver_files(host.fs);
  if (!files) {
    machine.warnings.push_back(tr("detect.wsl-no-driver",
                                  "WSL2: no Windows NVIDIA driver files in {store} or {lib}; "
                                  "GPUs are not visible in WSL without one (install the NVIDIA "
                                  "driver on Windows, not inside WSL)",
                                  {{"store", kDriverStore}, {"lib", kWslLib}}));
    return;
  }
  model::Gpu gpu;
  gpu.vendor = "nvidia";
  gpu.name = "NVIDIA GPU (model unknown: the WSL2 driver files do not name it)";
  gpu.source = kWslDriverSource;
  machine.gpus.push_back(std::move(gpu));
  // Every NVIDIA package in the store with a readable DriverVer; Windows keeps older
  // packages after an update until they are removed, so the newest is taken and named.
  std::vector<InfVersion> found;
  for (const auto& entry : host.fs.list_dir(kDriverStore)) {
    auto dir = join_path(kDriverStore, entry);
    if (!host.fs.is_dir(dir) || !holds_nvidia_files(host.fs, dir)) continue;
    if (auto v = inf_version(host.fs, dir)) found.push_back(std::move(*v));
  }
  std::sort(found.begin(), found.end(), [](const InfVersion& a, const InfVersion& b) {
    return DottedVersion::parse(a.driver).value_or(DottedVersion()) <
           DottedVersion::parse(b.driver).value_or(DottedVersion());
  });
  if (!found.empty()) {
    const auto& v = found.back();
    machine.nvidia =
        model::NvidiaDriver{v.driver, std::nullopt, v.inf + " (DriverVer " + v.windows + ")"};
    fill_max_cuda(store, machine);
    if (found.size() > 1) {
      machine.warnings.push_back(tr("detect.wsl-several-drivers",
                                    "WSL2: {count} NVIDIA driver packages in {store}; the "
                                    "newest ({driver}) is taken as the installed one",
                                    {{"count", std::to_string(found.size())},
                                     {"store", kDriverStore},
                                     {"driver", v.driver}}));
    }
    Text how = tr("detect.wsl-ask-inside",
                  "run `torchup detect` inside WSL without --root for them (NVML in {lib})",
                  {{"lib", kWslLib}});
    if (host.live)
      how = tr("detect.wsl-no-answer", "NVML and nvidia-smi in {lib} did not answer",
               {{"lib", kWslLib}});
    machine.warnings.push_back(tr("detect.wsl-driver-no-model",
                                  "WSL2: the Windows NVIDIA driver {driver} is installed "
                                  "({inf}), but its files do not name the GPU model or its "
                                  "compute capability; {how}",
                                  {{"driver", v.driver}, {"inf", v.inf}, {"how", how}}));
    return;
  }
  Text how = tr("detect.wsl-version-ask-inside",
                "run `torchup detect` inside WSL without --root (it asks NVML in "
                "{lib}), or read `nvidia-smi` there",
                {{"lib", kWslLib}});
  if (host.live) {
    how = tr("detect.wsl-version-no-answer",
             "NVML ({lib}/libnvidia-ml.so.1) and nvidia-smi did not answer; check "
             "`nvidia-smi` inside WSL and on Windows",
             {{"lib", kWslLib}});
  }
  machine.warnings.push_back(tr("detect.wsl-driver-no-version",
                                "WSL2: the Windows NVIDIA driver is installed ({files}) "
                                "but its files do not carry the driver version, the GPU "
                                "model or its compute capability; to get them, {how}",
                                {{"files", *files}, {"how", how}}));
}

}  // namespace torchup::detect
