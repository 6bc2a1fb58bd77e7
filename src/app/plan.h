// `plan` as a task: the machine (from --profile, --root or this computer), the
// knowledge base, the planner, and the command renderer (render::Selector's own
// lines, uv's rewrite of them, render/equivalents where the site has none).
#pragma once

#include <memory>
#include <string>

#include "app/services.h"
#include "data/published.h"
#include "model/machine.h"
#include "model/plan.h"
#include "plan/planner.h"
#include "util/expected.h"

namespace torchup::app {

struct PlanRequest {
  std::string root;     // --root DIR: the machine's files under DIR
  std::string profile;  // --profile FILE: a `detect --json` document
  plan::Preferences prefs;
};

// The machine a plan is for. Errors: --root not a directory, an unreadable or
// malformed profile (naming the field).
Expected<model::Machine> read_machine(const Services& services, const PlanRequest& request);

// pip/uv/conda commands for a build: pytorch.org's own line (render::Selector),
// rewritten for uv (render::uv_command), else render/equivalents' pinned form.
plan::CommandRenderer make_renderer(data::DataStore& store, std::shared_ptr<const data::PublishedVersions> published);

// The knowledge base as the planner reads it (owned; `view()` borrows it).
struct LoadedKnowledge {
  data::ReleaseData releases;
  data::CudaDriverTable cuda;
  data::RocmGfxTable rocm;
  data::PlatformFacts facts;
  std::shared_ptr<const data::PublishedVersions> published;
  plan::Knowledge view() const { return {releases, cuda, rocm, facts, published->latest_stable}; }
};
Expected<LoadedKnowledge> load_knowledge(data::DataStore& store);

// Reads the machine and the knowledge base and plans. Errors: usage, not-found,
// parse (a bad --profile names the field), environment.
Expected<model::Plan> compute_plan(const Services& services, const PlanRequest& request);

}  // namespace torchup::app
