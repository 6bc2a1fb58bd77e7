// data/nvidia-compute-capability.json (PCI device id -> chip -> compute capability).
#include "data/gpu_db.h"
#include "fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace torchup;
  auto parsed = data::NvidiaCcTable::parse(fuzz::text(data, size));
  if (!parsed) {
    fuzz::check(!parsed.error().message.empty(), "errors say what was wrong");
    return 0;
  }
  if (size >= 2) (void)parsed->find(static_cast<std::uint16_t>(data[0] | data[1] << 8));
  return 0;
}
