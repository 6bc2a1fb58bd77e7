// The real EnvLocker (install.h): flock(2) on a lock file. flock locks belong to an
// open file description and are released by the kernel when the process ends, so a
// crashed install never leaves a stale lock behind (flock(2), Linux man-pages).
// The fd is opened O_CLOEXEC so pip/uv/conda children do not inherit it.
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>

#include "act/install.h"

namespace torchup::act {
namespace {

constexpr const char* kLockName = ".torchup-install.lock";

// FNV-1a, 64 bit: a stable file name for "the lock of this path".
std::string path_key(const std::string& path) {
  std::uint64_t hash = 1469598103934665603ull;
  for (unsigned char c : path) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  char out[17];
  std::snprintf(out, sizeof out, "%016llx", static_cast<unsigned long long>(hash));
  return out;
}

// An environment of its own (a venv, a conda env, or a directory torchup is about to
// make one in) gets the lock file inside; anything else (/usr of a system Python) is
// locked from the runtime directory so torchup never writes into it.
bool lock_inside(const std::filesystem::path& dir) {
  std::error_code ec;
  if (!std::filesystem::exists(dir, ec)) return true;
  if (std::filesystem::exists(dir / kLockName, ec) || std::filesystem::exists(dir / "pyvenv.cfg", ec) ||
      std::filesystem::exists(dir / "conda-meta", ec)) {
    return true;
  }
  return std::filesystem::is_directory(dir, ec) && std::filesystem::is_empty(dir, ec);
}

struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

LockAttempt try_lock(const std::string& path) {
  LockAttempt attempt;
  attempt.lock_path = path;
  auto fd = std::make_shared<Fd>();
  fd->fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd->fd < 0) {
    attempt.note = "cannot create " + path + ": " + std::strerror(errno);
    return attempt;
  }
  if (::flock(fd->fd, LOCK_EX | LOCK_NB) != 0) {
    if (errno == EWOULDBLOCK) {
      char buffer[32] = {};
      ssize_t got = ::pread(fd->fd, buffer, sizeof buffer - 1, 0);
      if (got > 0) {
        char* end = nullptr;
        long pid = std::strtol(buffer, &end, 10);
        if (end != buffer && pid > 0) attempt.holder_pid = pid;
      }
      attempt.note = "held";
      return attempt;
    }
    attempt.note = "cannot lock " + path + ": " + std::strerror(errno);
    return attempt;
  }
  std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd->fd, 0) == 0) {
    [[maybe_unused]] ssize_t wrote = ::pwrite(fd->fd, pid.data(), pid.size(), 0);
  }
  attempt.acquired = true;
  attempt.note.clear();
  attempt.handle = fd;
  return attempt;
}

}  // namespace

EnvLocker make_flock_locker(const host::Environment& env) {
  std::string runtime = env.get("XDG_RUNTIME_DIR").value_or("");
  if (runtime.empty()) runtime = "/tmp";
  return [runtime](const std::string& env_dir) -> LockAttempt {
    std::error_code ec;
    std::filesystem::path dir = std::filesystem::absolute(env_dir, ec).lexically_normal();
    if (dir.has_filename() == false) dir = dir.parent_path();
    std::string fallback = runtime + "/torchup-install-" + path_key(dir.string()) + ".lock";
    if (lock_inside(dir)) {
      std::filesystem::create_directories(dir, ec);
      auto inside = try_lock((dir / kLockName).string());
      if (inside.acquired || inside.note == "held") {
        if (!inside.acquired) inside.note.clear();
        return inside;
      }
    }
    auto outside = try_lock(fallback);
    if (outside.acquired || outside.note == "held") {
      if (!outside.acquired) outside.note.clear();
      return outside;
    }
    // No lock file anywhere: install anyway, and say that nothing guards the env.
    LockAttempt unguarded;
    unguarded.acquired = true;
    unguarded.note = "no lock could be taken (" + outside.note + "); a second torchup install into " +
                     dir.string() + " would not be stopped";
    return unguarded;
  };
}

}  // namespace torchup::act
