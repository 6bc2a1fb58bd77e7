// `torchup verify` for a Python interpreter: resolve the interpreter, run the
// probe, compare with the machine and the pairing data, and render JSON.
#include "act/verify.h"

#include <nlohmann/json.hpp>

#include "model/message.h"
#include "util/strings.h"

namespace torchup::act {

const char* to_string(CheckStatus status) {
  switch (status) {
    case CheckStatus::kPass:
      return "pass";
    case CheckStatus::kFail:
      return "fail";
    case CheckStatus::kSkip:
      return "skip";
  }
  return "unknown";
}

bool VerifyReport::ok() const {
  for (const auto& c : checks) {
    if (c.status == CheckStatus::kFail) return false;
  }
  return true;
}

namespace {

// "python3.11" -> the first match on $PATH; paths with a '/' are kept as given.
Expected<std::string> resolve_python(const host::Host& host, const std::string& given) {
  if (given.find('/') != std::string::npos) {
    if (host.fs.is_dir(given)) {
      // A venv or conda env directory instead of its interpreter: the user's mistake (exit 2).
      const std::string inside = host::venv_python(host, given);
      return make_error(
          ErrorKind::kUsage, "--python " + given + " is a directory, not an interpreter",
          host.fs.is_executable(inside) ? "did you mean --python " + inside + "?"
                                        : "give the interpreter itself, e.g. " + inside);
    }
    if (!host.fs.exists(given)) {
      return make_error(ErrorKind::kNotFound, "Python interpreter " + given + " does not exist",
                        "pass --python with the path of an existing interpreter");
    }
    return given;
  }
  if (auto found = host::find_program(host, given)) return *found;
  return make_error(ErrorKind::kNotFound, "no " + given + " on PATH",
                    "pass --python with the full path of the interpreter");
}

}  // namespace

Expected<VerifyReport> verify_python(host::Host& host, data::DataStore& store,
                                     const VerifyOptions& options) {
  std::string python;
  if (options.python) {
    auto resolved = resolve_python(host, *options.python);
    if (!resolved) return resolved.error();
    python = *resolved;
  } else if (auto found = default_python(host)) {
    python = *found;
  } else {
    return make_error(ErrorKind::kNotFound,
                      "no Python interpreter found (no active venv/conda "
                      "environment and no python3 on PATH)",
                      "pass --python PATH");
  }
  VerifyReport report;
  report.python = python;
  report.machine = scan_machine_gpus(host.fs);
  report.run = run_probe(host, python, options.timeout);
  auto pairing = load_pairing_table(store);
  if (!pairing) {
    report.notes.push_back(tr("verify.pairing-not-checked",
                              "torchvision/torchaudio pairing not checked: {error}",
                              {{"error", pairing.error().message}}));
  }
  report.checks = evaluate_probe(report.run, report.machine, pairing ? &*pairing : nullptr);
  return report;
}

nlohmann::json to_json(const Check& check) {
  nlohmann::json j = {{"id", check.id},
                      {"title", check.title.str()},
                      {"status", to_string(check.status)},
                      {"reason", check.reason.str()}};
  j["fix"] = check.fix.empty() ? nlohmann::json() : nlohmann::json(check.fix.str());
  // Each text's message id and arguments, for a front end that speaks another language.
  j["messages"] = {{"title", model::message_json(check.title)},
                   {"reason", model::message_json(check.reason)}};
  if (!check.fix.empty()) j["messages"]["fix"] = model::message_json(check.fix);
  return j;
}

nlohmann::json to_json(const VerifyReport& report) {
  using nlohmann::json;
  json j;
  j["schema"] = "torchup.verify/1";
  j["ok"] = report.ok();
  j["python"] = report.python;
  json probe = {{"outcome", to_string(report.run.outcome)},
                {"problem", report.run.problem.empty() ? json() : json(report.run.problem.str())},
                {"exit_code", report.run.exit_code},
                {"signal", report.run.signal},
                {"stderr_tail", report.run.stderr_tail}};
  j["probe"] = probe;
  json torch;  // null unless import torch worked
  if (report.run.output && report.run.output->torch) {
    const auto& t = *report.run.output->torch;
    torch = {{"version", t.version},
             {"location", t.location},
             {"build", build_kind(t)},
             {"cuda", t.cuda ? json(*t.cuda) : json()},
             {"hip", t.hip ? json(*t.hip) : json()},
             {"cuda_available", t.cuda_available},
             {"device_count", t.device_count},
             {"arch_list", t.arch_list},
             {"driver_cuda", t.driver_cuda ? json(*t.driver_cuda) : json()},
             {"rand", t.rand_text ? json(*t.rand_text) : json()}};
    json gpus = json::array();
    for (const auto& g : t.gpus) {
      gpus.push_back({{"index", g.index},
                      {"name", g.name},
                      {"compute_capability", g.capability ? json(*g.capability) : json()},
                      {"gfx_target", g.gcn_arch ? json(*g.gcn_arch) : json()},
                      {"total_memory", g.total_memory ? json(*g.total_memory) : json()},
                      {"matmul_ok", g.matmul_ok ? json(*g.matmul_ok) : json()},
                      {"matmul_max_diff", g.matmul_max_diff ? json(*g.matmul_max_diff) : json()}});
    }
    torch["gpus"] = gpus;
  }
  j["torch"] = torch;
  if (report.run.output) {
    const auto& o = *report.run.output;
    j["python_version"] = o.python_version;
    auto package = [](const ProbePackage& p) {
      return json{{"installed", p.installed},
                  {"version", p.version ? json(*p.version) : json()},
                  {"error", p.error ? json(*p.error) : json()}};
    };
    j["torchvision"] = package(o.torchvision);
    j["torchaudio"] = package(o.torchaudio);
    j["torch_locations"] = o.torch_locations;
  }
  j["machine_gpus"] = {{"scanned", report.machine.scanned},
                       {"nvidia", report.machine.nvidia},
                       {"amd", report.machine.amd}};
  json checks = json::array();
  for (const auto& c : report.checks) checks.push_back(to_json(c));
  j["checks"] = checks;
  j["notes"] = json::array();
  for (const auto& note : report.notes) j["notes"].push_back(note.str());
  return j;
}

}  // namespace torchup::act
