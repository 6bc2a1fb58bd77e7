// InterruptScope for POSIX (see interrupt.h).
#include "host/interrupt.h"

#include <pthread.h>
#include <signal.h>

#include <atomic>

namespace torchup::host {
namespace {

std::atomic<int> g_signal{0};
static_assert(std::atomic<int>::is_always_lock_free, "read from a signal handler");

struct sigaction g_old_int {};
struct sigaction g_old_term {};

extern "C" void on_interrupt(int signal) { g_signal.store(signal); }

}  // namespace

InterruptScope::InterruptScope() {
  g_signal.store(0);
  struct sigaction action {};
  action.sa_handler = on_interrupt;
  sigemptyset(&action.sa_mask);
  action.sa_flags = 0;  // no SA_RESTART: a blocked poll()/waitpid() returns EINTR
  ::sigaction(SIGINT, &action, &g_old_int);
  ::sigaction(SIGTERM, &action, &g_old_term);
}

InterruptScope::~InterruptScope() {
  ::sigaction(SIGINT, &g_old_int, nullptr);
  ::sigaction(SIGTERM, &g_old_term, nullptr);
  g_signal.store(0);
}

int interrupt_signal() { return g_signal.load(); }
void request_interrupt(int signal) { g_signal.store(signal); }
void clear_interrupt() { g_signal.store(0); }

struct StopSignals::State {
  sigset_t stop;
  sigset_t previous;
};

StopSignals::StopSignals() : state_(new State) {
  sigemptyset(&state_->stop);
  sigaddset(&state_->stop, SIGINT);
  sigaddset(&state_->stop, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &state_->stop, &state_->previous);
}

StopSignals::~StopSignals() {
  pthread_sigmask(SIG_SETMASK, &state_->previous, nullptr);
  delete state_;
}

int StopSignals::wait() {
  int signal_number = 0;
  sigwait(&state_->stop, &signal_number);
  return signal_number;
}

}  // namespace torchup::host
