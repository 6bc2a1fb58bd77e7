// `torchup fleet plan` as people read it: each group with its build, nodes, command,
// reasons and fingerprint; the nodes without a build; the common build and its blockers.
#pragma once

#include "app/fleet.h"
#include "cli/context.h"

namespace torchup::cli {

void print_fleet(Context& ctx, const app::FleetPlan& fleet);

}  // namespace torchup::cli
