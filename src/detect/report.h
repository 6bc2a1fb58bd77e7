// The person-facing rendering of a detected machine: the verdict first ("NVIDIA GeForce
// RTX 4090 (compute 8.9), driver 550.54.14 -> CUDA <= 12.4"), then aligned sections
// (OS, GPUs, driver, ROCm, CUDA toolkits, Pythons with torch), warnings last.
// The JSON rendering is model::to_json; both come from the same model::Machine.
#pragma once

#include <string>

#include "model/machine.h"
#include "util/text.h"

namespace torchup::detect {

// One line summarising what matters for choosing a PyTorch build.
Text machine_verdict(const model::Machine& machine);

struct ReportLine {
  Text label;  // "OS", "GPU 0", "Driver"... (empty: continuation); messages
  Text text;
};
// The aligned sections, in display order (without the verdict and warnings).
std::vector<ReportLine> machine_report_lines(const model::Machine& machine);

}  // namespace torchup::detect
