// The plan options shared by `torchup plan`, `torchup` (no arguments) and
// `torchup install [plan options]`, and the one function that turns them into a
// model::Plan (machine from --profile, --root or this computer; knowledge from
// the data store; commands from render::Selector where built, else render/equivalents).
#pragma once

#include <string>

#include "cli/context.h"
#include "model/plan.h"
#include "plan/planner.h"
#include "util/expected.h"

namespace CLI {
class App;
}

namespace torchup::cli {

struct PlanOptions {
  bool json = false;
  std::string root;     // --root DIR
  std::string profile;  // --profile FILE
  std::string mirror;   // --mirror (accepted; mirrors are install's business)
  plan::Preferences prefs;
};

// Adds --root, --profile, --python, --torch, --platform, --package, --channel, --mirror.
void add_plan_options(CLI::App& cmd, PlanOptions& options);

// Reads the machine and the knowledge base and plans. Errors: usage, not-found,
// parse (a bad --profile names the field), environment.
Expected<model::Plan> compute_plan(Context& ctx, const PlanOptions& options);

// The plan as people read it: verdict, command, reasons, warnings, alternatives.
std::string plan_text(const model::Plan& plan, const Style& style);

// Prints the plan (text or JSON) and returns the exit code (0 fits, 1 nothing fits).
int print_plan(Context& ctx, const model::Plan& plan, bool json);

}  // namespace torchup::cli
