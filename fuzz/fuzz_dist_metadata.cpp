// Core metadata (METADATA / PKG-INFO) of an installed distribution.
#include "detect/parse.h"
#include "fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace torchup;
  if (auto m = detect::parse_dist_metadata(fuzz::view(data, size))) {
    fuzz::check(!m->name.empty() && !m->version.empty(), "metadata has name and version");
    fuzz::check(fuzz::capped(m->name, 100) && fuzz::capped(m->version, 100), "metadata fields are length-capped");
  }
  return 0;
}
