// /etc/os-release (os-release(5)) and /proc/version (WSL detection).
#include "detect/parse.h"
#include "fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace torchup;
  auto in = fuzz::view(data, size);
  auto r = detect::parse_os_release(in);
  // parse_os_release sanitizes to these lengths (parse.cpp).
  fuzz::check(fuzz::capped(r.id, 64) && fuzz::capped(r.name, 120) && fuzz::capped(r.version_id, 64),
              "os-release fields are length-capped");
  (void)detect::is_wsl_kernel(in);
  return 0;
}
