// The seams through which torchup reads the machine (STYLE §3). Detectors and
// actions take a Host&; production passes the real one, tests pass a fixture
// directory plus scripted program outputs. No code outside host/ opens an
// absolute path or spawns a process by itself.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "util/expected.h"
#include "host/registry.h"

namespace torchup::host {

// Reads files of the machine being described. Paths are absolute paths *on that
// machine* ("/etc/os-release"); a rooted implementation maps them under its root.
class FileSystem {
 public:
  virtual ~FileSystem() = default;
  // The file's bytes, at most max_bytes of them; nullopt when missing/unreadable.
  virtual std::optional<std::string> read_file(const std::string& path,
                                               std::size_t max_bytes = 16u << 20) const = 0;
  // Entry names (not paths) in a directory, sorted; empty when missing.
  virtual std::vector<std::string> list_dir(const std::string& path) const = 0;
  virtual bool exists(const std::string& path) const = 0;
  virtual bool is_dir(const std::string& path) const = 0;
  virtual bool is_executable(const std::string& path) const = 0;
  // Target of a symbolic link as stored (not resolved); nullopt when not a link.
  virtual std::optional<std::string> read_link(const std::string& path) const = 0;
  // Where machine path `path` lives on this computer (for messages and for the
  // few places that must hand a real path to a program).
  virtual std::string real_path(const std::string& path) const = 0;
};

struct ProcessResult {
  bool started = false;    // false: the program could not be run (missing, denied)
  bool timed_out = false;  // killed after the timeout
  int exit_code = -1;      // meaningful when started && !timed_out
  int signal = 0;          // the signal that ended it, 0 if none
  std::string out;
  std::string err;
  std::string start_error;  // why it did not start
  bool interrupted = false;  // torchup was asked to stop (Ctrl-C): the run was cut short

  bool ok() const { return started && !timed_out && !interrupted && exit_code == 0 && signal == 0; }
};

struct RunOptions {
  std::chrono::milliseconds timeout{10000};
  std::map<std::string, std::string> env;  // added to / overriding the inherited environment
  std::optional<std::string> cwd;
  std::optional<std::string> stdin_text;
  // Called with each chunk of output as it arrives (progress pass-through).
  std::function<void(std::string_view chunk, bool is_stderr)> on_output;
  std::size_t max_output = 8u << 20;  // bytes kept per stream
  // After Ctrl-C (inside an InterruptScope) the child's group gets the signal; when it
  // has not ended after this long, the group is killed.
  std::chrono::milliseconds interrupt_grace{std::chrono::seconds(10)};
};

// Runs programs with an argument vector; never through a shell (DESIGN §5).
class ProcessRunner {
 public:
  virtual ~ProcessRunner() = default;
  virtual ProcessResult run(const std::vector<std::string>& argv, const RunOptions& options) = 0;
};

class Environment {
 public:
  virtual ~Environment() = default;
  virtual std::optional<std::string> get(const std::string& name) const = 0;
};

struct HttpResponse {
  int status = 0;
  std::string body;
  bool truncated = false;  // the download was stopped at HttpOptions::max_bytes
  bool timed_out = false;  // the timeout ended it after some bytes (only with keep_partial_on_timeout)
  std::chrono::microseconds elapsed{0};  // the whole transfer, connecting included
};

struct HttpOptions {
  std::chrono::milliseconds timeout{30000};
  bool allow_insecure = false;  // allow http:// (otherwise only https://, or loopback for tests)
  std::size_t max_bytes = 0;    // stop after this many body bytes (truncated = true); 0: no cap
  // A timeout after the body started is a result (timed_out = true, the bytes so far), not an
  // error: throughput probes measure what arrived in the time they allow.
  bool keep_partial_on_timeout = false;
  // Where pip would go: its proxy ("[scheme://][user:pass@]host:port") and CA bundle
  // (act/pip_config.h). Empty: libcurl's own defaults (the *_proxy environment variables).
  std::string proxy;
  std::string ca_file;
};

// get() may be called from several threads at once (mirror probes run concurrently).
class HttpClient {
 public:
  virtual ~HttpClient() = default;
  virtual Expected<HttpResponse> get(const std::string& url, const HttpOptions& options) = 0;
};

// Facts that come from the running system rather than from files.
struct SystemFacts {
  std::string os_family;  // "linux", "windows", "macos"
  std::string arch;       // uname machine: "x86_64", "aarch64", "arm64"
  std::optional<std::string> libc_version;  // gnu_get_libc_version() on the live machine
  std::optional<std::string> kernel_release;
  // How this system spells program search and environments: PATH's list separator
  // (POSIX ':'; Windows ';') and a venv's interpreter below the venv directory
  // (POSIX "bin/python"; Windows "Scripts\\python.exe", Python docs "venv").
  char path_separator = ':';
  std::string venv_python = "bin/python";
  // The user's display language where the system has one apart from the locale
  // variables (Windows: the user's UI language, "zh-CN"); empty elsewhere.
  std::string ui_language = {};
};

// The user at the keyboard: whether someone can answer a question, and their answer.
class Terminal {
 public:
  virtual ~Terminal() = default;
  // True when standard input is a terminal (a person can answer a prompt).
  virtual bool interactive() const = 0;
  // True when standard output is a terminal (text may be coloured).
  virtual bool output_is_terminal() const = 0;
  // One line typed by the user, without its newline; nullopt at end of input.
  virtual std::optional<std::string> read_line() = 0;
};

// Time as install's retries and durations see it.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual std::chrono::steady_clock::time_point now() const = 0;
  virtual void sleep_for(std::chrono::milliseconds duration) = 0;
};

