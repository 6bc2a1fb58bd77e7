// Arch coverage, driver/build CUDA majors and package pairing: the facts verify
// and doctor both judge. Pure functions over probe values.
#include <fmt/format.h>

#include <algorithm>

#include "act/verify_checks_internal.h"
#include "util/strings.h"
#include "util/version.h"

namespace torchup::act {

namespace {

Check make(std::string id, std::string title, CheckStatus status, std::string reason,
           std::string fix = {}) {
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

std::optional<std::string> driver_too_old(const ProbeTorch& torch) {
  if (!torch.cuda || !torch.driver_cuda) return std::nullopt;
  auto build = DottedVersion::parse(*torch.cuda);
  auto driver = DottedVersion::parse(*torch.driver_cuda);
  if (!build || !driver || driver->major() >= build->major()) return std::nullopt;
  return fmt::format("the driver supports CUDA {} but this torch needs CUDA {}.x", driver->str(),
                     build->major());
}

Check arch_check(const ProbeTorch& torch, const ProbeGpu& gpu) {
  const std::string n = std::to_string(gpu.index);
  const std::string id = "arch[" + n + "]";
  const std::string title = "arch of cuda:" + n + " in torch.cuda.get_arch_list()";
  if (torch.arch_list.empty()) {
    return make(id, title, CheckStatus::kSkip, "torch reports no arch list");
  }
  const std::string listed = str::join(torch.arch_list, " ");
  if (torch.hip) {
    if (!gpu.gcn_arch) return make(id, title, CheckStatus::kSkip, "torch does not report the gfx target");
    for (const auto& a : torch.arch_list) {
      if (str::starts_with(a, *gpu.gcn_arch)) {
        return make(id, title, CheckStatus::kPass, *gpu.gcn_arch + " is in [" + listed + "]");
      }
    }
    return make(id, title, CheckStatus::kFail,
                *gpu.gcn_arch + " is not in this ROCm build's list [" + listed + "]",
                "install a ROCm build that lists " + *gpu.gcn_arch + " (see `torchup plan`)");
  }
  auto cap = gpu.capability ? DottedVersion::parse(*gpu.capability) : std::nullopt;
  if (!cap) return make(id, title, CheckStatus::kSkip, "compute capability unknown");
  const std::string sm = fmt::format("sm_{}{}", cap->major(), cap->minor());
  std::optional<std::string> same_major, ptx;
  for (const auto& a : torch.arch_list) {
    if (auto s = arch_number(a, "sm_")) {
      if (s->first == cap->major() && s->second == cap->minor()) {
        return make(id, title, CheckStatus::kPass, sm + " is in [" + listed + "]");
      }
      if (s->first == cap->major() && s->second < cap->minor()) same_major = a;
    } else if (auto p = arch_number(a, "compute_")) {
      if (std::pair(p->first, p->second) <= std::pair(cap->major(), cap->minor())) ptx = a;
    }
  }
  if (same_major) {
    return make(id, title, CheckStatus::kPass,
                sm + " runs the " + *same_major + " code (same major, binary compatible)");
  }
  if (ptx) {
    return make(id, title, CheckStatus::kPass,
                sm + " is covered only by " + *ptx +
                    " PTX, compiled at first use (slow start; a build with " + sm + " is better)");
  }
  return make(id, title, CheckStatus::kFail,
              fmt::format("{} (compute capability {}) is not in [{}]: this build has no code for "
                          "this GPU",
                          sm, cap->str(), listed),
              "install a build whose arch list covers " + cap->str() +
                  ": `torchup plan` picks one");
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
    if (auto it = pairing->find(torch_release); it != pairing->end()) expected = versions_of(it->second);
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
  const std::string install_hint =
      !hint_versions.empty()
          ? fmt::format("pip install {}=={} from the same index as torch", name, hint_versions.back())
          : "reinstall " + name + " from the same index and in the same command as torch";
  if (package.error) {
    return make(name, title, CheckStatus::kFail, str::sanitize(*package.error, 300),
                install_hint + " (a failed import usually means it was built for another torch)");
  }
  if (!package.installed || !package.version) {
    return make(name, title, CheckStatus::kSkip, "not installed (optional)");
  }
  const std::string& version = *package.version;
  const std::string torch_local = local_of(torch.version);
  const std::string local = local_of(version);
  if (is_variant_label(torch_local) && is_variant_label(local) && torch_local != local) {
    return make(name, title, CheckStatus::kFail,
                fmt::format("{} {} is a +{} build but torch {} is +{}", name, version, local,
                            torch.version, torch_local),
                install_hint);
  }
  if (series.empty()) {
    return make(name, title, CheckStatus::kPass,
                fmt::format("{} {} (no pairing data for torch {}; not compared)", name, version,
                            torch_release));
  }
  const std::string installed = release_of(version);
  const std::string build_note =
      is_distribution_build(version)
          ? fmt::format("; note: {} is a distribution or pre-release build", version)
          : "";
  if (std::any_of(expected.begin(), expected.end(),
                  [&](const std::string& e) { return same_release(installed, e); })) {
    return make(name, title, CheckStatus::kPass,
                fmt::format("{} {} pairs with torch {}{}", name, version, torch_release,
                            build_note));
  }
  if (std::find(series.begin(), series.end(), series_of(version)) != series.end()) {
    std::string released = expected.empty()
                               ? "no release of torch " + torch_release + " is recorded"
                               : fmt::format("torch {} was released with {} {}", torch_release,
                                             name, str::join(expected, " or "));
    return make(name, title, CheckStatus::kPass,
                fmt::format("{} {} is in the {}.x series that pairs with torch {}.x; note: {}, "
                            "a patch difference within the series is compatible{}",
                            name, version, series_of(version), torch_series, released,
                            build_note));
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
  return make(name, title, CheckStatus::kFail,
              fmt::format("{} {} does not pair with torch {} (which pairs with {} {}){}", name,
                          version, torch_release, name, str::join(pairs_with, " or "),
                          released_with.empty() ? "" : "; it was released with torch " +
                                                           released_with),
              install_hint);
}

}  // namespace torchup::act
