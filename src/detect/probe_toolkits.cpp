// ROCm and CUDA toolkits, from files. ROCm: $ROCM_PATH/.info/version (default /opt/rocm;
// file shipped by AMD's rocm-core package). CUDA: /usr/local/cuda*/ and $CUDA_HOME/$CUDA_PATH;
// the version from version.json (CUDA >= 11.1), else include/cuda.h's CUDA_VERSION, else
// the directory name (cuda-12.4), and only then `nvcc --version` on the live machine.
#include <algorithm>

#include "detect/parse.h"
#include "detect/probes.h"
#include "util/strings.h"
#include "util/version.h"

namespace torchup::detect {

void probe_rocm(host::Host& host, model::Machine& machine) {
  std::vector<std::string> roots;
  if (auto env = host.env.get("ROCM_PATH"); env && !env->empty()) roots.push_back(*env);
  roots.emplace_back("/opt/rocm");
  for (const auto& entry : host.fs.list_dir("/opt")) {
    if (entry.starts_with("rocm-")) roots.push_back("/opt/" + entry);
  }
  for (const auto& root : roots) {
    auto text = read_small(host.fs, root + "/.info/version", 256);
    if (!text) continue;
    if (auto v = parse_rocm_version(*text)) {
      machine.rocm = model::Rocm{*v};
      return;
    }
    machine.warnings.push_back(root + "/.info/version: not a ROCm version");
  }
  bool amd = std::any_of(machine.gpus.begin(), machine.gpus.end(), [](const auto& g) { return g.vendor == "amd"; });
  if (amd) machine.warnings.push_back("no ROCm installation found (/opt/rocm/.info/version); the PyTorch ROCm wheels bundle their own runtime");
}

void probe_cuda_toolkits(host::Host& host, model::Machine& machine, const DetectOptions& options) {
  const auto& fs = host.fs;
  std::vector<std::string> dirs;
  for (const char* var : {"CUDA_HOME", "CUDA_PATH"}) {
    if (auto env = host.env.get(var); env && !env->empty()) dirs.push_back(*env);
  }
  for (const auto& entry : fs.list_dir("/usr/local")) {
    if (entry == "cuda" || entry.starts_with("cuda-")) dirs.push_back("/usr/local/" + entry);
  }
  std::vector<std::string> seen;
  for (const auto& dir : dirs) {
    auto real = resolve_links(fs, dir);
    if (std::find(seen.begin(), seen.end(), real) != seen.end()) continue;
    if (!fs.is_dir(real)) continue;
    seen.push_back(real);
    std::optional<std::string> version;
    if (auto json = read_small(fs, real + "/version.json")) version = parse_cuda_version_json(*json);
    if (!version) {
      // cuda.h is over 1 MB; CUDA_VERSION is defined in its first few hundred lines (line 263 in 13.0).
      if (auto header = fs.read_file(real + "/include/cuda.h", 128u << 10)) version = parse_cuda_h_version(*header);
    }
    if (!version) {
      auto slash = real.rfind('/');
      auto name = real.substr(slash + 1);
      if (name.starts_with("cuda-")) {
        auto v = DottedVersion::parse(name.substr(5));
        if (v) version = v->str();
      }
    }
    auto nvcc = real + "/bin/nvcc";
    if (!version && host.live && fs.is_executable(nvcc)) {
      host::RunOptions run;
      run.timeout = options.process_timeout;
      auto result = host.runner.run({nvcc, "--version"}, run);
      if (result.ok()) version = parse_nvcc_version(result.out);
    }
    if (!version) {
      if (fs.exists(nvcc)) machine.warnings.push_back("CUDA toolkit at " + real + ": version unknown (no version.json, include/cuda.h or versioned directory name)");
      continue;
    }
    machine.cuda_toolkits.push_back(model::CudaToolkit{*version, real});
  }
}

}  // namespace torchup::detect
