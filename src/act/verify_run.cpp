// Running the probe and the machine-side facts verify compares it with: which
// interpreter, which GPUs are on the PCI bus, which torchvision/torchaudio pair
// with which torch. All machine reads go through host::Host.
#include <nlohmann/json.hpp>

#include "act/verify.h"
#include "detect/active_python.h"
#include "util/strings.h"
#include "util/version.h"

namespace torchup::act {

namespace {

// The last `count` lines of `text`, each made printable (garbage is shown safely).
std::string tail_lines(const std::string& text, std::size_t count) {
  auto all = str::lines(text);
  std::vector<std::string> kept;
  std::size_t first = all.size() > count ? all.size() - count : 0;
  for (std::size_t i = first; i < all.size(); ++i) {
    if (str::trim(all[i]).empty()) continue;
    kept.push_back(str::sanitize(all[i], 300));
  }
  return str::join(kept, "\n");
}

std::string signal_name(int signal) {
  switch (signal) {
    case 4: return "SIGILL";
    case 6: return "SIGABRT";
    case 7: return "SIGBUS";
    case 8: return "SIGFPE";
    case 9: return "SIGKILL";
    case 11: return "SIGSEGV";
    case 15: return "SIGTERM";
    default: return "signal " + std::to_string(signal);
  }
}

}  // namespace

const char* to_string(ProbeOutcome outcome) {
  switch (outcome) {
    case ProbeOutcome::kOk: return "ok";
    case ProbeOutcome::kNotStarted: return "not-started";
    case ProbeOutcome::kTimedOut: return "timed-out";
    case ProbeOutcome::kCrashed: return "crashed";
    case ProbeOutcome::kGarbage: return "garbage";
  }
  return "unknown";
}

std::optional<std::string> default_python(const host::Host& host) {
  // The interpreter detect marks [active] and plan and install target (one resolution).
  if (auto active = detect::active_python(host)) return active->path;
  return std::nullopt;
}

ProbeRun run_probe(host::Host& host, const std::string& python, std::chrono::seconds timeout) {
  ProbeRun run;
  run.python = python;
  host::RunOptions options;
  options.timeout = std::chrono::duration_cast<std::chrono::milliseconds>(timeout);
  // UTF-8 output whatever the locale; no .pyc files written by a check.
  options.env = {{"PYTHONIOENCODING", "utf-8"}, {"PYTHONDONTWRITEBYTECODE", "1"}};
  options.max_output = 1u << 20;
  host::ProcessResult result = host.runner.run({python, "-c", probe_script()}, options);
  run.exit_code = result.exit_code;
  run.signal = result.signal;
  run.stderr_tail = tail_lines(result.err, 12);

  if (!result.started) {
    run.outcome = ProbeOutcome::kNotStarted;
    if (result.start_error.empty()) {
      run.problem = tr("verify.could-not-run", "could not run {python}", {{"python", python}});
    } else {
      run.problem = tr("verify.could-not-run-because", "could not run {python}: {error}",
                       {{"python", python}, {"error", result.start_error}});
    }
    return run;
  }
  if (result.timed_out) {
    run.outcome = ProbeOutcome::kTimedOut;
    run.problem = python + " did not finish the probe within " +
                  std::to_string(timeout.count()) + " s and was stopped (a hang in import " +
                  "torch or in the GPU driver)";
    run.stdout_tail = tail_lines(result.out, 6);
    return run;
  }
  auto parsed = parse_probe_output(result.out);
  if (parsed) {
    run.outcome = ProbeOutcome::kOk;
    run.output = std::move(parsed.value());
    return run;
  }
  run.stdout_tail = tail_lines(result.out, 6);
  if (result.signal != 0) {
    run.outcome = ProbeOutcome::kCrashed;
    if (result.signal == 4) {
      run.problem = tr("verify.probe-crashed-sigill",
                       "{python} crashed ({signal}) during the probe; an illegal instruction usually means the "
                       "torch build needs CPU instructions (e.g. AVX2) this processor lacks",
                       {{"python", python}, {"signal", signal_name(result.signal)}});
    } else {
      run.problem = tr("verify.probe-crashed", "{python} crashed ({signal}) during the probe",
                       {{"python", python}, {"signal", signal_name(result.signal)}});
    }
  } else if (result.exit_code != 0 && str::contains(result.err, "SyntaxError")) {
    // The probe is Python 3; an old interpreter stops at its syntax. Ask which it is
    // (one more process, on this failure only) and say what matters.
    host::RunOptions ask;
    ask.timeout = std::chrono::seconds(10);
    auto version = host.runner.run({python, "-c", "import sys; sys.stdout.write('%d.%d.%d' % tuple(sys.version_info[:3]))"}, ask);
    const std::string v(str::trim(version.out));
    run.outcome = ProbeOutcome::kCrashed;
    if (version.ok() && str::starts_with(v, "2.")) {
      run.problem = tr("verify.python2",
                       "PyTorch needs Python 3: {python} is Python {version} (PyTorch's wheels and conda packages "
                       "are built for Python 3 only)",
                       {{"python", python}, {"version", v}});
      run.python_too_old = true;
    } else {
      run.problem = python + " could not compile the probe (a SyntaxError): an interpreter older than Python 3.5?";
    }
  } else if (result.exit_code != 0) {
    run.outcome = ProbeOutcome::kCrashed;
    run.problem = python + " exited with code " + std::to_string(result.exit_code) +
                  " before reporting a result";
    if (result.exit_code > 128 && result.exit_code < 160) {
      run.problem += " (as if killed by " + signal_name(result.exit_code - 128) + ")";
    }
  } else {
    run.outcome = ProbeOutcome::kGarbage;
    run.problem = python + " ran but its output could not be understood (" +
                  parsed.error().message + "); is it a Python interpreter?";
  }
  return run;
}

MachineGpus scan_machine_gpus(const host::FileSystem& fs) {
  MachineGpus gpus;
  const std::string base = "/sys/bus/pci/devices";
  if (!fs.is_dir(base)) return gpus;
  gpus.scanned = true;
  gpus.source = base;
  for (const auto& device : fs.list_dir(base)) {
    auto klass = fs.read_file(base + "/" + device + "/class", 64);
    auto vendor = fs.read_file(base + "/" + device + "/vendor", 64);
    if (!klass || !vendor) continue;
    auto class_code = str::parse_hex(str::trim(*klass));
    auto vendor_id = str::parse_hex(str::trim(*vendor));
    if (!class_code || !vendor_id) continue;
    // PCI class 0x03 = display controller (0x0300 VGA, 0x0302 3D controller: data-centre GPUs).
    if ((*class_code >> 16) != 0x03) continue;
    if (*vendor_id == 0x10de) ++gpus.nvidia;  // NVIDIA (PCI-SIG vendor id)
    if (*vendor_id == 0x1002) ++gpus.amd;     // AMD/ATI
  }
  return gpus;
}

Expected<PairingTable> parse_pairing_table(const std::string& json_text) {
  using nlohmann::json;
  const std::string file = "torch-releases.json";
  json root = json::parse(json_text, nullptr, false);
  if (root.is_discarded() || !root.is_object()) {
    return make_error(ErrorKind::kParse, file + ": not a JSON object");
  }
  auto versions = root.find("versions");
  if (versions == root.end() || !versions->is_object()) {
    return make_error(ErrorKind::kParse, file + ": versions: missing or not an object");
  }
  PairingTable table;
  for (auto it = versions->begin(); it != versions->end(); ++it) {
    if (!it.value().is_object()) {
      return make_error(ErrorKind::kParse,
                        file + ": versions." + it.key() + ": expected an object");
    }
    PackagePairing pairing;
    for (const char* field : {"torchvision", "torchaudio"}) {
      auto f = it.value().find(field);
      if (f == it.value().end() || f->is_null()) continue;
      auto& slot = std::string(field) == "torchvision" ? pairing.torchvision : pairing.torchaudio;
      if (f->is_string()) {
        slot.push_back(f->get<std::string>());
        continue;
      }
      bool strings = f->is_array();
      for (const auto& item : (strings ? *f : json::array())) strings = strings && item.is_string();
      if (!strings) {
        return make_error(ErrorKind::kParse, file + ": versions." + it.key() + "." + field +
                                                 ": expected a string, a list of strings or null");
      }
      for (const auto& item : *f) slot.push_back(item.get<std::string>());
    }
    table[it.key()] = pairing;
  }
  return table;
}

Expected<PairingTable> load_pairing_table(data::DataStore& store) {
  return store.load<PairingTable>("torch-releases.json", parse_pairing_table);
}

}  // namespace torchup::act
