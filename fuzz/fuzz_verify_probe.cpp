// The output of verify's Python probe: anything, then "@@TORCHUP_PROBE@@{json}".
#include "act/verify_probe.h"
#include "fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace torchup;
  auto parsed = act::parse_probe_output(fuzz::text(data, size));
  if (!parsed) fuzz::check(!parsed.error().message.empty(), "errors say what was wrong");
  return 0;
}
