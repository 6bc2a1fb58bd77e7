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

Check package_check(const std::string& name, const ProbePackage& package, const ProbeTorch& torch,
                    const PairingTable* pairing) {
  const std::string title = "import " + name;
  const std::string torch_release = release_of(torch.version);
  std::vector<std::string> expected;
  if (pairing) {
    if (auto it = pairing->find(torch_release); it != pairing->end()) {
      expected = name == "torchvision" ? it->second.torchvision : it->second.torchaudio;
    }
  }
  const std::string install_hint =
      !expected.empty()
          ? fmt::format("pip install {}=={} from the same index as torch", name, expected.back())
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
  if (!torch_local.empty() && !local.empty() && torch_local != local) {
    return make(name, title, CheckStatus::kFail,
                fmt::format("{} {} is a +{} build but torch {} is +{}", name, version, local,
                            torch.version, torch_local),
                install_hint);
  }
  if (expected.empty()) {
    return make(name, title, CheckStatus::kPass,
                fmt::format("{} {} (no pairing data for torch {}; not compared)", name, version,
                            torch_release));
  }
  const std::string installed = release_of(version);
  if (std::any_of(expected.begin(), expected.end(),
                  [&](const std::string& e) { return same_release(installed, e); })) {
    return make(name, title, CheckStatus::kPass,
                fmt::format("{} {} pairs with torch {}", name, version, torch_release));
  }
  std::string released_with;
  if (pairing) {
    for (const auto& [torch_version, p] : *pairing) {
      const auto& others = name == "torchvision" ? p.torchvision : p.torchaudio;
      for (const auto& other : others) {
        if (same_release(other, installed)) released_with = torch_version;
      }
    }
  }
  return make(name, title, CheckStatus::kFail,
              fmt::format("{} {} does not pair with torch {} (which pairs with {} {}){}", name,
                          version, torch_release, name, str::join(expected, " or "),
                          released_with.empty() ? "" : "; it was released with torch " +
                                                           released_with),
              install_hint);
}

}  // namespace torchup::act
