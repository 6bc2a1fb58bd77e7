// Pure parsers over what macOS detection reads; no I/O.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/machine.h"

namespace torchup::detect {

// The <string> after <key>KEY</key> in an XML property list (SystemVersion.plist:
// ProductName, ProductVersion, ProductBuildVersion); nullopt when absent. Entities
// &amp; &lt; &gt; are decoded.
std::optional<std::string> plist_string(std::string_view plist, std::string_view key);

// A thin Mach-O image's CPU ("arm64" for CPU_TYPE_ARM64 0x0100000c, "x86_64" for
// CPU_TYPE_X86_64 0x01000007; <mach-o/loader.h>, <mach/machine.h>); nullopt for universal
// (fat) images, other CPUs and anything that is not Mach-O.
std::optional<std::string> macho_arch(std::string_view bytes);

// `system_profiler SPDisplaysDataType -json`: one GPU per entry (sppci_model, spdisplays_vendor,
// spdisplays_device-id). Malformed output gives no GPUs.
std::vector<model::Gpu> parse_system_profiler_displays(std::string_view json_text);

}  // namespace torchup::detect
