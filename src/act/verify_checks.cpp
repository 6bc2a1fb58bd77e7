// From a probe run to pass/fail/skip checks. Pure: no I/O, so every branch is
// tested with values. The rule for "fail" is "something that should work does
// not": a CUDA build on an NVIDIA machine without CUDA, a CPU build on an NVIDIA
// machine, a GPU whose arch the build has no code for, a mismatched torchvision.
#include <fmt/format.h>

#include "act/verify.h"
#include "act/verify_checks_internal.h"
#include "util/strings.h"
#include "util/version.h"

namespace torchup::act {

namespace {

Check make(std::string id, Text title, CheckStatus status, Text reason, Text fix = {}) {
  return Check{std::move(id), std::move(title), status, std::move(reason), std::move(fix)};
}

std::string first_line(const std::string& text) {
  auto nl = text.find('\n');
  return str::sanitize(nl == std::string::npos ? text : text.substr(0, nl), 300);
}

// Probe warnings that explain a CUDA failure ("The NVIDIA driver on your system is too old").
std::string cuda_warning(const ProbeOutput& probe) {
  for (const auto& w : probe.warnings) {
    if (str::icontains(w, "cuda") || str::icontains(w, "driver")) return first_line(w);
  }
  return {};
}

// "{first}; {second}" and "{first}: {detail}", so a reason with an optional part stays
// one message in every language.
Text and_also(Text first, Text second) {
  if (second.empty()) return first;
  return tr("verify.and-also", "{first}; {second}",
            {{"first", std::move(first)}, {"second", std::move(second)}});
}
Text with_detail(Text first, std::string detail) {
  if (detail.empty()) return first;
  return tr("verify.with-detail", "{first}: {detail}",
            {{"first", std::move(first)}, {"detail", std::move(detail)}});
}

Check cuda_check(const ProbeOutput& probe, const ProbeTorch& torch, const MachineGpus& machine) {
  const std::string title = "torch.cuda.is_available()";
  if (torch.cuda_available) {
    if (torch.hip) {
      return make("cuda_available", title, CheckStatus::kPass,
                  tr("verify.cuda-true-hip", "True, {count} device(s) (ROCm/HIP)",
                     {{"count", std::to_string(torch.device_count)}}));
    }
    return make("cuda_available", title, CheckStatus::kPass,
                tr("verify.cuda-true", "True, {count} device(s)",
                   {{"count", std::to_string(torch.device_count)}}));
  }
  std::string why = torch.cuda_error ? first_line(*torch.cuda_error) : cuda_warning(probe);
  if (torch.xpu_available || torch.mps_available) {
    return make("cuda_available", title, CheckStatus::kSkip,
                tr("verify.cuda-other-backend", "False; this build uses {backend} instead",
                   {{"backend", build_kind(torch)}}));
  }
  const int vendor_gpus = torch.hip ? machine.amd : machine.nvidia;
  const char* vendor = torch.hip ? "AMD" : "NVIDIA";
  if (torch.cuda || torch.hip) {
    if (!machine.scanned) {
      return make("cuda_available", title, CheckStatus::kSkip,
                  with_detail(tr("verify.cuda-no-pci",
                                 "False; could not tell whether this machine has a GPU "
                                 "(no PCI information)"),
                              why));
    }
    if (vendor_gpus == 0) {
      return make("cuda_available", title, CheckStatus::kSkip,
                  tr("verify.cuda-no-vendor-gpu",
                     "False; {build} build, but no {vendor} GPU on this machine",
                     {{"build", build_kind(torch)}, {"vendor", vendor}}));
    }
    Text reason = tr(
        "verify.cuda-false-with-gpu",
        "False on a machine with {count} {vendor} GPU(s), although this is a {build} build",
        {{"count", std::to_string(vendor_gpus)}, {"vendor", vendor}, {"build", build_kind(torch)}});
    if (auto note = driver_too_old(torch)) reason = and_also(std::move(reason), *note);
    return make("cuda_available", title, CheckStatus::kFail, with_detail(std::move(reason), why),
                tr("verify.fix-cuda-false",
                   "run `torchup doctor` for the likely cause (driver, container GPU access, "
                   "CUDA_VISIBLE_DEVICES)"));
  }
  // CPU-only build.
  if (machine.nvidia > 0) {
    return make("cuda_available", title, CheckStatus::kFail,
                tr("verify.cuda-cpu-build-nvidia",
                   "False: CPU-only build on a machine with {count} NVIDIA GPU(s); the GPU "
                   "will not be used",
                   {{"count", std::to_string(machine.nvidia)}}),
                tr("verify.fix-cpu-build",
                   "reinstall a CUDA build: `torchup plan` prints the command, `torchup install` "
                   "runs it"));
  }
  if (machine.amd > 0) {
    return make("cuda_available", title, CheckStatus::kSkip,
                tr("verify.cuda-cpu-build-amd",
                   "False; CPU-only build. This machine has an AMD GPU: a ROCm build may use it "
                   "(see `torchup plan`)"));
  }
  if (machine.scanned) {
    return make("cuda_available", title, CheckStatus::kSkip,
                tr("verify.cuda-cpu-build-no-gpu",
                   "False; CPU-only build and no NVIDIA GPU on this machine"));
  }
  return make("cuda_available", title, CheckStatus::kSkip,
              tr("verify.cuda-cpu-build", "False; CPU-only build"));
}

Text probe_fix(ProbeOutcome outcome) {
  switch (outcome) {
    case ProbeOutcome::kNotStarted:
    case ProbeOutcome::kGarbage:
      return tr("verify.fix-pass-python",
                "pass --python with the path of a working Python interpreter");
    case ProbeOutcome::kTimedOut:
      return tr("verify.fix-timeout",
                "try a longer --timeout; if it hangs again, `torchup doctor` and the output below "
                "show where");
    default:
      return tr("verify.fix-doctor-output",
                "`torchup doctor` matches the output below with known causes");
  }
}

std::vector<Check> gpu_checks(const ProbeTorch& torch) {
  std::vector<Check> checks;
  const Text gpus_title = tr("verify.title-gpus", "GPUs visible to torch");
  if (!torch.cuda_available) {
    checks.push_back(make("gpus", gpus_title, CheckStatus::kSkip,
                          tr("verify.gpus-none", "none (CUDA is not available)")));
    return checks;
  }
  const Text run_doctor = tr("verify.fix-run-doctor", "run `torchup doctor`");
  if (torch.gpus.empty()) {
    checks.push_back(
        make("gpus", gpus_title, CheckStatus::kFail,
             tr("verify.gpus-empty", "CUDA is available but torch lists no device"),
             tr("verify.fix-gpus-empty", "check CUDA_VISIBLE_DEVICES and run `torchup doctor`")));
    return checks;
  }
  for (const auto& gpu : torch.gpus) {
    const std::string n = std::to_string(gpu.index);
    const std::string device = "cuda:" + n;
    if (gpu.name.empty() && gpu.error) {
      checks.push_back(
          make("gpu[" + n + "]", device, CheckStatus::kFail, first_line(*gpu.error), run_doctor));
      continue;
    }
    Text facts = gpu.name;
    if (gpu.capability) {
      facts = tr("verify.gpu-capability", "{gpu}, compute capability {capability}",
                 {{"gpu", std::move(facts)}, {"capability", *gpu.capability}});
    }
    if (gpu.gcn_arch)
      facts = tr("verify.gpu-arch", "{gpu}, {arch}",
                 {{"gpu", std::move(facts)}, {"arch", *gpu.gcn_arch}});
    if (gpu.total_memory) {
      facts =
          tr("verify.gpu-memory", "{gpu}, {gib} GiB",
             {{"gpu", std::move(facts)},
              {"gib", fmt::format("{:.1f}", static_cast<double>(*gpu.total_memory) / (1u << 30))}});
    }
    checks.push_back(make("gpu[" + n + "]", device, CheckStatus::kPass, facts));

    const Text matmul_title = tr("verify.title-matmul", "matmul on {device}", {{"device", device}});
    if (gpu.matmul_ok && *gpu.matmul_ok) {
      checks.push_back(
          make("matmul[" + n + "]", matmul_title, CheckStatus::kPass,
               tr("verify.matmul-ok", "64x64 product matches the CPU (max difference {diff})",
                  {{"diff", fmt::format("{:.2g}", gpu.matmul_max_diff.value_or(0.0))}})));
    } else if (gpu.matmul_ok) {
      checks.push_back(
          make("matmul[" + n + "]", matmul_title, CheckStatus::kFail,
               tr("verify.matmul-differs",
                  "64x64 product differs from the CPU result (max "
                  "difference {diff})",
                  {{"diff", fmt::format("{:.3g}", gpu.matmul_max_diff.value_or(0.0))}}),
               tr("verify.fix-matmul",
                  "the GPU computes wrong results: check for overclocking, memory "
                  "errors (nvidia-smi -q -d ECC) or a driver/torch mismatch")));
    } else {
      Text problem = tr("verify.matmul-did-not-run", "did not run");
      if (gpu.error) problem = first_line(*gpu.error);
      checks.push_back(
          make("matmul[" + n + "]", matmul_title, CheckStatus::kFail, problem, run_doctor));
    }
    checks.push_back(arch_check(torch, gpu));
  }
  return checks;
}

}  // namespace

std::string build_kind(const ProbeTorch& torch) {
  if (torch.cuda) return "CUDA " + *torch.cuda;
  if (torch.hip) {
    // torch.version.hip looks like "6.2.41133-dd7f95766": keep the dotted numeric prefix.
    std::string numeric = torch.hip->substr(0, torch.hip->find_first_not_of("0123456789."));
    auto v = DottedVersion::parse(numeric);
    return "ROCm " + (v ? v->truncated(2).str() : *torch.hip);
  }
  if (torch.xpu_available) return "XPU";
  if (torch.mps_available) return "MPS";
  return "CPU";
}

std::vector<Check> evaluate_probe(const ProbeRun& run, const MachineGpus& machine,
                                  const PairingTable* pairing) {
  std::vector<Check> checks;
  if (run.outcome != ProbeOutcome::kOk || !run.output) {
    Text fix = probe_fix(run.outcome);
    if (run.python_too_old) {
      fix = tr("verify.fix-python3",
               "use a Python 3 interpreter (`torchup detect` lists them; "
               "`torchup install --venv DIR` makes one with torch)");
    }
    Text problem = run.problem;
    if (run.problem.empty()) problem = tr("verify.no-result", "no result");
    checks.push_back(make(
        "probe", tr("verify.title-probe", "run the probe in {python}", {{"python", run.python}}),
        CheckStatus::kFail, problem, fix));
    return checks;
  }
  const ProbeOutput& probe = *run.output;
  checks.push_back(make("python", tr("verify.title-python", "Python interpreter"),
                        CheckStatus::kPass,
                        tr("verify.python-at", "Python {version} ({bits}-bit) at {path}",
                           {{"version", probe.python_version},
                            {"bits", std::to_string(probe.python_bits)},
                            {"path", probe.python_executable}})));
  if (probe.import_error || !probe.torch) {
    const auto& e = *probe.import_error;
    bool missing = e.type == "ModuleNotFoundError" && str::contains(e.message, "'torch'");
    Text fix = tr("verify.fix-doctor-match",
                  "run `torchup doctor` to match this error with a known cause");
    if (missing) {
      fix = tr("verify.fix-torch-missing",
               "torch is not installed in this interpreter: `torchup "
               "install`, or pass --python for the one that has it");
    }
    checks.push_back(make("import_torch", "import torch", CheckStatus::kFail,
                          first_line(e.type + ": " + e.message), fix));
    return checks;
  }
  const ProbeTorch& torch = *probe.torch;
  checks.push_back(make("import_torch", "import torch", CheckStatus::kPass,
                        tr("verify.torch-from", "torch {version} from {path}",
                           {{"version", torch.version}, {"path", torch.location}})));
  if (torch.rand_text) {
    checks.push_back(
        make("torch_rand", "torch.rand(5, 3)", CheckStatus::kPass,
             tr("verify.rand-ok", "a 5x3 tensor of random numbers, as the guide shows")));
  } else {
    checks.push_back(make("torch_rand", "torch.rand(5, 3)", CheckStatus::kFail,
                          first_line(torch.rand_error.value_or("no result")),
                          tr("verify.fix-run-doctor", "run `torchup doctor`")));
  }
  checks.push_back(make("build", tr("verify.title-build", "build"), CheckStatus::kPass,
                        tr("verify.build-kind", "{kind} build (torch {version})",
                           {{"kind", build_kind(torch)}, {"version", torch.version}})));
  checks.push_back(cuda_check(probe, torch, machine));
  for (auto& c : gpu_checks(torch)) checks.push_back(std::move(c));
  checks.push_back(package_check("torchvision", probe.torchvision, torch, pairing));
  checks.push_back(package_check("torchaudio", probe.torchaudio, torch, pairing));
  return checks;
}

}  // namespace torchup::act
