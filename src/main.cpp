// torchup's entry point: the live host of this computer, then cli::run.
#include <iostream>

#include "cli/commands.h"
#include "cli/context.h"
#include "host/host.h"

int main(int argc, char** argv) {
  std::ios::sync_with_stdio(false);
  std::vector<std::string> args(argv + (argc > 0 ? 1 : 0), argv + argc);
  auto live = torchup::host::OwnedHost::live();
  torchup::host::Host& host = live->host();
  return torchup::cli::run(args, host, torchup::cli::Streams{std::cout, std::cerr, host.terminal.output_is_terminal()});
}
