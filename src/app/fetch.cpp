// The portable part of app/fetch.h: what a target interpreter is.
#include "app/fetch.h"

#include <nlohmann/json.hpp>

#include "util/strings.h"

namespace torchup::app {

Expected<act::TargetFacts> describe_target(host::Host& host, const std::string& python,
                                           std::map<std::string, std::string>* installed) {
  std::string script = act::kTargetProbe;
  if (installed) {
    // importlib.metadata (Python 3.8+): the distributions the interpreter sees.
    script +=
        "import importlib.metadata as md\n"
        "print(json.dumps({(d.metadata['Name'] or ''):d.version for d in md.distributions()}))\n";
  }
  host::RunOptions options;
  options.timeout = std::chrono::seconds(30);
  auto ran = host.runner.run({python, "-c", script}, options);
  if (!ran.ok()) {
    return make_error(ErrorKind::kEnvironment,
                      "could not ask " + python + " for its platform: " +
                          (ran.started ? "exit " + std::to_string(ran.exit_code) + ": " +
                                             str::sanitize(ran.err, 200)
                                       : ran.start_error));
  }
  auto lines = str::lines(ran.out);
  if (lines.empty())
    return make_error(ErrorKind::kParse, python + " printed nothing about its platform");
  auto facts = act::parse_target_facts(lines[0]);
  if (!facts) return facts.error();
  if (installed && lines.size() > 1) {
    auto j = nlohmann::json::parse(lines[1], nullptr, false);
    if (j.is_object()) {
      for (const auto& [name, version] : j.items()) {
        if (version.is_string() && !name.empty())
          (*installed)[act::normalize_name(name)] = version.get<std::string>();
      }
    }
  }
  return facts;
}

act::TargetFacts target_of(const model::Machine& machine, const model::Plan& plan) {
  act::TargetFacts t;
  t.os_family = machine.os.family;
  t.arch = machine.os.arch;
  if (t.os_family == "windows" && (t.arch == "x86_64" || t.arch.empty()))
    t.arch = "AMD64";  // platform.machine()
  if (t.os_family == "linux") t.glibc = machine.os.glibc;
  if (t.os_family == "macos") t.macos = machine.os.version;
  t.python_version = plan.python + ".0";
  for (const auto& py : machine.pythons) {
    if (!plan.python_path.empty() && py.path != plan.python_path) continue;
    if (str::starts_with(py.version, plan.python + ".") || py.version == plan.python) {
      t.python_version = py.version;
      break;
    }
  }
  return t;
}

}  // namespace torchup::app
