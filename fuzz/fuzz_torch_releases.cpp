// data/torch-releases.json (Python versions, pairings, variants, arch lists per release).
#include "data/releases.h"
#include "fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace torchup;
  auto parsed = data::parse_torch_releases(fuzz::text(data, size));
  if (!parsed) {
    fuzz::check(!parsed.error().message.empty(), "errors say what was wrong");
    return 0;
  }
  for (const auto& r : parsed->releases) {
    fuzz::check(parsed->find(r.version) != nullptr, "every release can be found");
    for (const auto& [variant, list] : r.arch_lists) {
      if (!list) continue;
      for (const auto& arch : *list) (void)arch.str();
    }
  }
  return 0;
}
