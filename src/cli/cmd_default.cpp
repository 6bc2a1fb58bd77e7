// `torchup` with no arguments: `torchup plan` on this machine (DESIGN §2).
#include "cli/context.h"  // before commands.h, which needs <iosfwd>
#include "cli/commands.h"
#include "cli/plan_options.h"

namespace torchup::cli {

int run_default(Context& ctx) {
  PlanOptions options;  // this machine, the active Python, stable channel, pip
  auto plan = app::compute_plan(ctx.services(), options);
  ctx.flush_data_warnings();
  if (!plan) return ctx.fail(plan.error());
  return print_plan(ctx, *plan, false);
}

}  // namespace torchup::cli
