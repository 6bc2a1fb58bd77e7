// data/platform-facts.json (OS / CPU / accelerator limits, glibc floors).
#include "data/releases.h"
#include "fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace torchup;
  auto parsed = data::parse_platform_facts(fuzz::text(data, size));
  if (!parsed) {
    fuzz::check(!parsed.error().message.empty(), "errors say what was wrong");
    return 0;
  }
  for (const auto& floor : parsed->glibc_floors) {
    fuzz::check(parsed->glibc_for(floor.from_torch).has_value(), "a floor's own release has a glibc");
  }
  return 0;
}
