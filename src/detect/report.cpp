#include "detect/report.h"

#include <algorithm>

#include "detect/probes.h"

namespace torchup::detect {
namespace {

const model::Gpu* primary_gpu(const model::Machine& m) {
  for (const char* vendor : {"nvidia", "amd", "intel", "apple"}) {
    for (const auto& gpu : m.gpus) {
      if (gpu.vendor == vendor) return &gpu;
    }
  }
  return m.gpus.empty() ? nullptr : &m.gpus.front();
}

std::string gpu_text(const model::Gpu& gpu) {
  std::string s = gpu.name;
  if (gpu.compute_capability) s += " (compute " + *gpu.compute_capability + ")";
  if (gpu.gfx_target) s += " (" + *gpu.gfx_target + ")";
  return s;
}

}  // namespace

Text machine_verdict(const model::Machine& m) {
  const auto* gpu = primary_gpu(m);
  if (!gpu) return tr("detect.no-gpu", "No GPU found: only CPU builds of PyTorch apply");
  Text s = gpu_text(*gpu);
  if (m.gpus.size() > 1) {
    s = tr("detect.more-gpus", "{gpu} + {count} more GPU(s)", {{"gpu", s}, {"count", std::to_string(m.gpus.size() - 1)}});
  }
  if (gpu->vendor == "nvidia") {
    if (!m.nvidia && gpu->source == kWslDriverSource) {
      // the warning says how to learn it
      return tr("detect.wsl-driver-unknown", "{gpus}, Windows NVIDIA driver installed, version unknown", {{"gpus", s}});
    }
    if (!m.nvidia) {
      return tr("detect.no-nvidia-driver", "{gpus}, no NVIDIA driver loaded: CUDA unavailable until one is installed",
                {{"gpus", s}});
    }
    if (m.nvidia->max_cuda) {
      return tr("detect.nvidia-driver", "{gpus}, driver {driver} -> CUDA <= {cuda}",
                {{"gpus", s}, {"driver", m.nvidia->driver_version}, {"cuda", *m.nvidia->max_cuda}});
    }
    return tr("detect.nvidia-driver-cuda-unknown", "{gpus}, driver {driver} -> max CUDA unknown",
              {{"gpus", s}, {"driver", m.nvidia->driver_version}});
  }
  if (gpu->vendor == "amd") {
    if (m.rocm) return tr("detect.amd-rocm", "{gpus}, ROCm {version}", {{"gpus", s}, {"version", m.rocm->version}});
    return tr("detect.amd-no-rocm", "{gpus}, no ROCm installed", {{"gpus", s}});
  }
  return s;
}

std::vector<ReportLine> machine_report_lines(const model::Machine& m) {
  std::vector<ReportLine> lines;
  std::string os_rest;
  if (!m.os.arch.empty()) os_rest += ", " + m.os.arch;
  if (m.os.glibc) os_rest += ", glibc " + *m.os.glibc;
  if (m.os.wsl) os_rest += ", WSL";
  const Text os_label = tr("detect.label-os", "OS");
  if (m.os.name.empty()) lines.push_back({os_label, tr("detect.unknown-os", "unknown OS{rest}", {{"rest", os_rest}})});
  else lines.push_back({os_label, m.os.name + os_rest});
  const Text gpu_label = tr("detect.label-gpu", "GPU");
  if (m.gpus.empty()) lines.push_back({gpu_label, tr("detect.none-found", "none found")});
  // Identical GPUs (a server's eight A100s) are one line with their count: each fact once.
  std::vector<std::pair<std::string, int>> gpu_lines;
  for (const auto& gpu : m.gpus) {
    std::string t = gpu_text(gpu);
    if (gpu.pci_id) t += "  [" + *gpu.pci_id + "]";
    auto same = std::find_if(gpu_lines.begin(), gpu_lines.end(), [&](const auto& l) { return l.first == t; });
    if (same != gpu_lines.end()) ++same->second;
    else gpu_lines.emplace_back(t, 1);
  }
  for (std::size_t i = 0; i < gpu_lines.size(); ++i) {
    const auto& [t, count] = gpu_lines[i];
    Text label = gpu_label;
    if (gpu_lines.size() != 1) label = tr("detect.label-gpu-n", "GPU {n}", {{"n", std::to_string(i)}});
    lines.push_back({label, count > 1 ? std::to_string(count) + " x " + t : t});
  }
  if (m.nvidia) {
    Text t;
    if (m.nvidia->max_cuda) {
      t = tr("detect.driver-line", "NVIDIA {version}, runs CUDA <= {cuda}  ({source})",
             {{"version", m.nvidia->driver_version}, {"cuda", *m.nvidia->max_cuda}, {"source", m.nvidia->source}});
    } else {
      t = tr("detect.driver-line-cuda-unknown", "NVIDIA {version}  ({source})",
             {{"version", m.nvidia->driver_version}, {"source", m.nvidia->source}});
    }
    lines.push_back({tr("detect.label-driver", "Driver"), t});
  }
  if (m.rocm) lines.push_back({"ROCm", m.rocm->version});
  else lines.push_back({"ROCm", tr("detect.not-installed", "not installed")});
  if (m.cuda_toolkits.empty()) {
    lines.push_back({"CUDA", tr("detect.no-cuda-toolkit", "no toolkit (not needed to use PyTorch wheels)")});
  }
  for (const auto& tk : m.cuda_toolkits) lines.push_back({"CUDA", tk.version + "  " + tk.path});
  if (m.pythons.empty()) lines.push_back({"Python", tr("detect.none-found", "none found")});
  for (const auto& py : m.pythons) {
    std::string t = py.path + "  " + (py.version.empty() ? "?" : py.version) + " (" + std::to_string(py.bits) + "-bit)";
    if (py.torch) {
      t += "  torch " + py.torch->version;
      if (py.torch->cuda) t += " (CUDA " + *py.torch->cuda + ")";
      else if (py.torch->hip) t += " (ROCm/HIP " + *py.torch->hip + ")";
      else t += " (CPU)";
    }
    if (py.active) lines.push_back({"Python", tr("detect.python-active", "{python}  [active]", {{"python", t}})});
    else lines.push_back({"Python", t});
  }
  return lines;
}

}  // namespace torchup::detect
