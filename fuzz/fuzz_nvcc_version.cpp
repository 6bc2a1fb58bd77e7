// `nvcc --version` ("Cuda compilation tools, release 12.4, V12.4.131").
#include "detect/parse.h"
#include "fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace torchup;
  if (auto v = detect::parse_nvcc_version(fuzz::view(data, size))) {
    fuzz::check(v->find('.') != std::string::npos, "nvcc version is dotted");
  }
  return 0;
}
