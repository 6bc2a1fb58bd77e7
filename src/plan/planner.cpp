// The ranking of DESIGN §3: newest torch of the channel first; within it the
// highest CUDA the driver supports fully, else the lowest that minor-version
// compatibility allows (with a warning). Every candidate a user might expect and
// did not get is listed with its why_not; what would unlock a better build is
// said ("driver >= 580.65.06 gives torch 2.12.0 with CUDA 13.0").
#include "plan/planner.h"

#include <algorithm>

#include <fmt/format.h>

#include "plan/rules.h"
#include "util/strings.h"

namespace torchup::plan {

namespace {

struct Scored {
  const ReleaseRef* release;
  Variant variant;
  Verdict verdict;
};

// The candidate releases, newest first.
Expected<std::vector<ReleaseRef>> candidate_releases(const Knowledge& k, const Preferences& prefs) {
  std::vector<ReleaseRef> out;
  if (prefs.channel == "nightly") {
    ReleaseRef n;
    n.torch = "nightly";
    for (const auto& p : k.releases.nightly.python) {
      if (!str::ends_with(p, "t")) n.python.push_back(p);
    }
    n.python_known = !n.python.empty();
    out.push_back(std::move(n));
    return out;
  }
  if (!prefs.torch.empty()) {
    const auto* r = k.releases.find(prefs.torch);
    if (!r) {
      return make_error(ErrorKind::kNotFound, "torch " + prefs.torch + " is not a release torchup knows",
                        "releases known: " + k.releases.releases.front().version + " to " +
                            k.releases.releases.back().version);
    }
    out.push_back(release_ref(*r));
    return out;
  }
  auto latest = Version::parse(k.latest_stable);
  for (auto it = k.releases.releases.rbegin(); it != k.releases.releases.rend(); ++it) {
    if (latest && it->parsed > *latest) continue;  // not on pytorch.org's selector yet
    if (it->parsed.is_prerelease()) continue;
    out.push_back(release_ref(*it));
  }
  return out;
}

std::vector<Variant> variants_for(const ReleaseRef& r, Accel accel, const Knowledge& k, const MachineView& m,
                                  const std::string& forced) {
  std::vector<std::string> names;
  const bool nightly = r.release == nullptr;
  switch (accel) {
    case Accel::kCuda:
      if (nightly) {
        for (const auto& c : k.releases.nightly.cuda_variants) {
          const auto& skip = k.releases.nightly.cuda_no_windows;
          if (m.os == "windows" && std::find(skip.begin(), skip.end(), c) != skip.end()) continue;
          names.push_back(c);
        }
      } else {
        names = r.release->cuda_variants;
      }
      break;
    case Accel::kRocm:
      names = nightly ? k.releases.nightly.rocm_variants : r.release->rocm_variants;
      break;
    case Accel::kCpu: names = {"cpu"}; break;
    case Accel::kXpu: names = {"xpu"}; break;
    case Accel::kMps: names = {"mps", "cpu"}; break;  // one wheel: CPU when MPS cannot run
  }
  std::vector<Variant> out;
  for (const auto& n : names) {
    if (forced != "auto" && n != forced) continue;
    if (auto v = parse_variant(n)) out.push_back(*v);
  }
  if (forced != "auto" && out.empty() && (accel == Accel::kCuda || accel == Accel::kRocm)) {
    // A forced variant this release does not have: say so rather than vanish.
    if (auto v = parse_variant(forced)) out.push_back(*v);
  }
  // Highest CUDA first: the preferred order when the driver supports it fully.
  std::sort(out.begin(), out.end(), [](const Variant& a, const Variant& b) {
    if (a.cuda && b.cuda) return *a.cuda > *b.cuda;
    auto va = DottedVersion::parse(a.name.substr(a.accel == Accel::kRocm ? 4 : 0));
    auto vb = DottedVersion::parse(b.name.substr(b.accel == Accel::kRocm ? 4 : 0));
    if (va && vb) return *va > *vb;
    return a.name > b.name;  // "mps" before "cpu"
  });
  return out;
}

bool release_has(const ReleaseRef& r, const Knowledge& k, const std::string& variant) {
  if (!r.release) {
    const auto& n = k.releases.nightly;
    return variant == "cpu" || variant == "xpu" || variant == "mps" ||
           std::find(n.cuda_variants.begin(), n.cuda_variants.end(), variant) != n.cuda_variants.end() ||
           std::find(n.rocm_variants.begin(), n.rocm_variants.end(), variant) != n.rocm_variants.end();
  }
  const auto& c = r.release->cuda_variants;
  const auto& ro = r.release->rocm_variants;
  return variant == "cpu" || variant == "xpu" || variant == "mps" ||
         std::find(c.begin(), c.end(), variant) != c.end() || std::find(ro.begin(), ro.end(), variant) != ro.end();
}

Accel target_accel(const MachineView& m, const Preferences& prefs, std::vector<std::string>& notes) {
  if (prefs.platform != "auto") return parse_variant(prefs.platform)->accel;
  if (!m.nvidia.empty() && m.os != "macos") return Accel::kCuda;
  if (!m.amd.empty() && m.os != "macos") return Accel::kRocm;
  if (!m.intel_xpu.empty() && m.os != "macos") return Accel::kXpu;
  if (m.apple_gpu) return Accel::kMps;
  if (m.nvidia.empty() && m.amd.empty() && m.other.empty()) notes.push_back("no GPU found, so the CPU build");
  for (const auto& g : m.nvidia) notes.push_back(g.name + ": no CUDA builds exist for macOS, so the CPU build");
  for (const auto& g : m.amd) notes.push_back(g.name + ": no ROCm builds exist for macOS, so the CPU build");
  for (const auto& g : m.other) {
    notes.push_back(g.name + " has no PyTorch GPU build (XPU builds target Intel Arc / Data Center GPU Max), so the CPU build");
  }
  return Accel::kCpu;
}

// Picks within one release: the highest fully supported CUDA, else the lowest
// minor-version-compatible one. Returns indices into `scored` in preference order.
std::vector<std::size_t> preference_order(const std::vector<Scored>& scored) {
  std::vector<std::size_t> full, minor;
  for (std::size_t i = 0; i < scored.size(); ++i) {
    if (!scored[i].verdict.fits) continue;
    (scored[i].verdict.full_cuda ? full : minor).push_back(i);
  }
  std::reverse(minor.begin(), minor.end());  // scored is highest CUDA first; minor wants lowest first
  full.insert(full.end(), minor.begin(), minor.end());
  return full;
}

}  // namespace

std::string externally_managed_warning(const std::string& python_path) {
  return python_path + " is externally managed (PEP 668): pip refuses to install into it; use a virtual "
                       "environment (python3 -m venv ~/.venvs/torch), or let torchup make one: "
                       "torchup install --venv ~/.venvs/torch";
}

Status check_preferences(const Preferences& p) {
  if (p.platform != "auto" && !parse_variant(p.platform)) {
    return make_error(ErrorKind::kUsage, "--platform " + p.platform + " is not a platform",
                      "use auto, cpu, cuXYZ (cu126), rocmX.Y (rocm7.2), xpu or mps");
  }
  if (p.package != "pip" && p.package != "uv" && p.package != "conda" && p.package != "libtorch") {
    return make_error(ErrorKind::kUsage, "--package " + p.package + " is not a package manager",
                      "use pip, uv, conda or libtorch");
  }
  if (p.channel != "stable" && p.channel != "nightly") {
    return make_error(ErrorKind::kUsage, "--channel " + p.channel + " is not a channel", "use stable or nightly");
  }
  if (!p.torch.empty() && !Version::parse(p.torch)) {
    return make_error(ErrorKind::kUsage, "--torch " + p.torch + " is not a version", "for example --torch 2.4.1");
  }
  if (!p.torch.empty() && p.channel == "nightly") {
    return make_error(ErrorKind::kUsage, "--torch and --channel nightly cannot be combined");
  }
  return Ok{};
}

Expected<model::Plan> make_plan(const model::Machine& machine, const Knowledge& k, const Preferences& prefs,
                                const CommandRenderer& render) {
  if (auto st = check_preferences(prefs); !st) return st.error();
  auto view_or = make_view(machine, k.cuda, prefs.python);
  if (!view_or) return view_or.error();
  const MachineView& m = *view_or;
  auto releases_or = candidate_releases(k, prefs);
  if (!releases_or) return releases_or.error();
  const std::vector<ReleaseRef>& releases = *releases_or;
  RuleContext ctx{k.releases, k.cuda, k.rocm, k.facts};

  model::Plan plan;
  plan.package = prefs.package;
  plan.python = m.python ? m.python->str() : "";
  plan.python_path = m.python_path;
  std::vector<std::string> accel_notes;
  const Accel accel = target_accel(m, prefs, accel_notes);

  // Evaluate every (release, variant) until one is chosen; keep them all for why_not.
  std::vector<std::vector<Scored>> evaluated;
  const Scored* chosen = nullptr;
  std::optional<RenderedCommand> chosen_cmd;
  for (const auto& r : releases) {
    auto& row = evaluated.emplace_back();
    for (const auto& v : variants_for(r, accel, k, m, prefs.platform)) {
      Verdict verdict = release_has(r, k, v.name) ? evaluate(m, ctx, r, v)
                                                  : Verdict{false, Failure::kOs, "no " + v.name + " build of this release", true, {}, {}};
      row.push_back({&r, v, std::move(verdict)});
    }
    for (std::size_t i : preference_order(row)) {
      BuildRef ref{r.torch, r.release ? r.release->torchvision : std::nullopt,
                   r.release ? r.release->torchaudio : std::nullopt, row[i].variant.name, m.os, prefs.package,
                   r.torch == k.latest_stable};
      auto cmd = render(ref);
      if (!cmd) {
        row[i].verdict.fits = false;
        row[i].verdict.failure = Failure::kNoCommand;
        row[i].verdict.why_not = "pytorch.org publishes no " + prefs.package + " command for it";
        continue;
      }
      chosen = &row[i];
      chosen_cmd = std::move(cmd);
      break;
    }
    if (chosen) break;
  }

  const std::string accel_word = accel_name(accel);
  if (chosen) {
    const auto& r = *chosen->release;
    plan.fits = true;
    plan.torch = r.torch;
    plan.platform = chosen->variant.name;
    if (r.release) {
      plan.torchvision = r.release->torchvision;
      plan.torchaudio = r.release->torchaudio;
    }
    plan.command = chosen_cmd->command;
    plan.argv = chosen_cmd->argv;
    plan.index_url = chosen_cmd->index_url;
    if (!prefs.torch.empty()) plan.reasons.push_back("torch " + r.torch + " was requested (--torch)");
    else if (r.torch == "nightly") plan.reasons.push_back("the nightly channel was requested");
    else if (&r == &releases.front()) plan.reasons.push_back("torch " + r.torch + " is the newest release on pytorch.org");
    else plan.reasons.push_back("torch " + r.torch + " is the newest release that fits (" + releases.front().torch + " does not: see alternatives)");
    for (const auto& n : accel_notes) plan.reasons.push_back(n);
    for (const auto& s : chosen->verdict.reasons) plan.reasons.push_back(s);
    plan.warnings = chosen->verdict.warnings;
    if (accel == Accel::kCuda) {
      if (chosen->verdict.full_cuda) {
        plan.reasons.push_back(chosen->variant.name + ": the highest CUDA of torch " + r.torch + " that the driver supports fully");
      } else {
        auto full_min = k.cuda.min_driver_for_cuda(*chosen->variant.cuda, m.driver_os);
        if (full_min) plan.warnings.push_back(fmt::format(
            "{} needs driver >= {} for full support; driver {} runs it through CUDA minor-version compatibility "
            "(PTX JIT and some libraries may fail)", chosen->variant.label(),
            data::driver_version_str(*full_min), m.driver_text));
      }
    }
    if (accel == Accel::kCuda && !m.amd.empty()) plan.warnings.push_back("the AMD GPU is not used by a CUDA build");
    if (prefs.platform == "cpu" && (!m.nvidia.empty() || !m.amd.empty() || !m.intel_xpu.empty())) {
      plan.warnings.push_back("CPU build requested (--platform cpu): the GPU will not be used");
    }
    // The guide's users paste the pip line into Debian 12 / Ubuntu 23.04+ and meet
    // "externally-managed-environment" (PEP 668): say so with the plan, not after.
    if (m.python_externally_managed && (prefs.package == "pip" || prefs.package == "uv")) {
      plan.warnings.push_back(externally_managed_warning(m.python_path));
    }
    if (!chosen_cmd->source.empty()) plan.reasons.push_back("command from " + chosen_cmd->source);
    // Equivalent commands for the other package managers, where they exist.
    for (const char* pkg : {"pip", "uv", "conda"}) {
      if (prefs.package == pkg) continue;
      BuildRef ref{r.torch, plan.torchvision, plan.torchaudio, plan.platform, m.os, pkg, r.torch == k.latest_stable};
      if (auto cmd = render(ref)) plan.equivalents.push_back({pkg, cmd->command, cmd->argv});
    }
  } else {
    plan.fits = false;
    plan.reasons.push_back(fmt::format("no {} build of torch fits this machine", accel_word));
    if (!releases.empty() && !evaluated.front().empty()) {
      // The distinct causes for the newest release; the per-variant list is in alternatives.
      for (const auto& s : evaluated.front()) {
        std::string cause = "torch " + s.release->torch + ": " + s.verdict.why_not;
        if (std::find(plan.reasons.begin(), plan.reasons.end(), cause) == plan.reasons.end()) {
          plan.reasons.push_back(cause);
        }
      }
    }
  }

  // Alternatives: the newest release's other variants, skipped newer releases, CPU.
  auto add_alt = [&](const Scored& s) {
    if (&s == chosen) return;
    std::string why = s.verdict.why_not;
    if (s.verdict.fits) {
      if (chosen && chosen->release == s.release && s.verdict.full_cuda && chosen->verdict.full_cuda) {
        why = "fits, but " + chosen->variant.name + " has the higher CUDA";
      } else if (!s.verdict.full_cuda) {
        auto full_min = k.cuda.min_driver_for_cuda(*s.variant.cuda, m.driver_os);
        why = fmt::format("driver {} < {} for full {} support", m.driver_text,
                          full_min ? data::driver_version_str(*full_min) : std::string("?"), s.variant.label());
      } else {
        why = "fits, but a newer torch was chosen";
      }
    }
    plan.alternatives.push_back({s.release->torch, s.variant.name, why});
  };
  for (std::size_t i = 0; i < evaluated.size(); ++i) {
    const bool is_top = i == 0;
    const bool is_chosen_row = chosen && !evaluated[i].empty() && evaluated[i].front().release == chosen->release;
    if (is_top || is_chosen_row) {
      for (const auto& s : evaluated[i]) add_alt(s);
    } else if (chosen && !evaluated[i].empty()) {
      add_alt(evaluated[i].front());  // one line per skipped newer release
    }
  }
  if (accel != Accel::kCpu && !(chosen && chosen->variant.accel == Accel::kCpu)) {
    for (const auto& r : releases) {
      Variant cpu = *parse_variant("cpu");
      Verdict v = evaluate(m, ctx, r, cpu);
      if (!v.fits) continue;
      plan.alternatives.push_back({r.torch, "cpu", "CPU only: the GPU would not be used (torchup plan --platform cpu)"});
      break;
    }
  }

  // Unlocks: what change gives a better build.
  if (!evaluated.empty()) {
    const auto& top = evaluated.front();
    const bool chosen_is_top = chosen && !top.empty() && chosen->release == top.front().release;
    for (const auto& s : top) {
      if (accel != Accel::kCuda || !s.variant.cuda) break;
      bool better = !chosen || !chosen_is_top || (chosen->variant.cuda && *s.variant.cuda > *chosen->variant.cuda) ||
                    (!chosen->verdict.full_cuda && &s == chosen);
      bool driver_only = s.verdict.failure == Failure::kDriver || (s.verdict.fits && !s.verdict.full_cuda);
      if (!better || !driver_only) continue;
      auto need = k.cuda.min_driver_for_cuda(*s.variant.cuda, m.driver_os);
      if (!need) need = k.cuda.minor_compat_floor(s.variant.cuda->major(), m.driver_os);
      if (!need) continue;
      if (!m.driver) {
        plan.unlocks.push_back(fmt::format("an NVIDIA driver >= {} gives torch {} with {}",
                                           data::driver_version_str(*need), s.release->torch, s.variant.label()));
      } else if (&s == chosen) {
        plan.unlocks.push_back(fmt::format("driver >= {} runs {} fully (no minor-version compatibility)",
                                           data::driver_version_str(*need), s.variant.label()));
      } else {
        plan.unlocks.push_back(fmt::format("driver >= {} gives torch {} with {}", data::driver_version_str(*need),
                                           s.release->torch, s.variant.label()));
      }
    }
    bool python_blocked = !top.empty() && std::all_of(top.begin(), top.end(), [](const Scored& s) {
      return s.verdict.failure == Failure::kPython;
    });
    if (python_blocked && !chosen_is_top && m.python_bits == k.facts.python_bits) {
      const auto& r = *top.front().release;
      plan.unlocks.push_back("Python " + r.python.front() + "-" + r.python.back() + " gives torch " + r.torch);
    }
    for (const auto& p : machine.pythons) {
      if (!python_blocked || chosen_is_top || p.path == m.python_path || p.bits != k.facts.python_bits) continue;
      auto v = DottedVersion::parse(p.version);
      const auto& list = top.front().release->python;
      if (v && std::find(list.begin(), list.end(), v->truncated(2).str()) != list.end()) {
        plan.unlocks.push_back("--python " + p.path + " (Python " + v->truncated(2).str() + ") gives torch " +
                               top.front().release->torch);
      }
    }
    if (python_blocked && !chosen && prefs.channel != "nightly" && m.python) {
      const auto& n = k.releases.nightly.python;
      if (std::find(n.begin(), n.end(), m.python->str()) != n.end()) {
        plan.unlocks.push_back("--channel nightly has wheels for Python " + m.python->str());
      }
    }
  }
  if (!chosen && m.python_bits != k.facts.python_bits) {
    plan.unlocks.push_back("a 64-bit Python (python.org's default installer) gives torch " +
                           (releases.empty() ? std::string("?") : releases.front().torch));
  }
  return plan;
}

}  // namespace torchup::plan
