// Placeholder: implemented by the cuda_compat work (issue 2).
#include <CLI/CLI.hpp>

#include "cli/commands.h"
#include "cli/context.h"

namespace torchup::cli {
void add_cuda_compat_command(CLI::App&, Context&) {}
}  // namespace torchup::cli
