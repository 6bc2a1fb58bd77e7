// `torchup plan`: machine + knowledge + preferences -> the build to install, its
// command, and why (DESIGN §3). Pure: no I/O; commands come from a CommandRenderer
// the caller supplies (render/ in production, a table in tests).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "data/cuda_table.h"
#include "data/releases.h"
#include "model/machine.h"
#include "model/plan.h"
#include "util/expected.h"

namespace torchup::plan {

struct Preferences {
  std::string python{};           // --python PATH|X.Y ("" = active, else newest found)
  std::string torch{};            // --torch VER ("" = newest that fits)
  std::string platform = "auto";  // auto|cpu|cuXYZ|rocmX.Y|xpu|mps
  std::string package = "pip";    // pip|uv|conda|libtorch
  std::string channel = "stable"; // stable|nightly
};

// Checks option values before planning (exit 2 on a bad value).
Status check_preferences(const Preferences& prefs);

// The plan's warning for a pip/uv plan whose interpreter carries the PEP 668 marker.
// `torchup install` replaces it with its own check of the interpreter it really uses.
Text externally_managed_warning(const std::string& python_path);

struct Knowledge {
  const data::ReleaseData& releases;
  const data::CudaDriverTable& cuda;
  const data::RocmGfxTable& rocm;
  const data::PlatformFacts& facts;
  // pytorch.org's newest stable release (published_versions.json latest_stable):
  // that release gets the selector's own command. Newer releases in the data
  // (torch-releases.json) are planned too, with a pinned command.
  std::string latest_stable;
};

// A build to render as a command.
struct BuildRef {
  std::string torch;  // "2.12.0", or "nightly"
  std::optional<std::string> torchvision;
  std::optional<std::string> torchaudio;
  std::string platform;  // "cu126", "cpu", "rocm7.2", "xpu", "mps"
  std::string os;        // "linux", "windows", "macos"
  std::string package;   // "pip", "uv", "conda", "libtorch"
  bool newest = false;   // torch == the site's latest stable: the selector's own command
};

struct RenderedCommand {
  std::string command;
  std::vector<std::string> argv;
  std::optional<std::string> index_url;
  Text source;  // "pytorch.org selector", "previous-versions page", "torchup (pinned)"
};

// nullopt: no command exists for that build and package (e.g. conda after 2.5.1).
using CommandRenderer = std::function<std::optional<RenderedCommand>(const BuildRef&)>;

// The decision. Never fails for a well-formed machine: "nothing fits" is a Plan
// with fits=false, reasons and alternatives. Errors are usage/not-found only
// (--python PATH not on the machine, --torch unknown).
Expected<model::Plan> make_plan(const model::Machine& machine, const Knowledge& knowledge,
                                const Preferences& prefs, const CommandRenderer& render);

}  // namespace torchup::plan
