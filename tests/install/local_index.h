// Test helpers for the real-pip install tests: PEP 503 package indexes served on
// 127.0.0.1 by the test itself (cpp-httplib), one that drops the connection in
// the middle of a file, an https:// index with a self-signed certificate
// (scripts/tls_index.py in a child process), and the wheel the tests install
// (scripts/make_wheel.py).
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "host/host.h"
#include "support/served_file.h"

extern char** environ;

namespace torchup::testing {

// How a LocalIndex misbehaves (all off by default).
struct LocalIndexOptions {
  enum class FileMode {
    kWhole,          // the wheel, whole
    kDropMidStream,  // chunked transfer; the connection closes after `drop_after` bytes
    kServed,         // support/served_file.h: ranges, a rate limit, drops, stalls as `served` says
  };
  FileMode file_mode = FileMode::kWhole;
  std::size_t drop_after = 300;
  ServedFileOptions served{};  // with kServed
  std::size_t page_padding = 0;              // pad the project page to this many bytes (an HTML comment)
  std::chrono::milliseconds page_delay{0};   // send the page in 8 KiB pieces, this long apart
  // Answer the project page like a captive portal or a proxy's login page: HTTP 200,
  // HTML, no file links.
  bool portal_page = false;
};

// cpp-httplib's routes are regular expressions: a wheel name like
// "torch-2.12.0+cpu-py3-none-any.whl" must match itself, '+' and '.' included.
inline std::string regex_escaped(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (std::string_view("\\^$.|?*+()[]{}").find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  return out;
}

// A PEP 503 index with one project, torch, and one wheel file.
class LocalIndex {
 public:
  using FileMode = LocalIndexOptions::FileMode;

  LocalIndex(std::string wheel_name, std::string wheel_bytes, std::string sha256, LocalIndexOptions options = {}) {
    std::string page = "<a href=\"/files/" + wheel_name + "#sha256=" + sha256 + "\">" + wheel_name + "</a>\n";
    if (page.size() + 8 < options.page_padding) page += "<!--" + std::string(options.page_padding - page.size() - 8, 'x') + "-->\n";
    if (options.portal_page) page = "<html><body><h1>Guest Wi-Fi</h1><p>Sign in to continue.</p></body></html>\n";
    server_.Get("/simple/torch/", [=, this](const httplib::Request&, httplib::Response& res) {
      ++page_requests_;
      if (options.page_delay.count() == 0) {
        res.set_content(page, "text/html");
        return;
      }
      res.set_chunked_content_provider("text/html", [=](std::size_t offset, httplib::DataSink& sink) {
        if (offset >= page.size()) {
          sink.done();
          return true;
        }
        if (offset > 0) std::this_thread::sleep_for(options.page_delay);
        std::size_t piece = std::min<std::size_t>(8192, page.size() - offset);
        return sink.write(page.data() + offset, piece);
      });
    });
    if (options.file_mode == FileMode::kServed) {  // registered first: this route answers
      serve_file(server_, "/files/" + regex_escaped(wheel_name),
                 std::make_shared<const std::string>(std::move(wheel_bytes)), options.served);
    }
    server_.Get("/files/" + regex_escaped(wheel_name), [=, this](const httplib::Request&, httplib::Response& res) {
      ++file_requests_;
      if (options.file_mode == FileMode::kWhole) {
        res.set_content(wheel_bytes, "application/octet-stream");
        return;
      }
      // One complete chunk, then the provider gives up: cpp-httplib closes the
      // connection without the terminating chunk (pip sees InvalidChunkLength).
      res.set_chunked_content_provider("application/octet-stream",
                                       [=](std::size_t offset, httplib::DataSink& sink) {
                                         if (offset >= options.drop_after) return false;
                                         sink.write(wheel_bytes.data(),
                                                    std::min(options.drop_after, wheel_bytes.size()));
                                         return true;
                                       });
    });
  port_ = server_.bind_to_any_port("127.0.0.1");
    // bind_to_any_port already listens: connections queue until the loop accepts.
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }
  ~LocalIndex() {
    server_.stop();
    thread_.join();
  }
  LocalIndex(const LocalIndex&) = delete;
  LocalIndex& operator=(const LocalIndex&) = delete;

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/simple"; }
  int file_requests() const { return file_requests_.load(); }
  int page_requests() const { return page_requests_.load(); }

 private:
  httplib::Server server_;
  int port_ = 0;
  std::atomic<int> file_requests_{0};
  std::atomic<int> page_requests_{0};
  std::thread thread_;
};

// scripts/tls_index.py in a child process: an https:// index on 127.0.0.1 whose
// certificate is self-signed (made with the openssl CLI into `dir`). port() is 0
// when it could not start; error() then says why.
class TlsIndex {
 public:
  explicit TlsIndex(const std::string& dir) {
    int in_pipe[2];
    int out_pipe[2];
    if (::pipe2(in_pipe, O_CLOEXEC) != 0) return;
    if (::pipe2(out_pipe, O_CLOEXEC) != 0) {
      ::close(in_pipe[0]);
      ::close(in_pipe[1]);
      return;
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, in_pipe[0], 0);
    posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
    std::string script = std::string(TORCHUP_TEST_DIR) + "/install/scripts/tls_index.py";
    std::vector<std::string> args{"/usr/bin/python3", script, dir};
    std::vector<char*> argv;
    for (auto& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    int rc = ::posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(in_pipe[0]);
    ::close(out_pipe[1]);
    stdin_ = in_pipe[1];
    if (rc != 0) {
      pid_ = -1;
      error_ = "posix_spawn failed";
      ::close(out_pipe[0]);
      return;
    }
    std::string line;
    char c = 0;
    while (::read(out_pipe[0], &c, 1) == 1 && c != '\n') line += c;
    ::close(out_pipe[0]);
    try {
      port_ = line.empty() ? 0 : std::stoi(line);
    } catch (const std::exception&) {
      port_ = 0;
    }
    if (port_ == 0) error_ = "tls_index.py printed no port (is the openssl CLI installed?)";
  }
  ~TlsIndex() {
    if (stdin_ >= 0) ::close(stdin_);  // the script serves until its stdin closes
    if (pid_ > 0) {
      int status = 0;
      ::waitpid(pid_, &status, 0);
    }
  }
  TlsIndex(const TlsIndex&) = delete;
  TlsIndex& operator=(const TlsIndex&) = delete;

  int port() const { return port_; }
  const std::string& error() const { return error_; }
  std::string url() const { return "https://127.0.0.1:" + std::to_string(port_) + "/simple"; }

 private:
  pid_t pid_ = -1;
  int stdin_ = -1;
  int port_ = 0;
  std::string error_;
};

inline std::string read_binary(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// The wheel torch-VERSION-py3-none-any.whl, built by scripts/make_wheel.py into `dir`.
struct TestWheel {
  std::string name;    // file name
  std::string sha256;  // hex
  std::string bytes;   // contents
  std::string error;   // why it could not be built (empty when it was)
};

// pth_dir: a wheel that only puts that directory on sys.path (make_wheel.py --pth).
inline TestWheel make_test_wheel(const std::string& dir, const std::string& version = "2.12.0",
                                 const std::string& pth_dir = "") {
  TestWheel wheel;
  auto runner = host::make_process_runner();
  host::RunOptions options;
  options.timeout = std::chrono::seconds(60);
  std::vector<std::string> argv{"/usr/bin/python3", std::string(TORCHUP_TEST_DIR) + "/install/scripts/make_wheel.py",
                                dir, "torch", version};
  if (!pth_dir.empty()) argv.insert(argv.end(), {"--pth", pth_dir});
  auto made = runner->run(argv, options);
  if (!made.ok()) {
    wheel.error = made.err + made.start_error;
    return wheel;
  }
  std::istringstream line(made.out);
  line >> wheel.name >> wheel.sha256;
  wheel.bytes = read_binary(dir + "/" + wheel.name);
  if (wheel.bytes.empty()) wheel.error = "make_wheel.py wrote no " + dir + "/" + wheel.name;
  return wheel;
}

}  // namespace torchup::testing
