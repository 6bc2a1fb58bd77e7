// data/rocm-gfx.json (gfx targets per ROCm variant).
#include "data/releases.h"
#include "fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace torchup;
  auto parsed = data::parse_rocm_gfx(fuzz::text(data, size));
  if (!parsed) {
    fuzz::check(!parsed.error().message.empty(), "errors say what was wrong");
    return 0;
  }
  for (const auto& [variant, list] : parsed->gfx) {
    fuzz::check((parsed->targets(variant) != nullptr) == list.has_value(), "targets() matches the map");
  }
  return 0;
}
