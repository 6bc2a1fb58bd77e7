// A Windows driver INF's DriverVer (the WSL2 driver store's NVIDIA INF), and the
// NVIDIA version derived from it.
#include <algorithm>

#include "detect/parse_windows.h"
#include "fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace torchup;
  auto v = detect::parse_inf_driver_ver(fuzz::view(data, size));
  if (v) {
    fuzz::check(std::count(v->begin(), v->end(), '.') == 3, "DriverVer has four parts");
    fuzz::check(std::all_of(v->begin(), v->end(), [](char c) { return c == '.' || (c >= '0' && c <= '9'); }),
                "DriverVer is digits and dots");
    (void)detect::nvidia_driver_from_windows(*v);
  }
  return 0;
}
