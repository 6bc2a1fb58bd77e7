// ELF identification of an interpreter binary (bits, e_machine).
#include "detect/parse.h"
#include "fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace torchup;
  if (auto elf = detect::parse_elf_header(fuzz::view(data, size))) {
    fuzz::check(elf->bits == 32 || elf->bits == 64, "ELF class is 32 or 64 bits");
  }
  return 0;
}
