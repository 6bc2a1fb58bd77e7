// DESIGN §3 rules 1-5. Each rule that removes a candidate says why in words a
// user can act on ("driver 570.86 < 580 required", "built for sm_50..sm_90, this
// GPU is sm_120"). Facts come from data/ (sources cited in those files).
#include "plan/rules.h"

#include <algorithm>
#include <regex>

#include <fmt/format.h>

#include "util/strings.h"

namespace torchup::plan {

const char* accel_name(Accel a) {
  switch (a) {
    case Accel::kCpu: return "CPU";
    case Accel::kCuda: return "CUDA";
    case Accel::kRocm: return "ROCm";
    case Accel::kXpu: return "XPU";
    case Accel::kMps: return "MPS";
  }
  return "?";
}

std::string Variant::label() const {
  switch (accel) {
    case Accel::kCuda: return "CUDA " + (cuda ? cuda->str() : std::string("?"));
    case Accel::kRocm: return "ROCm " + name.substr(4);
    default: return accel_name(accel);
  }
}

std::optional<Variant> parse_variant(const std::string& name) {
  Variant v;
  v.name = name;
  if (name == "cpu") return v;
  if (name == "xpu") { v.accel = Accel::kXpu; return v; }
  if (name == "mps") { v.accel = Accel::kMps; return v; }
  if (str::starts_with(name, "rocm") && DottedVersion::parse(name.substr(4))) {
    v.accel = Accel::kRocm;
    return v;
  }
  // cuXYZ: the last digit is the minor version (cu92 = 9.2, cu126 = 12.6, cu130 = 13.0).
  if (str::starts_with(name, "cu") && name.size() >= 4 && str::parse_int(name.substr(2))) {
    std::string digits = name.substr(2);
    auto major = str::parse_int(digits.substr(0, digits.size() - 1));
    auto minor = str::parse_int(digits.substr(digits.size() - 1));
    if (!major || !minor) return std::nullopt;
    v.accel = Accel::kCuda;
    v.cuda = DottedVersion({static_cast<long>(*major), static_cast<long>(*minor)});
    return v;
  }
  return std::nullopt;
}

std::string sm_name(const DottedVersion& cc) {
  return fmt::format("sm_{}{}", cc.major(), cc.minor());
}

std::string arch_range(const std::vector<data::CudaArch>& archs) {
  if (archs.empty()) return "no archs";
  auto lo = std::min_element(archs.begin(), archs.end(),
                             [](const auto& a, const auto& b) { return a.capability < b.capability; });
  auto hi = std::max_element(archs.begin(), archs.end(),
                             [](const auto& a, const auto& b) { return a.capability < b.capability; });
  return sm_name(lo->capability) + ".." + sm_name(hi->capability) + (hi->ptx ? "+PTX" : "");
}

bool arch_covers(const std::vector<data::CudaArch>& archs, const DottedVersion& cc) {
  // An arch X.Y covers GPUs X.Z with Z >= Y (same major: binary compatibility
  // within a major, NVIDIA CUDA C Programming Guide "Binary Compatibility");
  // PTX of the highest arch JIT-compiles for any newer GPU.
  const data::CudaArch* highest = nullptr;
  for (const auto& a : archs) {
    if (a.capability.major() == cc.major() && a.capability.minor() <= cc.minor()) return true;
    if (!highest || highest->capability < a.capability) highest = &a;
  }
  return highest && highest->ptx && cc > highest->capability;
}

namespace {

std::string normalise_arch(const std::string& arch) {
  std::string a = str::to_lower(arch);
  if (a == "amd64" || a == "x64") return "x86_64";
  if (a == "arm64" || a == "aarch64") return a;
  return a;
}

bool is_xpu_gpu(const model::Gpu& gpu) {
  // Validated hardware in PyTorch's "Getting Started on Intel GPU" (2.5-2.12):
  // Arc A/B-series, Core Ultra with Arc graphics, Data Center GPU Max.
  return str::icontains(gpu.name, "arc") || str::icontains(gpu.name, "data center gpu max");
}

std::optional<DottedVersion> mm(const std::string& text) {
  auto v = DottedVersion::parse(text);
  if (!v) return std::nullopt;
  return v->truncated(2);
}

std::string gpu_label(const model::Gpu& gpu) {
  std::string name = gpu.name.empty() ? std::string("NVIDIA GPU") : gpu.name;
  if (gpu.compute_capability) {
    if (auto cc = DottedVersion::parse(*gpu.compute_capability)) return name + " (" + sm_name(*cc) + ")";
  }
  return name;
}

}  // namespace

Expected<MachineView> make_view(const model::Machine& m, const data::CudaDriverTable& cuda,
                                const std::string& python_pref) {
  MachineView v;
  v.os = m.os.family;
  v.arch = normalise_arch(m.os.arch);
  v.wsl = m.os.wsl;
  if (m.os.glibc) v.glibc = DottedVersion::parse(*m.os.glibc);
  if (v.os == "macos" && !m.os.version.empty()) v.macos_version = DottedVersion::parse(m.os.version);
  for (const auto& gpu : m.gpus) {
    std::string vendor = str::to_lower(gpu.vendor);
    if (vendor == "nvidia") v.nvidia.push_back(gpu);
    else if (vendor == "amd") v.amd.push_back(gpu);
    else if (vendor == "intel" && is_xpu_gpu(gpu)) v.intel_xpu.push_back(gpu);
    else if (vendor == "apple") v.apple_gpu = true;
    else v.other.push_back(gpu);
  }
  if (v.os == "macos" && v.arch == "arm64") v.apple_gpu = true;
  // Under WSL2 the GPU driver is the Windows host's (NVIDIA CUDA on WSL User Guide),
  // so the Windows column of Table 3 applies.
  v.driver_os = (v.os == "windows" || v.wsl) ? data::DriverOs::kWindows : data::DriverOs::kLinux;
  if (m.nvidia) {
    v.driver_text = m.nvidia->driver_version;
    v.driver = DottedVersion::parse(m.nvidia->driver_version);
    if (m.nvidia->max_cuda) v.driver_max_cuda = mm(*m.nvidia->max_cuda);
    v.max_cuda_reported = v.driver_max_cuda.has_value();
    if (!v.driver_max_cuda && v.driver) v.driver_max_cuda = cuda.max_cuda_for_driver(*v.driver, v.driver_os);
  }
  // detect's GPU from WSL2's driver files (detect/probes.h kWslDriverSource) without a version.
  for (const auto& gpu : v.nvidia) {
    if (!v.driver && v.wsl && gpu.source == "wsl-driver-files") v.driver_version_unknown = true;
  }
  if (v.driver_version_unknown) v.driver_text = "of unknown version";

  // The interpreter: --python PATH or X.Y, else the active one, else the newest found.
  const model::Python* chosen = nullptr;
  if (!python_pref.empty()) {
    bool is_version = DottedVersion::parse(python_pref).has_value();
    for (const auto& p : m.pythons) {
      if (is_version ? (mm(p.version) && mm(p.version) == mm(python_pref)) : p.path == python_pref) {
        chosen = &p;
        break;
      }
    }
    if (!chosen && !is_version) {
      return make_error(ErrorKind::kNotFound,
                        tr("plan.no-python-at", "no Python interpreter at {path} on this machine", {{"path", python_pref}}),
                        tr("plan.no-python-at-hint", "pass --python X.Y to plan for a Python version, or a path that `torchup detect` lists"));
    }
    if (!chosen) v.python = mm(python_pref);
  } else {
    for (const auto& p : m.pythons) {
      if (p.active) { chosen = &p; break; }
    }
    for (const auto& p : m.pythons) {
      if (chosen && chosen->active) break;
      auto pv = mm(p.version);
      if (pv && (!chosen || *mm(chosen->version) < *pv)) chosen = &p;
    }
  }
  if (chosen) {
    v.python = mm(chosen->version);
    v.python_bits = chosen->bits;
    v.python_path = chosen->path;
    v.python_externally_managed = chosen->externally_managed;
  }
  return v;
}

ReleaseRef release_ref(const data::TorchRelease& r, const std::string& os) {
  ReleaseRef ref;
  ref.torch = r.version;
  ref.release = &r;
  const auto on_os = r.python_os.find(os);
  const std::vector<std::string>* listed = on_os != r.python_os.end() ? &on_os->second : r.python ? &*r.python : nullptr;
  if (listed) {
    for (const auto& p : *listed) {
      if (!str::ends_with(p, "t")) ref.python.push_back(p);  // free-threaded builds aside
    }
  } else if (r.python_range) {
    // RELEASE.md: ">=3.7, <=3.10" or ">=3.10, <=(3.14, 3.14t experimental)".
    static const std::regex lo_re(R"(>=\s*(\d+)\.(\d+))"), hi_re(R"(<=\s*\(?\s*(\d+)\.(\d+))");
    std::smatch lo, hi;
    if (std::regex_search(*r.python_range, lo, lo_re) && std::regex_search(*r.python_range, hi, hi_re) &&
        lo[1] == hi[1]) {
      for (int minor = std::stoi(lo[2]); minor <= std::stoi(hi[2]); ++minor) {
        ref.python.push_back(lo[1].str() + "." + std::to_string(minor));
      }
    }
  }
  ref.python_known = !ref.python.empty();
  return ref;
}

namespace {

bool contains(const std::vector<std::string>& list, const std::string& s) {
  return std::find(list.begin(), list.end(), s) != list.end();
}

Verdict fail(Failure f, Text why) {
  Verdict v;
  v.fits = false;
  v.failure = f;
  v.why_not = std::move(why);
  return v;
}

std::string python_span(const ReleaseRef& r) {
  if (r.python.empty()) return "?";
  return r.python.front() == r.python.back() ? r.python.front() : r.python.front() + "-" + r.python.back();
}

// The arch list of (release, variant), or one inferred from the nearest release
// that has it (DESIGN §3: inferred lists are reported, never silently assumed).
std::optional<std::vector<data::CudaArch>> arch_list_for(const RuleContext& ctx, const ReleaseRef& r,
                                                         const std::string& variant, std::string& inferred_from) {
  const auto& all = ctx.releases.releases;
  std::ptrdiff_t at = static_cast<std::ptrdiff_t>(all.size());  // nightly: past the newest
  if (r.release) {
    auto it = r.release->arch_lists.find(variant);
    if (it != r.release->arch_lists.end() && it->second) return it->second;
    at = std::find_if(all.begin(), all.end(), [&](const auto& x) { return &x == r.release; }) - all.begin();
  }
  const data::TorchRelease* best = nullptr;
  std::ptrdiff_t best_distance = 0;
  for (std::ptrdiff_t i = 0; i < static_cast<std::ptrdiff_t>(all.size()); ++i) {
    auto it = all[static_cast<std::size_t>(i)].arch_lists.find(variant);
    if (it == all[static_cast<std::size_t>(i)].arch_lists.end() || !it->second || i == at) continue;
    std::ptrdiff_t d = i > at ? i - at : at - i;
    if (!best || d <= best_distance) {  // ties go to the newer release
      best = &all[static_cast<std::size_t>(i)];
      best_distance = d;
    }
  }
  if (!best) {
    auto fb = ctx.releases.fallback_arch_lists.find(variant);
    if (fb == ctx.releases.fallback_arch_lists.end()) return std::nullopt;
    inferred_from = ctx.releases.fallback_arch_source;
    return fb->second;
  }
  inferred_from = best->version;
  return best->arch_lists.at(variant);
}

// The Linux aarch64 wheels' arch list of (release, variant); none for nightlies.
std::optional<std::vector<data::CudaArch>> aarch64_arch_list(const ReleaseRef& r, const std::string& variant) {
  if (!r.release) return std::nullopt;
  auto it = r.release->arch_lists_aarch64.find(variant);
  if (it == r.release->arch_lists_aarch64.end()) return std::nullopt;
  return it->second;
}

}  // namespace

Verdict evaluate(const MachineView& m, const RuleContext& ctx, const ReleaseRef& r, const Variant& variant) {
  const auto& facts = ctx.facts;
  const bool nightly = r.release == nullptr;
  const Version torch = nightly ? Version::parse("999").value() : r.release->parsed;
  Verdict ok;
  ok.fits = true;

  // Rule 1: the OS and CPU architecture have this build.
  if (m.os == "macos") {
    if (variant.accel == Accel::kCuda) return fail(Failure::kOs, tr("plan.macos-cuda", "no CUDA builds for macOS (pytorch.org: 'CUDA is not available on MacOS')"));
    if (variant.accel == Accel::kRocm || variant.accel == Accel::kXpu) {
      return fail(Failure::kOs, tr("plan.macos-accel", "no {accel} builds for macOS", {{"accel", accel_name(variant.accel)}}));
    }
    if (m.arch == "x86_64" && torch > facts.macos_x86_64_last_torch) {
      return fail(Failure::kOs, tr("plan.intel-macos-end", "Intel macOS wheels end at torch {torch}",
                                   {{"torch", facts.macos_x86_64_last_torch.str()}}));
    }
    if (variant.accel == Accel::kMps) {
      if (m.arch != "arm64") return fail(Failure::kOs, tr("plan.mps-arm64", "MPS needs Apple silicon (arm64)"));
      if (torch < facts.mps_first_torch) {
        return fail(Failure::kOs, tr("plan.mps-first", "MPS arrived in torch {torch}", {{"torch", facts.mps_first_torch.str()}}));
      }
      if (m.macos_version && *m.macos_version < facts.mps_min_macos) {
        return fail(Failure::kOs, tr("plan.mps-macos", "MPS needs macOS >= {need}, this is {have}",
                                     {{"need", facts.mps_min_macos.str()}, {"have", m.macos_version->str()}}));
      }
      ok.reasons.push_back(tr("plan.mps-ok", "Apple silicon GPU through MPS (macOS arm64 wheels include it)"));
    }
  } else if (m.os == "linux" || m.os == "windows") {
    const auto& arches = m.os == "linux" ? facts.linux_arch : facts.windows_arch;
    if (!contains(arches, m.arch)) {
      return fail(Failure::kOs, tr("plan.no-arch-wheels", "no {os} {arch} wheels", {{"os", m.os}, {"arch", m.arch}}));
    }
    if (variant.accel == Accel::kMps) return fail(Failure::kOs, tr("plan.mps-macos-only", "MPS exists only on macOS"));
    if (variant.accel == Accel::kCuda && !contains(facts.cuda_os, m.os)) {
      return fail(Failure::kOs, tr("plan.no-cuda-os", "no CUDA builds for {os}", {{"os", m.os}}));
    }
    if (variant.accel == Accel::kRocm && !contains(facts.rocm_os, m.os)) {
      return fail(Failure::kOs, tr("plan.rocm-linux-only", "ROCm builds are Linux only (pytorch.org: 'ROCm is not available on Windows')"));
    }
    // Server Arm (sbsa) CUDA wheels: only where the release data has their arch list.
    const bool aarch64_cuda = variant.accel == Accel::kCuda && m.os == "linux" && m.arch == "aarch64";
    if (aarch64_cuda && !aarch64_arch_list(r, variant.name)) {
      return fail(Failure::kOs, tr("plan.aarch64-cuda-unknown",
                                   "torchup's data has no aarch64 arch list for torch {torch} {variant} (recorded from 2.12 on)",
                                   {{"torch", r.torch}, {"variant", variant.name}}));
    }
    if ((variant.accel == Accel::kCuda || variant.accel == Accel::kRocm) && m.arch != "x86_64" && !aarch64_cuda) {
      return fail(Failure::kOs, tr("plan.arch-not-modelled", "{accel} wheels for {arch} are not modelled by torchup",
                                   {{"accel", accel_name(variant.accel)}, {"arch", m.arch}}));
    }
    if (variant.accel == Accel::kXpu) {
      if (!contains(facts.xpu_os, m.os)) return fail(Failure::kOs, tr("plan.no-xpu-os", "no XPU builds for {os}", {{"os", m.os}}));
      if (torch < facts.xpu_first_torch) {
        return fail(Failure::kOs, tr("plan.xpu-first", "XPU wheels start at torch {torch}", {{"torch", facts.xpu_first_torch.str()}}));
      }
    }
  } else {
    return fail(Failure::kOs, tr("plan.unknown-os", "unknown operating system; torchup cannot tell which wheels apply"));
  }

  // Rule 2: Python version in the release's list, 64-bit interpreter.
  if (m.python) {
    if (m.python_bits != facts.python_bits) {
      return fail(Failure::kPython, tr("plan.python-bits", "{bits}-bit Python: PyTorch publishes {need}-bit wheels only",
                                       {{"bits", std::to_string(m.python_bits)}, {"need", std::to_string(facts.python_bits)}}));
    }
    if (!r.python_known) {
      return fail(Failure::kUnknownData, tr("plan.python-unknown", "its Python versions are not recorded in torchup's data"));
    }
    if (!contains(r.python, m.python->str())) {
      return fail(Failure::kPython, tr("plan.python-needs", "needs Python {span}, this Python is {python}",
                                       {{"span", python_span(r)}, {"python", m.python->str()}}));
    }
    ok.reasons.push_back(tr("plan.python-ok", "Python {python} is supported ({span})",
                            {{"python", m.python->str()}, {"span", python_span(r)}}));
  } else {
    ok.warnings.push_back(tr("plan.no-python", "no Python interpreter found: torch {torch} needs Python {span}",
                             {{"torch", r.torch}, {"span", python_span(r)}}));
  }

  // Rule 5: glibc.
  if (m.os == "linux" && !nightly) {
    if (auto need = facts.glibc_for(torch); need && m.glibc && *m.glibc < *need) {
      return fail(Failure::kGlibc, tr("plan.glibc", "needs glibc >= {need}, this system has {have}",
                                      {{"need", need->str()}, {"have", m.glibc->str()}}));
    }
  }

  if (variant.accel == Accel::kCuda) {
    // Rule 3: driver >= the minor-version-compatibility floor of the CUDA major.
    if (m.nvidia.empty()) return fail(Failure::kGpu, tr("plan.no-nvidia-gpu", "no NVIDIA GPU"));
    if (!m.driver && !m.driver_version_unknown) {
      return fail(Failure::kDriver, tr("plan.no-nvidia-driver", "no NVIDIA driver found"));
    }
    const auto& cuda_v = *variant.cuda;
    auto floor = ctx.cuda.minor_compat_floor(cuda_v.major(), m.driver_os);
    auto full_min = ctx.cuda.min_driver_for_cuda(cuda_v, m.driver_os);
    if (!floor) floor = full_min;
    if (!floor) {
      return fail(Failure::kUnknownData, tr("plan.no-driver-floor", "no minimum driver known for CUDA {cuda}", {{"cuda", cuda_v.str()}}));
    }
    if (!m.driver) {
      // Installed, version unknown: not refused, never claimed fully supported (so the
      // lowest CUDA of the release is chosen), and the driver it needs is named.
      ok.full_cuda = false;
      if (full_min && *full_min != *floor) {
        ok.warnings.push_back(tr("plan.driver-version-unknown-full",
                                 "the NVIDIA driver's version is unknown: CUDA {cuda} needs driver >= {floor}, >= {full} "
                                 "for full support (check `nvidia-smi`)",
                                 {{"cuda", cuda_v.str()}, {"floor", data::driver_version_str(*floor)},
                                  {"full", data::driver_version_str(*full_min)}}));
      } else {
        ok.warnings.push_back(tr("plan.driver-version-unknown",
                                 "the NVIDIA driver's version is unknown: CUDA {cuda} needs driver >= {floor} (check `nvidia-smi`)",
                                 {{"cuda", cuda_v.str()}, {"floor", data::driver_version_str(*floor)}}));
      }
      ok.reasons.push_back(tr("plan.driver-installed-version-unknown", "an NVIDIA driver is installed (its version is unknown)"));
    } else if (*m.driver < *floor) {
      return fail(Failure::kDriver, tr("plan.driver-too-old", "driver {driver} < {need} required",
                                       {{"driver", m.driver_text}, {"need", data::driver_version_str(*floor)}}));
    } else if (m.max_cuda_reported) {
      ok.full_cuda = cuda_v <= *m.driver_max_cuda;  // the driver's own answer wins
    } else if (full_min) {
      ok.full_cuda = *m.driver >= *full_min;
    } else {
      // Table 3 gives no minimum for this OS (CUDA 13.x on Windows): only the
      // major's floor is known, so full support is not claimed.
      ok.full_cuda = false;
      ok.warnings.push_back(tr("plan.table3-no-windows",
                               "NVIDIA's Table 3 lists no Windows driver for CUDA {cuda}; driver >= {floor} "
                               "(the {major}.x floor) is what is known to be needed",
                               {{"cuda", cuda_v.str()}, {"floor", data::driver_version_str(*floor)},
                                {"major", std::to_string(cuda_v.major())}}));
    }
    if (m.driver && ok.full_cuda) {
      ok.reasons.push_back(tr("plan.driver-supports", "driver {driver} supports CUDA {cuda}",
                              {{"driver", m.driver_text}, {"cuda", cuda_v.str()}}));
    } else if (m.driver) {
      ok.reasons.push_back(tr("plan.driver-minor-compat", "driver {driver} runs CUDA {cuda} through minor-version compatibility",
                              {{"driver", m.driver_text}, {"cuda", cuda_v.str()}}));
    }

    // Rule 4: every NVIDIA GPU's compute capability is in the arch list.
    std::string inferred_from;
    auto archs = m.os == "linux" && m.arch == "aarch64" ? aarch64_arch_list(r, variant.name)
                                                        : arch_list_for(ctx, r, variant.name, inferred_from);
    if (!archs) {
      ok.warnings.push_back(tr("plan.no-arch-list", "no arch list known for {variant}: GPU support of {torch} {variant} not checked",
                               {{"variant", variant.name}, {"torch", r.torch}}));
      return ok;
    }
    for (const auto& gpu : m.nvidia) {
      auto cc = gpu.compute_capability ? DottedVersion::parse(*gpu.compute_capability) : std::nullopt;
      if (!cc) {
        ok.warnings.push_back(tr("plan.cc-unknown", "compute capability of {gpu} unknown: not checked against {archs}",
                                 {{"gpu", gpu_label(gpu)}, {"archs", arch_range(*archs)}}));
        continue;
      }
      if (!arch_covers(*archs, *cc)) {
        Text built;
        if (m.nvidia.size() > 1) {
          built = tr("plan.arch-not-covered-named", "built for {archs}, {gpu} is {sm}",
                     {{"archs", arch_range(*archs)}, {"gpu", gpu.name}, {"sm", sm_name(*cc)}});
        } else {
          built = tr("plan.arch-not-covered", "built for {archs}, this GPU is {sm}", {{"archs", arch_range(*archs)}, {"sm", sm_name(*cc)}});
        }
        if (inferred_from.empty()) return fail(Failure::kGpu, built);
        return fail(Failure::kGpu, tr("plan.arch-inferred-suffix", "{why} (arch list inferred from {source})",
                                      {{"why", built}, {"source", inferred_from}}));
      }
      ok.reasons.push_back(tr("plan.arch-covered", "{gpu} is covered ({archs})", {{"gpu", gpu_label(gpu)}, {"archs", arch_range(*archs)}}));
    }
    if (!inferred_from.empty()) {
      ok.warnings.push_back(tr("plan.arch-inferred",
                               "the arch list of {torch} {variant} is not verified; inferred from {source} {variant} ({archs})",
                               {{"torch", r.torch}, {"variant", variant.name}, {"source", inferred_from}, {"archs", arch_range(*archs)}}));
    }
  } else if (variant.accel == Accel::kRocm) {
    if (m.amd.empty()) return fail(Failure::kGpu, tr("plan.no-amd-gpu", "no AMD GPU"));
    const auto* targets = ctx.rocm.targets(variant.name);
    for (const auto& gpu : m.amd) {
      if (!gpu.gfx_target) return fail(Failure::kGpu, tr("plan.gfx-unknown", "the gfx target of {gpu} is unknown", {{"gpu", gpu.name}}));
      if (!targets) return fail(Failure::kUnknownData, tr("plan.gfx-list-unknown", "its gfx list is not verified (data/rocm-gfx.json)"));
      if (!contains(*targets, *gpu.gfx_target)) {
        return fail(Failure::kGpu, tr("plan.gfx-no-kernels", "no kernels for {gfx} ({gpu})", {{"gfx", *gpu.gfx_target}, {"gpu", gpu.name}}));
      }
      ok.reasons.push_back(tr("plan.gfx-ok", "{gpu} ({gfx}) is in the {variant} build",
                              {{"gpu", gpu.name}, {"gfx", *gpu.gfx_target}, {"variant", variant.name}}));
    }
  } else if (variant.accel == Accel::kXpu) {
    if (m.intel_xpu.empty()) return fail(Failure::kGpu, tr("plan.no-xpu-gpu", "no Intel Arc / Data Center GPU"));
    ok.reasons.push_back(tr("plan.xpu-ok", "{gpu} through the XPU build", {{"gpu", m.intel_xpu.front().name}}));
  }
  return ok;
}

}  // namespace torchup::plan
