// torchup's entry point: everything happens in cli::run.
#include <unistd.h>

#include <iostream>

#include "cli/commands.h"

int main(int argc, char** argv) {
  std::ios::sync_with_stdio(false);
  return torchup::cli::run(argc, argv, std::cout, std::cerr, ::isatty(STDOUT_FILENO) != 0);
}
