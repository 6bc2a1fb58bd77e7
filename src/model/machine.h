// A machine as torchup sees it: the result of `detect`, the input of `plan`, and
// the `--profile` file format (DESIGN §2.1, schema "torchup.machine/1").
// Every field that could not be read is empty/nullopt: unknown, not a guess.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <vector>

#include "util/expected.h"

namespace torchup::model {

inline constexpr const char* kMachineSchema = "torchup.machine/1";

struct OsInfo {
  std::string family;                // "linux", "windows", "macos" (empty: unknown)
  std::string name;                  // "Debian GNU/Linux 12 (bookworm)"
  std::string version;               // "12"
  std::string arch;                  // "x86_64", "aarch64", "arm64"
  std::optional<std::string> glibc;  // "2.36"
  bool wsl = false;
};

struct Gpu {
  std::string vendor;                             // "nvidia", "amd", "intel", "apple", "other"
  std::string name;                               // model name, or "unknown model (10de:2684)"
  std::optional<std::string> pci_id;              // "10de:2684"
  std::optional<std::string> compute_capability;  // "8.9" (NVIDIA)
  std::optional<std::string> gfx_target;          // "gfx1100" (AMD)
  // Where the facts came from ("nvml", "proc", "pci-table"...); extra, not in the contract minimum.
  std::string source;
};

struct NvidiaDriver {
  std::string driver_version;           // "550.54.14" (Linux) or "566.36" (Windows)
  std::optional<std::string> max_cuda;  // "12.4"
  std::string source;                   // "/sys/module/nvidia/version", "nvidia-smi", "profile"...
};

struct Rocm {
  std::string version;  // "6.2.0"
};

struct CudaToolkit {
  std::string version;  // "12.4" or "12.4.131"
  std::string path;
};

struct InstalledTorch {
  std::string version;              // "2.5.1+cu124"
  std::optional<std::string> cuda;  // "12.4", null for CPU builds
  std::optional<std::string> hip;   // ROCm builds
  std::string location;             // site-packages directory
};

struct Python {
  std::string path;
  std::string version;  // "3.11.2"
  int bits = 64;
  std::optional<InstalledTorch> torch;
  bool active = false;              // the active venv/conda env or first on PATH
  bool externally_managed = false;  // PEP 668 marker present
};

struct Machine {
  OsInfo os;
  std::vector<Gpu> gpus;
  std::optional<NvidiaDriver> nvidia;
  std::optional<Rocm> rocm;
  std::vector<CudaToolkit> cuda_toolkits;
  std::vector<Python> pythons;
  std::vector<Text> warnings;  // said in the reader's language (util/text.h)
};

nlohmann::json to_json(const Machine& machine);
// Reads a machine JSON (detect --json / --profile). Missing fields mean unknown;
// a field of the wrong type is an error naming the field ("gpus[1].pci_id: expected a string").
Expected<Machine> machine_from_json(const nlohmann::json& j);
Expected<Machine> machine_from_text(const std::string& text);

}  // namespace torchup::model
