// The result of `plan` (DESIGN §2.1, schema "torchup.plan/1"): the chosen build,
// the command to install it, and why. Produced by plan/, consumed by install,
// serve and the CLI.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "util/text.h"

namespace torchup::model {

inline constexpr const char* kPlanSchema = "torchup.plan/1";

struct Alternative {
  std::string torch;     // "2.12.0"
  std::string platform;  // "cu130"
  Text why_not;          // "driver 570.86 < 580 required for CUDA 13.x"
};

struct EquivalentCommand {
  std::string package;  // "uv", "conda"
  std::string command;
  std::vector<std::string> argv;
};

struct Plan {
  bool fits = false;  // false: nothing fits; command/argv are empty, reasons say why
  std::string torch;  // "2.12.0"
  std::optional<std::string> torchvision;
  std::optional<std::string> torchaudio;
  std::string platform;  // "cu126", "cpu", "rocm7.2", "xpu", "mps"
  std::string package;   // "pip", "uv", "conda", "libtorch"
  std::string python;    // "3.11" (major.minor of the target interpreter)
  std::string python_path;  // the interpreter the plan is for, when known
  std::optional<std::string> index_url;
  std::string command;            // as the user would type it
  std::vector<std::string> argv;  // the same command as an argument vector
  // Messages (util/text.h): English text with the id and arguments to say it in
  // the user's language.
  std::vector<Text> reasons;
  std::vector<Text> warnings;
  std::vector<Text> unlocks;  // "driver >= 580 gives torch 2.12.0 with CUDA 13.0"
  std::vector<EquivalentCommand> equivalents;
  std::vector<Alternative> alternatives;
  // Set when the machine has a GPU that no build of torch can use, so the plan is
  // the CPU build: why, and what to change ("the GeForce RTX 3090 cannot be used:
  // no NVIDIA driver is loaded; install driver >= 525.60.13, then run torchup again").
  std::optional<Text> gpu_unused;
};

nlohmann::json to_json(const Plan& plan);
// The plan's messages said in `lang`, in the shape of to_json's fields: {"reasons": [...],
// "warnings": [...], "unlocks": [...], "gpu_unused": ..., "why_not": [one per alternative]}.
// The page (torchup serve) shows these in its Chinese mode.
nlohmann::json localized_json(const Plan& plan, Lang lang);

}  // namespace torchup::model
