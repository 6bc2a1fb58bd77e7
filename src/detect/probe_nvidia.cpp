// The NVIDIA driver: version from the kernel module's files (/sys/module/nvidia/version,
// else /proc/driver/nvidia/version; formats in research/anchors-detection.md §3), else
// nvidia-smi on the live machine (with a timeout), and the highest CUDA it runs from
// NVIDIA's Table 3 (data/cuda-driver-table.json via data::CudaDriverTable).
#include "data/cuda_table.h"
#include "detect/parse.h"
#include "detect/probes.h"
#include "util/strings.h"

namespace torchup::detect {
namespace {

bool has_nvidia_gpu(const model::Machine& machine) {
  for (const auto& gpu : machine.gpus) {
    if (gpu.vendor == "nvidia") return true;
  }
  return false;
}

// nvidia-smi on PATH, or in WSL2's driver directory.
std::optional<std::string> find_nvidia_smi(const host::Host& host) {
  auto path =
      host.env.get("PATH").value_or("/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
  if (auto found = host::find_program_in(host, path, "nvidia-smi")) return found;
  if (host.fs.is_executable("/usr/lib/wsl/lib/nvidia-smi")) return "/usr/lib/wsl/lib/nvidia-smi";
  return std::nullopt;
}

void apply_smi_gpus(const std::vector<NvidiaSmiGpu>& rows, model::Machine& machine) {
  std::vector<bool> matched(machine.gpus.size(), false);
  for (const auto& row : rows) {
    model::Gpu* target = nullptr;
    for (std::size_t g = 0; g < machine.gpus.size(); ++g) {
      auto& gpu = machine.gpus[g];
      if (matched[g] || gpu.vendor != "nvidia") continue;
      if (row.device_id && gpu.pci_id && str::parse_hex(gpu.pci_id->substr(5)) != *row.device_id)
        continue;
      matched[g] = true;
      target = &gpu;
      break;
    }
    if (!target) {
      machine.gpus.push_back(model::Gpu{"nvidia", {}, {}, {}, {}, {}});
      matched.push_back(true);
      target = &machine.gpus.back();
      if (row.device_id) {
        char buf[16];
        std::snprintf(buf, sizeof buf, "10de:%04x", *row.device_id);
        target->pci_id = buf;
      }
    }
    target->name = row.name;
    if (row.compute_capability) target->compute_capability = row.compute_capability;
    target->source = "nvidia-smi";
  }
}

// Live only: asks nvidia-smi. The CSV query needs compute_cap (R510+); older drivers
// fail the whole query, so the plain banner is the fallback (as rattler does).
void ask_nvidia_smi(host::Host& host, model::Machine& machine, const DetectOptions& options) {
  auto smi = find_nvidia_smi(host);
  if (!smi) return;
  host::RunOptions run;
  run.timeout = options.process_timeout;
  auto csv = host.runner.run(
      {*smi, "--query-gpu=name,driver_version,compute_cap,pci.device_id", "--format=csv,noheader"},
      run);
  auto rows =
      csv.started && !csv.timed_out ? parse_nvidia_smi_csv(csv.out) : std::vector<NvidiaSmiGpu>{};
  auto banner_run = host.runner.run({*smi}, run);
  auto banner = banner_run.started && !banner_run.timed_out
                    ? parse_nvidia_smi_banner(banner_run.out)
                    : NvidiaSmiBanner{};
  if (csv.timed_out || banner_run.timed_out)
    machine.warnings.push_back(tr("detect.smi-timed-out", "nvidia-smi timed out"));
  std::optional<std::string> driver = banner.driver_version;
  if (!driver && !rows.empty()) driver = rows.front().driver_version;
  if (!driver) {
    machine.warnings.push_back(tr("detect.smi-no-driver",
                                  "nvidia-smi ({path}) did not report a driver version",
                                  {{"path", *smi}}));
    return;
  }
  apply_smi_gpus(rows, machine);
  machine.nvidia = model::NvidiaDriver{*driver, banner.cuda_version, "nvidia-smi"};
}

}  // namespace

void probe_nvidia_driver(host::Host& host, data::DataStore& store, model::Machine& machine,
                         const DetectOptions& options) {
  const auto& fs = host.fs;
  if (!machine.nvidia) {
    if (auto text = read_small(fs, "/sys/module/nvidia/version", 256)) {
      if (auto v = parse_nvidia_module_version(*text))
        machine.nvidia = model::NvidiaDriver{*v, {}, "/sys/module/nvidia/version"};
    }
  }
  if (!machine.nvidia) {
    if (auto text = read_small(fs, "/proc/driver/nvidia/version", 4096)) {
      if (auto v = parse_nvidia_proc_version(*text))
        machine.nvidia = model::NvidiaDriver{*v, {}, "/proc/driver/nvidia/version"};
      else
        machine.warnings.push_back(
            tr("detect.proc-no-driver",
               "/proc/driver/nvidia/version: no driver version in its first line"));
    }
  }
  bool wants_smi = has_nvidia_gpu(machine) || machine.os.wsl;
  if (host.live && options.use_nvidia_smi && wants_smi &&
      (!machine.nvidia || (machine.os.wsl && machine.gpus.empty()))) {
    ask_nvidia_smi(host, machine, options);
  }
  // No driver: probe_gpus said "no driver loaded" per GPU; under WSL2 probe_wsl_nvidia explains.
  fill_max_cuda(store, machine);
}

void fill_max_cuda(data::DataStore& store, model::Machine& machine) {
  if (!machine.nvidia) return;
  if (!machine.nvidia->max_cuda) {
    auto table = data::load_cuda_table(store);
    if (!table) {
      machine.warnings.push_back(tr("detect.max-cuda-unknown", "max CUDA unknown: {error}",
                                    {{"error", table.error().message}}));
      return;
    }
    auto driver = DottedVersion::parse(machine.nvidia->driver_version);
    // WSL2 runs the Windows driver, so Table 3's Windows column applies there.
    auto os = machine.os.wsl ? data::DriverOs::kWindows : data::DriverOs::kLinux;
    auto max = driver ? table->max_cuda_for_driver(*driver, os) : std::nullopt;
    if (max) {
      machine.nvidia->max_cuda = max->str();
    } else {
      machine.warnings.push_back(tr("detect.driver-older-than-table",
                                    "NVIDIA driver {driver} is older than every row of "
                                    "NVIDIA's Table 3: max CUDA unknown",
                                    {{"driver", machine.nvidia->driver_version}}));
    }
  }
}

}  // namespace torchup::detect
