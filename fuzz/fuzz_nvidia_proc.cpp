// NVIDIA kernel module files: /sys/module/nvidia/version, /proc/driver/nvidia/version
// and /proc/driver/nvidia/gpus/<BDF>/information.
#include "detect/parse.h"
#include "fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace torchup;
  auto in = fuzz::view(data, size);
  if (auto v = detect::parse_nvidia_module_version(in)) {
    fuzz::check(!v->empty() && v->find('.') != std::string::npos, "module version is dotted");
  }
  if (auto v = detect::parse_nvidia_proc_version(in)) {
    fuzz::check(!v->empty() && v->find('.') != std::string::npos, "proc version is dotted");
  }
  if (auto m = detect::parse_nvidia_gpu_model(in)) fuzz::check(fuzz::capped(*m, 120), "model is length-capped");
  return 0;
}
