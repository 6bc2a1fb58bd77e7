// Placeholder until the detect command lands; registers nothing.
#include <CLI/CLI.hpp>

#include "cli/commands.h"
#include "cli/context.h"

namespace torchup::cli {
void add_detect_command(CLI::App&, Context&) {}
}  // namespace torchup::cli
