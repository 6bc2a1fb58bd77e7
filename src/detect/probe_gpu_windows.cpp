// Windows GPUs, the NVIDIA driver and CUDA toolkits, from the registry and files:
//  - GPUs: one 000N subkey of the display class key per installed display driver
//    (DriverDesc: the name Device Manager shows; MatchingDeviceId: the PCI hardware id the
//    driver matched; DriverVersion; ProviderName). The model name is the driver's; NVIDIA
//    compute capability from the embedded table by device id (data/nvidia-compute-capability.json).
//  - the NVIDIA driver: DriverVersion of the NVIDIA adapter ("31.0.15.5222" is 552.22,
//    parse_windows.h), else nvidia-smi.exe (live only, with a timeout) from System32 (older
//    drivers) or the driver store (DCH drivers: FileRepository\nv*); max CUDA from Table 3's
//    Windows column (data/cuda-driver-table.json).
//  - toolkits: %ProgramFiles%\NVIDIA GPU Computing Toolkit\CUDA\v* (the CUDA installer's
//    default, CUDA Installation Guide for Microsoft Windows) and CUDA_PATH / CUDA_PATH_V*_*,
//    which the installer sets system-wide.
#include <algorithm>
#include <cstdio>

#include "data/cuda_table.h"
#include "data/gpu_db.h"
#include "detect/parse.h"
#include "detect/parse_windows.h"
#include "detect/probes.h"
#include "detect/windows.h"
#include "util/strings.h"
#include "util/version.h"

