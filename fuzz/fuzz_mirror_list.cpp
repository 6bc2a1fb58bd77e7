// data/mirrors.json (PyTorch-index and PyPI mirrors for --mirror).
#include "act/mirrors.h"
#include "fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace torchup;
  auto parsed = act::parse_mirror_list(fuzz::text(data, size));
  if (!parsed) {
    fuzz::check(!parsed.error().message.empty(), "errors say what was wrong");
    return 0;
  }
  for (const auto* list : {&parsed->pytorch_mirrors, &parsed->pypi_mirrors}) {
    for (const auto& m : *list) fuzz::check(!m.name.empty() && !m.url.empty(), "mirrors have a name and a URL");
  }
  return 0;
}
