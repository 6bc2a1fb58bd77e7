// ProcessRunner for POSIX systems: posix_spawnp with an argument vector (never a
// shell), pipes for stdin/stdout/stderr, poll() for streaming and a timeout after
// which the child's process group is killed. Inside an InterruptScope, Ctrl-C is
// forwarded to the child's group and the run ends as interrupted (interrupt.h).
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <optional>

#include "host/host.h"
#include "host/interrupt.h"

extern char** environ;

namespace torchup::host {
namespace {

using Clock = std::chrono::steady_clock;

class PosixProcessRunner final : public ProcessRunner {
 public:
  ProcessResult run(const std::vector<std::string>& argv, const RunOptions& options) override {
    ProcessResult result;
    if (argv.empty()) {
      result.start_error = "empty command";
      return result;
    }
    if (interrupt_signal() != 0) {
      result.interrupted = true;
      result.start_error = argv[0] + " not run: torchup was interrupted";
      return result;
    }
    int out_pipe[2], err_pipe[2], in_pipe[2];
    if (::pipe2(out_pipe, O_CLOEXEC) != 0) return fail(result, "pipe");
    if (::pipe2(err_pipe, O_CLOEXEC) != 0) {
      close_both(out_pipe);
      return fail(result, "pipe");
    }
    if (::pipe2(in_pipe, O_CLOEXEC) != 0) {
      close_both(out_pipe);
      close_both(err_pipe);
      return fail(result, "pipe");
    }

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, in_pipe[0], 0);
    posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
    posix_spawn_file_actions_adddup2(&actions, err_pipe[1], 2);
    if (options.cwd) posix_spawn_file_actions_addchdir_np(&actions, options.cwd->c_str());
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    // Own process group so a timeout kills the whole tree (pip spawns children).
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK);
    posix_spawnattr_setpgroup(&attr, 0);
    sigset_t none;
    sigemptyset(&none);
    posix_spawnattr_setsigmask(&attr, &none);

    std::vector<std::string> env_strings = merged_environment(options.env);
    std::vector<char*> envp;
    for (auto& s : env_strings) envp.push_back(s.data());
    envp.push_back(nullptr);
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);

    pid_t pid = 0;
    int rc = ::posix_spawnp(&pid, args[0], &actions, &attr, args.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    ::close(out_pipe[1]);
    ::close(err_pipe[1]);
    ::close(in_pipe[0]);
    if (rc != 0) {
      ::close(out_pipe[0]);
      ::close(err_pipe[0]);
      ::close(in_pipe[1]);
      result.start_error = argv[0] + ": " + std::strerror(rc);
      return result;
    }
    result.started = true;

    // Feed stdin (small payloads only: scripts for python -c), then close it.
    if (options.stdin_text) {
      const std::string& text = *options.stdin_text;
      std::size_t off = 0;
      ::signal(SIGPIPE, SIG_IGN);
      while (off < text.size()) {
        auto n = ::write(in_pipe[1], text.data() + off, text.size() - off);
        if (n <= 0) break;
        off += static_cast<std::size_t>(n);
      }
    }
    ::close(in_pipe[1]);

    auto deadline = Clock::now() + options.timeout;
    pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
    int open_fds = 2;
    // After Ctrl-C: the child gets the same signal and this long to stop on its own.
    std::optional<Clock::time_point> kill_at;
    while (open_fds > 0) {
      if (!kill_at && interrupt_signal() != 0) {
        result.interrupted = true;
        ::kill(-pid, interrupt_signal());
        kill_at = Clock::now() + options.interrupt_grace;
      }
      if (kill_at) {
        // The child itself decides when the run is over: a grandchild it left behind
        // (pip's build helpers, a shell's background job) may hold the pipes open.
        // WNOWAIT: it stays a zombie, so its group id cannot be reused before the kill below.
        siginfo_t info{};
        const bool exited = ::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0 &&
                            info.si_pid == pid;
        if (exited || Clock::now() >= *kill_at) {
          drain(fds, open_fds, result, options);  // what it printed before it stopped
          break;  // the rest of the group is killed below
        }
      }
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
      if (left.count() <= 0) {
        result.timed_out = true;
        break;
      }
      int n = ::poll(fds, 2, static_cast<int>(std::min<long long>(left.count(), 1000)));
      if (n < 0 && errno != EINTR) break;
      if (n > 0) read_ready(fds, open_fds, result, options);
    }
    for (auto& f : fds) {
      if (f.fd >= 0) ::close(f.fd);
    }
    if (result.timed_out || kill_at) {
      ::kill(-pid, SIGKILL);  // the group: an interrupted child that stopped may leave children
      if (result.timed_out) ::kill(pid, SIGKILL);
    }
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
    if (WIFSIGNALED(status)) result.signal = WTERMSIG(status);
    return result;
  }

 private:
  static ProcessResult& fail(ProcessResult& r, const char* what) {
    r.start_error = std::string(what) + ": " + std::strerror(errno);
    return r;
  }
  // Reads one chunk from each pipe poll() marked; a pipe at end of file is closed.
  // Returns whether anything was read.
  static bool read_ready(pollfd (&fds)[2], int& open_fds, ProcessResult& result, const RunOptions& options) {
    char buf[16384];
    bool any = false;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      auto got = ::read(fds[i].fd, buf, sizeof buf);
      if (got <= 0) {
        ::close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
        continue;
      }
      any = true;
      std::string& sink = i == 0 ? result.out : result.err;
      std::string_view chunk(buf, static_cast<std::size_t>(got));
      if (sink.size() < options.max_output) sink.append(chunk.substr(0, options.max_output - sink.size()));
      if (options.on_output) options.on_output(chunk, i == 1);
    }
    return any;
  }
  // Reads whatever is already in the pipes without waiting for more.
  static void drain(pollfd (&fds)[2], int& open_fds, ProcessResult& result, const RunOptions& options) {
    for (int rounds = 0; rounds < 1024 && open_fds > 0; ++rounds) {
      if (::poll(fds, 2, 0) <= 0 || !read_ready(fds, open_fds, result, options)) return;
    }
  }
  static void close_both(int p[2]) {
    ::close(p[0]);
    ::close(p[1]);
  }
  static std::vector<std::string> merged_environment(const std::map<std::string, std::string>& extra) {
    std::map<std::string, std::string> vars;
    for (char** e = environ; e && *e; ++e) {
      std::string kv(*e);
      auto eq = kv.find('=');
      if (eq != std::string::npos) vars[kv.substr(0, eq)] = kv.substr(eq + 1);
    }
    for (auto& [k, v] : extra) vars[k] = v;
    std::vector<std::string> out;
    for (auto& [k, v] : vars) out.push_back(k + "=" + v);
    return out;
  }
};

class RefusingRunner final : public ProcessRunner {
 public:
  explicit RefusingRunner(std::string reason) : reason_(std::move(reason)) {}
  ProcessResult run(const std::vector<std::string>& argv, const RunOptions&) override {
    ProcessResult r;
    r.start_error = (argv.empty() ? std::string("program") : argv[0]) + " not run: " + reason_;
    return r;
  }

 private:
  std::string reason_;
};

}  // namespace

std::unique_ptr<ProcessRunner> make_process_runner() { return std::make_unique<PosixProcessRunner>(); }
std::unique_ptr<ProcessRunner> make_refusing_runner(std::string reason) {
  return std::make_unique<RefusingRunner>(std::move(reason));
}

}  // namespace torchup::host
