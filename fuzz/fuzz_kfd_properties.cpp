// KFD topology node properties and the gfx target name of what they report.
#include "detect/parse.h"
#include "fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace torchup;
  if (auto node = detect::parse_kfd_properties(fuzz::view(data, size))) {
    if (auto name = detect::gfx_target_name(node->gfx_target_version)) {
      fuzz::check(name->starts_with("gfx") && name->size() >= 5, "gfx target name shape");
    }
  }
  // Every 32-bit value the file could hold, straight from the bytes.
  if (size >= 4) {
    std::uint32_t v = static_cast<std::uint32_t>(data[0]) | static_cast<std::uint32_t>(data[1]) << 8 |
                      static_cast<std::uint32_t>(data[2]) << 16 | static_cast<std::uint32_t>(data[3]) << 24;
    auto name = detect::gfx_target_name(v);
    fuzz::check(v != 0 || !name, "no gfx name for a CPU node");
  }
  return 0;
}
