// `torchup doctor`: explain a broken existing install. Runs the same probe as
// verify, then turns its symptoms into findings, each with evidence and a fix:
//   - machine facts judged by torchup itself: CPU build on an NVIDIA machine,
//     GPU arch not in torch's arch list, driver too old for the build's CUDA,
//     torch/torchvision/torchaudio mismatch, several torch installs shadowing
//     each other, torch missing from this interpreter, a crashing probe;
//   - the install-failure catalogue (data/install-failures.json, loaded and
//     matched by data::classify_output) over everything the probe printed:
//     import errors, tracebacks, warnings, CUDA errors, the crash output.
// A finding uses the catalogue's id when the catalogue knows that failure, so
// its cause, fix and sources come with it.
#pragma once

#include <iosfwd>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "act/pip_config.h"
#include "act/verify.h"
#include "act/verify_text.h"
#include "data/failures.h"

namespace torchup::act {

struct Finding {
  std::string id;  // catalogue id ("cpu-build-on-gpu-host") or torchup's own
  Text title;      // one line for people
  Text evidence;   // what was seen (a check's reason, the matched output)
  Text cause;      // why it happens (from the catalogue when known)
  Text fix;        // what to do
  std::vector<std::string> sources;
};

struct DoctorReport {
  VerifyReport verify;
  PipSettings pip;  // the interpreter's pip settings (pip config list), when pip answered
  std::vector<Finding> findings;
  // Other interpreters of this machine that have torch ("PATH (torch VERSION)"), when the
  // one checked has none (detect's file scan).
  std::vector<std::string> other_torch;
  bool ok() const { return findings.empty(); }
};

// Pure: findings for a verify report; `catalogue` may be null (then only
// torchup's own rules run). With `system`, catalogue entries of other platforms
// (a Windows DLL error, macOS libomp) are not offered as explanations. With `pip`,
// a CPU-only torch on an NVIDIA machine also names pip settings that send installs
// to a CPU-only index (PIP_EXTRA_INDEX_URL=.../whl/cpu in a Dockerfile, say): a
// reinstall would take the CPU build again until they are gone.
std::vector<Finding> diagnose(const VerifyReport& report, const data::FailureCatalogue* catalogue,
                              const host::SystemFacts* system = nullptr,
                              const PipSettings* pip = nullptr);

Expected<DoctorReport> run_doctor(host::Host& host, data::DataStore& store,
                                  const VerifyOptions& options);

nlohmann::json to_json(const DoctorReport& report);
void render_doctor(std::ostream& out, const DoctorReport& report, const TextStyle& style);

}  // namespace torchup::act
