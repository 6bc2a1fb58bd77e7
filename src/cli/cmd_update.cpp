// Placeholder until the update command lands; registers nothing.
#include <CLI/CLI.hpp>

#include "cli/commands.h"
#include "cli/context.h"

namespace torchup::cli {
void add_update_command(CLI::App&, Context&) {}
}  // namespace torchup::cli
