#include "detect/parse_windows.h"

#include <cstdio>
#include <vector>

namespace torchup::detect {
namespace {

bool all_digits(std::string_view s) {
  if (s.empty() || s.size() > 9) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

std::optional<unsigned> hex4(std::string_view s) {
  if (s.size() < 4) return std::nullopt;
  unsigned v = 0;
  for (char c : s.substr(0, 4)) {
    v <<= 4;
    if (c >= '0' && c <= '9') v |= static_cast<unsigned>(c - '0');
    else if (c >= 'a' && c <= 'f') v |= static_cast<unsigned>(c - 'a' + 10);
    else if (c >= 'A' && c <= 'F') v |= static_cast<unsigned>(c - 'A' + 10);
    else return std::nullopt;
  }
  return v;
}

std::optional<std::uint16_t> pe_machine(std::string_view bytes) {
  if (bytes.size() < 0x40 || bytes[0] != 'M' || bytes[1] != 'Z') return std::nullopt;
  auto u8 = [&](std::size_t i) { return static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i])); };
  std::uint32_t offset = u8(0x3c) | (u8(0x3d) << 8) | (u8(0x3e) << 16) | (u8(0x3f) << 24);
  if (offset > bytes.size() || bytes.size() - offset < 6) return std::nullopt;
  if (bytes.substr(offset, 4) != std::string_view("PE\0\0", 4)) return std::nullopt;
  return static_cast<std::uint16_t>(u8(offset + 4) | (u8(offset + 5) << 8));
}

}  // namespace

std::optional<std::string> nvidia_driver_from_windows(std::string_view windows_version) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    auto dot = windows_version.find('.', start);
    parts.push_back(windows_version.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start));
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  if (parts.size() != 4) return std::nullopt;
  for (auto p : parts) {
    if (!all_digits(p)) return std::nullopt;
  }
  if (parts[3].size() > 4) return std::nullopt;
  std::string digits(1, parts[2].back());
  digits.append(4 - parts[3].size(), '0');
  digits.append(parts[3]);
  // "55222" -> "552.22"; a leading zero of the major is dropped ("09135" never occurs).
  std::string major = digits.substr(0, 3);
  while (major.size() > 1 && major.front() == '0') major.erase(0, 1);
  return major + "." + digits.substr(3);
}

namespace {

// UTF-16LE (with its BOM) to bytes, keeping ASCII only: an INF's keys and versions are ASCII.
std::string inf_text(std::string_view raw) {
  if (raw.size() >= 2 && static_cast<unsigned char>(raw[0]) == 0xff && static_cast<unsigned char>(raw[1]) == 0xfe) {
    std::string out;
    for (std::size_t i = 2; i + 1 < raw.size(); i += 2) {
      out.push_back(raw[i + 1] == 0 && static_cast<unsigned char>(raw[i]) < 0x80 ? raw[i] : '?');
    }
    return out;
  }
  return std::string(raw);
}

std::string_view trim_view(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

// "04/04/2024,31.0.15.5222" (a ";" comment may follow) -> "31.0.15.5222" when it is four numbers < 65535.
std::optional<std::string> driver_ver_value(std::string_view value) {
  value = trim_view(value.substr(0, value.find(';')));
  auto comma = value.find(',');
  if (comma == std::string_view::npos) return std::nullopt;
  auto version = trim_view(value.substr(comma + 1));
  std::size_t parts = 0;
  std::size_t start = 0;
  while (true) {
    auto dot = version.find('.', start);
    auto part = version.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (part.empty() || part.size() > 5 || !all_digits(part) || std::stol(std::string(part)) >= 65535) return std::nullopt;
    ++parts;
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  if (parts != 4) return std::nullopt;
  return std::string(version);
}

}  // namespace

std::optional<std::string> parse_inf_driver_ver(std::string_view raw) {
  const std::string text = inf_text(raw);
  std::string_view rest(text);
  std::string_view section;
  std::optional<std::string> elsewhere;
  while (!rest.empty()) {
    auto nl = rest.find('\n');
    auto line = trim_view(rest.substr(0, nl));
    rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
    if (line.empty() || line.front() == ';') continue;
    if (line.front() == '[') {
      auto close = line.find(']');
      section = trim_view(line.substr(1, close == std::string_view::npos ? std::string_view::npos : close - 1));
      continue;
    }
    auto eq = line.find('=');
    if (eq == std::string_view::npos || !iequals(trim_view(line.substr(0, eq)), "DriverVer")) continue;
    auto version = driver_ver_value(line.substr(eq + 1));
    if (!version) continue;
    if (iequals(section, "Version")) return version;
    if (!elsewhere) elsewhere = version;
  }
  return elsewhere;
}

std::optional<PciIds> parse_matching_device_id(std::string_view id) {
  auto lower = std::string(id);
  for (auto& c : lower) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  if (lower.rfind("pci\\", 0) != 0) return std::nullopt;
  auto ven = lower.find("ven_");
  auto dev = lower.find("dev_");
  if (ven == std::string::npos || dev == std::string::npos) return std::nullopt;
  auto v = hex4(std::string_view(lower).substr(ven + 4));
  auto d = hex4(std::string_view(lower).substr(dev + 4));
  if (!v || !d) return std::nullopt;
  return PciIds{static_cast<std::uint16_t>(*v), static_cast<std::uint16_t>(*d)};
}

std::optional<int> pe_bits(std::string_view bytes) {
  auto m = pe_machine(bytes);
  if (!m) return std::nullopt;
  if (*m == 0x14c) return 32;
  if (*m == 0x8664 || *m == 0xaa64) return 64;
  return std::nullopt;
}

std::optional<std::string> pe_arch(std::string_view bytes) {
  auto m = pe_machine(bytes);
  if (!m) return std::nullopt;
  if (*m == 0x14c) return "x86";
  if (*m == 0x8664) return "x86_64";
  if (*m == 0xaa64) return "arm64";
  return std::nullopt;
}

}  // namespace torchup::detect
