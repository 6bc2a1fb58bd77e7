// The ranking of DESIGN §3: newest torch of the channel first; within it the
// highest CUDA the driver supports fully, else the lowest that minor-version
// compatibility allows (with a warning). Every candidate a user might expect and
// did not get is listed with its why_not; what would unlock a better build is
// said ("driver >= 580.65.06 gives torch 2.12.0 with CUDA 13.0").
#include "plan/planner.h"

#include <algorithm>

#include <fmt/format.h>

#include "plan/plan_steps.h"
#include "plan/rules.h"
#include "util/strings.h"

namespace torchup::plan {

using namespace detail;

namespace {

// The candidate releases, newest first.
// Every stable release in torch-releases.json counts, also those newer than the
// embedded pytorch.org selector snapshot (they get a pinned command; DESIGN §3:
// the newest torch that exists and fits).
Expected<std::vector<ReleaseRef>> candidate_releases(const Knowledge& k, const Preferences& prefs,
                                                     const std::string& os) {
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
      return make_error(ErrorKind::kNotFound,
                        tr("plan.unknown-torch", "torch {torch} is not a release torchup knows", {{"torch", prefs.torch}}),
                        tr("plan.unknown-torch-hint", "releases known: {first} to {last}",
                           {{"first", k.releases.releases.front().version}, {"last", k.releases.releases.back().version}}));
    }
    out.push_back(release_ref(*r, os));
    return out;
  }
  for (auto it = k.releases.releases.rbegin(); it != k.releases.releases.rend(); ++it) {
    if (it->parsed.is_prerelease()) continue;
    out.push_back(release_ref(*it, os));
  }
  return out;
}

}  // namespace

namespace detail {

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

}  // namespace detail

