// The banner of plain `nvidia-smi` ("Driver Version: 550.54.14  CUDA Version: 12.4").
#include "detect/parse.h"
#include "fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace torchup;
  auto b = detect::parse_nvidia_smi_banner(fuzz::view(data, size));
  if (b.driver_version) fuzz::check(b.driver_version->find('.') != std::string::npos, "driver is dotted");
  if (b.cuda_version) fuzz::check(b.cuda_version->find('.') != std::string::npos, "CUDA is dotted");
  return 0;
}
