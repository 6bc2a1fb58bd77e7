// `torchup verify --libtorch DIR`: check a LibTorch (C++) install.
//
// Two layouts are understood:
//   - a LibTorch zip from pytorch.org: DIR/include, DIR/lib, DIR/build-version
//     ("2.5.1+cu124");
//   - a distribution package such as Debian's libtorch-dev with DIR=/usr:
//     headers in /usr/include/torch/csrc/api/include, libraries in
//     /usr/lib/<multiarch> (e.g. x86_64-linux-gnu).
// Checks: the headers (torch/torch.h), the libraries (libtorch, libc10,
// libtorch_cpu), the version (build-version, else torch/version.h), the build
// (CUDA/ROCm when libtorch_cuda/libtorch_hip are present), and — when a C++
// compiler is on PATH and not disabled — a compile + link + run of a tiny
// program (torch::rand, torch::mm, torch::cuda::is_available) with a timeout.
// That last step is the only proof that headers, libraries and ABI fit together;
// it takes tens of seconds because torch/torch.h is large, hence --no-compile.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "act/verify.h"
#include "host/host.h"
#include "util/expected.h"

namespace torchup::act {

struct LibtorchOptions {
  std::string dir;
  bool compile = true;
  std::chrono::seconds timeout{300};  // compile and run, each
};

struct LibtorchReport {
  std::string dir;
  std::optional<std::string> include_dir;  // where torch/csrc/api/include lives under
  std::optional<std::string> lib_dir;      // where libtorch.so is
  std::optional<std::string> version;      // "2.5.1+cu124", "1.13.0"
  std::string build = "unknown";           // "CPU", "CUDA 12.4", "CUDA", "ROCm"
  std::optional<std::string> compiler;
  std::string run_output;                  // what the test program printed
  std::vector<Check> checks;
  bool ok() const;
};

// Version from torch/version.h text (TORCH_VERSION_MAJOR/MINOR/PATCH); nullopt if absent.
std::optional<std::string> parse_torch_version_header(const std::string& text);

// kNotFound when DIR does not exist; otherwise a report (failed checks inside).
Expected<LibtorchReport> check_libtorch(host::Host& host, const LibtorchOptions& options);

nlohmann::json to_json(const LibtorchReport& report);

}  // namespace torchup::act
