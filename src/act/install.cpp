// The install engine (see install.h). Remedies follow data/install-failures.json
// (each entry cites its sources) and the guide's "MemoryError -> --no-cache-dir".
#include "act/install.h"

#include <nlohmann/json.hpp>

#include "act/install_internal.h"
#include "model/message.h"
#include "util/strings.h"

namespace torchup::act {

namespace detail {

std::string last_lines(const std::string& text, std::size_t count) {
  std::size_t pos = text.size();
  while (pos > 0 && (text[pos - 1] == '\n' || text[pos - 1] == '\r')) --pos;
  std::size_t end = pos;
  for (std::size_t seen = 0; pos > 0; --pos) {
    if (text[pos - 1] == '\n' && ++seen == count) break;
  }
  return text.substr(pos, end - pos);
}

}  // namespace detail

namespace {
using detail::last_lines;
}  // namespace

const char* to_string(Installer installer) {
  switch (installer) {
    case Installer::kPip:
      return "pip";
    case Installer::kUv:
      return "uv";
    case Installer::kConda:
      return "conda";
    case Installer::kMamba:
      return "mamba";
  }
  return "pip";
}

Status check_index_url(const std::string& url, bool allow_insecure) {
  if (url.rfind("https://", 0) == 0) return Ok{};
  if (url.rfind("http://", 0) == 0) {
    std::string rest = url.substr(7);
    std::string host = rest.substr(0, rest.find_first_of(":/"));
    if (rest.rfind("[::1]", 0) == 0) host = "[::1]";
    if (host == "127.0.0.1" || host == "localhost" || host == "[::1]" || allow_insecure)
      return Ok{};
    return make_error(ErrorKind::kUsage, "index URL " + url + " is plain http",
                      "use an https:// mirror, or pass --allow-insecure if you trust this network");
  }
  return make_error(ErrorKind::kUsage, "index URL " + url + " is not an http(s) URL",
                    "give a URL such as https://download.pytorch.org/whl/cu126");
}

std::vector<std::string> plan_requirements(const model::Plan& plan) {
  std::vector<std::string> out;
  // Nightly plans have no version to pin: the plan's own packages, with --pre, as the
  // selector's nightly command writes them ("pip3 install --pre torch ... --index-url
  // .../nightly/cpu").
  if (!plan.torch.empty() && plan.torch.find_first_not_of("0123456789.") != std::string::npos &&
      plan.torch.find('.') == std::string::npos) {
    std::size_t at = 0;
    while (at < plan.argv.size() && plan.argv[at] != "install") ++at;
    for (std::size_t i = at + 1; i < plan.argv.size(); ++i) {
      const std::string& arg = plan.argv[i];
      if (arg == "--index-url" || arg == "-i" || arg == "-f" || arg == "--find-links" ||
          arg == "--extra-index-url") {
        ++i;  // and its value
      } else if (arg == "--pre" || arg.rfind("-", 0) != 0) {
        out.push_back(arg);
      }
    }
    if (!out.empty()) return out;
  }
  out.push_back(plan.torch.empty() ? "torch" : "torch==" + plan.torch);
  if (plan.torchvision) out.push_back("torchvision==" + *plan.torchvision);
  if (plan.torchaudio) out.push_back("torchaudio==" + *plan.torchaudio);
  return out;
}

IndexSource plan_source(const model::Plan& plan) {
  IndexSource source{"official", plan.index_url.value_or(""), ""};
  for (std::size_t i = 0; i + 1 < plan.argv.size(); ++i) {
    if (plan.argv[i] == "--index-url" || plan.argv[i] == "-i") source.index_url = plan.argv[i + 1];
    if (plan.argv[i] == "-f" || plan.argv[i] == "--find-links")
      source.find_links = plan.argv[i + 1];
  }
  return source;
}

std::optional<Text> installed_build_mismatch(const model::Plan& plan, std::string_view installed) {
  installed = str::trim(installed);
  if (installed.empty() || plan.torch.empty() || plan.torch == "nightly") return std::nullopt;
  if (plan.torch.find_first_not_of("0123456789.") != std::string::npos)
    return std::nullopt;  // not a release
  const auto plus = installed.find('+');
  const std::string_view public_version = installed.substr(0, plus);
  const std::string_view local =
      plus == std::string_view::npos ? std::string_view() : installed.substr(plus + 1);
  std::string expected = mirror_variant(plan);
  if (expected.starts_with("nightly/")) return std::nullopt;
  const std::string planned = plan.torch + (expected.empty() ? "" : "+" + expected);
  Text said = tr("install.not-planned", "torch {installed}, not the planned {planned}",
                 {{"installed", std::string(installed)}, {"planned", planned}});
  if (expected.empty()) {
    said = tr("install.not-planned-default",
              "torch {installed}, not the planned {planned} from pip's default index",
              {{"installed", std::string(installed)}, {"planned", planned}});
  }
  if (public_version != plan.torch) return said;
  // A plan with neither an index nor a platform (library use) says nothing about variants.
  if (expected.empty() && plan.platform.empty()) return std::nullopt;
  if (!local.empty() && local != expected) return said;
  return std::nullopt;
}

std::string mirror_variant(const model::Plan& plan) {
  IndexSource official = plan_source(plan);
  const std::string whl = "https://download.pytorch.org/whl/";  // pytorch.org's wheel index root
  std::string variant;
  if (official.index_url.rfind(whl, 0) == 0)
    variant = official.index_url.substr(whl.size());
  else if (!official.index_url.empty() || !official.find_links.empty())
    variant = plan.platform;
  while (!variant.empty() && variant.back() == '/') variant.pop_back();
  return variant;
}

Expected<SourceOrder> resolve_install_sources(host::HttpClient& http, const MirrorList& list,
                                              const std::vector<std::string>& specs,
                                              const model::Plan& plan, bool allow_insecure,
                                              const MirrorProbeOptions& options) {
  SourceOrder out;
  const IndexSource official = plan_source(plan);
  if (specs.empty()) {
    out.order.push_back(official);
    return out;
  }
  const std::string variant = mirror_variant(plan);
  std::optional<IndexSource> last;
  auto same = [](const IndexSource& a, const IndexSource& b) {
    return a.index_url == b.index_url && a.find_links == b.find_links;
  };
  for (const auto& spec : specs) {
    auto choice = choose_mirrors(http, list, spec, variant, allow_insecure, options);
    if (!choice) return choice.error();
    for (const auto& note : choice->notes) out.notes.push_back(note);
    if (choice->order.empty()) continue;
    last = choice->order.back();  // the official index, always last
    for (std::size_t i = 0; i + 1 < choice->order.size(); ++i) {
      bool seen = false;
      for (const auto& s : out.order) seen = seen || same(s, choice->order[i]);
      if (!seen) out.order.push_back(choice->order[i]);
    }
  }
  out.order.push_back(last.value_or(official));
  return out;
}

namespace {
// pip and uv spell an index and a flat find-links directory the same way.
void append_source_args(const IndexSource& source, std::vector<std::string>& argv) {
  if (source.no_index) argv.push_back("--no-index");
  if (!source.index_url.empty()) {
    argv.push_back("--index-url");
    argv.push_back(source.index_url);
  }
  if (!source.find_links.empty()) {
    argv.push_back("--find-links");
    argv.push_back(source.find_links);
  }
}
}  // namespace

std::vector<std::string> pip_install_argv(const std::string& python,
                                          const std::vector<std::string>& requirements,
                                          const IndexSource& source, bool no_cache_dir) {
  std::vector<std::string> argv{python, "-m", "pip", "install"};
  if (no_cache_dir) argv.push_back("--no-cache-dir");
  argv.insert(argv.end(), requirements.begin(), requirements.end());
  append_source_args(source, argv);
  return argv;
}

std::vector<std::string> uv_install_argv(const std::string& uv, const std::string& python,
                                         const std::vector<std::string>& requirements,
                                         const IndexSource& source, bool no_cache) {
  std::vector<std::string> argv{uv, "pip", "install", "--python", python};
  if (no_cache) argv.push_back("--no-cache");
  for (const auto& requirement : requirements) {
    if (requirement ==
        "--pre") {  // uv's spelling (uv-cli PipInstallArgs/ResolverArgs: --prerelease allow)
      argv.push_back("--prerelease");
      argv.push_back("allow");
    } else {
      argv.push_back(requirement);
    }
  }
  append_source_args(source, argv);
  return argv;
}

Expected<std::vector<std::string>> conda_install_argv(const std::string& program,
                                                      const std::string& prefix,
                                                      const model::Plan& plan) {
  std::size_t at = 0;
  while (at < plan.argv.size() && plan.argv[at] != "install") ++at;
  if (plan.package != "conda" || at + 1 >= plan.argv.size()) {
    return make_error(
        ErrorKind::kUsage, "the plan has no conda command (torch " + plan.torch + ")",
        "pytorch.org stopped publishing conda packages after 2.5.1; use --package pip");
  }
  std::vector<std::string> argv{program, "install", "-y", "-p", prefix};
  for (std::size_t i = at + 1; i < plan.argv.size(); ++i) {
    if (plan.argv[i] == "-y" || plan.argv[i] == "--yes") continue;
    argv.push_back(plan.argv[i]);
  }
  return argv;
}

Expected<InterpreterInfo> describe_interpreter(host::Host& host, const std::string& python,
                                               std::chrono::milliseconds timeout) {
  host::RunOptions options;
  options.timeout = timeout;
  auto result = host.runner.run(
      {python, "-c",
       "import sys, struct, os, sysconfig; print(sys.executable); print('%d.%d' % "
       "sys.version_info[:2]); "
       "print(struct.calcsize('P') * 8); print(sys.prefix); "
       // PEP 668 "Marking an interpreter as using an external package manager": the
       // marker lives in sysconfig's stdlib path and is ignored inside a venv.
       "print(int(sys.prefix == sys.base_prefix and "
       "os.path.isfile(os.path.join(sysconfig.get_path('stdlib'), 'EXTERNALLY-MANAGED'))))"},
      options);
  if (!result.ok()) {
    std::string why = !result.started    ? result.start_error
                      : result.timed_out ? "it did not answer within " +
                                               std::to_string(timeout.count() / 1000) + " s"
                                         : last_lines(result.err, 3);
    return make_error(ErrorKind::kEnvironment,
                      "could not run the Python interpreter " + python + ": " + why,
                      "pass --python with the path of a working interpreter");
  }
  auto lines = str::split(result.out, '\n');
  if (lines.size() < 4) {
    return make_error(ErrorKind::kEnvironment,
                      "the interpreter " + python + " gave an unexpected answer",
                      "pass --python with the path of a working interpreter");
  }
  InterpreterInfo info;
  info.executable = std::string(str::trim(lines[0]));
  info.version = std::string(str::trim(lines[1]));
  info.bits = std::string(str::trim(lines[2])) == "32" ? 32 : 64;
  info.prefix = std::string(str::trim(lines[3]));
  info.externally_managed = lines.size() > 4 && str::trim(lines[4]) == "1";
  return info;
}

nlohmann::json to_json(const InstallOutcome& outcome) {
  nlohmann::json j;
  j["schema"] = "torchup.install/1";
  j["ok"] = outcome.ok;
  j["installer"] = outcome.installer;
  j["python"] = outcome.python;
  j["commands"] = outcome.commands;
  j["failure_id"] =
      outcome.failure_id ? nlohmann::json(*outcome.failure_id) : nlohmann::json(nullptr);
  j["message"] = outcome.message.str();
  j["state"] = outcome.state.str();
  j["messages"] = {{"message", model::message_json(outcome.message)},
                   {"state", model::message_json(outcome.state)}};
  j["output_tail"] = outcome.output_tail;
  j["installed_version"] = outcome.installed_version.empty()
                               ? nlohmann::json(nullptr)
                               : nlohmann::json(outcome.installed_version);
  if (outcome.source_used) {
    j["index"] = {{"name", outcome.source_used->name},
                  {"index_url", outcome.source_used->index_url},
                  {"find_links", outcome.source_used->find_links}};
  } else {
    j["index"] = nullptr;
  }
  j["verify"] = outcome.verify ? to_json(*outcome.verify) : nlohmann::json(nullptr);
  if (!outcome.verify_error.empty()) j["verify_error"] = outcome.verify_error;
  j["lock"] =
      outcome.lock_path.empty() ? nlohmann::json(nullptr) : nlohmann::json(outcome.lock_path);
  j["notes"] = nlohmann::json::array();
  for (const auto& note : outcome.notes) j["notes"].push_back(note.str());
  j["seconds"] = static_cast<double>(outcome.elapsed.count()) / 1000.0;
  return j;
}

}  // namespace torchup::act
