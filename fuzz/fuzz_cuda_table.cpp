// data/cuda-driver-table.json (NVIDIA's Table 3 and minor-version compatibility
// floors), then every query `torchup cuda-compat` and the planner make of it.
#include "data/cuda_table.h"
#include "fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace torchup;
  auto parsed = data::CudaDriverTable::parse(fuzz::text(data, size));
  if (!parsed) {
    fuzz::check(!parsed.error().message.empty(), "errors say what was wrong");
    return 0;
  }
  const auto& table = *parsed;
  for (auto os : {data::DriverOs::kLinux, data::DriverOs::kWindows}) {
    for (const auto& row : table.rows()) {
      fuzz::check(table.knows_cuda(row.cuda), "every row's CUDA is known");
      fuzz::check(table.ga_row_for_cuda(row.cuda) != nullptr, "every row's CUDA has a GA row");
      (void)table.min_driver_for_cuda(row.cuda, os);
      for (const auto& driver : {row.linux_min, row.windows_min}) {
        if (!driver) continue;
        (void)data::driver_version_str(*driver);
        (void)table.max_cuda_for_driver(*driver, os);
        (void)table.newest_row_for_driver(*driver, os);
        (void)table.compatible_majors(*driver, os);
      }
    }
    for (long major : table.compat_majors()) {
      (void)table.minor_compat_floor(major, os);
      (void)table.minor_compat_note(major);
    }
  }
  return 0;
}
