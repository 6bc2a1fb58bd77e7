// The Python probe that `torchup verify` and `torchup doctor` run in the target
// interpreter, and the parser of what it prints.
//
// Why one script: the guide's checks (`import torch`, `torch.rand(5, 3)`,
// `torch.cuda.is_available()`) plus the GPU smoke test all need the target
// interpreter; one short process with a timeout keeps verify fast and lets a
// crash or a hang be reported instead of inherited. The script prints one line
// "@@TORCHUP_PROBE@@{json}" last, so anything torch or site hooks print before it
// is ignored. The parser never throws: garbage gives an Error naming the problem.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "util/expected.h"

namespace torchup::act {

inline constexpr const char* kProbeMarker = "@@TORCHUP_PROBE@@";
inline constexpr const char* kProbeSchema = "torchup.probe/1";

// The probe's Python source (run as `python -c SCRIPT`, so no temp file is needed).
const std::string& probe_script();

// One importable package next to torch (torchvision, torchaudio).
struct ProbePackage {
  bool installed = false;               // false: not importable because not found
  std::optional<std::string> version;   // "0.14.1+cu117"
  std::optional<std::string> error;     // import failed for another reason: "OSError: ..."
};

// One GPU as torch sees it, with the smoke test result.
struct ProbeGpu {
  int index = 0;
  std::string name;
  std::optional<std::string> capability;  // "8.6" (CUDA) — from get_device_capability
  std::optional<std::string> gcn_arch;    // "gfx1100" (ROCm), when torch reports it
  std::optional<long long> total_memory;  // bytes
  std::optional<bool> matmul_ok;          // nullopt: not run
  std::optional<double> matmul_max_diff;  // max |GPU - CPU| over the result
  std::optional<std::string> error;       // exception text from the GPU work
};

struct ProbeTorch {
  std::string version;                     // torch.__version__
  std::string location;                    // directory of torch/__init__.py
  std::optional<std::string> cuda;         // torch.version.cuda
  std::optional<std::string> hip;          // torch.version.hip
  bool xpu_available = false;
  bool mps_available = false;
  std::optional<std::string> rand_text;    // str(torch.rand(5, 3))
  std::optional<std::string> rand_error;
  bool cuda_available = false;
  std::optional<std::string> cuda_error;   // exception from is_available()/device_count()
  int device_count = 0;
  std::vector<std::string> arch_list;      // torch.cuda.get_arch_list()
  std::optional<std::string> driver_cuda;  // CUDA version the driver supports ("12.4")
  std::vector<ProbeGpu> gpus;
};

struct ProbeImportError {
  std::string type;       // "ModuleNotFoundError"
  std::string message;
  std::string traceback;  // last part of the traceback
};

// Everything the probe reported.
struct ProbeOutput {
  std::string python_executable;
  std::string python_version;  // "3.11.2"
  int python_bits = 64;
  std::vector<std::string> torch_locations;  // every torch/ package on sys.path (shadowing)
  std::vector<std::string> torch_dists;      // every torch-*.dist-info / egg-info found there
  std::optional<ProbeImportError> import_error;  // set when `import torch` failed
  std::optional<ProbeTorch> torch;               // set when it worked
  ProbePackage torchvision;
  ProbePackage torchaudio;
  std::vector<std::string> warnings;  // Python warnings raised while probing
};

// Finds the last marker line in `stdout_text` and parses its JSON. Errors (kParse)
// say what was wrong: no marker, invalid JSON, wrong schema, a field of the wrong type.
Expected<ProbeOutput> parse_probe_output(const std::string& stdout_text);

}  // namespace torchup::act
