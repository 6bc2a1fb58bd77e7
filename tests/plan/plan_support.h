// Shared by the plan tests: the embedded knowledge base loaded once, profiles
// read from tests/fixtures/profiles, and a plan made with the fallback renderer.
#pragma once

#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "data/cuda_table.h"
#include "data/published.h"
#include "data/releases.h"
#include "data/store.h"
#include "host/host.h"
#include "model/machine.h"
#include "plan/planner.h"
#include "render/equivalents.h"

namespace torchup::testing {

struct LoadedKnowledge {
  data::ReleaseData releases;
  data::CudaDriverTable cuda;
  data::RocmGfxTable rocm;
  data::PlatformFacts facts;
  data::PublishedVersions published;
  plan::Knowledge knowledge() const { return {releases, cuda, rocm, facts, published.latest_stable}; }
};

inline const LoadedKnowledge& knowledge() {
  static const LoadedKnowledge k = [] {
    auto fs = host::make_rooted_fs("/");
    data::DataStore store(*fs, {});
    return LoadedKnowledge{data::load_releases(store).value(), data::load_cuda_table(store).value(),
                           data::load_rocm_gfx(store).value(), data::load_platform_facts(store).value(),
                           store.load<data::PublishedVersions>("published_versions.json",
                                                               data::parse_published_versions).value()};
  }();
  return k;
}

inline std::string profile_path(const std::string& name) {
  return std::string(TORCHUP_TEST_DIR) + "/fixtures/profiles/" + name + ".json";
}

inline model::Machine load_profile(const std::string& name) {
  std::ifstream in(profile_path(name));
  std::stringstream text;
  text << in.rdbuf();
  auto m = model::machine_from_text(text.str());
  if (!m) throw std::runtime_error(name + ": " + m.error().message);
  return *m;
}

inline Expected<model::Plan> plan_for(const model::Machine& m, const plan::Preferences& prefs = {}) {
  const auto& k = knowledge();
  return plan::make_plan(m, k.knowledge(), prefs, render::make_fallback_renderer(&k.published));
}

}  // namespace torchup::testing
