#include "host/tracing.h"

#include <fmt/format.h>

#include <chrono>

#include "util/strings.h"

namespace torchup::host {
namespace {

// An argument vector as a reader would retype it: words with spaces quoted, long
// arguments (inline Python) shortened.
std::string describe_argv(const std::vector<std::string>& argv) {
  std::vector<std::string> words;
  for (const auto& a : argv) {
    std::string w = a.size() > 60 ? a.substr(0, 57) + "..." : a;
    for (auto& c : w) {
      if (c == '\n') c = ' ';
    }
    if (w.empty() || w.find_first_of(" \t\"'") != std::string::npos) w = "'" + w + "'";
    words.push_back(std::move(w));
  }
  return str::join(words, " ");
}

class TracingFs final : public FileSystem {
 public:
  TracingFs(const FileSystem& inner, const TracingHost::Sink& sink) : inner_(inner), sink_(sink) {}
  std::optional<std::string> read_file(const std::string& path, std::size_t max_bytes) const override {
    auto r = inner_.read_file(path, max_bytes);
    sink_(r ? fmt::format("read {} ({} bytes)", path, r->size()) : fmt::format("read {} (absent)", path));
    return r;
  }
  std::vector<std::string> list_dir(const std::string& path) const override {
    auto r = inner_.list_dir(path);
    if (!r.empty()) sink_(fmt::format("list {} ({} entries)", path, r.size()));
    return r;
  }
  bool exists(const std::string& path) const override { return inner_.exists(path); }
  bool is_dir(const std::string& path) const override { return inner_.is_dir(path); }
  bool is_executable(const std::string& path) const override { return inner_.is_executable(path); }
  std::optional<std::string> read_link(const std::string& path) const override { return inner_.read_link(path); }
  std::string real_path(const std::string& path) const override { return inner_.real_path(path); }

 private:
  const FileSystem& inner_;
  const TracingHost::Sink& sink_;
};

class TracingRunner final : public ProcessRunner {
 public:
  TracingRunner(ProcessRunner& inner, const TracingHost::Sink& sink) : inner_(inner), sink_(sink) {}
  ProcessResult run(const std::vector<std::string>& argv, const RunOptions& options) override {
    const auto start = std::chrono::steady_clock::now();
    auto r = inner_.run(argv, options);
    const auto ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
    std::string outcome;
    if (!r.started) outcome = "not started: " + r.start_error;
    else if (r.timed_out) outcome = "timed out";
    else if (r.interrupted) outcome = "interrupted";
    else if (r.signal != 0) outcome = fmt::format("killed by signal {}", r.signal);
    else outcome = fmt::format("exit {}", r.exit_code);
    sink_(fmt::format("run {} ({}, {} ms)", describe_argv(argv), outcome, ms));
    return r;
  }

 private:
  ProcessRunner& inner_;
  const TracingHost::Sink& sink_;
};

class TracingHttp final : public HttpClient {
 public:
  TracingHttp(HttpClient& inner, const TracingHost::Sink& sink) : inner_(inner), sink_(sink) {}
  Expected<HttpResponse> get(const std::string& url, const HttpOptions& options) override {
    auto r = inner_.get(url, options);
    sink_(r ? fmt::format("get {} (HTTP {}, {} bytes)", url, r->status, r->body.size())
            : fmt::format("get {} (failed: {})", url, r.error().message));
    return r;
  }

 private:
  HttpClient& inner_;
  const TracingHost::Sink& sink_;
};

}  // namespace

struct TracingHost::Parts {
  Sink sink;
  TracingFs fs;
  TracingRunner runner;
  TracingHttp http;
  Parts(Host& inner, Sink s) : sink(std::move(s)), fs(inner.fs, sink), runner(inner.runner, sink), http(inner.http, sink) {}
};

TracingHost::TracingHost(Host& inner, Sink sink) : parts_(std::make_unique<Parts>(inner, std::move(sink))) {
  host_ = std::make_unique<Host>(Host{parts_->fs, parts_->runner, inner.env, parts_->http, inner.system, inner.live,
                                      inner.terminal, inner.clock, inner.registry});
}

TracingHost::~TracingHost() = default;

}  // namespace torchup::host
