// Output of detect's interpreter probe ("version=", "bits=", "prefix=", "path=" lines)
// and interpreter file names ("python3.11").
#include "detect/parse.h"
#include "fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace torchup;
  auto in = fuzz::view(data, size);
  if (auto p = detect::parse_python_probe(in)) {
    fuzz::check(!p->version.empty(), "probe has a version");
    fuzz::check(p->bits == 0 || p->bits == 32 || p->bits == 64, "probe bits");
    for (const auto& path : p->sys_path) fuzz::check(path.starts_with("/"), "sys.path entries are absolute");
  }
  if (auto minor = detect::python_minor_from_name(in)) {
    fuzz::check(minor->find('.') != std::string::npos, "python minor is X.Y");
  }
  return 0;
}
