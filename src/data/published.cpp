#include "data/published.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>

namespace torchup::data {

namespace {

using Json = nlohmann::ordered_json;  // keeps the file's key order (download order)
constexpr const char* kFile = "published_versions.json";

Error bad(const std::string& path, const std::string& problem) {
  return make_error(ErrorKind::kParse, std::string(kFile) + ": " + path + ": " + problem,
                    "run 'torchup update' to fetch a fresh copy, or remove the bad override");
}

std::string type_name(const Json& j) { return j.type_name(); }

bool all_digits(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
}

// Optional string field: absent or null -> nullopt; a string -> value; else error.
Expected<std::optional<std::string>> optional_string(const Json& obj, const char* field,
                                                     const std::string& path) {
  auto it = obj.find(field);
  if (it == obj.end() || it->is_null()) return std::optional<std::string>{};
  if (!it->is_string()) {
    return bad(path + "." + field, "expected a string or null, found " + type_name(*it));
  }
  return std::optional<std::string>{it->get<std::string>()};
}

Expected<PublishedEntry> parse_entry(const std::string& id, const Json& j, const std::string& path) {
  if (!j.is_object()) return bad(path, "expected an object, found " + type_name(j));
  PublishedEntry entry;
  entry.platform_id = id;
  auto note = optional_string(j, "note", path);
  if (!note) return note.error();
  entry.note = *note;
  auto command = optional_string(j, "command", path);
  if (!command) return command.error();
  entry.command = *command;
  if (auto it = j.find("default"); it != j.end()) {
    if (!it->is_boolean()) return bad(path + ".default", "expected true/false, found " + type_name(*it));
    entry.is_default = it->get<bool>();
  }
  if (auto it = j.find("versions"); it != j.end()) {
    entry.is_libtorch = true;
    if (!it->is_null()) {
      if (!it->is_object()) {
        return bad(path + ".versions", "expected an object of label: url, found " + type_name(*it));
      }
      std::vector<Download> downloads;
      for (const auto& [label, url] : it->items()) {
        if (!url.is_string()) {
          return bad(path + ".versions." + label, "expected a URL string, found " + type_name(url));
        }
        downloads.push_back({label, url.get<std::string>()});
      }
      entry.downloads = std::move(downloads);
    }
  } else if (j.find("command") == j.end()) {
    return bad(path, "entry has neither 'command' nor 'versions'");
  }
  return entry;
}

Expected<PublishedVersion> parse_version(const std::string& key, const Json& j) {
  const std::string path = "versions." + key;
  if (!j.is_object()) return bad(path, "expected an object of operating systems, found " + type_name(j));
  PublishedVersion version;
  version.key = key;
  for (const auto& [os_name, os_json] : j.items()) {
    const std::string os_path = path + "." + os_name;
    if (os_name != "linux" && os_name != "macos" && os_name != "windows") {
      return bad(os_path, "unknown operating system '" + os_name + "' (expected linux, macos, windows)");
    }
    if (!os_json.is_object()) return bad(os_path, "expected an object of packages, found " + type_name(os_json));
    PublishedOs os{os_name, {}};
    for (const auto& [package_name, package_json] : os_json.items()) {
      const std::string package_path = os_path + "." + package_name;
      if (!package_json.is_object()) {
        return bad(package_path, "expected an object of platforms, found " + type_name(package_json));
      }
      PublishedPackage package{package_name, {}};
      for (const auto& [id, entry_json] : package_json.items()) {
        if (!is_known_platform_id(id)) {
          return bad(package_path, "unknown platform id '" + id +
                                       "' (expected accnone, cuda.x/.y/.z, rocm5.x, or a legacy id such as cuda10.2)");
        }
        auto entry = parse_entry(id, entry_json, package_path + "." + id);
        if (!entry) return entry.error();
        package.entries.push_back(std::move(*entry));
      }
      os.packages.push_back(std::move(package));
    }
    version.oses.push_back(std::move(os));
  }
  return version;
}

}  // namespace

const PublishedEntry* PublishedPackage::find(const std::string& platform_id) const {
  for (const auto& e : entries) {
    if (e.platform_id == platform_id) return &e;
  }
  return nullptr;
}

const PublishedPackage* PublishedOs::find(const std::string& package) const {
  for (const auto& p : packages) {
    if (p.name == package) return &p;
  }
  return nullptr;
}

const PublishedOs* PublishedVersion::find(const std::string& os) const {
  for (const auto& o : oses) {
    if (o.name == os) return &o;
  }
  return nullptr;
}

const PublishedVersion* PublishedVersions::find(const std::string& key) const {
  for (const auto& v : versions) {
    if (v.key == key) return &v;
  }
  return nullptr;
}

bool is_known_platform_id(const std::string& id) {
  if (id == "accnone") return true;
  // Positional ids: cuda.x, cuda.y, cuda.z (gen_quick_start_module.py, see
  // ../shared/research/pytorch-matrix.md §1).
  if (id.size() == 6 && id.rfind("cuda.", 0) == 0 && std::islower(static_cast<unsigned char>(id[5]))) {
    return true;
  }
  // Legacy and ROCm ids: cuda10.2, cuda11.x, cuda11.6, rocm4.x, rocm5.x, rocm4.2.
  for (const std::string prefix : {"cuda", "rocm"}) {
    if (id.rfind(prefix, 0) != 0) continue;
    std::string rest = id.substr(prefix.size());
    auto dot = rest.find('.');
    if (dot == std::string::npos) return false;
    std::string major = rest.substr(0, dot), minor = rest.substr(dot + 1);
    return all_digits(major) && (minor == "x" || all_digits(minor));
  }
  return false;
}

Expected<PublishedVersions> parse_published_versions(const std::string& text) {
  Json root = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded()) {
    return bad("(document)", "not valid JSON (truncated or corrupted?)");
  }
  if (!root.is_object()) return bad("(document)", "expected a JSON object, found " + type_name(root));
  PublishedVersions out;
  auto stable = root.find("latest_stable");
  if (stable == root.end() || !stable->is_string()) {
    return bad("latest_stable", stable == root.end() ? "missing" : "expected a string, found " + type_name(*stable));
  }
  out.latest_stable = stable->get<std::string>();
  if (auto lts = root.find("latest_lts"); lts != root.end() && lts->is_string()) {
    out.latest_lts = lts->get<std::string>();
  }
  auto versions = root.find("versions");
  if (versions == root.end() || !versions->is_object()) {
    return bad("versions", versions == root.end() ? "missing" : "expected an object, found " + type_name(*versions));
  }
  for (const auto& [key, version_json] : versions->items()) {
    auto version = parse_version(key, version_json);
    if (!version) return version.error();
    out.versions.push_back(std::move(*version));
  }
  if (!out.find(out.latest_stable)) {
    return bad("latest_stable", "names version '" + out.latest_stable + "', which is not under 'versions'");
  }
  return out;
}

}  // namespace torchup::data
