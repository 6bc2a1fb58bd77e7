// A PEP 503 index that make_index.py wrote, served on 127.0.0.1 for the download
// tests (fetch_test.cpp, fleet_lock_test.cpp): pages and metadata files as they are,
// each wheel with ranges and its bytes counted.
#pragma once

#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "install/local_index.h"
#include "support/run_binary.h"
#include "support/served_file.h"

namespace torchup::testing {

namespace fs = std::filesystem;

inline const char* kPython = "/usr/bin/python3";

// torchup with pip's own settings isolated and its cache in `cache`.
inline host::ProcessResult run_isolated(const std::vector<std::string>& args,
                                        const fs::path& cache) {
  return run_torchup(args,
                     {{"PIP_CONFIG_FILE", "/dev/null"},
                      {"PIP_BREAK_SYSTEM_PACKAGES", ""},
                      {"XDG_CACHE_HOME", cache.string()}},
                     std::chrono::seconds(180));
}

inline std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// The directory make_index.py wrote, served: pages and metadata files as they are,
// each wheel through serve_file (ranges; bytes counted per file).
class DirIndex {
 public:
  struct Wheel {
    std::string name, file, sha256;
    std::uint64_t size = 0;
    std::shared_ptr<ServedFileCounters> counters;
  };

  DirIndex(const fs::path& dir, const std::vector<std::string>& specs,
           std::map<std::string, std::string> env = {}) {
    std::vector<std::string> argv{
        kPython, std::string(TORCHUP_TEST_DIR) + "/install/scripts/make_index.py", dir.string()};
    argv.insert(argv.end(), specs.begin(), specs.end());
    host::RunOptions o;
    o.env = std::move(env);
    o.timeout = std::chrono::seconds(60);
    auto made = host::make_process_runner()->run(argv, o);
    if (!made.ok()) {
      error_ = "make_index.py failed: " + made.err + made.start_error;
      return;
    }
    std::istringstream lines(made.out);
    for (Wheel w; lines >> w.name >> w.file >> w.sha256 >> w.size;) {
      ServedFileOptions served;
      w.counters = served.counters;
      auto bytes = std::make_shared<const std::string>(slurp(dir / "files" / w.file));
      serve_file(server_, "/files/" + regex_escaped(w.file), bytes, served);
      auto meta = slurp(dir / "files" / (w.file + ".metadata"));
      server_.Get("/files/" + regex_escaped(w.file + ".metadata"),
                  [meta](const httplib::Request&, httplib::Response& res) {
                    res.set_content(meta, "text/plain");
                  });
      wheels_.push_back(w);
    }
    for (const auto& entry : fs::directory_iterator(dir / "simple")) {
      auto page = slurp(entry.path() / "index.html");
      server_.Get("/simple/" + regex_escaped(entry.path().filename().string()) + "/",
                  [page](const httplib::Request&, httplib::Response& res) {
                    res.set_content(page, "text/html");
                  });
    }
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }
  ~DirIndex() { stop(); }
  void stop() {
    if (!thread_.joinable()) return;
    for (auto& w : wheels_) w.counters->stopping = true;
    server_.stop();
    thread_.join();
  }
  const std::string& error() const { return error_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/simple"; }
  const Wheel& wheel(const std::string& file) const {
    for (const auto& w : wheels_)
      if (w.file == file) return w;
    throw std::runtime_error("no wheel " + file);
  }

 private:
  httplib::Server server_;
  std::vector<Wheel> wheels_;
  std::thread thread_;
  int port_ = 0;
  std::string error_;
};

}  // namespace torchup::testing
