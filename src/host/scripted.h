// Test doubles for the host seams: scripted program outputs and canned HTTP
// responses. A fake machine is a rooted FileSystem over a fixture directory plus
// these (tests/ and bench/ use them; production never does).
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "host/host.h"

namespace torchup::host {

// Answers run() from a table keyed by the argv joined with single spaces.
// Unknown commands report "not started" (as a missing program would).
class ScriptedRunner final : public ProcessRunner {
 public:
  void add(const std::vector<std::string>& argv, ProcessResult result);
  // Convenience: a program that printed `out` and exited with `code`.
  void add_output(const std::vector<std::string>& argv, std::string out, int code = 0);
  // Answers argv that are not in the table (instead of "not started").
  void set_fallback(std::function<ProcessResult(const std::vector<std::string>& argv)> fallback);
  ProcessResult run(const std::vector<std::string>& argv, const RunOptions& options) override;
  // Every argv run so far, in order.
  std::vector<std::vector<std::string>> calls() const;

 private:
  mutable std::mutex mu_;
  std::map<std::string, ProcessResult> table_;
  std::function<ProcessResult(const std::vector<std::string>&)> fallback_;
  std::vector<std::vector<std::string>> calls_;
};

// Canned responses by URL (add() them all before use; get() is then safe from several
// threads). Honours max_bytes; a canned `elapsed` stands in for the transfer time.
class CannedHttp final : public HttpClient {
 public:
  void add(const std::string& url, HttpResponse response) { table_[url] = std::move(response); }
  Expected<HttpResponse> get(const std::string& url, const HttpOptions& options) override;

 private:
  std::map<std::string, HttpResponse> table_;
};

// A terminal with a person who answers from a script (or nobody: not interactive).
class ScriptedTerminal final : public Terminal {
 public:
  explicit ScriptedTerminal(bool interactive = false, std::vector<std::string> answers = {})
      : interactive_(interactive), answers_(std::move(answers)) {}
  bool interactive() const override { return interactive_; }
  bool output_is_terminal() const override { return false; }
  // The next scripted answer; nullopt (end of input) when they are used up.
  std::optional<std::string> read_line() override;
  void set(bool interactive, std::vector<std::string> answers);
  int questions() const { return asked_; }  // read_line calls so far

 private:
  bool interactive_;
  std::vector<std::string> answers_;
  std::size_t next_ = 0;
  int asked_ = 0;
};

// A clock that only moves when slept on (retries cost no time in tests).
class FakeClock final : public Clock {
 public:
  std::chrono::steady_clock::time_point now() const override { return now_; }
  void sleep_for(std::chrono::milliseconds duration) override {
    now_ += duration;
    slept_ += duration;
  }
  std::chrono::milliseconds slept() const { return slept_; }

 private:
  std::chrono::steady_clock::time_point now_{};
  std::chrono::milliseconds slept_{0};
};

// A whole fake machine: files from `root`, programs from `runner`, variables from
// `env`, a scripted terminal (not interactive unless set) and a fake clock.
class FakeMachine {
 public:
  explicit FakeMachine(std::string root, std::map<std::string, std::string> env = {},
                       SystemFacts facts = {}, bool live = false);
  ScriptedRunner& runner() { return runner_; }
  CannedHttp& http() { return http_; }
  ScriptedTerminal& terminal() { return terminal_; }
  FakeClock& clock() { return clock_; }
  Host& host() { return host_; }

 private:
  std::unique_ptr<FileSystem> fs_;
  ScriptedRunner runner_;
  std::unique_ptr<Environment> env_;
  CannedHttp http_;
  ScriptedTerminal terminal_;
  FakeClock clock_;
  Host host_;
};

}  // namespace torchup::host
