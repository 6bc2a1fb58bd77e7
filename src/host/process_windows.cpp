// ProcessRunner for Windows: CreateProcessW with the command line quoted by the MSVC
// runtime's rules (win_command_line.h; never cmd.exe), a UTF-16 environment block,
// three pipes (reader threads for stdout and stderr, a writer for stdin) and a job
// object holding the child and everything it starts, so a timeout or an interrupt
// kills the whole tree (pip and its build helpers).
//
// Ctrl-C on Windows goes to every process attached to the console, the child included
// (CREATE_NEW_PROCESS_GROUP is not used: "CTRL+C signals will be disabled" for such a
// group, Microsoft Learn "Process Creation Flags"): pip sees its own KeyboardInterrupt,
// torchup's handler (interrupt_windows.cpp) only sets the flag. The runner then waits
// RunOptions::interrupt_grace for the child to end and kills the job after it.
#include <algorithm>
#include <condition_variable>
#include <csignal>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

#include "host/host.h"
#include "host/interrupt.h"
#include "host/wide_windows.h"
#include "host/win_command_line.h"

namespace torchup::host {
namespace {

using Clock = std::chrono::steady_clock;
using win::Handle;

// Chunks read by the reader threads, handed to the thread that runs run().
struct Inbox {
  std::mutex mutex;
  std::condition_variable changed;
  std::deque<std::pair<std::string, bool>> chunks;  // (bytes, is_stderr)
  int open_streams = 2;
};

void read_pipe(HANDLE pipe, bool is_stderr, Inbox& inbox) {
  char buffer[16384];
  for (;;) {
    DWORD got = 0;
    if (!::ReadFile(pipe, buffer, sizeof buffer, &got, nullptr) || got == 0) break;  // ERROR_BROKEN_PIPE: EOF
    std::lock_guard lock(inbox.mutex);
    inbox.chunks.emplace_back(std::string(buffer, got), is_stderr);
    inbox.changed.notify_one();
  }
  std::lock_guard lock(inbox.mutex);
  --inbox.open_streams;
  inbox.changed.notify_one();
}

// Environment names are case-insensitive on Windows ("Path" and "PATH" are one).
struct NoCase {
  bool operator()(const std::wstring& a, const std::wstring& b) const {
    return ::CompareStringOrdinal(a.c_str(), static_cast<int>(a.size()), b.c_str(), static_cast<int>(b.size()), TRUE) ==
           CSTR_LESS_THAN;
  }
};

// The inherited environment with `extra` added or overriding, as a sorted block of
// "NAME=value\0" ending in an extra "\0" (CreateProcessW, CREATE_UNICODE_ENVIRONMENT).
std::wstring environment_block(const std::map<std::string, std::string>& extra) {
  std::map<std::wstring, std::wstring, NoCase> vars;
  if (wchar_t* block = ::GetEnvironmentStringsW()) {
    for (const wchar_t* p = block; *p; p += std::wcslen(p) + 1) {
      std::wstring_view entry(p);
      // "=C:=C:\\dir" entries (per-drive directories) start with '=': keep them whole.
      auto eq = entry.find(L'=', 1);
      if (eq == std::wstring_view::npos) continue;
      vars[std::wstring(entry.substr(0, eq))] = std::wstring(entry.substr(eq + 1));
    }
    ::FreeEnvironmentStringsW(block);
  }
  for (const auto& [name, value] : extra) vars[win::widen(name)] = win::widen(value);
  std::wstring out;
  for (const auto& [name, value] : vars) {
    out += name;
    out += L'=';
    out += value;
    out += L'\0';
  }
  out += L'\0';
  return out;
}

class WindowsProcessRunner final : public ProcessRunner {
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
    SECURITY_ATTRIBUTES inherit{sizeof(SECURITY_ATTRIBUTES), nullptr, TRUE};
    Handle out_read, out_write, err_read, err_write, in_read, in_write;
    if (!::CreatePipe(out_read.out(), out_write.out(), &inherit, 0) ||
        !::CreatePipe(err_read.out(), err_write.out(), &inherit, 0) ||
        !::CreatePipe(in_read.out(), in_write.out(), &inherit, 0)) {
      result.start_error = "pipe: " + win::error_text(::GetLastError());
      return result;
    }
    // torchup's ends stay in torchup.
    ::SetHandleInformation(out_read.get(), HANDLE_FLAG_INHERIT, 0);
    ::SetHandleInformation(err_read.get(), HANDLE_FLAG_INHERIT, 0);
    ::SetHandleInformation(in_write.get(), HANDLE_FLAG_INHERIT, 0);

    // Only the three pipe ends are inherited, not the pipes of a run on another thread
    // (whose reader would otherwise wait for this child to close them).
    HANDLE inherited[3] = {in_read.get(), out_write.get(), err_write.get()};
    SIZE_T attr_size = 0;
    ::InitializeProcThreadAttributeList(nullptr, 1, 0, &attr_size);
    std::vector<unsigned char> attr_storage(attr_size);
    auto* attributes = reinterpret_cast<LPPROC_THREAD_ATTRIBUTE_LIST>(attr_storage.data());
    bool have_list = attr_size > 0 && ::InitializeProcThreadAttributeList(attributes, 1, 0, &attr_size) &&
                     ::UpdateProcThreadAttribute(attributes, 0, PROC_THREAD_ATTRIBUTE_HANDLE_LIST, inherited,
                                                 sizeof inherited, nullptr, nullptr);

