// The install engine (see install.h). Remedies follow data/install-failures.json
// (each entry cites its sources) and the guide's "MemoryError -> --no-cache-dir".
#include "act/install.h"

#include <nlohmann/json.hpp>

#include <thread>

#include "host/interrupt.h"
#include "util/strings.h"

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

// Which catalogue entry explains a failed installer run. Network evidence wins over
// "no matching distribution": pip reports "from versions: none" after it could
// not reach the index at all (captured in tests/install/outputs/pip-connection-dropped.txt).
std::optional<std::string> pick_failure(const std::vector<data::FailureMatch>& matches) {
  for (const char* id : {"pep668-externally-managed", "pip-memoryerror", "disk-space", "ssl-proxy",
                         "hash-mismatch-truncated-download", "dns-failure", "network-timeout", "pinned-local-version-not-found",
                         "macos-intel-eol", "no-wheel-for-python-version", "python-32bit", "wheel-tag-mismatch", "uv-index-resolution",
                         "conda-pytorch-channel-deprecated"}) {
    if (has_id(matches, id)) return std::string(id);
  }
  if (!matches.empty()) return matches.front().kind->id;
  return std::nullopt;
}

// pip says "(from versions: none)" both when the index lists no torch for this
// Python/platform and when it never got an answer: with retries off (PIP_RETRIES=0,
// `retries = 0` in pip.conf) it prints no connection error at all (pip 23.0.1,
// measured against a closed port), and a proxy or captive portal that answers every
// URL with its own page looks like an empty index. torchup asks the index itself.
struct IndexLook {
  enum Kind { kUnresolved, kUnreachable, kNoTorchProject, kNoTorchFiles, kListsTorch } kind = kListsTorch;
  std::string detail;
};

IndexLook look_at_index(host::HttpClient& http, const std::string& index_url, bool allow_insecure) {
  std::string url = index_url;
  while (!url.empty() && url.back() == '/') url.pop_back();
  url += "/torch/";
  host::HttpOptions options;
  options.timeout = std::chrono::seconds(15);
  options.max_bytes = 4u << 20;
  options.allow_insecure = allow_insecure;
  auto got = http.get(url, options);
  if (!got) {
    // libcurl's words for a failed name lookup (CURLE_COULDNT_RESOLVE_HOST / _PROXY).
    const bool unresolved = str::contains(got.error().message, "Could not resolve host") ||
                            str::contains(got.error().message, "Couldn't resolve host");
    return {unresolved ? IndexLook::kUnresolved : IndexLook::kUnreachable, url + ": " + got.error().message};
  }
  if (got->status == 404) return {IndexLook::kNoTorchProject, url + " answered HTTP 404"};
  if (got->status < 200 || got->status >= 300) {
    return {IndexLook::kUnreachable, url + " answered HTTP " + std::to_string(got->status)};
  }
  // PEP 503: one anchor per file, named torch-<version>-<tags>.whl (or an sdist).
  if (got->body.find("torch-") == std::string::npos) {
    return {IndexLook::kNoTorchFiles, url + " answered HTTP " + std::to_string(got->status) + " with " +
                                          std::to_string(got->body.size()) + " bytes naming no torch file"};
  }
  return {IndexLook::kListsTorch, url + " lists torch files"};
}

std::string join(const std::vector<std::string>& argv) {
  std::string out;
  for (const auto& arg : argv) out += (out.empty() ? "" : " ") + arg;
  return out;
}

std::string source_label(const IndexSource& source) {
  if (!source.index_url.empty()) return source.name + " (" + source.index_url + ")";
  if (!source.find_links.empty()) return source.name + " (-f " + source.find_links + ")";
  return "the default index";
}

bool is_conda(Installer installer) { return installer == Installer::kConda || installer == Installer::kMamba; }

// "failed: import torch (No module named torch); matmul[0] (...)"
std::string failed_checks(const VerifyReport& report) {
  std::string out;
  for (const auto& check : report.checks) {
    if (check.status != CheckStatus::kFail) continue;
    out += (out.empty() ? "" : "; ") + check.title + (check.reason.empty() ? "" : " (" + check.reason + ")");
  }
  return out;
}

}  // namespace

