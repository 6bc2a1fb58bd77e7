// Pieces of verify's check logic shared with doctor (not part of the public API).
#pragma once

#include <optional>
#include <string>

#include "act/verify.h"

namespace torchup::act {

// "the driver supports CUDA 11.4 but this torch needs CUDA 12.x" when the
// driver's CUDA major (torch._C._cuda_getDriverVersion) is below the build's
// major: minor-version compatibility only works within one major (NVIDIA CUDA
// Compatibility guide, "Minor Version Compatibility").
std::optional<Text> driver_too_old(const ProbeTorch& torch);

// Is the GPU's arch among the build's compiled arches? CUDA: sm_XY present, or
// sm_XZ with Z <= Y (cubins run on later minors of the same major: NVIDIA CUDA
// C Programming Guide, "Binary Compatibility"), or compute_AB PTX with AB <= XY
// (JIT-compiled at first use). ROCm: the gfx target listed exactly.
Check arch_check(const ProbeTorch& torch, const ProbeGpu& gpu);

// torchvision/torchaudio: importable, and the version released with this torch
// (data/torch-releases.json), and the same local build tag (+cu117 vs +cpu).
Check package_check(const std::string& name, const ProbePackage& package, const ProbeTorch& torch,
                    const PairingTable* pairing);

}  // namespace torchup::act
