// The install engine (see install.h). Remedies follow data/install-failures.json
// (each entry cites its sources) and the guide's "MemoryError -> --no-cache-dir".
#include "act/install.h"

#include <thread>

namespace torchup::act {
namespace {

// Last `count` lines of `text` (the installer's own explanation is at the end).
std::string last_lines(const std::string& text, std::size_t count) {
  std::size_t pos = text.size();
  while (pos > 0 && (text[pos - 1] == '\n' || text[pos - 1] == '\r')) --pos;
  std::size_t end = pos;
  for (std::size_t seen = 0; pos > 0; --pos) {
    if (text[pos - 1] == '\n' && ++seen == count) break;
  }
  return text.substr(pos, end - pos);
}

bool has_id(const std::vector<data::FailureMatch>& matches, const char* id) {
  for (const auto& match : matches) {
    if (match.kind->id == id) return true;
  }
  return false;
}

// Which catalogue entry explains a failed pip run. Network evidence wins over
// "no matching distribution": pip reports "from versions: none" after it could
// not reach the index at all (captured in tests/install/outputs/pip-connection-dropped.txt).
std::optional<std::string> pick_failure(const std::vector<data::FailureMatch>& matches) {
  for (const char* id : {"pep668-externally-managed", "pip-memoryerror", "disk-space", "ssl-proxy",
                         "hash-mismatch-truncated-download", "network-timeout", "pinned-local-version-not-found",
                         "no-wheel-for-python-version", "python-32bit", "wheel-tag-mismatch"}) {
    if (has_id(matches, id)) return std::string(id);
  }
  if (!matches.empty()) return matches.front().kind->id;
  return std::nullopt;
}

std::string join(const std::vector<std::string>& argv) {
  std::string out;
  for (const auto& arg : argv) out += (out.empty() ? "" : " ") + arg;
  return out;
}

}  // namespace

Status check_index_url(const std::string& url, bool allow_insecure) {
  if (url.rfind("https://", 0) == 0) return Ok{};
  if (url.rfind("http://", 0) == 0) {
    std::string rest = url.substr(7);
    std::string host = rest.substr(0, rest.find_first_of(":/"));
    if (rest.rfind("[::1]", 0) == 0) host = "[::1]";
    if (host == "127.0.0.1" || host == "localhost" || host == "[::1]" || allow_insecure) return Ok{};
    return make_error(ErrorKind::kUsage, "index URL " + url + " is plain http",
                      "use an https:// mirror, or pass --allow-insecure if you trust this network");
  }
  return make_error(ErrorKind::kUsage, "index URL " + url + " is not an http(s) URL",
                    "give a URL such as https://download.pytorch.org/whl/cu126");
}

std::vector<std::string> plan_requirements(const model::Plan& plan) {
  std::vector<std::string> out;
  out.push_back(plan.torch.empty() ? "torch" : "torch==" + plan.torch);
  if (plan.torchvision) out.push_back("torchvision==" + *plan.torchvision);
  if (plan.torchaudio) out.push_back("torchaudio==" + *plan.torchaudio);
  return out;
}

std::vector<std::string> pip_install_argv(const std::string& python, const std::vector<std::string>& requirements,
                                          const IndexSource& source, bool no_cache_dir) {
  std::vector<std::string> argv{python, "-m", "pip", "install"};
  if (no_cache_dir) argv.push_back("--no-cache-dir");
  argv.insert(argv.end(), requirements.begin(), requirements.end());
  if (!source.index_url.empty()) {
    argv.push_back("--index-url");
    argv.push_back(source.index_url);
  }
  if (!source.find_links.empty()) {
    argv.push_back("--find-links");
    argv.push_back(source.find_links);
  }
  return argv;
}

InstallOutcome run_install(host::Host& host, const data::FailureCatalogue& catalogue, const InstallRequest& request,
                           const std::function<void(std::string_view)>& progress) {
  InstallOutcome outcome;
  auto say = [&](const std::string& line) { if (progress) progress("torchup: " + line + "\n"); };
  for (const auto& source : request.sources) {
    auto allowed = check_index_url(source.index_url.empty() ? source.find_links : source.index_url, request.allow_insecure);
    if (allowed && !source.find_links.empty()) allowed = check_index_url(source.find_links, request.allow_insecure);
    if (!allowed) {
      outcome.message = allowed.error().message + "; " + allowed.error().hint;
      outcome.state = "nothing was changed";
      return outcome;
    }
  }
  std::string python = request.venv ? *request.venv + "/bin/python" : request.python;
  std::vector<IndexSource> urls = request.sources;
  if (urls.empty()) urls.push_back({"default", "", ""});  // pip's configured default index
  auto requirements = plan_requirements(request.plan);
  std::string untouched = request.venv ? "the new venv at " + *request.venv + " exists but does not contain torch"
                                       : "pip installed nothing; the environment of " + python + " is unchanged";

  host::RunOptions options;
  options.timeout = request.step_timeout;
  options.env = request.env;
  options.on_output = [&](std::string_view chunk, bool) { if (progress) progress(chunk); };

  if (request.venv) {
    std::vector<std::string> argv{request.python, "-m", "venv", *request.venv};
    outcome.commands.push_back(argv);
    if (!request.dry_run) {
      say("creating venv " + *request.venv);
      auto made = host.runner.run(argv, options);
      if (!made.ok()) {
        outcome.message = "could not create the venv " + *request.venv + " with " + request.python;
        outcome.output_tail = last_lines(made.out + made.err + made.start_error, 12);
        outcome.state = "nothing was installed";
        return outcome;
      }
    }
  }
  if (request.dry_run) {
    outcome.commands.push_back(pip_install_argv(python, requirements, urls.front(), false));
    outcome.ok = true;
    outcome.state = "dry run: nothing was changed";
    return outcome;
  }

  bool no_cache_dir = false;
  for (std::size_t u = 0; u < urls.size(); ++u) {
    for (int network_retry = 0; network_retry < 2;) {
      auto argv = pip_install_argv(python, requirements, urls[u], no_cache_dir);
      outcome.commands.push_back(argv);
      say("running " + join(argv));
      auto result = host.runner.run(argv, options);
      std::string output = result.out + "\n" + result.err;
      if (result.ok()) {
        outcome.failure_id.reset();
        auto check = host.runner.run({python, "-c", "import torch; print(torch.__version__)"}, options);
        if (!check.ok()) {
          outcome.message = "pip finished but `import torch` fails in " + python;
          outcome.output_tail = last_lines(check.out + check.err + check.start_error, 12);
          outcome.state = "torch is installed in " + python + "'s environment but does not import; run `torchup doctor --python " + python + "`";
          return outcome;
        }
        outcome.installed_version = last_lines(check.out, 1);
        outcome.ok = true;
        outcome.message = "installed torch " + outcome.installed_version + " into " + python;
        outcome.state = "torch " + outcome.installed_version + " is installed in " + python + "'s environment";
        return outcome;
      }
      if (!result.started) {
        outcome.message = "could not run " + python + ": " + result.start_error;
        outcome.state = untouched;
        return outcome;
      }
      auto matches = data::classify_output(catalogue, output, {"install"});
      outcome.failure_id = pick_failure(matches);
      outcome.output_tail = last_lines(output, 12);
      const data::FailureKind* kind = outcome.failure_id ? catalogue.find(*outcome.failure_id) : nullptr;
      std::string id = outcome.failure_id.value_or("");
      if (id == "pip-memoryerror" && !no_cache_dir) {
        say("pip ran out of memory (MemoryError); retrying once with --no-cache-dir");
        no_cache_dir = true;
        continue;
      }
      if (id == "network-timeout" && ++network_retry < 2) {
        say("network failure talking to " + (urls[u].index_url.empty() ? "the index" : urls[u].index_url) + "; retrying in 1 s");
        std::this_thread::sleep_for(std::chrono::seconds(1));
        continue;
      }
      if (id == "network-timeout" || id == "hash-mismatch-truncated-download") break;  // next mirror
      if (id == "pep668-externally-managed") {
        outcome.message = python + " is externally managed (PEP 668): pip refuses to install into it. "
                          "torchup does not pass --break-system-packages; install into a venv instead: "
                          "torchup install --venv ~/.venvs/torch";
      } else if (kind != nullptr) {
        outcome.message = kind->cause + " Fix: " + kind->fix;
      } else {
        outcome.message = "pip failed (exit " + std::to_string(result.exit_code) + ") for a reason torchup does not know; its last lines follow";
      }
      outcome.state = untouched;
      return outcome;
    }
    if (u + 1 < urls.size()) say("giving up on " + urls[u].name + "; trying the next index " + urls[u + 1].name);
  }
  const data::FailureKind* kind = outcome.failure_id ? catalogue.find(*outcome.failure_id) : nullptr;
  outcome.message = "every index failed" + (kind ? " (" + kind->id + "): " + kind->fix : std::string("."));
  outcome.state = untouched;
  return outcome;
}

}  // namespace torchup::act
