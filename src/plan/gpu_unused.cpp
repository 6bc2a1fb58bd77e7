// No GPU build fits but a CPU build does (DESIGN §3): the plan is the CPU build,
// and its verdict says why the GPU cannot be used and what to change. Every
// change named is confirmed by evaluating the machine with it (rules.h), so a
// Kepler GPU is not told that a newer driver helps.
#include <fmt/format.h>

#include <algorithm>

#include "plan/plan_steps.h"
#include "util/strings.h"

namespace torchup::plan::detail {

MachineView with_driver(const MachineView& m, const DottedVersion& driver,
                        const data::CudaDriverTable& cuda) {
  MachineView v = m;
  v.driver = driver;
  v.driver_text = data::driver_version_str(driver);
  v.driver_max_cuda = cuda.max_cuda_for_driver(driver, v.driver_os);
  v.max_cuda_reported = false;
  return v;
}

namespace {

// The driver a CUDA variant needs at least (its major's minor-version floor).
std::optional<DottedVersion> driver_needed(const Step& s, const Variant& v) {
  if (!v.cuda) return std::nullopt;
  auto need = s.k.cuda.minor_compat_floor(v.cuda->major(), s.m.driver_os);
  return need ? need : s.k.cuda.min_driver_for_cuda(*v.cuda, s.m.driver_os);
}

// GPU variants of a release, lowest CUDA / ROCm first (the smallest change first).
std::vector<Variant> gpu_variants_lowest_first(const Step& s, const ReleaseRef& r) {
  auto variants = variants_for(r, s.accel, s.k, s.m, s.prefs.platform);
  std::reverse(variants.begin(), variants.end());
  variants.erase(std::remove_if(variants.begin(), variants.end(),
                                [&](const Variant& v) { return !release_has(r, s.k, v.name); }),
                 variants.end());
  return variants;
}

Text gpu_names(const Step& s) {
  const auto& gpus = s.accel == Accel::kCuda   ? s.m.nvidia
                     : s.accel == Accel::kRocm ? s.m.amd
                                               : s.m.intel_xpu;
  std::vector<std::string> names;
  for (const auto& g : gpus) {
    std::string name = g.name.empty() ? std::string(accel_name(s.accel)) + " GPU" : g.name;  // a product name
    if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
  }
  if (names.empty()) return tr("plan.the-gpu", "the GPU");
  Text list = tr("plan.the-named-gpu", "the {gpu}", {{"gpu", names.front()}});
  for (std::size_t i = 1; i < names.size(); ++i) {
    list = tr("plan.gpu-list-and", "{list} and the {gpu}", {{"list", list}, {"gpu", names[i]}});
  }
  return list;
}

// Why no GPU build of the newest release fits, judged as if the driver were new
// enough: a driver that predates every build is the cause only when a newer one
// would really fit (a Kepler GPU fails on its arch, whatever the driver).
Text gpu_cause(const Step& s, const Evaluation& e, const ReleaseRef& cpu_release) {
  // The row of the release the CPU plan uses: its GPU variants failed only for GPU reasons
  // (a newer release may fail first on glibc or Python, which the CPU build shares).
  const auto* row = &e.rows.front();
  for (const auto& candidate : e.rows) {
    if (!candidate.empty() && candidate.front().release->torch == cpu_release.torch)
      row = &candidate;
  }
  const auto& top = *row;
  const ReleaseRef& r = *top.front().release;
  for (const auto& sc : top) {
    if (sc.verdict.failure == Failure::kOs) return sc.verdict.why_not;
  }
  if (s.accel == Accel::kCuda) {
    std::optional<DottedVersion> newest_need;
    for (const auto& sc : top) {
      auto need = driver_needed(s, sc.variant);
      if (need && (!newest_need || *newest_need < *need)) newest_need = need;
    }
    if (newest_need && (!s.m.driver || *s.m.driver < *newest_need)) {
      const MachineView current = with_driver(s.m, *newest_need, s.k.cuda);
      std::optional<Text> gpu_failure;
      bool driver_would_do = false;
      for (const auto& sc : top) {
        Verdict v = release_has(r, s.k, sc.variant.name) ? evaluate(current, s.ctx, r, sc.variant)
                                                         : sc.verdict;
        if (v.fits) driver_would_do = true;
        if (v.failure == Failure::kGpu && !gpu_failure)
          gpu_failure = tr("plan.variant-is", "{variant} is {why}", {{"variant", sc.variant.name}, {"why", v.why_not}});
      }
      if (!driver_would_do && gpu_failure)
        return tr("plan.no-kernels-for-gpu", "no CUDA build of torch {torch} has kernels for it ({why})",
                  {{"torch", r.torch}, {"why", *gpu_failure}});
      if (!s.m.driver) return tr("plan.no-driver-loaded", "no NVIDIA driver is loaded");
      if (driver_would_do)
        return tr("plan.driver-older-than-all", "driver {driver} is older than every CUDA build of torch {torch} needs",
                  {{"driver", s.m.driver_text}, {"torch", r.torch}});
    }
  }
  for (Failure f : {Failure::kGpu, Failure::kDriver}) {
    for (const auto& sc : top) {
      if (sc.verdict.failure == f)
        return tr("plan.build-cause", "torch {torch} {variant}: {why}",
                  {{"torch", r.torch}, {"variant", sc.variant.name}, {"why", sc.verdict.why_not}});
    }
  }
  return tr("plan.build-cause", "torch {torch} {variant}: {why}",
            {{"torch", r.torch}, {"variant", top.front().variant.name}, {"why", top.front().verdict.why_not}});
}

// One change that gives a GPU build, confirmed by evaluating the machine with it:
// a driver, another OS (ROCm on Windows), or another Python. Newest release first.
// Only releases whose GPU variants failed on that rule are tried: the rules run in
// order (OS, Python, glibc, driver, GPU), so another change cannot make them fit.
std::optional<Text> gpu_fix(const Step& s, const Evaluation& e) {
  auto failed_on = [&](std::size_t i, Failure f) {
    if (i >= e.rows.size()) return true;
    return std::any_of(e.rows[i].begin(), e.rows[i].end(),
                       [f](const Scored& sc) { return sc.verdict.failure == f; });
  };
  if (s.accel == Accel::kCuda) {
    for (std::size_t i = 0; i < s.releases.size(); ++i) {
      const auto& r = s.releases[i];
      if (!failed_on(i, Failure::kDriver)) continue;
      for (const auto& v : gpu_variants_lowest_first(s, r)) {
        auto need = driver_needed(s, v);
        if (!need || (s.m.driver && *s.m.driver >= *need)) continue;
        if (!evaluate(with_driver(s.m, *need, s.k.cuda), s.ctx, r, v).fits) continue;
        if (s.m.driver) {
          return tr("plan.fix-update-driver",
                    "NVIDIA driver >= {need} gives torch {torch} with {cuda}; install it, then run torchup again",
                    {{"need", data::driver_version_str(*need)}, {"torch", r.torch}, {"cuda", v.label()}});
        }
        return tr("plan.fix-install-driver",
                  "an NVIDIA driver >= {need} gives torch {torch} with {cuda}; install it, then run torchup again",
                  {{"need", data::driver_version_str(*need)}, {"torch", r.torch}, {"cuda", v.label()}});
      }
    }
  }
  if (s.m.os != "linux") {
    MachineView on_linux = s.m;
    on_linux.os = "linux";
    for (std::size_t i = 0; i < s.releases.size(); ++i) {
      const auto& r = s.releases[i];
      if (!failed_on(i, Failure::kOs)) continue;
      for (const auto& v : gpu_variants_lowest_first(s, r)) {
        if (!evaluate(on_linux, s.ctx, r, v).fits) continue;
        return tr("plan.fix-linux", "on Linux it gets torch {torch} with {build}", {{"torch", r.torch}, {"build", v.label()}});
      }
    }
  }
  for (std::size_t i = 0; i < s.releases.size(); ++i) {
    const auto& r = s.releases[i];
    if (r.python.empty() || !failed_on(i, Failure::kPython)) continue;
    MachineView other_python = s.m;
    other_python.python = DottedVersion::parse(r.python.back());
    if (!other_python.python || other_python.python == s.m.python) continue;
    for (const auto& v : gpu_variants_lowest_first(s, r)) {
      if (!evaluate(other_python, s.ctx, r, v).fits) continue;
      return tr("plan.fix-python", "with Python {first}-{last} it gets torch {torch} with {build} (torchup plan --python {last})",
                {{"first", r.python.front()}, {"last", r.python.back()}, {"torch", r.torch}, {"build", v.label()}});
    }
  }
  return std::nullopt;
}

}  // namespace

Text why_gpu_unused(const Step& s, const Evaluation& e, const ReleaseRef& cpu_release) {
  Text cause = tr("plan.gpu-unused", "{gpus} cannot be used: {cause}", {{"gpus", gpu_names(s)}, {"cause", gpu_cause(s, e, cpu_release)}});
  if (auto fix = gpu_fix(s, e)) return tr("plan.gpu-unused-fix", "{cause}; {fix}", {{"cause", cause}, {"fix", *fix}});
  return cause;
}

bool falls_back_to_cpu(const Step& s, const Evaluation& e) {
  return !e.chosen && s.prefs.platform == "auto" && !e.rows.empty() && !e.rows.front().empty() &&
         (s.accel == Accel::kCuda || s.accel == Accel::kRocm || s.accel == Accel::kXpu);
}

}  // namespace torchup::plan::detail
