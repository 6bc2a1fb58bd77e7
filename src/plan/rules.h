// The fit rules of DESIGN §3, one candidate at a time. Pure: a MachineView (what
// the plan needs from model::Machine, normalised once) and the knowledge base in,
// a verdict with its reason out. planner.cpp ranks the verdicts.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "data/cuda_table.h"
#include "data/releases.h"
#include "model/machine.h"
#include "util/version.h"

namespace torchup::plan {

enum class Accel { kCpu, kCuda, kRocm, kXpu, kMps };
const char* accel_name(Accel a);  // "CPU", "CUDA", "ROCm", "XPU", "MPS"

// A build variant: "cu126" (CUDA 12.6), "rocm7.2", "cpu", "xpu", "mps".
struct Variant {
  std::string name;
  Accel accel = Accel::kCpu;
  std::optional<DottedVersion> cuda;  // 12.6 for cu126
  std::string label() const;          // "CUDA 12.6", "ROCm 7.2", "CPU", "XPU", "MPS"
};
// Parses a platform name; nullopt for anything unknown ("gpu", "cu", "rocm").
std::optional<Variant> parse_variant(const std::string& name);

// Everything the rules read from the machine, normalised once per plan.
struct MachineView {
  std::string os;    // "linux", "windows", "macos" ("" unknown)
  std::string arch;  // "x86_64", "aarch64", "arm64" (normalised: amd64 -> x86_64)
  bool wsl = false;
  std::optional<DottedVersion> glibc;
  std::optional<DottedVersion> macos_version;
  std::vector<model::Gpu> nvidia;     // every NVIDIA GPU (rule 4 must cover all)
  std::vector<model::Gpu> amd;        // every AMD GPU
  std::vector<model::Gpu> intel_xpu;  // Intel GPUs the XPU builds target (Arc, Max)
  std::vector<model::Gpu> other;      // GPUs PyTorch has no build for (Intel UHD, ...)
  bool apple_gpu = false;             // Apple silicon
  std::optional<DottedVersion> driver;  // NVIDIA driver
  std::string driver_text;              // as reported ("580.65.06")
  data::DriverOs driver_os = data::DriverOs::kLinux;  // WSL uses the Windows driver
  std::optional<DottedVersion> driver_max_cuda;       // nvidia-smi / Table 3
  bool max_cuda_reported = false;  // from the driver itself (nvidia-smi "CUDA Version")
  // A driver is installed but its version is unknown (WSL2: the Windows driver's files,
  // no DriverVer readable): CUDA builds are not refused, the lowest CUDA is preferred.
  bool driver_version_unknown = false;
  // The interpreter the plan is for.
  std::optional<DottedVersion> python;  // 3.11 (major.minor)
  int python_bits = 64;
  std::string python_path;
  bool python_externally_managed = false;  // PEP 668 marker, no venv (detect)
};

// Builds the view; `python_pref` is --python (a path or X.Y), may be empty.
// Fails (kNotFound) when --python names a path the machine does not have.
Expected<MachineView> make_view(const model::Machine& machine, const data::CudaDriverTable& cuda,
                                const std::string& python_pref);

// Which rule removed a candidate.
enum class Failure { kNone, kOs, kPython, kDriver, kGpu, kGlibc, kUnknownData, kNoCommand };

struct Verdict {
  bool fits = false;
  Failure failure = Failure::kNone;
  Text why_not;  // without the "2.12.0 cu130: " prefix
  bool full_cuda = true;  // CUDA: the driver supports the variant fully (not via minor compat)
  std::vector<Text> reasons;   // why it fits (shown for the chosen one)
  std::vector<Text> warnings;  // inferred data, unchecked facts
};

struct ReleaseRef {
  std::string torch;  // "2.12.0" or "nightly"
  const data::TorchRelease* release = nullptr;  // null for nightly
  std::vector<std::string> python;              // supported "3.10"... (no "t" builds)
  bool python_known = true;
};

// The release's Python list on `os` (its python_os entry, else its list, else
// RELEASE.md's range); python_known false when none is recorded.
ReleaseRef release_ref(const data::TorchRelease& release, const std::string& os = {});

struct RuleContext {
  const data::ReleaseData& releases;
  const data::CudaDriverTable& cuda;
  const data::RocmGfxTable& rocm;
  const data::PlatformFacts& facts;
};

// Rules 1-5 for one candidate.
Verdict evaluate(const MachineView& view, const RuleContext& ctx, const ReleaseRef& release,
                 const Variant& variant);

// "sm_50..sm_90", "sm_75..sm_120+PTX"
std::string arch_range(const std::vector<data::CudaArch>& archs);
// True when the list has kernels for compute capability `cc` (rule 4).
bool arch_covers(const std::vector<data::CudaArch>& archs, const DottedVersion& cc);
// "sm_86" from "8.6"
std::string sm_name(const DottedVersion& cc);

}  // namespace torchup::plan
