// The default seams of a Host: a terminal nobody sits at and the steady clock.
#include <thread>

#include "host/host.h"

namespace torchup::host {

namespace {

class NoTerminal final : public Terminal {
 public:
  bool interactive() const override { return false; }
  bool output_is_terminal() const override { return false; }
  std::optional<std::string> read_line() override { return std::nullopt; }
};

class SteadyClock final : public Clock {
 public:
  std::chrono::steady_clock::time_point now() const override { return std::chrono::steady_clock::now(); }
  void sleep_for(std::chrono::milliseconds duration) override { std::this_thread::sleep_for(duration); }
};

}  // namespace

// Both are stateless: sharing one instance is the same as making one per Host.
Terminal& no_terminal() {
  static NoTerminal terminal;
  return terminal;
}

Clock& steady_clock() {
  static SteadyClock clock;
  return clock;
}

}  // namespace torchup::host
