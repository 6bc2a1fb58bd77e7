// Ctrl-C while torchup runs a long program (pip installing torch).
//
// The programs torchup runs are in their own process group (so a timeout can kill a
// whole pip tree), which also means the terminal's SIGINT reaches torchup alone.
// While an InterruptScope is alive, SIGINT/SIGTERM only set a flag; the process
// runner sees it, forwards the signal to the child's group, waits a grace period for
// it to stop (pip prints "Operation cancelled by user" and exits), then kills it, and
// reports the run as interrupted. Outside a scope the default (torchup dies) applies.
#pragma once

namespace torchup::host {

class InterruptScope {
 public:
  InterruptScope();   // installs the handlers (no SA_RESTART: poll() wakes up)
  ~InterruptScope();  // restores the previous ones and clears the flag
  InterruptScope(const InterruptScope&) = delete;
  InterruptScope& operator=(const InterruptScope&) = delete;
};

// The signal that asked torchup to stop (SIGINT, SIGTERM), or 0.
int interrupt_signal();
// Sets the flag as a signal would (tests, and code that wants to stop early).
void request_interrupt(int signal);
void clear_interrupt();

}  // namespace torchup::host

namespace torchup::host {

// A stop request (SIGINT/SIGTERM) awaited by one thread: constructed before any
// other thread starts (they inherit the blocked mask, so only wait() receives the
// signal); the destructor restores the previous mask. POSIX: interrupt_posix.cpp.
class StopSignals {
 public:
  StopSignals();
  ~StopSignals();
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;
  // Blocks until a stop signal arrives; returns its number.
  int wait();

 private:
  struct State;
  State* state_;
};

}  // namespace torchup::host
