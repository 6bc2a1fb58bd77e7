// Pure parsers over what Windows detection reads (registry strings, file headers);
// no I/O, fuzzed in fuzz/fuzz_reg_text.cpp's neighbours and tested in parse_windows_test.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace torchup::detect {

// The NVIDIA driver version users see ("552.22") from the Windows driver version in the
// display class key / Device Manager ("31.0.15.5222"): the last digit of the third field
// and the four digits of the fourth (zero-padded) make five digits, read as NNN.NN.
// The rule: Chromium's GPU info collector (crrev.com/1241aea53e75: "the actual NVIDIA driver
// version is parsed from the driver version in the Windows registry"); pairs checked in the
// tests. nullopt when the text is not four dotted numbers.
std::optional<std::string> nvidia_driver_from_windows(std::string_view windows_version);

// The version of an INF's DriverVer directive, "w.x.y.z" ("31.0.15.5222"), from the
// INF's text: "DriverVer = mm/dd/yyyy,w.x.y.z" in its [Version] section (Microsoft
// Learn, "INF DriverVer directive"; spaces around '=' and ',' allowed, the key in any
// case; a DriverVer in a DDInstall section is used only when [Version] has none). The
// text may be ANSI or UTF-16LE with a byte-order mark (Microsoft Learn, "General
// guidelines for INF files": "ANSI or Unicode (UTF-16 LE) file encoding"). nullopt when
// no valid directive.
std::optional<std::string> parse_inf_driver_ver(std::string_view inf);

// "pci\ven_10de&dev_2684&subsys_..." (MatchingDeviceId, any case) -> vendor and device.
struct PciIds {
  std::uint16_t vendor = 0;
  std::uint16_t device = 0;
};
std::optional<PciIds> parse_matching_device_id(std::string_view id);

// A PE image's machine (the COFF header after "PE\0\0", at the offset stored at 0x3c):
// 32 for IMAGE_FILE_MACHINE_I386 (0x14c), 64 for AMD64 (0x8664) and ARM64 (0xaa64)
// (Microsoft, "PE Format", Machine Types); nullopt for anything else.
std::optional<int> pe_bits(std::string_view bytes);
// "arm64", "x86_64" or "x86" from a PE machine; nullopt when not a PE image.
std::optional<std::string> pe_arch(std::string_view bytes);

// "%SystemRoot%\\System32" with lookup("SystemRoot") = "C:\\Windows"; unknown names stay
// as written (as ExpandEnvironmentStrings leaves them).
template <class Lookup>
std::string expand_windows_vars(std::string_view text, const Lookup& lookup) {
  std::string out;
  std::size_t i = 0;
  while (i < text.size()) {
    auto open = text.find('%', i);
    auto close = open == std::string_view::npos ? open : text.find('%', open + 1);
    if (close == std::string_view::npos) {
      out.append(text.substr(i));
      break;
    }
    out.append(text.substr(i, open - i));
    auto name = std::string(text.substr(open + 1, close - open - 1));
    std::optional<std::string> value = name.empty() ? std::nullopt : lookup(name);
    if (value) out += *value;
    else out.append(text.substr(open, close - open + 1));
    i = close + 1;
  }
  return out;
}

}  // namespace torchup::detect
