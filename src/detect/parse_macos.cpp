#include "detect/parse_macos.h"

#include <cstdint>
#include <cstdio>

#include <nlohmann/json.hpp>

#include "util/strings.h"

namespace torchup::detect {

std::optional<std::string> plist_string(std::string_view plist, std::string_view key) {
  const std::string tag = "<key>" + std::string(key) + "</key>";
  auto at = plist.find(tag);
  if (at == std::string_view::npos) return std::nullopt;
  auto rest = plist.substr(at + tag.size());
  auto open = rest.find('<');
  if (open == std::string_view::npos || !str::trim(rest.substr(0, open)).empty()) return std::nullopt;
  rest = rest.substr(open);
  if (!rest.starts_with("<string>")) return std::nullopt;
  rest.remove_prefix(8);
  auto close = rest.find("</string>");
  if (close == std::string_view::npos || close > 4096) return std::nullopt;
  std::string raw(rest.substr(0, close));
  std::string out;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] == '&') {
      if (raw.compare(i, 5, "&amp;") == 0) { out += '&'; i += 4; continue; }
      if (raw.compare(i, 4, "&lt;") == 0) { out += '<'; i += 3; continue; }
      if (raw.compare(i, 4, "&gt;") == 0) { out += '>'; i += 3; continue; }
    }
    out += raw[i];
  }
  return out;
}

std::optional<std::string> macho_arch(std::string_view bytes) {
  if (bytes.size() < 8) return std::nullopt;
  auto u32 = [&](std::size_t i) {
    return static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i])) |
           (static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i + 1])) << 8) |
           (static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i + 2])) << 16) |
           (static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i + 3])) << 24);
  };
  if (u32(0) != 0xfeedfacfu) return std::nullopt;  // MH_MAGIC_64, little-endian
  switch (u32(4)) {
    case 0x0100000cu: return "arm64";
    case 0x01000007u: return "x86_64";
    default: return std::nullopt;
  }
}

std::vector<model::Gpu> parse_system_profiler_displays(std::string_view json_text) {
  std::vector<model::Gpu> out;
  auto j = nlohmann::json::parse(json_text, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("SPDisplaysDataType") || !j["SPDisplaysDataType"].is_array()) {
    return out;
  }
  for (const auto& entry : j["SPDisplaysDataType"]) {
    if (!entry.is_object()) continue;
    auto text = [&](const char* k) {
      auto it = entry.find(k);
      return it != entry.end() && it->is_string() ? it->get<std::string>() : std::string();
    };
    model::Gpu gpu;
    gpu.name = text("sppci_model");
    if (gpu.name.empty()) gpu.name = text("_name");
    if (gpu.name.empty()) continue;
    auto vendor = str::to_lower(text("spdisplays_vendor"));
    unsigned vendor_id = 0;
    if (str::contains(vendor, "apple")) gpu.vendor = "apple";
    else if (str::contains(vendor, "amd") || str::contains(vendor, "ati")) gpu.vendor = "amd", vendor_id = 0x1002;
    else if (str::contains(vendor, "intel")) gpu.vendor = "intel", vendor_id = 0x8086;
    else if (str::contains(vendor, "nvidia")) gpu.vendor = "nvidia", vendor_id = 0x10de;
    else gpu.vendor = "other";
    auto device = text("spdisplays_device-id");
    if (vendor_id && device.size() > 2 && device.starts_with("0x")) {
      if (auto d = str::parse_hex(device.substr(2)); d && *d <= 0xffff) {
        char buf[16];
        std::snprintf(buf, sizeof buf, "%04x:%04lx", vendor_id, *d);
        gpu.pci_id = buf;
      }
    }
    gpu.source = "system_profiler SPDisplaysDataType";
    out.push_back(std::move(gpu));
  }
  return out;
}

}  // namespace torchup::detect
