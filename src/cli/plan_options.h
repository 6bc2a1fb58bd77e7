// The plan options shared by `torchup plan`, `torchup` (no arguments) and
// `torchup install [plan options]` (app::compute_plan turns them into a plan), and
// the plan's text rendering.
#pragma once

#include <string>
#include <vector>

#include "app/plan.h"
#include "cli/context.h"
#include "model/plan.h"
#include "plan/planner.h"
#include "util/expected.h"

namespace CLI {
class App;
}

namespace torchup::cli {

struct PlanOptions : app::PlanRequest {
  bool json = false;
  std::string mirror;  // --mirror (accepted; mirrors are install's business)
};

// Adds --root, --profile, --python, --torch, --platform, --package, --channel, --mirror.
void add_plan_options(CLI::App& cmd, PlanOptions& options, const Style& style);

// install's and fetch's --mirror (repeatable), in place of the plan options' single one.
void add_mirrors_option(CLI::App& cmd, std::vector<std::string>& mirrors, const Style& style);

// The plan as people read it: verdict, command, reasons, warnings, alternatives.
std::string plan_text(const model::Plan& plan, const Style& style);

// Prints the plan (text or JSON) and returns the exit code (0 fits, 1 nothing fits).
int print_plan(Context& ctx, const model::Plan& plan, bool json);

}  // namespace torchup::cli