// A terminal nobody sits at: never interactive, reads nothing (the default of a Host).
Terminal& no_terminal();
// std::chrono::steady_clock and std::this_thread::sleep_for (stateless).
Clock& steady_clock();

// Everything torchup may read of a machine. `live` is false under --root: then
// nothing is executed (runner refuses) and system facts come from files only.
struct Host {
  FileSystem& fs;
  ProcessRunner& runner;
  Environment& env;
  HttpClient& http;
  SystemFacts system;
  bool live = true;
  Terminal& terminal = no_terminal();
  Clock& clock = steady_clock();
  // Windows only; empty elsewhere (registry.h).
  const Registry& registry = no_registry();
};

// Finds a program on the host's PATH (split at system.path_separator); nullopt when
// absent. A name with a directory separator is checked as given. The one PATH search.
std::optional<std::string> find_program(const Host& host, const std::string& name);
// find_program over a PATH value given by the caller (a default when PATH is unset).
std::optional<std::string> find_program_in(const Host& host, const std::string& path_value, const std::string& name);
// The interpreter of the venv at `venv_dir` (venv_dir + "/" + system.venv_python).
std::string venv_python(const Host& host, const std::string& venv_dir);

// ---- implementations ----

// Reads files under `root` ("/" for the live machine). Paths that escape the root
// through ".." are refused.
std::unique_ptr<FileSystem> make_rooted_fs(std::string root);
std::unique_ptr<ProcessRunner> make_process_runner();
// A runner that never runs anything (for --root): every call reports not started.
std::unique_ptr<ProcessRunner> make_refusing_runner(std::string reason);
std::unique_ptr<Environment> make_process_environment();
std::unique_ptr<Environment> make_map_environment(std::map<std::string, std::string> vars);
std::unique_ptr<HttpClient> make_curl_http();
SystemFacts live_system_facts();
// Standard input as the Terminal: isatty(0) and lines from std::cin (terminal_posix.cpp).
std::unique_ptr<Terminal> make_stdin_terminal();

// Owns the parts of a Host. `root` empty or "/" means the live machine.
class OwnedHost {
 public:
  static std::unique_ptr<OwnedHost> live();
  static std::unique_ptr<OwnedHost> rooted(const std::string& root);
  Host& host() { return *host_; }

 private:
  std::unique_ptr<FileSystem> fs_;
  std::unique_ptr<ProcessRunner> runner_;
  std::unique_ptr<Environment> env_;
  std::unique_ptr<HttpClient> http_;
  std::unique_ptr<Terminal> terminal_;
  std::unique_ptr<Registry> registry_;
  std::unique_ptr<Host> host_;
};

}  // namespace torchup::host
