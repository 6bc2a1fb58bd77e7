// pyvenv.cfg (PEP 405).
#include <algorithm>

#include "detect/parse.h"
#include "fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace torchup;
  auto c = detect::parse_pyvenv_cfg(fuzz::view(data, size));
  if (c.version) {
    auto dots = std::count(c.version->begin(), c.version->end(), '.');
    fuzz::check(dots >= 1 && dots <= 2, "venv version has two or three parts");
  }
  return 0;
}
