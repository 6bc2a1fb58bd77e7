// InterruptScope and StopSignals for Windows (interrupt.h): SetConsoleCtrlHandler.
// Ctrl-C and Ctrl-Break arrive as SIGINT, closing the console window, logoff and
// shutdown as SIGTERM (the POSIX numbers torchup's callers already compare with).
// The handler runs on a thread the system creates for it ("HandlerRoutine callback
// function", Microsoft Learn), so it only stores a number.
#include <atomic>
#include <csignal>

#include "host/interrupt.h"
#include "host/wide_windows.h"

namespace torchup::host {
namespace {

std::atomic<int> g_signal{0};

int signal_for(DWORD event) { return event == CTRL_C_EVENT || event == CTRL_BREAK_EVENT ? SIGINT : SIGTERM; }

BOOL WINAPI on_console_event(DWORD event) {
  g_signal.store(signal_for(event));
  return TRUE;  // handled: torchup stops the child itself, then ends
}

// StopSignals: one waiter at a time (torchup serve), woken through an event.
std::atomic<int> g_stop_signal{0};
HANDLE g_stop_event = nullptr;

BOOL WINAPI on_stop_event(DWORD event) {
  g_stop_signal.store(signal_for(event));
  if (g_stop_event) ::SetEvent(g_stop_event);
  return TRUE;
}

}  // namespace

InterruptScope::InterruptScope() {
  g_signal.store(0);
  ::SetConsoleCtrlHandler(on_console_event, TRUE);
}

InterruptScope::~InterruptScope() {
  ::SetConsoleCtrlHandler(on_console_event, FALSE);
  g_signal.store(0);
}

int interrupt_signal() { return g_signal.load(); }
void request_interrupt(int signal) { g_signal.store(signal); }
void clear_interrupt() { g_signal.store(0); }

struct StopSignals::State {
  HANDLE event = nullptr;
};

StopSignals::StopSignals() : state_(new State) {
  state_->event = ::CreateEventW(nullptr, TRUE, FALSE, nullptr);
  g_stop_signal.store(0);
  g_stop_event = state_->event;
  ::SetConsoleCtrlHandler(on_stop_event, TRUE);
}

StopSignals::~StopSignals() {
  ::SetConsoleCtrlHandler(on_stop_event, FALSE);
  g_stop_event = nullptr;
  if (state_->event) ::CloseHandle(state_->event);
  delete state_;
}

int StopSignals::wait() {
  ::WaitForSingleObject(state_->event, INFINITE);
  return g_stop_signal.load();
}

}  // namespace torchup::host
