// Arch coverage, driver/build CUDA majors and package pairing: the facts verify
// and doctor both judge. Pure functions over probe values.
#include <fmt/format.h>

#include <algorithm>

#include "act/verify_checks_internal.h"
#include "util/strings.h"
#include "util/version.h"

namespace torchup::act {

namespace {

Check make(std::string id, Text title, CheckStatus status, Text reason, Text fix = {}) {
  return Check{std::move(id), std::move(title), status, std::move(reason), std::move(fix)};
}

// "sm_86" / "compute_90" -> {8, 6} / {9, 0}; nullopt for anything else.
// Two-digit suffixes are major+minor (sm_86); three are 2-digit major (sm_100, sm_120).
std::optional<std::pair<long, long>> arch_number(std::string_view entry, std::string_view prefix) {
  if (!str::starts_with(entry, prefix)) return std::nullopt;
  std::string digits;
  for (char c : entry.substr(prefix.size())) {
    if (c < '0' || c > '9') break;  // "sm_90a": the arch-specific suffix is ignored
    digits += c;
  }
  auto n = str::parse_int(digits);
  if (!n || digits.size() < 2) return std::nullopt;
  return std::make_pair(static_cast<long>(*n / 10), static_cast<long>(*n % 10));
}

std::string release_of(const std::string& version_text) {
  auto v = Version::parse(version_text);
  return v ? v->release().truncated(3).str() : version_text;
}

std::string local_of(const std::string& version_text) {
  auto v = Version::parse(version_text);
  return v ? v->local() : std::string();
}

bool same_release(const std::string& a, const std::string& b) {
  auto va = DottedVersion::parse(a);
  auto vb = DottedVersion::parse(b);
  return va && vb ? *va == *vb : a == b;
}

}  // namespace

std::optional<Text> driver_too_old(const ProbeTorch& torch) {
  if (!torch.cuda || !torch.driver_cuda) return std::nullopt;
  auto build = DottedVersion::parse(*torch.cuda);
  auto driver = DottedVersion::parse(*torch.driver_cuda);
  if (!build || !driver || driver->major() >= build->major()) return std::nullopt;
  return tr("verify.driver-too-old",
            "the driver supports CUDA {driver} but this torch needs CUDA {major}.x",
            {{"driver", driver->str()}, {"major", std::to_string(build->major())}});
}

Check arch_check(const ProbeTorch& torch, const ProbeGpu& gpu) {
  const std::string n = std::to_string(gpu.index);
  const std::string id = "arch[" + n + "]";
  const Text title = tr("verify.title-arch", "arch of {device} in torch.cuda.get_arch_list()",
                        {{"device", "cuda:" + n}});
  if (torch.arch_list.empty()) {
    return make(id, title, CheckStatus::kSkip,
                tr("verify.arch-no-list", "torch reports no arch list"));
  }
  const std::string listed = str::join(torch.arch_list, " ");
  if (torch.hip) {
    if (!gpu.gcn_arch) {
      return make(id, title, CheckStatus::kSkip,
                  tr("verify.arch-no-gfx", "torch does not report the gfx target"));
    }
    for (const auto& a : torch.arch_list) {
      if (str::starts_with(a, *gpu.gcn_arch)) {
        return make(id, title, CheckStatus::kPass,
                    tr("verify.arch-listed", "{arch} is in [{list}]",
                       {{"arch", *gpu.gcn_arch}, {"list", listed}}));
      }
    }
    return make(
        id, title, CheckStatus::kFail,
        tr("verify.arch-not-in-rocm", "{arch} is not in this ROCm build's list [{list}]",
           {{"arch", *gpu.gcn_arch}, {"list", listed}}),
        tr("verify.fix-arch-rocm", "install a ROCm build that lists {arch} (see `torchup plan`)",
           {{"arch", *gpu.gcn_arch}}));
  }
  auto cap = gpu.capability ? DottedVersion::parse(*gpu.capability) : std::nullopt;
  if (!cap)
    return make(id, title, CheckStatus::kSkip,
                tr("verify.arch-no-capability", "compute capability unknown"));
  const std::string sm = fmt::format("sm_{}{}", cap->major(), cap->minor());
  std::optional<std::string> same_major, ptx;
  for (const auto& a : torch.arch_list) {
    if (auto s = arch_number(a, "sm_")) {
      if (s->first == cap->major() && s->second == cap->minor()) {
        return make(
            id, title, CheckStatus::kPass,
            tr("verify.arch-listed", "{arch} is in [{list}]", {{"arch", sm}, {"list", listed}}));
      }
      if (s->first == cap->major() && s->second < cap->minor()) same_major = a;
    } else if (auto p = arch_number(a, "compute_")) {
      if (std::pair(p->first, p->second) <= std::pair(cap->major(), cap->minor())) ptx = a;
    }
  }
  if (same_major) {
    return make(
        id, title, CheckStatus::kPass,
        tr("verify.arch-same-major", "{arch} runs the {code} code (same major, binary compatible)",
           {{"arch", sm}, {"code", *same_major}}));
  }
  if (ptx) {
    return make(id, title, CheckStatus::kPass,
                tr("verify.arch-ptx",
                   "{arch} is covered only by {ptx} PTX, compiled at first use (slow start; a "
                   "build with {arch} is better)",
                   {{"arch", sm}, {"ptx", *ptx}}));
  }
  return make(id, title, CheckStatus::kFail,
              tr("verify.arch-missing",
                 "{arch} (compute capability {capability}) is not in [{list}]: this build has "
                 "no code for this GPU",
                 {{"arch", sm}, {"capability", cap->str()}, {"list", listed}}),
              tr("verify.fix-arch",
                 "install a build whose arch list covers {capability}: `torchup plan` picks one",
                 {{"capability", cap->str()}}));
}

namespace {

// "0.14" for "0.14.1a0": the minor series that pairing goes by.
std::string series_of(const std::string& version_text) {
  auto v = Version::parse(version_text);
  if (v) return v->release().truncated(2).str();
  auto d = DottedVersion::parse(version_text);
  return d ? d->truncated(2).str() : version_text;
}

// A local label that names a build variant ("cu118", "rocm6.1", "cpu", "xpu"), the only
// kind two packages must agree on; "gitunknown" or a distribution's label says nothing.
bool is_variant_label(const std::string& local) {
  for (const char* prefix : {"cu", "rocm", "cpu", "xpu"}) {
    if (str::starts_with(local, prefix)) return true;
  }
  return false;
}

// A version that says more than its release, other than a variant: "a0" (Debian builds
// from a pre-release tag: python3-torchvision 0.14.1-2 reports 0.14.1a0) or a local label
// such as "+gitunknown".
bool is_distribution_build(const std::string& version_text) {
  auto v = Version::parse(version_text);
  return v && (v->is_prerelease() || (!v->local().empty() && !is_variant_label(v->local())));
}

}  // namespace

// Pairing goes by minor series: each torch minor series is released with one
// torchvision/torchaudio minor series (data/torch-releases.json: 1.13.0 -> 0.14.0,
// 1.13.1 -> 0.14.1), and the patch releases of a series are built against each other's
// ABI. So an exact release is a pass, a patch difference or a distribution build within
// the series is a pass with a note (Debian pairs python3-torch 1.13.0a0 with
// python3-torchvision 0.14.1a0), and another series is a failure.
Check package_check(const std::string& name, const ProbePackage& package, const ProbeTorch& torch,
                    const PairingTable* pairing) {
  const std::string title = "import " + name;
  const std::string torch_release = release_of(torch.version);
  const std::string torch_series = series_of(torch.version);
  auto versions_of = [&name](const PackagePairing& p) -> const std::vector<std::string>& {
    return name == "torchvision" ? p.torchvision : p.torchaudio;
  };
  std::vector<std::string> expected;       // released with this torch release
  std::vector<std::string> series_latest;  // per series: the newest release recorded for it
  std::vector<std::string> series;         // minor series paired with this torch series
  if (pairing) {
    if (auto it = pairing->find(torch_release); it != pairing->end())
      expected = versions_of(it->second);
    for (const auto& [torch_version, p] : *pairing) {  // std::map: versions in text order
      if (series_of(torch_version) != torch_series) continue;
      for (const auto& v : versions_of(p)) {
        auto s = series_of(v);
        auto at = std::find(series.begin(), series.end(), s);
        if (at == series.end()) {
          series.push_back(s);
          series_latest.push_back(v);
        } else {
          auto& latest = series_latest[static_cast<std::size_t>(at - series.begin())];
          auto a = DottedVersion::parse(latest);
          auto b = DottedVersion::parse(v);
          if (a && b && *b > *a) latest = v;
        }
      }
    }
  }
  const std::vector<std::string>& hint_versions = !expected.empty() ? expected : series_latest;
  Text install_hint = tr("verify.fix-package-reinstall",
                         "reinstall {package} from the same index and in the same command as torch",
                         {{"package", name}});
  if (!hint_versions.empty()) {
    install_hint = tr("verify.fix-package-pin",
                      "pip install {package}=={version} from the same index as torch",
                      {{"package", name}, {"version", hint_versions.back()}});
  }
  if (package.error) {
    return make(name, title, CheckStatus::kFail, str::sanitize(*package.error, 300),
                tr("verify.fix-package-import",
                   "{fix} (a failed import usually means it was built for another torch)",
                   {{"fix", install_hint}}));
  }
  if (!package.installed || !package.version) {
    return make(name, title, CheckStatus::kSkip,
                tr("verify.package-not-installed", "not installed (optional)"));
  }
  const std::string& version = *package.version;
  const std::string torch_local = local_of(torch.version);
  const std::string local = local_of(version);
  if (is_variant_label(torch_local) && is_variant_label(local) && torch_local != local) {
    return make(name, title, CheckStatus::kFail,
                tr("verify.package-variant",
                   "{package} {version} is a +{local} build but torch {torch} is +{torch_local}",
                   {{"package", name},
                    {"version", version},
                    {"local", local},
                    {"torch", torch.version},
                    {"torch_local", torch_local}}),
                install_hint);
  }
  if (series.empty()) {
    return make(name, title, CheckStatus::kPass,
                tr("verify.package-no-pairing",
                   "{package} {version} (no pairing data for torch {torch}; not compared)",
                   {{"package", name}, {"version", version}, {"torch", torch_release}}));
  }
  const std::string installed = release_of(version);
  // "; note: 0.14.1a0 is a distribution or pre-release build" after the verdict.
  auto with_build_note = [&](Text verdict) {
    if (!is_distribution_build(version)) return verdict;
    return tr("verify.package-distribution-note",
              "{verdict}; note: {version} is a distribution or pre-release build",
              {{"verdict", std::move(verdict)}, {"version", version}});
  };
  if (std::any_of(expected.begin(), expected.end(),
                  [&](const std::string& e) { return same_release(installed, e); })) {
    return make(
        name, title, CheckStatus::kPass,
        with_build_note(tr("verify.package-pairs", "{package} {version} pairs with torch {torch}",
                           {{"package", name}, {"version", version}, {"torch", torch_release}})));
  }
  if (std::find(series.begin(), series.end(), series_of(version)) != series.end()) {
    Text released = tr("verify.package-no-release", "no release of torch {torch} is recorded",
                       {{"torch", torch_release}});
    if (!expected.empty()) {
      released = tr(
          "verify.package-released-with", "torch {torch} was released with {package} {versions}",
          {{"torch", torch_release}, {"package", name}, {"versions", str::join(expected, " or ")}});
    }
    return make(
        name, title, CheckStatus::kPass,
        with_build_note(tr("verify.package-same-series",
                           "{package} {version} is in the {series}.x series that pairs with torch "
                           "{torch_series}.x; "
                           "note: {released}, a patch difference within the series is compatible",
                           {{"package", name},
                            {"version", version},
                            {"series", series_of(version)},
                            {"torch_series", torch_series},
                            {"released", std::move(released)}})));
  }
  std::string released_with;
  if (pairing) {
    for (const auto& [torch_version, p] : *pairing) {
      for (const auto& other : versions_of(p)) {
        if (same_release(other, installed)) released_with = torch_version;
      }
    }
  }
  std::vector<std::string> pairs_with = expected;
  if (pairs_with.empty()) {
    for (const auto& s : series) pairs_with.push_back(s + ".x");
  }
  Text verdict = tr(
      "verify.package-mismatch",
      "{package} {version} does not pair with torch {torch} (which pairs with {package} {pairs})",
      {{"package", name},
       {"version", version},
       {"torch", torch_release},
       {"pairs", str::join(pairs_with, " or ")}});
  if (!released_with.empty()) {
    verdict =
        tr("verify.package-mismatch-released", "{verdict}; it was released with torch {torch}",
           {{"verdict", std::move(verdict)}, {"torch", released_with}});
  }
  return make(name, title, CheckStatus::kFail, verdict, install_hint);
}

}  // namespace torchup::act
