// include/cuda.h ("#define CUDA_VERSION 12040" -> "12.4").
#include "detect/parse.h"
#include "fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace torchup;
  if (auto v = detect::parse_cuda_h_version(fuzz::view(data, size))) {
    fuzz::check(v->find('.') != std::string::npos, "cuda.h version is major.minor");
  }
  return 0;
}
