// Doctor's rules: verify's failed checks and probe facts -> findings, then the
// catalogue over the probe's text for anything the rules do not know.
#include "act/doctor.h"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <ostream>

#include "act/verify_checks_internal.h"
#include "detect/detect.h"
#include "model/message.h"
#include "util/strings.h"

namespace torchup::act {

namespace {

const Check* find_check(const VerifyReport& report, std::string_view id_prefix, bool failed) {
  for (const auto& c : report.checks) {
    if (str::starts_with(c.id, id_prefix) && (!failed || c.status == CheckStatus::kFail)) return &c;
  }
  return nullptr;
}

// verify's advice sends people to `torchup doctor`; inside doctor that is this very
// command, so the advice points at the findings instead (by message id, so it holds in
// every language; free text from elsewhere is rewritten as text).
Text without_doctor_advice(Text fix) {
  const std::string& id = fix.id();
  if (id == "verify.fix-cuda-false") {
    return tr("doctor.fix-cuda-false",
              "the findings below give the likely cause (driver, container GPU access, "
              "CUDA_VISIBLE_DEVICES)");
  }
  if (id == "verify.fix-timeout") {
    return tr("doctor.fix-timeout",
              "try a longer --timeout; if it hangs again, the output below shows where");
  }
  if (id == "verify.fix-doctor-output") {
    return tr("doctor.fix-doctor-output", "the findings below match the output with known causes");
  }
  if (id == "verify.fix-doctor-match") {
    return tr("doctor.fix-doctor-match", "the findings below match this error with known causes");
  }
  if (id == "verify.fix-gpus-empty") {
    return tr("doctor.fix-gpus-empty", "check CUDA_VISIBLE_DEVICES; see the findings below");
  }
  if (id == "verify.fix-run-doctor") return tr("doctor.fix-see-findings", "see the findings below");
  if (fix.translatable() || fix.find("torchup doctor") == std::string::npos) return fix;
  std::string text = fix;
  for (const char* from : {" and run `torchup doctor`", "run `torchup doctor`"}) {
    if (auto at = text.find(from); at != std::string::npos) {
      text.replace(at, std::string_view(from).size(), "see the findings below");
    }
  }
  return text;
}

// A finding with the catalogue's cause/fix/sources when it has the id.
Finding finding(const data::FailureCatalogue* catalogue, std::string id, Text title, Text evidence,
                Text fix) {
  Finding f{std::move(id), std::move(title), std::move(evidence), {}, std::move(fix), {}};
  if (const data::FailureKind* kind = catalogue ? catalogue->find(f.id) : nullptr) {
    f.cause = kind->cause_text();
    if (f.fix.empty()) f.fix = kind->fix_text();
    f.sources = kind->sources;
  }
  return f;
}

// Everything the probe printed that a catalogue pattern could match.
std::string probe_text(const VerifyReport& report) {
  std::string text =
      report.run.problem + "\n" + report.run.stderr_tail + "\n" + report.run.stdout_tail + "\n";
  if (!report.run.output) return text;
  const auto& o = *report.run.output;
  if (o.import_error) text += o.import_error->message + "\n" + o.import_error->traceback + "\n";
  for (const auto& w : o.warnings) text += w + "\n";
  for (const auto* p : {&o.torchvision, &o.torchaudio}) {
    if (p->error) text += *p->error + "\n";
  }
  if (o.torch) {
    if (o.torch->cuda_error) text += *o.torch->cuda_error + "\n";
    if (o.torch->rand_error) text += *o.torch->rand_error + "\n";
    for (const auto& g : o.torch->gpus) {
      if (g.error) text += *g.error + "\n";
    }
  }
  return text;
}

// pip settings whose index or links directory is a CPU-only variant of pytorch.org's
// wheel index or a mirror of it (the path ends in /cpu: https://download.pytorch.org/whl/cpu).
std::vector<std::string> cpu_only_pip_sources(const PipSettings& pip) {
  std::vector<std::string> out;
  auto consider = [&](const PipSetting& s) {
    std::string url = str::to_lower(s.value);
    while (!url.empty() && url.back() == '/') url.pop_back();
    if (url.ends_with("/cpu") || str::contains(url, "/cpu/") || str::contains(url, "/whl/cpu")) {
      out.push_back(shown(s));
    }
  };
  if (pip.index_url) consider(*pip.index_url);
  for (const auto& s : pip.extra_index_urls) consider(s);
  for (const auto& s : pip.find_links) consider(s);
  return out;
}

void rule_findings(const VerifyReport& report, const data::FailureCatalogue* cat,
                   std::vector<Finding>& out, const PipSettings* pip) {
  const ProbeRun& run = report.run;
  if (run.outcome != ProbeOutcome::kOk || !run.output) {
    if (run.outcome == ProbeOutcome::kCrashed && run.signal == 4) {
      out.push_back(finding(cat, "illegal-instruction-old-cpu",
                            tr("doctor.title-illegal-instruction",
                               "torch uses CPU instructions this processor lacks"),
                            run.problem, ""));
    } else {
      Text fix = tr("doctor.fix-probe-python", "check that --python names a working interpreter");
      if (run.outcome == ProbeOutcome::kTimedOut) {
        fix = tr("doctor.fix-probe-timeout",
                 "retry with a longer --timeout; a hang in `import torch` often "
                 "means a network file system or a stuck GPU driver");
      }
      out.push_back(finding(cat, "probe-failed",
                            tr("doctor.title-probe-failed", "the Python probe did not complete"),
                            run.problem, fix));
    }
    return;
  }
  const ProbeOutput& probe = *run.output;
  if (probe.import_error && probe.import_error->type == "ModuleNotFoundError" &&
      str::contains(probe.import_error->message, "'torch'")) {
    out.push_back(finding(cat, "wrong-interpreter",
                          tr("doctor.title-wrong-interpreter", "torch is not installed in {python}",
                             {{"python", report.python}}),
                          probe.import_error->message,
                          tr("doctor.fix-wrong-interpreter",
                             "install torch for this interpreter (`torchup install`), or "
                             "pass --python PATH for the interpreter that has it")));
  }
  if (probe.torch_locations.size() > 1 || probe.torch_dists.size() > 1) {
    std::vector<std::string> all = probe.torch_locations;
    all.insert(all.end(), probe.torch_dists.begin(), probe.torch_dists.end());
    out.push_back(finding(
        cat, "multiple-torch-installs",
        tr("doctor.title-multiple-torch", "several torch installs are visible to this interpreter"),
        tr("doctor.multiple-torch-seen", "first on sys.path wins: {paths}",
           {{"paths", str::join(all, ", ")}}),
        tr("doctor.fix-multiple-torch",
           "keep one: `python -m pip uninstall torch` until `import torch` fails, "
           "then reinstall the build you want")));
  }
  if (!probe.torch) return;
  const ProbeTorch& torch = *probe.torch;
  if (!torch.cuda && !torch.hip && report.machine.nvidia > 0) {
    out.push_back(finding(
        cat, "cpu-build-on-gpu-host",
        tr("doctor.title-cpu-build",
           "a CPU-only torch is installed on a machine with an NVIDIA GPU"),
        tr("doctor.cpu-build-seen",
           "torch {version} has no CUDA; {count} NVIDIA GPU(s) on the PCI bus",
           {{"version", torch.version}, {"count", std::to_string(report.machine.nvidia)}}),
        tr("doctor.fix-cpu-build", "reinstall a CUDA build: `torchup plan` prints the command")));
    if (auto cpu = pip ? cpu_only_pip_sources(*pip) : std::vector<std::string>{}; !cpu.empty()) {
      Finding& f = out.back();
      f.evidence = tr("doctor.cpu-index-seen",
                      "{seen}; pip's settings point at a CPU-only index: {settings}",
                      {{"seen", f.evidence}, {"settings", str::join(cpu, ", ")}});
      if (cpu.size() > 1) {
        f.fix = tr("doctor.fix-cpu-index-many",
                   "remove those settings first (`pip config list` shows them; `pip config "
                   "unset` or unset the variable), or a reinstall takes the CPU build again; "
                   "then {fix}",
                   {{"fix", f.fix}});
      } else {
        f.fix = tr("doctor.fix-cpu-index-one",
                   "remove that setting first (`pip config list` shows them; `pip config "
                   "unset` or unset the variable), or a reinstall takes the CPU build again; "
                   "then {fix}",
                   {{"fix", f.fix}});
      }
    }
  }
  if (auto old = driver_too_old(torch)) {
    out.push_back(finding(
        cat, "driver-too-old-for-wheel",
        tr("doctor.title-driver-too-old", "the NVIDIA driver is too old for this torch build"),
        *old, ""));
  } else if (const Check* c = find_check(report, "cuda_available", true);
             c && (torch.cuda || torch.hip)) {
    out.push_back(finding(cat, "cuda-unavailable",
                          tr("doctor.title-cuda-unavailable", "the GPU build cannot reach the GPU"),
                          c->reason,
                          tr("doctor.fix-cuda-unavailable",
                             "check the driver (`nvidia-smi`), container GPU access and "
                             "CUDA_VISIBLE_DEVICES")));
  }
  for (const auto& c : report.checks) {
    if (c.status != CheckStatus::kFail) continue;
    if (str::starts_with(c.id, "arch[")) {
      out.push_back(
          finding(cat, "gpu-arch-not-in-arch-list",
                  tr("doctor.title-arch", "torch has no code for this GPU's architecture"),
                  c.reason, c.fix));
    } else if (c.id == "torchvision") {
      out.push_back(finding(cat, "torchvision-torch-mismatch",
                            tr("doctor.title-torchvision", "torchvision does not match torch"),
                            c.reason, c.fix));
    } else if (c.id == "torchaudio") {
      out.push_back(finding(cat, "torchaudio-abi-mismatch",
                            tr("doctor.title-torchaudio", "torchaudio does not match torch"),
                            c.reason, c.fix));
    } else if (str::starts_with(c.id, "matmul[")) {
      out.push_back(finding(cat, "gpu-compute-failed",
                            tr("doctor.title-gpu-compute", "a computation on the GPU failed"),
                            c.reason, c.fix));
    }
  }
}

}  // namespace

std::vector<Finding> diagnose(const VerifyReport& report, const data::FailureCatalogue* catalogue,
                              const host::SystemFacts* system, const PipSettings* pip) {
  std::vector<Finding> findings;
  rule_findings(report, catalogue, findings, pip);
  if (!catalogue) return findings;
  // Installer-only entries (pip download errors...) cannot explain a probe's output.
  const std::string os_family = system ? system->os_family : "", arch = system ? system->arch : "";
  for (const auto& match : data::classify_output(*catalogue, probe_text(report),
                                                 {"import", "runtime"}, os_family, arch)) {
    bool known = false;
    for (const auto& f : findings) known = known || f.id == match.kind->id;
    if (known) continue;
    findings.push_back(Finding{match.kind->id, match.kind->title_text(),
                               tr("doctor.output-seen", "output: {text}",
                                  {{"text", str::sanitize(match.matched_text, 200)}}),
                               match.kind->cause_text(), match.kind->fix_text(),
                               match.kind->sources});
  }
  return findings;
}

// torch is not in the interpreter checked: name the ones that have it (detect's file
// scan, no process), so the user can pass --python or see where a pasted pip went.
static void name_interpreters_with_torch(host::Host& host, DoctorReport& report) {
  auto f = std::find_if(report.findings.begin(), report.findings.end(),
                        [](const Finding& x) { return x.id == "wrong-interpreter"; });
  if (f == report.findings.end()) return;
  std::vector<std::string> others;
  for (const auto& p : detect::find_pythons(host)) {
    if (p.torch && p.path != report.verify.python)
      others.push_back(p.path + " (torch " + p.torch->version + ")");
  }
  if (others.empty()) return;
  report.other_torch = others;
  f->fix = tr("doctor.fix-torch-elsewhere", "{fix}; torch is installed for {pythons}",
              {{"fix", f->fix}, {"pythons", str::join(others, ", ")}});
}

Expected<DoctorReport> run_doctor(host::Host& host, data::DataStore& store,
                                  const VerifyOptions& options) {
  auto verify = verify_python(host, store, options);
  if (!verify) return verify.error();
  DoctorReport report;
  report.verify = std::move(verify.value());
  for (auto& c : report.verify.checks) c.fix = without_doctor_advice(std::move(c.fix));
  auto catalogue =
      store.load<data::FailureCatalogue>("install-failures.json", data::parse_failure_catalogue);
  if (!catalogue) {
    report.verify.notes.push_back(tr("doctor.catalogue-not-used",
                                     "failure catalogue not used: {error}",
                                     {{"error", catalogue.error().message}}));
  }
  // pip's settings decide what a reinstall would fetch; asked only of an interpreter that ran.
  if (report.verify.run.outcome == ProbeOutcome::kOk)
    report.pip = read_pip_settings(host, report.verify.python);
  report.findings =
      diagnose(report.verify, catalogue ? &*catalogue : nullptr, &host.system, &report.pip);
  name_interpreters_with_torch(host, report);
  return report;
}

nlohmann::json to_json(const DoctorReport& report) {
  nlohmann::json findings = nlohmann::json::array();
  for (const auto& f : report.findings) {
    findings.push_back({{"id", f.id},
                        {"title", f.title.str()},
                        {"evidence", f.evidence.str()},
                        {"cause", f.cause.str()},
                        {"fix", f.fix.str()},
                        {"sources", f.sources},
                        {"messages",
                         {{"title", model::message_json(f.title)},
                          {"evidence", model::message_json(f.evidence)},
                          {"cause", model::message_json(f.cause)},
                          {"fix", model::message_json(f.fix)}}}});
  }
  return {{"schema", "torchup.doctor/1"},
          {"ok", report.ok()},
          {"findings", findings},
          {"pip_config", to_json(report.pip)},
          {"other_torch", report.other_torch},
          {"verify", to_json(report.verify)}};
}

void render_doctor(std::ostream& out, const DoctorReport& report, const TextStyle& style) {
  out << style.bold("torchup doctor") << "  " << report.verify.python << "\n\n";
  render_checks(out, report.verify.checks, style);
  for (const auto& note : report.verify.notes)
    out << "  " << style.dim(style.t(tr("verify.note", "note: {note}", {{"note", note}}))) << "\n";
  out << "\n";
  if (report.findings.empty()) {
    out << style.green(style.t(tr("doctor.no-problems", "No problems found."))) << "\n";
    return;
  }
  out << style.red(style.t(tr("doctor.findings", "{count} finding(s):",
                              {{"count", std::to_string(report.findings.size())}})))
      << "\n";
  for (const auto& f : report.findings) {
    out << "\n  " << style.bold(style.t(f.title)) << "  " << style.dim("[" + f.id + "]") << "\n";
    if (!f.evidence.empty())
      out << "    " << style.t(tr("doctor.seen", "seen:  {evidence}", {{"evidence", f.evidence}}))
          << "\n";
    if (!f.cause.empty() && f.cause != f.title) {
      out << "    " << style.t(tr("doctor.why", "why:   {cause}", {{"cause", f.cause}})) << "\n";
    }
    if (!f.fix.empty())
      out << "    " << style.t(tr("doctor.fix", "fix:   {fix}", {{"fix", f.fix}})) << "\n";
    if (!f.sources.empty()) {
      out << "    "
          << style.dim(style.t(tr("doctor.source", "source: {sources}",
                                  {{"sources", str::join(f.sources, ", ")}})))
          << "\n";
    }
  }
}

}  // namespace torchup::act
