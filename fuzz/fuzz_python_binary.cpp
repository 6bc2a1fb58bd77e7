// PY_VERSION inside an interpreter or libpythonX.Y.so. The first line of the input is
// the minor version from the file name ("3.11"), the rest is the binary.
#include "detect/parse.h"
#include "fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace torchup;
  auto in = fuzz::view(data, size);
  auto nl = in.find('\n');
  if (nl == std::string_view::npos || nl > 16) return 0;
  auto minor = in.substr(0, nl);
  if (auto v = detect::parse_python_version_in_binary(in.substr(nl + 1), minor)) {
    fuzz::check(v->starts_with(minor), "the version found is of the minor asked for");
  }
  return 0;
}
