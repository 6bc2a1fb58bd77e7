// NVIDIA's "Table 3: CUDA Toolkit and Corresponding Driver Versions" both ways,
// plus minor-version compatibility floors (DESIGN §3 rule 3).
// Source: data/cuda-driver-table.json (NVIDIA CUDA Toolkit release notes).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "data/store.h"
#include "util/expected.h"
#include "util/version.h"

namespace torchup::data {

enum class DriverOs { kLinux, kWindows };

struct CudaTableRow {
  std::string toolkit;  // "CUDA 12.4 Update 1"
  DottedVersion cuda;   // 12.4 (major.minor; the update number is in `toolkit`)
  std::optional<DottedVersion> linux_min;
  std::optional<DottedVersion> windows_min;
};

class CudaDriverTable {
 public:
  // Parses cuda-driver-table.json; a clear error names the row and field on bad input.
  static Expected<CudaDriverTable> parse(const std::string& json_text);

  const std::vector<CudaTableRow>& rows() const { return rows_; }
  // Highest CUDA major.minor whose minimum driver (Table 3) is <= driver;
  // nullopt when the driver is older than every row.
  std::optional<DottedVersion> max_cuda_for_driver(const DottedVersion& driver, DriverOs os) const;
  // Minimum driver for CUDA major.minor (its GA row); nullopt when Table 3 gives none.
  std::optional<DottedVersion> min_driver_for_cuda(const DottedVersion& cuda, DriverOs os) const;
  // Minor-version compatibility floor of a CUDA major (11: 450.80.02 Linux / 452.39 Windows).
  std::optional<DottedVersion> minor_compat_floor(long cuda_major, DriverOs os) const;
  // CUDA majors this driver can run through minor-version compatibility.
  std::vector<long> compatible_majors(const DottedVersion& driver, DriverOs os) const;

 private:
  std::vector<CudaTableRow> rows_;
  struct Floor {
    long major;
    std::optional<DottedVersion> linux_min;
    std::optional<DottedVersion> windows_min;
  };
  std::vector<Floor> floors_;
};

Expected<CudaDriverTable> load_cuda_table(DataStore& store);

}  // namespace torchup::data
