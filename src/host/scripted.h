// Test doubles for the host seams: scripted program outputs and canned HTTP
// responses. A fake machine is a rooted FileSystem over a fixture directory plus
// these (tests/ and bench/ use them; production never does).
#pragma once

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
  ProcessResult run(const std::vector<std::string>& argv, const RunOptions& options) override;
  // Every argv run so far, in order.
  std::vector<std::vector<std::string>> calls() const;

 private:
  mutable std::mutex mu_;
  std::map<std::string, ProcessResult> table_;
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

// A whole fake machine: files from `root`, programs from `runner`, variables from `env`.
class FakeMachine {
 public:
  explicit FakeMachine(std::string root, std::map<std::string, std::string> env = {},
                       SystemFacts facts = {}, bool live = false);
  ScriptedRunner& runner() { return runner_; }
  CannedHttp& http() { return http_; }
  Host& host() { return host_; }

 private:
  std::unique_ptr<FileSystem> fs_;
  ScriptedRunner runner_;
  std::unique_ptr<Environment> env_;
  CannedHttp http_;
  Host host_;
};

}  // namespace torchup::host
