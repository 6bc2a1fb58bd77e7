// The version banner inside libc.so.6.
#include "detect/parse.h"
#include "fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace torchup;
  if (auto v = detect::parse_glibc_banner(fuzz::view(data, size))) {
    fuzz::check(v->find('.') != std::string::npos, "glibc version is dotted");
  }
  return 0;
}
