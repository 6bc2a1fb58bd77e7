// `plan` as a task (app/plan.h).
#include "app/plan.h"

#include <filesystem>

#include "data/cuda_table.h"
#include "data/releases.h"
#include "detect/detect.h"
#include "render/equivalents.h"
#include "render/selector.h"
#include "util/strings.h"

namespace torchup::app {

namespace {

std::string absolute_path(const std::string& file) {
  std::error_code ec;
  return std::filesystem::absolute(file, ec).lexically_normal().string();
}

Expected<model::Machine> read_profile(const Services& services, const std::string& file) {
  auto text = services.host.fs.read_file(absolute_path(file));
  if (!text) {
    return make_error(ErrorKind::kNotFound, "cannot read profile " + file,
                      "write one with `torchup detect --json > machine.json` on the target machine");
  }
  auto machine = model::machine_from_text(*text);
  if (!machine) {
    // The user's own input file: a usage error (exit 2), not an environment failure.
    return make_error(ErrorKind::kUsage, "profile " + file + ": " + machine.error().message,
                      "the format is `torchup detect --json` (schema torchup.machine/1)");
  }
  return machine;
}

}  // namespace

Expected<model::Machine> read_machine(const Services& services, const PlanRequest& request) {
  if (!request.profile.empty()) return read_profile(services, request.profile);
  if (!request.root.empty() && !services.host.fs.is_dir(absolute_path(request.root))) {
    return make_error(ErrorKind::kNotFound, "--root " + request.root + " is not a directory");
  }
  return detect::detect_machine(services.machine(request.root), services.store, detect::DetectOptions{});
}

plan::CommandRenderer make_renderer(data::DataStore& store, std::shared_ptr<const data::PublishedVersions> published) {
  plan::CommandRenderer fallback = render::make_fallback_renderer(published.get());
  auto selector = render::Selector::load(store);
  if (!selector) return fallback;
  auto sel = std::make_shared<render::Selector>(std::move(*selector));
  return [sel, fallback, published](const plan::BuildRef& b) -> std::optional<plan::RenderedCommand> {
    if (b.platform == "xpu" || b.package == "libtorch") return fallback(b);  // the site has no XPU entry
    render::SelectQuery q;
    q.torch = b.torch == "nightly" ? "nightly" : (b.newest ? "stable" : b.torch);
    q.os = b.os;
    q.package = b.package == "uv" ? "pip" : b.package;
    q.platform = b.platform == "mps" ? "cpu" : b.platform;
    auto r = sel->select(q);
    if (!r || !r->command || r->command->find('\n') != std::string::npos || str::starts_with(*r->command, "#")) {
      return b.package == "conda" ? std::nullopt : fallback(b);
    }
    plan::RenderedCommand out;
    out.command = b.package == "uv" ? render::uv_command(*r->command) : *r->command;
    out.argv = render::command_argv(out.command);
    out.index_url = render::index_url_of(out.command);
    out.source = r->source;
    return out;
  };
}

Expected<LoadedKnowledge> load_knowledge(data::DataStore& store) {
  auto releases = data::load_releases(store);
  if (!releases) return releases.error();
  auto cuda = data::load_cuda_table(store);
  if (!cuda) return cuda.error();
  auto rocm = data::load_rocm_gfx(store);
  if (!rocm) return rocm.error();
  auto facts = data::load_platform_facts(store);
  if (!facts) return facts.error();
  auto published = store.load<data::PublishedVersions>("published_versions.json", data::parse_published_versions);
  if (!published) return published.error();
  return LoadedKnowledge{std::move(*releases), std::move(*cuda), std::move(*rocm), std::move(*facts),
                         std::make_shared<const data::PublishedVersions>(std::move(*published))};
}

Expected<model::Plan> compute_plan(const Services& services, const PlanRequest& request) {
  if (!request.root.empty() && !request.profile.empty()) {
    return make_error(ErrorKind::kUsage, "--root and --profile cannot be combined", "pass one machine");
  }
  if (auto st = plan::check_preferences(request.prefs); !st) return st.error();
  auto machine = read_machine(services, request);
  if (!machine) return machine.error();
  auto knowledge = load_knowledge(services.store);
  if (!knowledge) return knowledge.error();
  return plan::make_plan(*machine, knowledge->view(), request.prefs,
                         make_renderer(services.store, knowledge->published));
}

}  // namespace torchup::app
