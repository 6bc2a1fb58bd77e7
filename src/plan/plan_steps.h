// Internal to plan/: the values make_plan's steps pass between them, shared by
// planner.cpp (ranking, the chosen build, alternatives, unlocks) and
// gpu_unused.cpp (no GPU build fits: why, and the one change that would fit).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "plan/planner.h"
#include "plan/rules.h"

namespace torchup::plan::detail {

struct Scored {
  const ReleaseRef* release;
  Variant variant;
  Verdict verdict;
};

// Every (release, variant) evaluated until one fits and has a command; all kept
// for why_not. `chosen` points into `rows` (stable: rows are not changed after).
struct Evaluation {
  std::vector<std::vector<Scored>> rows;  // one per release, newest first
  const Scored* chosen = nullptr;
  std::optional<RenderedCommand> command;
};

// The inputs every step reads.
struct Step {
  const model::Machine& machine;
  const MachineView& m;
  const Knowledge& k;
  const Preferences& prefs;
  const CommandRenderer& render;
  const std::vector<ReleaseRef>& releases;
  const RuleContext& ctx;
  Accel accel;
};

// The variants of one release for the accelerator, highest CUDA / ROCm first.
std::vector<Variant> variants_for(const ReleaseRef& r, Accel accel, const Knowledge& k,
                                  const MachineView& m, const std::string& forced);
// True when the release publishes that variant.
bool release_has(const ReleaseRef& r, const Knowledge& k, const std::string& variant);

// The machine with another NVIDIA driver, to confirm a driver hint by re-evaluating.
MachineView with_driver(const MachineView& m, const DottedVersion& driver,
                        const data::CudaDriverTable& cuda);

// True when the GPU was the target (no --platform), and no build of it fits.
bool falls_back_to_cpu(const Step& s, const Evaluation& gpu);
// "the GeForce RTX 3080 cannot be used: no NVIDIA driver is loaded; an NVIDIA
// driver >= 525.60.13 gives torch 2.14.1 with CUDA 12.6; install it, then run
// torchup again". The cause is judged on the release the CPU plan uses; the fix
// is said only when re-evaluating with it fits.
Text why_gpu_unused(const Step& s, const Evaluation& gpu, const ReleaseRef& cpu_release);

}  // namespace torchup::plan::detail
