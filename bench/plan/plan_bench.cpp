// bench_plan [COUNT]: plans COUNT (default 10,000) generated machine profiles
// with the embedded knowledge base and prints the time per plan for 1/10, 1/2
// and all of them. Exit 1 when the time per plan at COUNT is more than 3x the
// time per plan at COUNT/10 (not linear), 0 otherwise. Knowledge is loaded once,
// outside the timed part, as `torchup plan` does once per run.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "data/cuda_table.h"
#include "data/published.h"
#include "data/releases.h"
#include "data/store.h"
#include "host/host.h"
#include "model/machine.h"
#include "plan/planner.h"
#include "render/equivalents.h"

using namespace torchup;

namespace {

// Deterministic machines spanning the cases the planner distinguishes.
std::vector<model::Machine> generate(std::size_t count) {
  std::mt19937 rng(20260901);
  auto pick = [&](auto const& list) { return list[rng() % list.size()]; };
  const std::vector<const char*> os = {"linux", "linux", "linux", "windows", "windows", "macos"};
  const std::vector<const char*> cc = {"5.0", "5.2", "6.1", "7.0", "7.5", "8.0", "8.6", "8.9", "9.0", "10.0", "12.0"};
  const std::vector<const char*> drivers = {"470.82.01", "525.60.13", "535.104.05", "550.54.14", "560.35.03",
                                            "570.86.15", "575.57.08", "580.65.06", "595.45.04"};
  const std::vector<const char*> pythons = {"3.8.10", "3.9.18", "3.10.12", "3.11.2", "3.12.3", "3.13.1", "3.14.0"};
  const std::vector<const char*> gfx = {"gfx1100", "gfx1030", "gfx90a", "gfx1151", "gfx1103"};
  std::vector<model::Machine> out;
  out.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    model::Machine m;
    m.os.family = pick(os);
    m.os.arch = m.os.family == "macos" && rng() % 2 ? "arm64" : "x86_64";
    if (m.os.family == "linux") m.os.glibc = rng() % 10 ? "2.36" : "2.17";
    m.pythons.push_back({"/usr/bin/python3", pick(pythons), 64, std::nullopt, true, false});
    switch (rng() % 4) {
      case 0: break;  // CPU only
      case 1:
      case 2: {
        std::size_t n = 1 + rng() % 2;
        for (std::size_t g = 0; g < n; ++g) m.gpus.push_back({"nvidia", "NVIDIA GPU", std::nullopt, pick(cc), std::nullopt, ""});
        if (rng() % 8) m.nvidia = model::NvidiaDriver{pick(drivers), std::nullopt, "bench"};
        break;
      }
      default:
        m.gpus.push_back({"amd", "AMD GPU", std::nullopt, std::nullopt, std::string(pick(gfx)), ""});
    }
    out.push_back(std::move(m));
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t count = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 10000;
  if (count < 10) count = 10;
  auto fs = host::make_rooted_fs("/");
  data::DataStore store(*fs, {});
  auto releases = data::load_releases(store);
  auto cuda = data::load_cuda_table(store);
  auto rocm = data::load_rocm_gfx(store);
  auto facts = data::load_platform_facts(store);
  auto published = store.load<data::PublishedVersions>("published_versions.json", data::parse_published_versions);
  if (!releases || !cuda || !rocm || !facts || !published) {
    std::fprintf(stderr, "bench_plan: the embedded knowledge base did not load\n");
    return 3;
  }
  plan::Knowledge knowledge{*releases, *cuda, *rocm, *facts, published->latest_stable};
  auto render = render::make_fallback_renderer(&*published);
  auto machines = generate(count);

  auto time_plans = [&](std::size_t n, std::size_t& fits) {
    fits = 0;
    auto start = std::chrono::steady_clock::now();
    for (std::size_t i = 0; i < n; ++i) {
      auto p = plan::make_plan(machines[i], knowledge, {}, render);
      if (p && p->fits) ++fits;
    }
    return std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count() /
           static_cast<double>(n);
  };
  std::printf("bench_plan: %zu generated profiles, embedded knowledge base\n", count);
  std::vector<std::size_t> sizes = {count / 10, count / 2, count};
  std::vector<double> per_plan;
  for (std::size_t n : sizes) {
    std::size_t fits = 0;
    per_plan.push_back(time_plans(n, fits));
    std::printf("  %6zu plans: %8.1f us per plan (%zu fit, %zu nothing fits)\n", n, per_plan.back(), fits, n - fits);
  }
  double ratio = per_plan.back() / per_plan.front();
  std::printf("  per-plan time at %zu / at %zu: %.2f (1.0 = linear)\n", sizes.back(), sizes.front(), ratio);
  return ratio > 3.0 ? 1 : 0;
}
