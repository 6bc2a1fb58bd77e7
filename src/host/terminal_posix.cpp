// Standard input as the user's terminal (POSIX isatty).
#include <unistd.h>

#include <iostream>

#include "host/host.h"

namespace torchup::host {

namespace {

class StdinTerminal final : public Terminal {
 public:
  bool interactive() const override { return ::isatty(STDIN_FILENO) != 0; }
  bool output_is_terminal() const override { return ::isatty(STDOUT_FILENO) != 0; }
  std::optional<std::string> read_line() override {
    std::string line;
    if (!std::getline(std::cin, line)) return std::nullopt;
    return line;
  }
};

}  // namespace

std::unique_ptr<Terminal> make_stdin_terminal() { return std::make_unique<StdinTerminal>(); }

}  // namespace torchup::host
