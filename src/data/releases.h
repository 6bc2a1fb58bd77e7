// What torchup knows about each PyTorch release, as typed values (DESIGN §4):
//   - data/torch-releases.json: per release the Python versions, torchvision /
//     torchaudio pairing, CUDA and ROCm variants and CUDA arch lists (null = not
//     verified), plus the nightly matrix at test-infra HEAD;
//   - data/rocm-gfx.json: the gfx targets each ROCm variant's wheels are built for;
//   - data/platform-facts.json: OS / CPU / accelerator limits that the release
//     data does not carry (Intel macOS ends at 2.2.2, XPU from 2.5.0, glibc floors).
// Parsers never throw: bad data gives an Error naming the file, field and problem,
// and DataStore falls back to the embedded copy. plan/ is the main consumer.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "data/store.h"
#include "util/expected.h"
#include "util/version.h"

namespace torchup::data {

// One entry of a TORCH_CUDA_ARCH_LIST: "8.6" or "12.0+PTX".
struct CudaArch {
  DottedVersion capability;  // 8.6
  bool ptx = false;          // "+PTX": PTX embedded, JIT-compiles for newer GPUs
  std::string str() const;   // "8.6", "12.0+PTX"
};

// Parses "8.6" / "12.0+PTX"; nullopt on anything else.
std::optional<CudaArch> parse_cuda_arch(const std::string& text);

struct TorchRelease {
  std::string version;  // "2.12.0"
  Version parsed;
  // Python versions with wheels ("3.10", "3.14t"); nullopt when not recorded.
  std::optional<std::vector<std::string>> python;
  // RELEASE.md's Python column (">=3.7, <=3.10"), a fallback when `python` is null.
  std::optional<std::string> python_range;
  std::optional<std::string> torchvision;  // the pip pairing (first when the data lists several)
  std::optional<std::string> torchaudio;
  std::vector<std::string> cuda_variants;  // "cu126", oldest first as in the data
  std::vector<std::string> rocm_variants;  // "rocm7.2"
  // Per CUDA variant: the arch list, or nullopt when not verified.
  std::map<std::string, std::optional<std::vector<CudaArch>>> arch_lists;
  // Per CUDA variant: the arch list of the Linux aarch64 (server Arm, "sbsa") wheels;
  // a variant missing here has no aarch64 wheels torchup knows of.
  std::map<std::string, std::optional<std::vector<CudaArch>>> arch_lists_aarch64;
  // Per OS ("windows", "macos"): the Python versions with wheels there, where they
  // differ from `python` (2.13.0: cp315 on Linux only). Missing OS: `python`.
  std::map<std::string, std::vector<std::string>> python_os;
  // Python versions with torch wheels but no torchvision wheels ("3.15"): the
  // command installs torch alone (test-infra TORCH_ONLY_PYTHON_ARCHES).
  std::vector<std::string> torch_only_python;
  // Where the facts come from, as the data file cites them ("sources").
  std::vector<std::string> sources;
};

// The nightly build matrix (test-infra HEAD in the data).
struct NightlyMatrix {
  std::vector<std::string> python;         // "3.10" ... "3.15t"
  std::vector<std::string> cuda_variants;  // "cu126", ... (getting-started ones only)
  std::vector<std::string> rocm_variants;  // "rocm7.2", ...
  std::vector<std::string> cuda_no_windows;  // variants without a Windows build
};

struct ReleaseData {
  std::vector<TorchRelease> releases;  // sorted by version, oldest first
  NightlyMatrix nightly;
  // Arch lists of pytorch main's .ci/manywheel/build_cuda.sh at one commit (the
  // data's "main_branch_build_cuda_sh_799d09f"): the last resort for inferring a
  // variant no release has verified (cu129). Source name in `fallback_arch_source`.
  std::map<std::string, std::vector<CudaArch>> fallback_arch_lists;
  std::string fallback_arch_source;
  const TorchRelease* find(const std::string& version) const;
};

Expected<ReleaseData> parse_torch_releases(const std::string& json_text);
Expected<ReleaseData> load_releases(DataStore& store);

// gfx targets per ROCm variant ("rocm7.2" -> gfx1100, ...); nullopt = not verified.
struct RocmGfxTable {
  std::map<std::string, std::optional<std::vector<std::string>>> gfx;
  // nullptr when the variant is missing or its list is not verified.
  const std::vector<std::string>* targets(const std::string& rocm_variant) const;
};

Expected<RocmGfxTable> parse_rocm_gfx(const std::string& json_text);
Expected<RocmGfxTable> load_rocm_gfx(DataStore& store);

struct GlibcFloor {
  Version from_torch;  // releases >= this need at least `glibc`
  DottedVersion glibc;
};

// Facts about OS / CPU / accelerator availability (data/platform-facts.json).
struct PlatformFacts {
  int python_bits = 64;
  Version macos_x86_64_last_torch;  // 2.2.2
  Version mps_first_torch;          // 1.12.0
  DottedVersion mps_min_macos;      // 12.3
  Version xpu_first_torch;          // 2.5.0
  std::vector<std::string> xpu_os;  // linux, windows
  std::vector<std::string> cuda_os;
  std::vector<std::string> rocm_os;
  std::vector<std::string> linux_arch;
  std::vector<std::string> windows_arch;
  std::vector<GlibcFloor> glibc_floors;  // newest `from_torch` first

  // The glibc a release's Linux wheels need; nullopt when the data has none.
  std::optional<DottedVersion> glibc_for(const Version& torch) const;
};

Expected<PlatformFacts> parse_platform_facts(const std::string& json_text);
Expected<PlatformFacts> load_platform_facts(DataStore& store);

}  // namespace torchup::data