namespace torchup::detect::win {
namespace {

std::string vendor_key(std::uint16_t vendor) {
  switch (vendor) {
    case 0x10de:
      return "nvidia";
    case 0x1002:
      return "amd";
    case 0x8086:
      return "intel";
    default:
      return "other";
  }
}

bool is_driver_subkey(const std::string& name) {
  return name.size() == 4 &&
         std::all_of(name.begin(), name.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

void probe_gpus(Context& ctx, data::DataStore& store, model::Machine& machine) {
  using host::RegHive;
  std::optional<data::NvidiaCcTable> cc_table;
  bool cc_tried = false;
  for (const auto& sub : ctx.host.registry.subkeys(RegHive::local_machine, kDisplayClass)) {
    if (!is_driver_subkey(sub)) continue;  // "Properties", "Configuration": not adapters
    const std::string key = std::string(kDisplayClass) + "\\" + sub;
    auto desc = ctx.reg_string(RegHive::local_machine, key, "DriverDesc");
    auto matching = ctx.reg_string(RegHive::local_machine, key, "MatchingDeviceId");
    if (!desc && !matching) continue;
    auto ids = matching ? parse_matching_device_id(*matching) : std::nullopt;
    if (!ids) {
      // Virtual displays (ROOT\..., SWD\...) and the Microsoft Basic Display Adapter
      // (PCI\CC_0300: a class match, no vendor driver) name no GPU vendor.
      if (matching && lower(*matching).starts_with("pci\\cc_03")) {
        Text adapter = tr("detect.a-display-adapter", "a display adapter");
        if (desc) adapter = *desc;
        machine.warnings.push_back(tr("detect.generic-display-driver",
                                      "{adapter} drives a GPU with Windows' generic "
                                      "driver: install the vendor's driver to use it "
                                      "({key})",
                                      {{"adapter", adapter}, {"key", "HKLM\\" + key}}));
      }
      continue;
    }
    model::Gpu gpu;
    gpu.vendor = vendor_key(ids->vendor);
    char pci[16];
    std::snprintf(pci, sizeof pci, "%04x:%04x", ids->vendor, ids->device);
    gpu.pci_id = pci;
    gpu.name = desc ? *desc : "unknown model (" + *gpu.pci_id + ")";
    gpu.source = "registry: HKLM\\" + key;
    if (gpu.vendor == "nvidia") {
      if (!cc_tried) {
        cc_tried = true;
        auto loaded = data::load_nvidia_cc_table(store);
        if (loaded)
          cc_table = std::move(*loaded);
        else
          machine.warnings.push_back(tr("detect.cc-table-unusable",
                                        "compute capability table unusable: {error}",
                                        {{"error", loaded.error().message}}));
      }
      const data::NvidiaChip* chip = cc_table ? cc_table->find(ids->device) : nullptr;
      if (chip && chip->compute_capability)
        gpu.compute_capability = chip->compute_capability;
      else {
        machine.warnings.push_back(tr("detect.cc-unknown-offline",
                                      "{gpu} ({id}): compute capability unknown (device id "
                                      "not in the offline table)",
                                      {{"gpu", gpu.name}, {"id", *gpu.pci_id}}));
      }
      if (auto version = ctx.reg_string(RegHive::local_machine, key, "DriverVersion")) {
        ctx.nvidia_driver_keys.emplace_back(key, *version);
      }
    }
    machine.gpus.push_back(std::move(gpu));
  }
}

namespace {

// nvidia-smi.exe: System32 (drivers before DCH), else the driver store's NVIDIA packages.
std::optional<std::string> find_nvidia_smi(const Context& ctx) {
  auto root = ctx.var("SystemRoot").value_or("C:\\Windows");
  auto system32 = join(root, "System32\\nvidia-smi.exe");
  if (ctx.host.fs.exists(system32)) return system32;
  auto repo = join(root, "System32\\DriverStore\\FileRepository");
  for (const auto& entry : ctx.host.fs.list_dir(repo)) {
    if (!lower(entry).starts_with("nv")) continue;
    auto smi = join(join(repo, entry), "nvidia-smi.exe");
    if (ctx.host.fs.exists(smi)) return smi;
  }
  return std::nullopt;
}

}  // namespace

void probe_nvidia_driver(Context& ctx, data::DataStore& store, model::Machine& machine,
                         const DetectOptions& options) {
  bool nvidia = std::any_of(machine.gpus.begin(), machine.gpus.end(),
                            [](const auto& g) { return g.vendor == "nvidia"; });
  if (!nvidia) return;
  for (const auto& [key, windows_version] : ctx.nvidia_driver_keys) {
    if (auto v = nvidia_driver_from_windows(windows_version)) {
      machine.nvidia = model::NvidiaDriver{
          *v, {}, "registry: HKLM\\" + key + " DriverVersion " + windows_version};
      break;
    }
    machine.warnings.push_back(tr("detect.not-nvidia-driver-version",
                                  "{key}: DriverVersion '{version}' is not an NVIDIA "
                                  "driver version (four dotted numbers)",
                                  {{"key", "HKLM\\" + key}, {"version", windows_version}}));
  }
  if (!machine.nvidia && ctx.host.live && options.use_nvidia_smi) {
    if (auto smi = find_nvidia_smi(ctx)) {
      host::RunOptions run;
      run.timeout = options.process_timeout;
      auto r = ctx.host.runner.run({*smi}, run);
      if (r.timed_out)
        machine.warnings.push_back(tr("detect.smi-timed-out", "nvidia-smi timed out"));
      auto banner = r.started && !r.timed_out ? parse_nvidia_smi_banner(r.out) : NvidiaSmiBanner{};
      if (banner.driver_version)
        machine.nvidia = model::NvidiaDriver{*banner.driver_version, banner.cuda_version, *smi};
      else
        machine.warnings.push_back(tr("detect.smi-no-driver",
                                      "nvidia-smi ({path}) did not report a driver version",
                                      {{"path", *smi}}));
    }
  }
  if (!machine.nvidia) {
    if (ctx.host.live) {
      machine.warnings.push_back(tr("detect.windows-no-driver-live",
                                    "NVIDIA GPU present but no NVIDIA driver version found "
                                    "(display class DriverVersion, nvidia-smi.exe): install "
                                    "the NVIDIA driver"));
    } else {
      machine.warnings.push_back(tr("detect.windows-no-driver",
                                    "NVIDIA GPU present but no NVIDIA driver version found "
                                    "(display class DriverVersion): install the NVIDIA driver"));
    }
    return;
  }
  if (machine.nvidia->max_cuda) return;
  auto table = data::load_cuda_table(store);
  if (!table) {
    machine.warnings.push_back(tr("detect.max-cuda-unknown", "max CUDA unknown: {error}",
                                  {{"error", table.error().message}}));
    return;
  }
  auto driver = DottedVersion::parse(machine.nvidia->driver_version);
  auto max = driver ? table->max_cuda_for_driver(*driver, data::DriverOs::kWindows) : std::nullopt;
  if (max)
    machine.nvidia->max_cuda = max->str();
  else {
    machine.warnings.push_back(tr("detect.driver-older-than-table",
                                  "NVIDIA driver {driver} is older than every row of "
                                  "NVIDIA's Table 3: max CUDA unknown",
                                  {{"driver", machine.nvidia->driver_version}}));
  }
}

void probe_cuda_toolkits(Context& ctx, model::Machine& machine) {
  const auto& fs = ctx.host.fs;
  std::vector<std::string> dirs;
  auto add = [&](const std::string& dir) {
    std::string d = dir;
    while (d.size() > 3 && (d.back() == '\\' || d.back() == '/')) d.pop_back();
    for (const auto& seen : dirs) {
      if (lower(seen) == lower(d)) return;
    }
    if (fs.is_dir(d)) dirs.push_back(d);
  };
  auto base = join(ctx.var("ProgramFiles").value_or("C:\\Program Files"),
                   "NVIDIA GPU Computing Toolkit\\CUDA");
  for (const auto& entry : fs.list_dir(base)) {
    if (entry.size() > 1 && (entry[0] == 'v' || entry[0] == 'V')) add(join(base, entry));
  }
  std::vector<std::string> names = {"CUDA_PATH"};
  for (const auto& source :
       {std::pair{host::RegHive::local_machine, std::string(kSessionEnvironment)},
        std::pair{host::RegHive::current_user, std::string("Environment")}}) {
    for (const auto& n : ctx.host.registry.value_names(source.first, source.second)) {
      if (str::starts_with(str::to_lower(n), "cuda_path_v")) names.push_back(n);
    }
  }
  for (const auto& n : names) {
    if (auto v = ctx.var(n)) add(*v);
  }
  for (const auto& dir : dirs) {
    std::optional<std::string> version;
    if (auto json = read_small(fs, join(dir, "version.json")))
      version = parse_cuda_version_json(*json);
    if (!version) {
      if (auto h = read_small(fs, join(dir, "include\\cuda.h"), 1u << 20))
        version = parse_cuda_h_version(*h);
    }
    if (!version) {
      auto name = basename(dir);  // "v12.4"
      if (name.size() > 1 && DottedVersion::parse(name.substr(1))) version = name.substr(1);
    }
    if (!version) {
      machine.warnings.push_back(tr("detect.windows-toolkit-version-unknown",
                                    "CUDA toolkit at {dir}: version unknown (no "
                                    "version.json, include\\cuda.h)",
                                    {{"dir", dir}}));
      continue;
    }
    machine.cuda_toolkits.push_back({*version, dir});
  }
}

}  // namespace torchup::detect::win
