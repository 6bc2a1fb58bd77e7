#include "host/scripted.h"

#include "util/strings.h"

namespace torchup::host {

namespace {
std::string key_of(const std::vector<std::string>& argv) { return str::join(argv, " "); }
}  // namespace

void ScriptedRunner::add(const std::vector<std::string>& argv, ProcessResult result) {
  std::lock_guard lock(mu_);
  table_[key_of(argv)] = std::move(result);
}

void ScriptedRunner::add_output(const std::vector<std::string>& argv, std::string out, int code) {
  ProcessResult r;
  r.started = true;
  r.exit_code = code;
  r.out = std::move(out);
  add(argv, std::move(r));
}

ProcessResult ScriptedRunner::run(const std::vector<std::string>& argv, const RunOptions& options) {
  ProcessResult r;
  {
    std::lock_guard lock(mu_);
    calls_.push_back(argv);
    auto it = table_.find(key_of(argv));
    if (it != table_.end()) {
      r = it->second;
    } else if (fallback_) {
      r = fallback_(argv);
    } else {
      r.start_error = (argv.empty() ? std::string() : argv[0]) + ": not found (scripted)";
      return r;
    }
  }
  if (options.on_output) {
    if (!r.out.empty()) options.on_output(r.out, false);
    if (!r.err.empty()) options.on_output(r.err, true);
  }
  return r;
}

void ScriptedRunner::set_fallback(std::function<ProcessResult(const std::vector<std::string>&)> fallback) {
  std::lock_guard lock(mu_);
  fallback_ = std::move(fallback);
}

std::vector<std::vector<std::string>> ScriptedRunner::calls() const {
  std::lock_guard lock(mu_);
  return calls_;
}

Expected<HttpResponse> CannedHttp::get(const std::string& url, const HttpOptions& options) {
  auto it = table_.find(url);
  if (it == table_.end()) {
    return make_error(ErrorKind::kNetwork, "no canned response for " + url);
  }
  HttpResponse response = it->second;
  if (options.max_bytes != 0 && response.body.size() > options.max_bytes) {
    response.body.resize(options.max_bytes);
    response.truncated = true;
  }
  return response;
}

FakeMachine::FakeMachine(std::string root, std::map<std::string, std::string> env, SystemFacts facts,
                         bool live)
    : fs_(make_rooted_fs(std::move(root))),
      env_(make_map_environment(std::move(env))),
      host_{*fs_, runner_, *env_, http_, std::move(facts), live, terminal_, clock_} {}

std::optional<std::string> ScriptedTerminal::read_line() {
  ++asked_;
  if (next_ >= answers_.size()) return std::nullopt;
  return answers_[next_++];
}

void ScriptedTerminal::set(bool interactive, std::vector<std::string> answers) {
  interactive_ = interactive;
  answers_ = std::move(answers);
  next_ = 0;
}

}  // namespace torchup::host
