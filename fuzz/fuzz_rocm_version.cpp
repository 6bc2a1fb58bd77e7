// /opt/rocm/.info/version ("6.2.4-120").
#include "detect/parse.h"
#include "fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace torchup;
  if (auto v = detect::parse_rocm_version(fuzz::view(data, size))) {
    fuzz::check(v->find('.') != std::string::npos, "ROCm version is dotted");
  }
  return 0;
}
