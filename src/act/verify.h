// `torchup verify`: prove that an installed PyTorch works, the way the guide's
// step 3 does by hand (`import torch`, `torch.rand(5, 3)`,
// `torch.cuda.is_available()`), plus what the guide leaves out: the build kind,
// torchvision/torchaudio pairing, each GPU's name and capability, a matmul on
// each GPU checked against the CPU, and whether torch was compiled for the GPU's
// arch. Every check is pass/fail/skip with a reason.
//
// The probe runs as ONE Python process (argv, never a shell) through
// host::ProcessRunner with a timeout; its crash, hang or garbage output becomes a
// failed "probe" check with what was seen, never torchup's own exit status.
#pragma once

#include <chrono>
#include <map>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <vector>

#include "act/verify_probe.h"
#include "data/store.h"
#include "host/host.h"
#include "util/expected.h"
#include "util/text.h"

namespace torchup::act {

enum class CheckStatus { kPass, kFail, kSkip };
const char* to_string(CheckStatus status);

struct Check {
  std::string id;  // stable key for --json: "import_torch", "matmul[0]"...
  Text title;      // for people: "import torch" (a message, or free text)
  CheckStatus status = CheckStatus::kSkip;
  Text reason;  // why it passed/failed/was skipped, one line
  Text fix;     // the next step when it failed; may be empty
};

// GPUs present on the machine, independent of torch (PCI scan), so that
// "CUDA is not available" can be told apart from "there is no GPU".
struct MachineGpus {
  bool scanned = false;  // false: could not look (no /sys, --root without it...)
  int nvidia = 0;
  int amd = 0;
  std::string source;  // "/sys/bus/pci/devices"
};

// Counts display-class PCI devices by vendor (0x10de NVIDIA, 0x1002 AMD; PCI-SIG
// vendor ids, classes 0x0300 VGA / 0x0302 3D controller) under /sys/bus/pci/devices.
MachineGpus scan_machine_gpus(const host::FileSystem& fs);

// torch version -> the torchvision/torchaudio released with it
// (data/torch-releases.json "versions", from pytorch.org's previous-versions page).
// A field may list several versions where the sources differ (1.10.0: torchvision
// 0.10.1 or 0.11.0); any of them pairs. Empty: not recorded.
struct PackagePairing {
  std::vector<std::string> torchvision;
  std::vector<std::string> torchaudio;
};
using PairingTable = std::map<std::string, PackagePairing>;  // key: "1.13.1"
Expected<PairingTable> parse_pairing_table(const std::string& json_text);
Expected<PairingTable> load_pairing_table(data::DataStore& store);

// How the probe process went.
enum class ProbeOutcome { kOk, kNotStarted, kTimedOut, kCrashed, kGarbage };
const char* to_string(ProbeOutcome outcome);

struct ProbeRun {
  ProbeOutcome outcome = ProbeOutcome::kNotStarted;
  std::string python;  // the interpreter as given
  std::optional<ProbeOutput> output;
  Text problem;  // for people, when outcome != kOk (a message)
  int exit_code = -1;
  int signal = 0;
  std::string stderr_tail;      // last lines of stderr (crash reports, tracebacks)
  std::string stdout_tail;      // last lines of stdout when it was garbage
  bool python_too_old = false;  // a Python 2 interpreter: PyTorch needs Python 3
};

// Picks the interpreter when --python is not given: the one `python3` (then `python`)
// runs, detect::active_python() (PATH, pyenv shims resolved, $VIRTUAL_ENV/$CONDA_PREFIX
// when PATH names none). nullopt: none.
std::optional<std::string> default_python(const host::Host& host);

// Runs the probe in `python` and classifies the result (never throws).
ProbeRun run_probe(host::Host& host, const std::string& python, std::chrono::seconds timeout);

// Turns a probe run into checks (pure: tests feed it values).
std::vector<Check> evaluate_probe(const ProbeRun& run, const MachineGpus& machine,
                                  const PairingTable* pairing);

// "CPU", "CUDA 11.8", "ROCm 6.2", "XPU", "MPS" from what torch reported.
std::string build_kind(const ProbeTorch& torch);

struct VerifyOptions {
  std::optional<std::string> python;  // default_python() when empty
  std::chrono::seconds timeout{180};  // CUDA init + first kernel can take a while
};

struct VerifyReport {
  std::string python;
  ProbeRun run;
  MachineGpus machine;
  std::vector<Check> checks;
  std::vector<Text> notes;  // e.g. pairing data unavailable
  bool ok() const;          // no check failed
};

// The whole `verify` for a Python interpreter. Errors only for "there is nothing
// to run" (no interpreter found / the given path does not exist).
Expected<VerifyReport> verify_python(host::Host& host, data::DataStore& store,
                                     const VerifyOptions& options);

nlohmann::json to_json(const Check& check);
nlohmann::json to_json(const VerifyReport& report);

}  // namespace torchup::act
