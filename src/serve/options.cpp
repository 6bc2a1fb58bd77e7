#include "serve/options.h"

#include <algorithm>
#include <tuple>

#include "util/strings.h"

namespace torchup::serve {

namespace {

const std::vector<std::string> kOses = {"linux", "macos", "windows"};
// "source" has no per-platform entries on the site: it always shows its fixed pointer.
const std::vector<std::string> kPlatformPackages = {"pip", "conda", "libtorch"};

// Sort key: 0 CUDA, 1 ROCm, 2 XPU/other, 3 CPU (the site lists CPU last); then version.
std::tuple<int, std::vector<long long>, std::string> sort_key(const std::string& name) {
  auto numbers = [](std::string_view digits) {
    std::vector<long long> out;
    for (auto part : str::split(digits, '.')) {
      auto n = str::parse_int(part);
      out.push_back(n ? *n : 0);
    }
    return out;
  };
  if (str::starts_with(name, "cu") && name.size() > 3) {
    // cu126 -> 12.6, cu92 -> 9.2: the last digit is the minor version (PyTorch's wheel tags).
    std::string digits = name.substr(2);
    return {0, numbers(digits.substr(0, digits.size() - 1) + "." + digits.substr(digits.size() - 1)), name};
  }
  if (str::starts_with(name, "rocm")) return {1, numbers(name.substr(4)), name};
  if (name == "cpu") return {3, {}, name};
  return {2, {}, name};
}

}  // namespace

std::string platform_label(const std::string& name) {
  auto [kind, numbers, text] = sort_key(name);
  std::vector<std::string> parts;
  for (auto n : numbers) parts.push_back(std::to_string(n));
  if (kind == 0) return "CUDA " + str::join(parts, ".");
  if (kind == 1) return "ROCm " + name.substr(4);
  std::string upper = name;
  for (auto& c : upper) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
  return upper;
}

bool platform_before(const std::string& a, const std::string& b) { return sort_key(a) < sort_key(b); }

nlohmann::ordered_json options_json(const render::Selector& selector) {
  nlohmann::ordered_json j;
  j["stable"] = selector.stable_version();
  j["versions"] = nlohmann::ordered_json::array();
  j["versions"].push_back({{"id", "stable"}, {"version", selector.stable_version()}});
  j["versions"].push_back({{"id", "nightly"}, {"version", "nightly"}});
  for (const auto& v : selector.versions()) {
    if (v == selector.stable_version()) continue;  // the "Stable" button already is that release
    j["versions"].push_back({{"id", v}, {"version", v}});
  }
  j["oses"] = kOses;
  j["packages"] = {"pip", "conda", "libtorch", "source"};
  j["languages"] = {"python", "cpp"};
  return j;
}

Expected<nlohmann::ordered_json> version_options_json(const render::Selector& selector, const std::string& torch) {
  std::string version = torch == "stable" ? selector.stable_version() : torch;
  auto all = selector.versions();
  if (torch != "nightly" && std::find(all.begin(), all.end(), version) == all.end()) {
    return make_error(ErrorKind::kNotFound, "unknown torch version '" + str::sanitize(torch, 40) + "'",
                      "GET /api/options lists the versions");
  }
  nlohmann::ordered_json j;
  j["torch"] = torch;
  j["version"] = version;
  j["oses"] = kOses;
  j["packages"] = {"pip", "conda", "libtorch", "source"};
  j["languages"] = {"python", "cpp"};
  std::vector<std::string> every;
  nlohmann::ordered_json offered = nlohmann::ordered_json::object();
  for (const auto& os : kOses) {
    offered[os] = nlohmann::ordered_json::object();
    for (const auto& package : kPlatformPackages) {
      std::vector<std::string> names;
      for (const auto& choice : selector.platforms(torch, os, package)) {
        if (choice.name.empty() || std::find(names.begin(), names.end(), choice.name) != names.end()) continue;
        names.push_back(choice.name);
        if (std::find(every.begin(), every.end(), choice.name) == every.end()) every.push_back(choice.name);
      }
      std::sort(names.begin(), names.end(), platform_before);
      offered[os][package] = names;
    }
  }
  std::sort(every.begin(), every.end(), platform_before);
  j["platforms"] = nlohmann::ordered_json::array();
  for (const auto& name : every) j["platforms"].push_back({{"name", name}, {"label", platform_label(name)}});
  j["offered"] = offered;
  return j;
}

}  // namespace torchup::serve
