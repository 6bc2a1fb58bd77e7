// `torchup` with no arguments. Until `plan` lands this prints a short summary of
// what torchup knows (DESIGN §2: it becomes `torchup plan`).
#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/context.h"

namespace torchup::cli {

int run_default(Context& ctx) {
  auto& host = ctx.live_host();
  ctx.out << ctx.style.bold("torchup") << " " << TORCHUP_VERSION << "\n";
  ctx.out << fmt::format("  system: {} {}\n", host.system.os_family, host.system.arch);
  ctx.out << "Run 'torchup --help' for the commands.\n";
  return 0;
}

}  // namespace torchup::cli
