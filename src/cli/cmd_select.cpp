// Placeholder: implemented by the select work (issue 2).
#include <CLI/CLI.hpp>

#include "cli/commands.h"
#include "cli/context.h"

namespace torchup::cli {
void add_select_command(CLI::App&, Context&) {}
}  // namespace torchup::cli
