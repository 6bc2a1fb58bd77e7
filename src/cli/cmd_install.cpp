// Placeholder until the install command lands; registers nothing.
#include <CLI/CLI.hpp>

#include "cli/commands.h"
#include "cli/context.h"

namespace torchup::cli {
void add_install_command(CLI::App&, Context&) {}
}  // namespace torchup::cli
