// torch/version.py (__version__, cuda, hip).
#include "detect/parse.h"
#include "fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace torchup;
  auto t = detect::parse_torch_version_py(fuzz::view(data, size));
  for (const auto* v : {&t.version, &t.cuda, &t.hip}) {
    if (*v) fuzz::check(!(*v)->empty() && fuzz::capped(**v, 100), "version.py values are non-empty and capped");
  }
  return 0;
}