namespace {

Accel target_accel(const MachineView& m, const Preferences& prefs, std::vector<Text>& notes) {
  if (prefs.platform != "auto") return parse_variant(prefs.platform)->accel;
  if (!m.nvidia.empty() && m.os != "macos") return Accel::kCuda;
  if (!m.amd.empty() && m.os != "macos") return Accel::kRocm;
  if (!m.intel_xpu.empty() && m.os != "macos") return Accel::kXpu;
  if (m.apple_gpu) return Accel::kMps;
  if (m.nvidia.empty() && m.amd.empty() && m.other.empty()) notes.push_back(tr("plan.no-gpu", "no GPU found, so the CPU build"));
  for (const auto& g : m.nvidia) {
    notes.push_back(tr("plan.macos-no-cuda", "{gpu}: no CUDA builds exist for macOS, so the CPU build", {{"gpu", g.name}}));
  }
  for (const auto& g : m.amd) {
    notes.push_back(tr("plan.macos-no-rocm", "{gpu}: no ROCm builds exist for macOS, so the CPU build", {{"gpu", g.name}}));
  }
  for (const auto& g : m.other) {
    notes.push_back(tr("plan.gpu-no-build",
                       "{gpu} has no PyTorch GPU build (XPU builds target Intel Arc / Data Center GPU Max), so the CPU build",
                       {{"gpu", g.name}}));
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

// torchvision for the plan: none where the release has torch-only wheels for
// this Python (test-infra TORCH_ONLY_PYTHON_ARCHES: 3.15 has no torchvision yet).
std::optional<std::string> torchvision_for(const ReleaseRef& r, const MachineView& m) {
  if (!r.release) return std::nullopt;
  const auto& only = r.release->torch_only_python;
  if (m.python && std::find(only.begin(), only.end(), m.python->str()) != only.end()) return std::nullopt;
  return r.release->torchvision;
}

Evaluation evaluate_candidates(const Step& s) {
  Evaluation e;
  for (const auto& r : s.releases) {
    auto& row = e.rows.emplace_back();
    for (const auto& v : variants_for(r, s.accel, s.k, s.m, s.prefs.platform)) {
      Verdict verdict = release_has(r, s.k, v.name)
                            ? evaluate(s.m, s.ctx, r, v)
                            : Verdict{false, Failure::kOs,
                                      tr("plan.no-variant-build", "no {variant} build of this release", {{"variant", v.name}}),
                                      true, {}, {}};
      row.push_back({&r, v, std::move(verdict)});
    }
    for (std::size_t i : preference_order(row)) {
      BuildRef ref{r.torch, torchvision_for(r, s.m), r.release ? r.release->torchaudio : std::nullopt,
                   row[i].variant.name, s.m.os, s.prefs.package, r.torch == s.k.latest_stable};
      auto cmd = s.render(ref);
      if (!cmd) {
        row[i].verdict.fits = false;
        row[i].verdict.failure = Failure::kNoCommand;
        row[i].verdict.why_not = tr("plan.no-command", "pytorch.org publishes no {package} command for it",
                                    {{"package", s.prefs.package}});
        continue;
      }
      e.chosen = &row[i];
      e.command = std::move(cmd);
      return e;
    }
  }
  return e;
}

// Why this torch: requested, newest, or the newest that fits.
Text release_reason(const Step& s, const ReleaseRef& r) {
  if (!s.prefs.torch.empty()) return tr("plan.torch-requested", "torch {torch} was requested (--torch)", {{"torch", r.torch}});
  if (r.torch == "nightly") return tr("plan.nightly-requested", "the nightly channel was requested");
  if (&r == &s.releases.front()) {
    auto site = Version::parse(s.k.latest_stable);
    if (r.release && site && r.release->parsed > *site) {
      return tr("plan.newest-known",
                "torch {torch} is the newest release torchup knows (pytorch.org's selector data here stops at {stable})",
                {{"torch", r.torch}, {"stable", s.k.latest_stable}});
    }
    return tr("plan.newest", "torch {torch} is the newest release on pytorch.org", {{"torch", r.torch}});
  }
  return tr("plan.newest-that-fits", "torch {torch} is the newest release that fits ({newest} does not: see alternatives)",
            {{"torch", r.torch}, {"newest", s.releases.front().torch}});
}

// Full CUDA support is a reason; minor-version compatibility is a warning.
void explain_cuda_support(const Step& s, const Scored& chosen, model::Plan& plan) {
  if (s.accel != Accel::kCuda) return;
  if (chosen.verdict.full_cuda) {
    plan.reasons.push_back(tr("plan.highest-full-cuda", "{variant}: the highest CUDA of torch {torch} that the driver supports fully",
                              {{"variant", chosen.variant.name}, {"torch", chosen.release->torch}}));
    return;
  }
  if (!s.m.driver) {  // installed, version unknown (rules.h driver_version_unknown)
    plan.warnings.push_back(tr("plan.lowest-cuda-unknown-driver",
                               "with the driver's version unknown, {variant}, the lowest CUDA of torch {torch}, is chosen: "
                               "older drivers run it",
                               {{"variant", chosen.variant.name}, {"torch", chosen.release->torch}}));
    return;
  }
  auto full_min = s.k.cuda.min_driver_for_cuda(*chosen.variant.cuda, s.m.driver_os);
  if (full_min) {
    plan.warnings.push_back(tr("plan.minor-compat-warning",
                               "{cuda} needs driver >= {need} for full support; driver {driver} runs it through CUDA "
                               "minor-version compatibility (PTX JIT and some libraries may fail)",
                               {{"cuda", chosen.variant.label()}, {"need", data::driver_version_str(*full_min)},
                                {"driver", s.m.driver_text}}));
  }
}

// What the user should know about the chosen build beyond why it fits.
void add_chosen_warnings(const Step& s, model::Plan& plan) {
  const MachineView& m = s.m;
  if (s.accel == Accel::kCuda && !m.amd.empty()) plan.warnings.push_back(tr("plan.amd-unused", "the AMD GPU is not used by a CUDA build"));
  if (s.prefs.platform == "cpu" && (!m.nvidia.empty() || !m.amd.empty() || !m.intel_xpu.empty())) {
    plan.warnings.push_back(tr("plan.cpu-requested", "CPU build requested (--platform cpu): the GPU will not be used"));
  }
  // The guide's users paste the pip line into Debian 12 / Ubuntu 23.04+ and meet
  // "externally-managed-environment" (PEP 668): say so with the plan, not after.
  if (m.python_externally_managed && (s.prefs.package == "pip" || s.prefs.package == "uv")) {
    plan.warnings.push_back(externally_managed_warning(m.python_path));
  }
}

// Equivalent commands for the other package managers, where they exist.
void add_equivalents(const Step& s, model::Plan& plan) {
  for (const char* pkg : {"pip", "uv", "conda"}) {
    if (s.prefs.package == pkg) continue;
    BuildRef ref{plan.torch, plan.torchvision, plan.torchaudio, plan.platform, s.m.os, pkg,
                 plan.torch == s.k.latest_stable};
    if (auto cmd = s.render(ref)) plan.equivalents.push_back({pkg, cmd->command, cmd->argv});
  }
}

void describe_chosen(const Step& s, const Scored& chosen, const RenderedCommand& cmd,
                     const std::vector<Text>& accel_notes, model::Plan& plan) {
  const auto& r = *chosen.release;
  plan.fits = true;
  plan.torch = r.torch;
  plan.platform = chosen.variant.name;
  if (r.release) {
    plan.torchvision = torchvision_for(r, s.m);
    plan.torchaudio = r.release->torchaudio;
  }
  plan.command = cmd.command;
  plan.argv = cmd.argv;
  plan.index_url = cmd.index_url;
  plan.reasons.push_back(release_reason(s, r));
  for (const auto& n : accel_notes) plan.reasons.push_back(n);
  for (const auto& reason : chosen.verdict.reasons) plan.reasons.push_back(reason);
  plan.warnings = chosen.verdict.warnings;
  explain_cuda_support(s, chosen, plan);
  add_chosen_warnings(s, plan);
  if (r.release && r.release->torchvision && !plan.torchvision && s.m.python) {
    plan.reasons.push_back(tr("plan.torch-only",
                              "torch only: torchvision publishes no wheels for Python {python} with torch {torch} "
                              "(pytorch/test-infra TORCH_ONLY_PYTHON_ARCHES)",
                              {{"python", s.m.python->str()}, {"torch", r.torch}}));
  }
  if (r.release && !r.release->sources.empty()) {
    const auto& src = r.release->sources;
    if (src.size() > 1) {
      plan.reasons.push_back(tr("plan.facts-from-more", "facts for torch {torch} from data/torch-releases.json: {source} (and {more} more)",
                                {{"torch", r.torch}, {"source", src.front()}, {"more", std::to_string(src.size() - 1)}}));
    } else {
      plan.reasons.push_back(tr("plan.facts-from", "facts for torch {torch} from data/torch-releases.json: {source}",
                                {{"torch", r.torch}, {"source", src.front()}}));
    }
  }
  if (!cmd.source.empty()) plan.reasons.push_back(tr("plan.command-from", "command from {source}", {{"source", cmd.source}}));
  add_equivalents(s, plan);
}

// Nothing fits: the distinct causes for the newest release (the per-variant list
// is in alternatives).
void describe_nothing_fits(const Step& s, const Evaluation& e, model::Plan& plan) {
  plan.fits = false;
  plan.reasons.push_back(tr("plan.nothing-fits", "no {accel} build of torch fits this machine", {{"accel", accel_name(s.accel)}}));
  if (s.releases.empty() || e.rows.front().empty()) return;
  for (const auto& scored : e.rows.front()) {
    Text cause = tr("plan.torch-cause", "torch {torch}: {why}", {{"torch", scored.release->torch}, {"why", scored.verdict.why_not}});
    if (std::find(plan.reasons.begin(), plan.reasons.end(), cause) == plan.reasons.end()) {
      plan.reasons.push_back(cause);
    }
  }
}

// The why_not of one candidate that was not chosen, in words about the choice.
Text why_not_chosen(const Step& s, const Scored& candidate, const Scored* chosen) {
  if (!candidate.verdict.fits) return candidate.verdict.why_not;
  if (chosen && chosen->release == candidate.release && candidate.verdict.full_cuda && chosen->verdict.full_cuda) {
    return tr("plan.higher-cuda-chosen", "fits, but {variant} has the higher CUDA", {{"variant", chosen->variant.name}});
  }
  if (!candidate.verdict.full_cuda && !s.m.driver) {
    return tr("plan.lowest-cuda-chosen", "fits, but with the driver's version unknown the lowest CUDA is chosen");
  }
  if (!candidate.verdict.full_cuda) {
    auto full_min = s.k.cuda.min_driver_for_cuda(*candidate.variant.cuda, s.m.driver_os);
    return tr("plan.driver-below-full", "driver {driver} < {need} for full {cuda} support",
              {{"driver", s.m.driver_text}, {"need", full_min ? data::driver_version_str(*full_min) : std::string("?")},
               {"cuda", candidate.variant.label()}});
  }
  return tr("plan.newer-torch-chosen", "fits, but a newer torch was chosen");
}

// Alternatives: the newest release's other variants, skipped newer releases, CPU.
void list_alternatives(const Step& s, const Evaluation& e, model::Plan& plan, bool offer_cpu = true) {
  const Scored* chosen = e.chosen;
  auto add_alt = [&](const Scored& candidate) {
    if (&candidate == chosen) return;
    plan.alternatives.push_back({candidate.release->torch, candidate.variant.name, why_not_chosen(s, candidate, chosen)});
  };
  for (std::size_t i = 0; i < e.rows.size(); ++i) {
    const auto& row = e.rows[i];
    const bool is_top = i == 0;
    const bool is_chosen_row = chosen && !row.empty() && row.front().release == chosen->release;
    if (is_top || is_chosen_row) {
      for (const auto& candidate : row) add_alt(candidate);
    } else if (chosen && !row.empty()) {
      add_alt(row.front());  // one line per skipped newer release
    }
  }
  if (!offer_cpu || s.accel == Accel::kCpu || (chosen && chosen->variant.accel == Accel::kCpu)) return;
  const Variant cpu = *parse_variant("cpu");
  for (const auto& r : s.releases) {
    if (!evaluate(s.m, s.ctx, r, cpu).fits) continue;
    plan.alternatives.push_back(
        {r.torch, "cpu", tr("plan.cpu-alternative", "CPU only: the GPU would not be used (torchup plan --platform cpu)")});
    break;
  }
}

void dedupe(std::vector<Text>& lines) {
  std::vector<Text> out;
  for (auto& l : lines) {
    if (std::find(out.begin(), out.end(), l) == out.end()) out.push_back(std::move(l));
  }
  lines = std::move(out);
}

// A newer driver: for each CUDA variant of the newest release better than the
// choice that only the driver holds back.
void list_driver_unlocks(const Step& s, const Evaluation& e, model::Plan& plan) {
  if (s.m.driver_version_unknown) return;  // nothing to compare a better driver with
  const auto& top = e.rows.front();
  const Scored* chosen = e.chosen;
  const bool chosen_is_top = chosen && !top.empty() && chosen->release == top.front().release;
  for (const auto& candidate : top) {
    if (s.accel != Accel::kCuda || !candidate.variant.cuda) break;
    bool better = !chosen || !chosen_is_top ||
                  (chosen->variant.cuda && *candidate.variant.cuda > *chosen->variant.cuda) ||
                  (!chosen->verdict.full_cuda && &candidate == chosen);
    bool driver_only = candidate.verdict.failure == Failure::kDriver ||
                       (candidate.verdict.fits && !candidate.verdict.full_cuda);
    if (!better || !driver_only) continue;
    auto need = s.k.cuda.min_driver_for_cuda(*candidate.variant.cuda, s.m.driver_os);
    if (!need) need = s.k.cuda.minor_compat_floor(candidate.variant.cuda->major(), s.m.driver_os);
    if (!need) continue;
    // Said only when the machine with that driver really gets the build.
    if (&candidate != chosen &&
        !evaluate(with_driver(s.m, *need, s.k.cuda), s.ctx, *candidate.release, candidate.variant).fits) {
      continue;
    }
    if (!s.m.driver) {
      plan.unlocks.push_back(tr("plan.unlock-install-driver", "an NVIDIA driver >= {need} gives torch {torch} with {cuda}",
                                {{"need", data::driver_version_str(*need)}, {"torch", candidate.release->torch},
                                 {"cuda", candidate.variant.label()}}));
    } else if (&candidate == chosen) {
      plan.unlocks.push_back(tr("plan.unlock-full-cuda", "driver >= {need} runs {cuda} fully (no minor-version compatibility)",
                                {{"need", data::driver_version_str(*need)}, {"cuda", candidate.variant.label()}}));
    } else {
      plan.unlocks.push_back(tr("plan.unlock-driver", "driver >= {need} gives torch {torch} with {cuda}",
                                {{"need", data::driver_version_str(*need)}, {"torch", candidate.release->torch},
                                 {"cuda", candidate.variant.label()}}));
    }
  }
}

// Another Python: when only the Python version keeps the newest release out.
void list_python_unlocks(const Step& s, const Evaluation& e, model::Plan& plan) {
  const auto& top = e.rows.front();
  const Scored* chosen = e.chosen;
  const bool chosen_is_top = chosen && !top.empty() && chosen->release == top.front().release;
  const bool python_blocked = !top.empty() && std::all_of(top.begin(), top.end(), [](const Scored& candidate) {
    return candidate.verdict.failure == Failure::kPython;
  });
  if (!python_blocked || chosen_is_top) {
    return;
  }
  const auto& r = *top.front().release;
  if (s.m.python_bits == s.k.facts.python_bits) {
    plan.unlocks.push_back(tr("plan.unlock-python-range", "Python {first}-{last} gives torch {torch}",
                              {{"first", r.python.front()}, {"last", r.python.back()}, {"torch", r.torch}}));
  }
  for (const auto& p : s.machine.pythons) {
    if (p.path == s.m.python_path || p.bits != s.k.facts.python_bits) continue;
    auto v = DottedVersion::parse(p.version);
    if (v && std::find(r.python.begin(), r.python.end(), v->truncated(2).str()) != r.python.end()) {
      plan.unlocks.push_back(tr("plan.unlock-other-python", "--python {path} (Python {python}) gives torch {torch}",
                                {{"path", p.path}, {"python", v->truncated(2).str()}, {"torch", r.torch}}));
    }
  }
  if (!chosen && s.prefs.channel != "nightly" && s.m.python) {
    const auto& n = s.k.releases.nightly.python;
    if (std::find(n.begin(), n.end(), s.m.python->str()) != n.end()) {
      plan.unlocks.push_back(tr("plan.unlock-nightly", "--channel nightly has wheels for Python {python}",
                                {{"python", s.m.python->str()}}));
    }
  }
}

// Unlocks: what change gives a better build.
void list_unlocks(const Step& s, const Evaluation& e, model::Plan& plan) {
  if (!e.rows.empty()) {
    list_driver_unlocks(s, e, plan);
    list_python_unlocks(s, e, plan);
  }
  if (!e.chosen && s.m.python_bits != s.k.facts.python_bits) {
    plan.unlocks.push_back(tr("plan.unlock-64bit-python", "a 64-bit Python (python.org's default installer) gives torch {torch}",
                              {{"torch", s.releases.empty() ? std::string("?") : s.releases.front().torch}}));
  }
}

}  // namespace

Text externally_managed_warning(const std::string& python_path) {
  return tr("plan.externally-managed",
            "{python} is externally managed (PEP 668): pip refuses to install into it; use a virtual "
            "environment (python3 -m venv ~/.venvs/torch), or let torchup make one: "
            "torchup install --venv ~/.venvs/torch",
            {{"python", python_path}});
}

Status check_preferences(const Preferences& p) {
  if (p.platform != "auto" && !parse_variant(p.platform)) {
    return make_error(ErrorKind::kUsage, tr("plan.bad-platform", "--platform {value} is not a platform", {{"value", p.platform}}),
                      tr("plan.bad-platform-hint", "use auto, cpu, cuXYZ (cu126), rocmX.Y (rocm7.2), xpu or mps"));
  }
  if (p.package != "pip" && p.package != "uv" && p.package != "conda" && p.package != "libtorch") {
    return make_error(ErrorKind::kUsage,
                      tr("plan.bad-package", "--package {value} is not a package manager", {{"value", p.package}}),
                      tr("plan.bad-package-hint", "use pip, uv, conda or libtorch"));
  }
  if (p.channel != "stable" && p.channel != "nightly") {
    return make_error(ErrorKind::kUsage, tr("plan.bad-channel", "--channel {value} is not a channel", {{"value", p.channel}}),
                      tr("plan.bad-channel-hint", "use stable or nightly"));
  }
  if (!p.torch.empty() && !Version::parse(p.torch)) {
    return make_error(ErrorKind::kUsage, tr("plan.bad-torch", "--torch {value} is not a version", {{"value", p.torch}}),
                      tr("plan.bad-torch-hint", "for example --torch 2.4.1"));
  }
  if (!p.torch.empty() && p.channel == "nightly") {
    return make_error(ErrorKind::kUsage, tr("plan.torch-and-nightly", "--torch and --channel nightly cannot be combined"));
  }
  return Ok{};
}

Expected<model::Plan> make_plan(const model::Machine& machine, const Knowledge& k, const Preferences& prefs,
                                const CommandRenderer& render) {
  if (auto st = check_preferences(prefs); !st) return st.error();
  auto view_or = make_view(machine, k.cuda, prefs.python);
  if (!view_or) return view_or.error();
  auto releases_or = candidate_releases(k, prefs, view_or->os);
  if (!releases_or) return releases_or.error();
  const RuleContext ctx{k.releases, k.cuda, k.rocm, k.facts};

  model::Plan plan;
  plan.package = prefs.package;
  plan.python = view_or->python ? view_or->python->str() : "";
  plan.python_path = view_or->python_path;
  std::vector<Text> accel_notes;
  const Accel accel = target_accel(*view_or, prefs, accel_notes);
  const Step step{machine, *view_or, k, prefs, render, *releases_or, ctx, accel};

  const Evaluation e = evaluate_candidates(step);
  if (falls_back_to_cpu(step, e)) {
    Step cpu_step = step;
    cpu_step.accel = Accel::kCpu;
    const Evaluation cpu = evaluate_candidates(cpu_step);
    if (cpu.chosen) {
      plan.gpu_unused = why_gpu_unused(step, e, *cpu.chosen->release);
      plan.reasons.push_back(*plan.gpu_unused);
      describe_chosen(cpu_step, *cpu.chosen, *cpu.command, accel_notes, plan);
      list_alternatives(step, e, plan, /*offer_cpu=*/false);
      list_alternatives(cpu_step, cpu, plan);
      list_unlocks(step, e, plan);
      list_unlocks(cpu_step, cpu, plan);
      dedupe(plan.unlocks);
      return plan;
    }
  }
  if (e.chosen) describe_chosen(step, *e.chosen, *e.command, accel_notes, plan);
  else describe_nothing_fits(step, e, plan);
  list_alternatives(step, e, plan);
  list_unlocks(step, e, plan);
  return plan;
}

}  // namespace torchup::plan