const char* to_string(Installer installer) {
  switch (installer) {
    case Installer::kPip: return "pip";
    case Installer::kUv: return "uv";
    case Installer::kConda: return "conda";
    case Installer::kMamba: return "mamba";
  }
  return "pip";
}

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
  // Nightly plans have no version to pin: the plan's own packages, with --pre, as the
  // selector's nightly command writes them ("pip3 install --pre torch ... --index-url .../nightly/cpu").
  if (!plan.torch.empty() && plan.torch.find_first_not_of("0123456789.") != std::string::npos &&
      plan.torch.find('.') == std::string::npos) {
    std::size_t at = 0;
    while (at < plan.argv.size() && plan.argv[at] != "install") ++at;
    for (std::size_t i = at + 1; i < plan.argv.size(); ++i) {
      const std::string& arg = plan.argv[i];
      if (arg == "--index-url" || arg == "-i" || arg == "-f" || arg == "--find-links" || arg == "--extra-index-url") {
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
    if (plan.argv[i] == "-f" || plan.argv[i] == "--find-links") source.find_links = plan.argv[i + 1];
  }
  return source;
}

std::optional<std::string> installed_build_mismatch(const model::Plan& plan, std::string_view installed) {
  installed = str::trim(installed);
  if (installed.empty() || plan.torch.empty() || plan.torch == "nightly") return std::nullopt;
  if (plan.torch.find_first_not_of("0123456789.") != std::string::npos) return std::nullopt;  // not a release
  const auto plus = installed.find('+');
  const std::string_view public_version = installed.substr(0, plus);
  const std::string_view local = plus == std::string_view::npos ? std::string_view() : installed.substr(plus + 1);
  std::string expected = mirror_variant(plan);
  if (expected.starts_with("nightly/")) return std::nullopt;
  const std::string planned = plan.torch + (expected.empty() ? "" : "+" + expected);
  const std::string said = "torch " + std::string(installed) + ", not the planned " + planned +
                           (expected.empty() ? " from pip's default index" : "");
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
  if (official.index_url.rfind(whl, 0) == 0) variant = official.index_url.substr(whl.size());
  else if (!official.index_url.empty() || !official.find_links.empty()) variant = plan.platform;
  while (!variant.empty() && variant.back() == '/') variant.pop_back();
  return variant;
}

Expected<SourceOrder> resolve_install_sources(host::HttpClient& http, const MirrorList& list,
                                              const std::vector<std::string>& specs, const model::Plan& plan,
                                              bool allow_insecure, const MirrorProbeOptions& options) {
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

std::vector<std::string> pip_install_argv(const std::string& python, const std::vector<std::string>& requirements,
                                          const IndexSource& source, bool no_cache_dir) {
  std::vector<std::string> argv{python, "-m", "pip", "install"};
  if (no_cache_dir) argv.push_back("--no-cache-dir");
  argv.insert(argv.end(), requirements.begin(), requirements.end());
  append_source_args(source, argv);
  return argv;
}

std::vector<std::string> uv_install_argv(const std::string& uv, const std::string& python,
                                         const std::vector<std::string>& requirements, const IndexSource& source,
                                         bool no_cache) {
  std::vector<std::string> argv{uv, "pip", "install", "--python", python};
  if (no_cache) argv.push_back("--no-cache");
  for (const auto& requirement : requirements) {
    if (requirement == "--pre") {  // uv's spelling (uv-cli PipInstallArgs/ResolverArgs: --prerelease allow)
      argv.push_back("--prerelease");
      argv.push_back("allow");
    } else {
      argv.push_back(requirement);
    }
  }
  append_source_args(source, argv);
  return argv;
}

Expected<std::vector<std::string>> conda_install_argv(const std::string& program, const std::string& prefix,
                                                      const model::Plan& plan) {
  std::size_t at = 0;
  while (at < plan.argv.size() && plan.argv[at] != "install") ++at;
  if (plan.package != "conda" || at + 1 >= plan.argv.size()) {
    return make_error(ErrorKind::kUsage, "the plan has no conda command (torch " + plan.torch + ")",
                      "pytorch.org stopped publishing conda packages after 2.5.1; use --package pip");
  }
  std::vector<std::string> argv{program, "install", "-y", "-p", prefix};
  for (std::size_t i = at + 1; i < plan.argv.size(); ++i) {
    if (plan.argv[i] == "-y" || plan.argv[i] == "--yes") continue;
    argv.push_back(plan.argv[i]);
  }
  return argv;
}

std::optional<std::string> find_program(const host::Host& host, const std::string& name) {
  if (name.find('/') != std::string::npos) {
    return host.fs.is_executable(name) ? std::optional<std::string>(name) : std::nullopt;
  }
  auto path = host.env.get("PATH");
  if (!path) return std::nullopt;
  for (auto dir : str::split(*path, ':')) {
    if (dir.empty()) continue;
    std::string candidate = std::string(dir) + "/" + name;
    if (host.fs.is_executable(candidate) && !host.fs.is_dir(candidate)) return candidate;
  }
  return std::nullopt;
}

Expected<InterpreterInfo> describe_interpreter(host::Host& host, const std::string& python,
                                               std::chrono::milliseconds timeout) {
  host::RunOptions options;
  options.timeout = timeout;
  auto result = host.runner.run(
      {python, "-c",
       "import sys, struct, os, sysconfig; print(sys.executable); print('%d.%d' % sys.version_info[:2]); "
       "print(struct.calcsize('P') * 8); print(sys.prefix); "
       // PEP 668 "Marking an interpreter as using an external package manager": the
       // marker lives in sysconfig's stdlib path and is ignored inside a venv.
       "print(int(sys.prefix == sys.base_prefix and "
       "os.path.isfile(os.path.join(sysconfig.get_path('stdlib'), 'EXTERNALLY-MANAGED'))))"},
      options);
  if (!result.ok()) {
    std::string why = !result.started ? result.start_error
                      : result.timed_out ? "it did not answer within " + std::to_string(timeout.count() / 1000) + " s"
                                         : last_lines(result.err, 3);
    return make_error(ErrorKind::kEnvironment, "could not run the Python interpreter " + python + ": " + why,
                      "pass --python with the path of a working interpreter");
  }
  auto lines = str::split(result.out, '\n');
  if (lines.size() < 4) {
    return make_error(ErrorKind::kEnvironment, "the interpreter " + python + " gave an unexpected answer",
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

InstallOutcome run_install(host::Host& host, const data::FailureCatalogue& catalogue, const InstallRequest& request,
                           const std::function<void(std::string_view)>& progress) {
  const auto started = std::chrono::steady_clock::now();
  InstallOutcome outcome;
  outcome.installer = to_string(request.installer);
  auto finish = [&]() -> InstallOutcome {
    outcome.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
    return std::move(outcome);
  };
  auto say = [&](const std::string& line) { if (progress) progress("torchup: " + line + "\n"); };
  const bool conda = is_conda(request.installer);
  if (!request.plan.fits && request.plan.torch.empty()) {  // the planner's "nothing fits" verdict
    std::string why;
    for (const auto& reason : request.plan.reasons) why += (why.empty() ? ": " : "; ") + reason;
    outcome.failure_id = "no-fit";
    outcome.message = "no PyTorch build fits this machine" + why;
    outcome.state = "nothing was changed";
    return finish();
  }
  for (const auto& source : request.sources) {
    auto allowed = check_index_url(source.index_url.empty() ? source.find_links : source.index_url, request.allow_insecure);
    if (allowed && !source.find_links.empty()) allowed = check_index_url(source.find_links, request.allow_insecure);
    if (!allowed && !(source.index_url.empty() && source.find_links.empty())) {
      outcome.message = allowed.error().message + "; " + allowed.error().hint;
      outcome.state = "nothing was changed";
      return finish();
    }
  }
  if (request.installer != Installer::kPip && request.installer_program.empty()) {
    outcome.message = std::string("no ") + outcome.installer + " program was given to run";
    outcome.state = "nothing was changed";
    return finish();
  }
  std::string python = request.venv ? *request.venv + "/bin/python" : request.python;
  outcome.python = python;
  std::vector<IndexSource> urls = request.sources;
  if (urls.empty() || conda) urls = {IndexSource{"default", "", ""}};  // conda: the plan's channels
  auto requirements = plan_requirements(request.plan);
  std::string target = request.venv ? *request.venv : request.env_dir.value_or(python + "'s environment");
  std::string untouched = request.venv ? "the new " + std::string(conda ? "conda env" : "venv") + " at " +
                                             *request.venv + " exists but does not contain torch"
                                       : outcome.installer + " installed nothing; the environment of " + python +
                                             " is unchanged";

  // Steps: [venv], install, verify.
  const int steps = (request.venv ? 1 : 0) + 2;
  int step = 0;
  auto step_line = [&](const std::string& what) {
    say("[" + std::to_string(++step) + "/" + std::to_string(steps) + "] " + what);
  };

  // conda installs into a prefix: the new env, or the interpreter's sys.prefix.
  std::string conda_prefix = request.venv ? *request.venv : request.env_dir.value_or("");
  if (conda && conda_prefix.empty()) {
    outcome.message = "conda needs the environment prefix to install into";
    outcome.state = "nothing was changed";
    return finish();
  }
  std::vector<std::string> conda_argv;
  if (conda) {
    auto argv = conda_install_argv(request.installer_program, conda_prefix, request.plan);
    if (!argv) {
      outcome.message = argv.error().message + "; " + argv.error().hint;
      outcome.state = "nothing was changed";
      return finish();
    }
    conda_argv = *argv;
  }
  auto attempt_argv = [&](const IndexSource& source, bool no_cache) {
    if (conda) return conda_argv;
    if (request.installer == Installer::kUv) {
      return uv_install_argv(request.installer_program, python, requirements, source, no_cache);
    }
    return pip_install_argv(python, requirements, source, no_cache);
  };

  // A second torchup install into the same environment is refused (flock; dry runs
  // change nothing and take no lock).
  LockAttempt lock;
  std::optional<std::string> lock_dir = request.venv ? request.venv : request.env_dir;
  if (!request.dry_run && request.locker && lock_dir) {
    lock = request.locker(*lock_dir);
    if (!lock.acquired) {
      std::string pid = lock.holder_pid ? " (pid " + std::to_string(*lock.holder_pid) + ")" : "";
      outcome.failure_id = "install-locked";
      outcome.message = "another torchup install" + pid + " is installing into " + *lock_dir +
                        "; wait for it to finish" +
                        (lock.holder_pid ? ", or stop it (kill " + std::to_string(*lock.holder_pid) + ")" : "") +
                        ", then run torchup install again (lock file " + lock.lock_path + ")";
      outcome.state = "nothing was changed by this run; the other install is still working on " + *lock_dir;
      return finish();
    }
    outcome.lock_path = lock.lock_path;
    if (!lock.note.empty()) outcome.notes.push_back(lock.note);
  }

  host::RunOptions options;
  options.timeout = request.step_timeout;
  options.env = request.env;
  options.on_output = [&](std::string_view chunk, bool) { if (progress) progress(chunk); };

  if (request.venv) {
    std::vector<std::string> argv =
        conda ? std::vector<std::string>{request.installer_program, "create", "-y", "-p", *request.venv,
                                         "python=" + request.plan.python}
              : std::vector<std::string>{request.python, "-m", "venv", *request.venv};
    outcome.commands.push_back(argv);
    if (!request.dry_run) {
      step_line(std::string("creating ") + (conda ? "conda env " : "venv ") + *request.venv);
      auto made = host.runner.run(argv, options);
      if (made.interrupted) {
        outcome.failure_id = "interrupted";
        outcome.message = std::string("stopped (Ctrl-C) while creating the ") + (conda ? "conda env " : "venv ") +
                          *request.venv;
        outcome.state = "nothing was installed; " + *request.venv +
                        " may be an incomplete environment: delete it, or run the same torchup install again";
        return finish();
      }
      if (!made.ok()) {
        outcome.message = "could not create the " + std::string(conda ? "conda env " : "venv ") + *request.venv +
                          " with " + (conda ? request.installer_program : request.python);
        outcome.output_tail = last_lines(made.out + made.err + made.start_error, 12);
        outcome.state = "nothing was installed";
        return finish();
      }
    }
  }
  if (request.dry_run) {
    outcome.commands.push_back(attempt_argv(urls.front(), false));
    outcome.source_used = urls.front();
    outcome.ok = true;
    outcome.state = "dry run: nothing was changed";
    return finish();
  }

  bool no_cache_dir = false;
  bool installed = false;
  step_line("installing " + (conda ? join(std::vector<std::string>(conda_argv.begin() + 5, conda_argv.end()))
                                   : join(requirements)) +
            " with " + outcome.installer + " into " + target);
  for (std::size_t u = 0; u < urls.size() && !installed; ++u) {
    for (int network_retry = 0; network_retry < 2;) {
      auto argv = attempt_argv(urls[u], no_cache_dir);
      outcome.commands.push_back(argv);
      say("running " + join(argv));
      auto result = host.runner.run(argv, options);
      std::string output = result.out + "\n" + result.err;
      if (result.ok()) {
        outcome.failure_id.reset();
        outcome.source_used = urls[u];
        installed = true;
        break;
      }
      if (result.interrupted) {
        // Ctrl-C: the installer got the signal too and was stopped; it may have
        // finished some packages. Say so rather than pretend nothing happened.
        outcome.failure_id = "interrupted";
        outcome.output_tail = last_lines(output, 12);
        outcome.message = outcome.installer + " was stopped (Ctrl-C) while installing " + join(requirements);
        outcome.state = "the install was cut short: " + target +
                        " may hold part of it (some packages installed, others not); run `torchup verify --python " +
                        python + "` to see what works, or run the same torchup install again to finish";
        return finish();
      }
      if (!result.started) {
        outcome.message = "could not run " + argv.front() + ": " + result.start_error;
        outcome.state = untouched;
        return finish();
      }
      // Only failures that can happen here: macOS x86_64's end of wheels does not
      // explain "from versions: none" on Linux.
      auto matches = data::classify_output(catalogue, output, {"install"}, host.system.os_family, host.system.arch);
      outcome.failure_id = pick_failure(matches);
      outcome.output_tail = last_lines(output, 12);
      std::string id = outcome.failure_id.value_or("");
      std::string index_problem;  // set when the index itself, not the wheel tags, is the trouble
      if (id == "no-wheel-for-python-version" && !conda && !urls[u].index_url.empty() &&
          output.find("(from versions: none)") != std::string::npos) {
        auto look = look_at_index(host.http, urls[u].index_url, request.allow_insecure);
        if (look.kind == IndexLook::kUnresolved && catalogue.find("dns-failure")) {
          say(outcome.installer + " found no versions and torchup cannot look up the index's host either (" +
              look.detail + "): a name-lookup failure, not a missing wheel");
          outcome.failure_id = id = "dns-failure";
        } else if (look.kind == IndexLook::kUnreachable || look.kind == IndexLook::kUnresolved) {
          say(outcome.installer + " found no versions and torchup cannot reach the index either (" + look.detail +
              "): a network failure, not a missing wheel");
          outcome.failure_id = id = "network-timeout";
        } else if (look.kind != IndexLook::kListsTorch) {
          index_problem = look.kind == IndexLook::kNoTorchProject
                              ? urls[u].index_url + " has no torch project (" + look.detail +
                                    "): the index URL is wrong or this mirror does not carry PyTorch"
                              : urls[u].index_url + " lists no torch files (" + look.detail +
                                    "): a proxy or captive portal may be answering in its place";
          say(index_problem);
        }
      }
      const data::FailureKind* kind = outcome.failure_id ? catalogue.find(*outcome.failure_id) : nullptr;
      if (id == "pip-memoryerror" && !no_cache_dir && !conda) {
        say(outcome.installer + " ran out of memory (MemoryError); retrying once with " +
            (request.installer == Installer::kUv ? "--no-cache" : "--no-cache-dir"));
        no_cache_dir = true;
        continue;
      }
      if (id == "network-timeout" && ++network_retry < 2) {
        say("network failure talking to " + (urls[u].index_url.empty() ? "the index" : urls[u].index_url) + "; retrying in 1 s");
        std::this_thread::sleep_for(std::chrono::seconds(1));
        continue;
      }
      // Next mirror: these belong to one index (or one route to it). An SSL failure is
      // often one mirror's certificate; a proxy failure may spare a no_proxy mirror.
      // A name lookup that failed is not retried (pip already retried it); another
      // index may be on a host the resolver allows.
      if (id == "network-timeout" || id == "hash-mismatch-truncated-download" || id == "ssl-proxy" ||
          id == "dns-failure") {
        break;
      }
      if (!index_problem.empty()) {
        outcome.failure_id = "index-without-torch";
        outcome.message = index_problem + ". Fix: check the URL, or use another index (torchup install --mirror official)";
        if (u + 1 < urls.size()) break;  // the next index may well have it
        outcome.state = untouched;
        return finish();
      }
      if (id == "pep668-externally-managed") {
        outcome.message = python + " is externally managed (PEP 668): " + outcome.installer +
                          " refuses to install into it. torchup does not pass --break-system-packages; "
                          "install into a venv instead: torchup install --venv ~/.venvs/torch";
      } else if (kind != nullptr) {
        outcome.message = kind->cause + " Fix: " + kind->fix;
      } else {
        outcome.message = outcome.installer + " failed (exit " + std::to_string(result.exit_code) +
                          ") for a reason torchup does not know; its last lines follow";
      }
      outcome.state = untouched;
      return finish();
    }
    if (!installed && u + 1 < urls.size()) {
      say("giving up on " + source_label(urls[u]) + "; trying the next index " + source_label(urls[u + 1]));
    }
  }
  if (!installed) {
    const data::FailureKind* kind = outcome.failure_id ? catalogue.find(*outcome.failure_id) : nullptr;
    outcome.message = "every index failed" + (kind                      ? " (" + kind->id + "): " + kind->fix
                                              : !outcome.message.empty() ? "; the last: " + outcome.message
                                                                         : std::string("."));
    outcome.state = untouched;
    return finish();
  }

  // Prove it works (the guide's step 3), in the interpreter that was installed into.
  const std::string doctor = "run `torchup doctor --python " + python + "`";
  // The installer may have taken torch from somewhere else than the plan's index
  // (pip's extra-index-url / find-links are still read next to --index-url).
  auto wrong_build = [&]() -> std::optional<std::string> {
    auto wrong = installed_build_mismatch(request.plan, outcome.installed_version);
    if (!wrong) return wrong;
    std::vector<std::string> elsewhere;
    const bool uv = request.installer == Installer::kUv;
    if (request.installer == Installer::kPip || uv) {
      for (const auto* list : {&request.pip_settings.extra_index_urls, &request.pip_settings.find_links}) {
        for (const auto& s : *list) {
          bool own = false;
          for (const auto& source : request.sources) own = own || s.value == source.index_url || s.value == source.find_links;
          if (!own) elsewhere.push_back(shown(s));
        }
      }
    }
    if (elsewhere.empty()) return *wrong + "; the index it used served that build";
    if (uv) {
      return *wrong + "; uv also looked in " + str::join(elsewhere, ", ") +
             ", which uv consults before torchup's --index-url: unset " + (elsewhere.size() > 1 ? "them" : "it") +
             " and install again";
    }
    return *wrong + "; pip also looked in " + str::join(elsewhere, ", ") +
           ", which pip reads next to torchup's --index-url: remove " + (elsewhere.size() > 1 ? "them" : "it") +
           " (`pip config list` shows pip's settings) and install again";
  };
  if (host::interrupt_signal() != 0) {  // Ctrl-C after the installer finished
    outcome.failure_id = "interrupted";
    outcome.message = "stopped (Ctrl-C) after " + outcome.installer + " finished, before torchup could verify it";
    outcome.state = "the packages were installed into " + target + " but were not verified; run `torchup verify --python " +
                    python + "`";
    return finish();
  }
  if (request.verifier) {
    step_line("verifying torch in " + python);
    auto report = request.verifier(python);
    if (!report) {
      outcome.verify_error = report.error().message;
      outcome.failure_id = "verify-failed";
      outcome.message = outcome.installer + " finished but torchup could not verify the result: " +
                        report.error().message;
      outcome.state = "the packages were installed into " + target + " but were not verified; " + doctor;
      return finish();
    }
    outcome.verify = std::move(*report);
    const VerifyReport& v = *outcome.verify;
    if (v.run.output && v.run.output->torch) outcome.installed_version = v.run.output->torch->version;
    if (!v.ok()) {
      outcome.failure_id = "verify-failed";
      outcome.message = outcome.installer + " finished but verify found problems: " + failed_checks(v);
      if (auto wrong = wrong_build()) outcome.message += "; it installed " + *wrong;
      outcome.state = (outcome.installed_version.empty() ? std::string("torch")
                                                         : "torch " + outcome.installed_version) +
                      " is installed in " + target + " but does not work as it should (failed: " + failed_checks(v) +
                      "); nothing was rolled back; " + doctor;
      return finish();
    }
  } else {
    step_line("checking that torch imports in " + python);
    auto check = host.runner.run({python, "-c", "import torch; print(torch.__version__)"}, options);
    if (!check.ok()) {
      outcome.message = outcome.installer + " finished but `import torch` fails in " + python;
      outcome.output_tail = last_lines(check.out + check.err + check.start_error, 12);
      outcome.state = "torch is installed in " + python + "'s environment but does not import; " + doctor;
      return finish();
    }
    outcome.installed_version = last_lines(check.out, 1);
  }
  if (auto wrong = wrong_build()) {
    outcome.failure_id = "wrong-build";
    outcome.message = outcome.installer + " installed " + *wrong;
    outcome.state = "torch " + outcome.installed_version + " is installed in " + target +
                    " but it is not the planned build; nothing was rolled back";
    return finish();
  }
  outcome.ok = true;
  outcome.message = "installed torch " + outcome.installed_version + " into " + python;
  outcome.state = "torch " + outcome.installed_version + " is installed in " + python + "'s environment" +
                  (request.verifier ? " and verified" : "");
  return finish();
}

nlohmann::json to_json(const InstallOutcome& outcome) {
  nlohmann::json j;
  j["schema"] = "torchup.install/1";
  j["ok"] = outcome.ok;
  j["installer"] = outcome.installer;
  j["python"] = outcome.python;
  j["commands"] = outcome.commands;
  j["failure_id"] = outcome.failure_id ? nlohmann::json(*outcome.failure_id) : nlohmann::json(nullptr);
  j["message"] = outcome.message;
  j["state"] = outcome.state;
  j["output_tail"] = outcome.output_tail;
  j["installed_version"] = outcome.installed_version.empty() ? nlohmann::json(nullptr)
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
  j["lock"] = outcome.lock_path.empty() ? nlohmann::json(nullptr) : nlohmann::json(outcome.lock_path);
  j["notes"] = outcome.notes;
  j["seconds"] = static_cast<double>(outcome.elapsed.count()) / 1000.0;
  return j;
}

}  // namespace torchup::act
