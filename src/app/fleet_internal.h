// Helpers shared by fleet.cpp and fleet_lock.cpp (app/fleet.h).
#pragma once

#include <cctype>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "app/fleet.h"
#include "util/strings.h"
#include "util/version.h"

namespace torchup::app::fleet_detail {

using nlohmann::json;

inline std::string canon_arch(std::string a) {
  a = str::to_lower(a);
  if (a == "amd64" || a == "x64") return "x86_64";
  if (a == "arm64") return "aarch64";
  return a;
}

// "3.11.2" -> "3.11"
inline std::string major_minor(const std::string& version) {
  auto v = DottedVersion::parse(version);
  if (!v || v->parts().size() < 2) return version;
  return std::to_string(v->major()) + "." + std::to_string(v->minor());
}

inline bool older(const std::string& a, const std::string& b) {
  auto va = DottedVersion::parse(a), vb = DottedVersion::parse(b);
  return va && vb && *va < *vb;
}

inline std::string no_dots(std::string s) {
  for (auto& c : s)
    if (c == '.' || c == '/' || c == ' ') c = '_';
  return s;
}

// A node's name from its facts: letters, digits, '.', '-', '_' only.
inline std::string clean_name(std::string_view name) {
  std::string out;
  for (char c : name) {
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_') out += c;
    if (out.size() >= 100) break;
  }
  return out;
}

// The accelerator family of a variant: cu126 -> cuda; the macOS wheel (mps) is the CPU one.
inline std::string family(const std::string& platform) {
  if (str::starts_with(platform, "cu")) return "cuda";
  if (str::starts_with(platform, "rocm")) return "rocm";
  if (platform == "xpu") return "xpu";
  return "cpu";
}

inline json opt(const std::optional<std::string>& s) { return s ? json(*s) : json(nullptr); }

// The fingerprint as the lock and `fleet plan --json` write it.
json fingerprint_json(const FleetFingerprint& f);

}  // namespace torchup::app::fleet_detail
