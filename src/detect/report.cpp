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

std::string machine_verdict(const model::Machine& m) {
  const auto* gpu = primary_gpu(m);
  if (!gpu) return "No GPU found: only CPU builds of PyTorch apply";
  std::string s = gpu_text(*gpu);
  if (m.gpus.size() > 1) s += " + " + std::to_string(m.gpus.size() - 1) + " more GPU(s)";
  if (gpu->vendor == "nvidia") {
    if (!m.nvidia && gpu->source == kWslDriverSource) {
      return s + ", Windows NVIDIA driver installed, version unknown";  // the warning says how to learn it
    }
    if (!m.nvidia) return s + ", no NVIDIA driver loaded: CUDA unavailable until one is installed";
    s += ", driver " + m.nvidia->driver_version;
    s += m.nvidia->max_cuda ? " -> CUDA <= " + *m.nvidia->max_cuda : std::string(" -> max CUDA unknown");
    return s;
  }
  if (gpu->vendor == "amd") return s + (m.rocm ? ", ROCm " + m.rocm->version : ", no ROCm installed");
  return s;
}

std::vector<ReportLine> machine_report_lines(const model::Machine& m) {
  std::vector<ReportLine> lines;
  std::string os = m.os.name.empty() ? "unknown OS" : m.os.name;
  if (!m.os.arch.empty()) os += ", " + m.os.arch;
  if (m.os.glibc) os += ", glibc " + *m.os.glibc;
  if (m.os.wsl) os += ", WSL";
  lines.push_back({"OS", os});
  if (m.gpus.empty()) lines.push_back({"GPU", "none found"});
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
    lines.push_back({gpu_lines.size() == 1 ? "GPU" : "GPU " + std::to_string(i),
                     count > 1 ? std::to_string(count) + " x " + t : t});
  }
  if (m.nvidia) {
    std::string t = "NVIDIA " + m.nvidia->driver_version;
    if (m.nvidia->max_cuda) t += ", runs CUDA <= " + *m.nvidia->max_cuda;
    t += "  (" + m.nvidia->source + ")";
    lines.push_back({"Driver", t});
  }
  lines.push_back({"ROCm", m.rocm ? m.rocm->version : "not installed"});
  if (m.cuda_toolkits.empty()) lines.push_back({"CUDA", "no toolkit (not needed to use PyTorch wheels)"});
  for (const auto& tk : m.cuda_toolkits) lines.push_back({"CUDA", tk.version + "  " + tk.path});
  if (m.pythons.empty()) lines.push_back({"Python", "none found"});
  for (const auto& py : m.pythons) {
    std::string t = py.path + "  " + (py.version.empty() ? "?" : py.version) + " (" + std::to_string(py.bits) + "-bit)";
    if (py.torch) {
      t += "  torch " + py.torch->version;
      if (py.torch->cuda) t += " (CUDA " + *py.torch->cuda + ")";
      else if (py.torch->hip) t += " (ROCm/HIP " + *py.torch->hip + ")";
      else t += " (CPU)";
    }
    if (py.active) t += "  [active]";
    lines.push_back({"Python", t});
  }
  return lines;
}

}  // namespace torchup::detect
