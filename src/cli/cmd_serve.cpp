// Placeholder until the serve command lands; registers nothing.
#include <CLI/CLI.hpp>

#include "cli/commands.h"
#include "cli/context.h"

namespace torchup::cli {
void add_serve_command(CLI::App&, Context&) {}
}  // namespace torchup::cli
