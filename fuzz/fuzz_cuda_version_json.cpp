// CUDA toolkit version.json ({"cuda": {"name": "CUDA SDK", "version": "12.4.1"}, ...}).
#include "detect/parse.h"
#include "fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace torchup;
  if (auto v = detect::parse_cuda_version_json(fuzz::view(data, size))) {
    fuzz::check(v->find('.') != std::string::npos && v->size() <= 32, "toolkit version shape");
  }
  return 0;
}
