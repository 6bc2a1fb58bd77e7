// `torchup detect`: reads a machine (live, or a --root directory tree) through
// host::Host and returns model::Machine (DESIGN §2.1). Never fails: a fact that
// cannot be read is left empty/null and a warning in Machine::warnings says why.
// Plan and serve call detect_machine(); the CLI renders its result as text or JSON.
#pragma once

#include <chrono>

#include "data/store.h"
#include "host/host.h"
#include "model/machine.h"

namespace torchup::detect {

struct DetectOptions {
  // Ask each Python interpreter for its version/paths (one short process each);
  // ignored when host.live is false (under --root nothing is executed).
  bool probe_pythons = true;
  // Load NVML (libnvidia-ml.so.1) at run time when present (live machine only).
  bool use_nvml = true;
  // Fall back to nvidia-smi when no driver version is found in files (live only).
  bool use_nvidia_smi = true;
  // Timeout per spawned process (python, nvidia-smi, nvcc).
  std::chrono::milliseconds process_timeout{3000};
};

// Reads every fact of the contract; partial results plus warnings, never an error.
model::Machine detect_machine(host::Host& host, data::DataStore& store,
                              const DetectOptions& options = {});

// The interpreters and their torch from files only (no process): what doctor names
// when the interpreter it checks has no torch. Linux and Linux trees; empty elsewhere.
std::vector<model::Python> find_pythons(host::Host& host);

}  // namespace torchup::detect