    STARTUPINFOEXW startup{};
    startup.StartupInfo.cb = sizeof(STARTUPINFOEXW);
    startup.StartupInfo.dwFlags = STARTF_USESTDHANDLES;
    startup.StartupInfo.hStdInput = in_read.get();
    startup.StartupInfo.hStdOutput = out_write.get();
    startup.StartupInfo.hStdError = err_write.get();
    startup.lpAttributeList = have_list ? attributes : nullptr;

    std::wstring command = win::widen(win::command_line(argv));
    std::wstring env_block = environment_block(options.env);
    std::wstring cwd = options.cwd ? win::widen(*options.cwd) : std::wstring();
    // Suspended until it is in the job: nothing it starts can escape the job.
    DWORD flags = CREATE_UNICODE_ENVIRONMENT | CREATE_SUSPENDED | (have_list ? EXTENDED_STARTUPINFO_PRESENT : 0);
    PROCESS_INFORMATION info{};
    // lpApplicationName null: the first token is searched for the way Windows does
    // (the program's directory, the current one, the system's, then PATH; ".exe" added).
    BOOL created = ::CreateProcessW(nullptr, command.data(), nullptr, nullptr, TRUE, flags, env_block.data(),
                                    options.cwd ? cwd.c_str() : nullptr, &startup.StartupInfo, &info);
    DWORD create_error = created ? 0 : ::GetLastError();
    if (have_list) ::DeleteProcThreadAttributeList(attributes);
    in_read.reset();
    out_write.reset();
    err_write.reset();
    if (!created) {
      result.start_error = argv[0] + ": " + win::error_text(create_error);
      return result;
    }
    Handle process(info.hProcess);
    Handle thread(info.hThread);
    Handle job(::CreateJobObjectW(nullptr, nullptr));
    if (job.valid()) {
      JOBOBJECT_EXTENDED_LIMIT_INFORMATION limits{};
      limits.BasicLimitInformation.LimitFlags = JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE;
      ::SetInformationJobObject(job.get(), JobObjectExtendedLimitInformation, &limits, sizeof limits);
      if (!::AssignProcessToJobObject(job.get(), process.get())) job.reset();  // kill the child alone then
    }
    ::ResumeThread(thread.get());
    result.started = true;

    Inbox inbox;
    std::thread out_reader(read_pipe, out_read.get(), false, std::ref(inbox));
    std::thread err_reader(read_pipe, err_read.get(), true, std::ref(inbox));
    std::thread writer([&in_write, text = options.stdin_text] {
      if (text) {
        std::size_t off = 0;
        while (off < text->size()) {
          DWORD wrote = 0;
          DWORD n = static_cast<DWORD>(std::min<std::size_t>(text->size() - off, 1u << 20));
          if (!::WriteFile(in_write.get(), text->data() + off, n, &wrote, nullptr) || wrote == 0) break;
          off += wrote;
        }
      }
      in_write.reset();  // end of input
    });

    auto kill_tree = [&] {
      if (job.valid()) ::TerminateJobObject(job.get(), 1);
      ::TerminateProcess(process.get(), 1);
    };
    auto deadline = Clock::now() + options.timeout;
    std::optional<Clock::time_point> kill_at;
    bool killed = false;
    std::unique_lock lock(inbox.mutex);
    for (;;) {
      while (!inbox.chunks.empty()) {
        auto [chunk, is_stderr] = std::move(inbox.chunks.front());
        inbox.chunks.pop_front();
        lock.unlock();
        std::string& sink = is_stderr ? result.err : result.out;
        if (sink.size() < options.max_output) sink.append(chunk, 0, options.max_output - sink.size());
        if (options.on_output) options.on_output(chunk, is_stderr);
        lock.lock();
      }
      if (inbox.open_streams == 0) break;
      if (killed) {  // the tree is gone: its pipes close; wait for what it wrote
        inbox.changed.wait_for(lock, std::chrono::milliseconds(100));
        continue;
      }
      if (!kill_at && interrupt_signal() != 0) {
        result.interrupted = true;
        kill_at = Clock::now() + options.interrupt_grace;
      }
      if (kill_at) {
        // The child decides when the run is over (a grandchild it left may hold the pipes).
        if (::WaitForSingleObject(process.get(), 0) == WAIT_OBJECT_0 || Clock::now() >= *kill_at) {
          kill_tree();
          killed = true;
          continue;
        }
      }
      auto now = Clock::now();
      if (now >= deadline) {
        result.timed_out = true;
        kill_tree();
        killed = true;
        continue;
      }
      auto wake = std::min<Clock::time_point>(deadline, now + std::chrono::milliseconds(100));
      inbox.changed.wait_until(lock, wake);
    }
    lock.unlock();
    out_reader.join();
    err_reader.join();
    if (!killed && ::WaitForSingleObject(process.get(), 0) != WAIT_OBJECT_0) {
      // Both pipes closed but the child still runs (it closed its output itself): wait for it.
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
      if (::WaitForSingleObject(process.get(), static_cast<DWORD>(std::max<long long>(left.count(), 0))) !=
          WAIT_OBJECT_0) {
        result.timed_out = true;
        kill_tree();
      }
    }
    // A writer blocked on the full stdin pipe of a child that never read it fails once the
    // child (the pipe's last reader) has ended.
    ::WaitForSingleObject(process.get(), INFINITE);
    writer.join();
    DWORD code = 0;
    if (::GetExitCodeProcess(process.get(), &code)) result.exit_code = static_cast<int>(code);
    return result;  // closing the job kills what the child left running (KILL_ON_JOB_CLOSE)
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

std::unique_ptr<ProcessRunner> make_process_runner() { return std::make_unique<WindowsProcessRunner>(); }
std::unique_ptr<ProcessRunner> make_refusing_runner(std::string reason) {
  return std::make_unique<RefusingRunner>(std::move(reason));
}

}  // namespace torchup::host
