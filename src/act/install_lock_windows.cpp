// The real EnvLocker on Windows (install.h; the name is the POSIX one's, flock(2) there):
// LockFileEx on a lock file. The lock belongs to the open handle and the system
// releases it when the process ends ("LockFileEx", Microsoft Learn: "If a process
// terminates with a portion of a file locked ... the locks are unlocked by the
// operating system"), so a crashed install leaves no stale lock. The handle is not
// inheritable, so pip/uv/conda children do not hold it.
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "act/install.h"
#include "host/wide_windows.h"

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

// As on POSIX: an environment of its own gets the lock file inside, anything else
// (a system Python's directory) is locked from the temporary directory.
bool lock_inside(const std::filesystem::path& dir) {
  std::error_code ec;
  if (!std::filesystem::exists(dir, ec)) return true;
  if (std::filesystem::exists(dir / kLockName, ec) || std::filesystem::exists(dir / "pyvenv.cfg", ec) ||
      std::filesystem::exists(dir / "conda-meta", ec)) {
    return true;
  }
  return std::filesystem::is_directory(dir, ec) && std::filesystem::is_empty(dir, ec);
}

LockAttempt try_lock(const std::filesystem::path& path) {
  LockAttempt attempt;
  attempt.lock_path = host::win::narrow(path.wstring());
  // FILE_SHARE_READ|WRITE: a second torchup opens the file too, and meets the lock.
  auto handle = std::make_shared<host::win::Handle>(::CreateFileW(path.c_str(), GENERIC_READ | GENERIC_WRITE,
                                                                  FILE_SHARE_READ | FILE_SHARE_WRITE, nullptr,
                                                                  OPEN_ALWAYS, FILE_ATTRIBUTE_NORMAL, nullptr));
  if (!handle->valid()) {
    attempt.note = "cannot create " + attempt.lock_path + ": " + host::win::error_text(::GetLastError());
    return attempt;
  }
  // The lock covers a byte range far past the pid text: reading the pid is never blocked.
  OVERLAPPED at{};
  at.Offset = 0x40000000u;
  if (!::LockFileEx(handle->get(), LOCKFILE_EXCLUSIVE_LOCK | LOCKFILE_FAIL_IMMEDIATELY, 0, 1, 0, &at)) {
    DWORD error = ::GetLastError();
    if (error == ERROR_LOCK_VIOLATION || error == ERROR_IO_PENDING) {
      char buffer[32] = {};
      DWORD got = 0;
      if (::ReadFile(handle->get(), buffer, sizeof buffer - 1, &got, nullptr) && got > 0) {
        char* end = nullptr;
        long pid = std::strtol(buffer, &end, 10);
        if (end != buffer && pid > 0) attempt.holder_pid = pid;
      }
      attempt.note = "held";
      return attempt;
    }
    attempt.note = "cannot lock " + attempt.lock_path + ": " + host::win::error_text(error);
    return attempt;
  }
  std::string pid = std::to_string(::GetCurrentProcessId()) + "\n";
  DWORD wrote = 0;
  ::SetFilePointer(handle->get(), 0, nullptr, FILE_BEGIN);
  ::SetEndOfFile(handle->get());
  ::WriteFile(handle->get(), pid.data(), static_cast<DWORD>(pid.size()), &wrote, nullptr);
  attempt.acquired = true;
  attempt.handle = handle;
  return attempt;
}

}  // namespace

EnvLocker make_flock_locker(const host::Environment& env) {
  std::string temp = env.get("TEMP").value_or(env.get("TMP").value_or(""));
  if (temp.empty()) temp = host::win::narrow(std::filesystem::temp_directory_path().wstring());
  return [temp](const std::string& env_dir) -> LockAttempt {
    std::error_code ec;
    std::filesystem::path dir =
        std::filesystem::absolute(std::filesystem::path(host::win::widen(env_dir)), ec).lexically_normal();
    if (!dir.has_filename()) dir = dir.parent_path();
    // Case-insensitive file system: one key for "C:\Env" and "c:\env".
    std::string key_text = host::win::narrow(dir.wstring());
    for (char& c : key_text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::filesystem::path fallback =
        std::filesystem::path(host::win::widen(temp)) / ("torchup-install-" + path_key(key_text) + ".lock");
    if (lock_inside(dir)) {
      std::filesystem::create_directories(dir, ec);
      auto inside = try_lock(dir / kLockName);
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
    LockAttempt unguarded;
    unguarded.acquired = true;
    unguarded.note = "no lock could be taken (" + outside.note + "); a second torchup install into " +
                     host::win::narrow(dir.wstring()) + " would not be stopped";
    return unguarded;
  };
}

}  // namespace torchup::act
