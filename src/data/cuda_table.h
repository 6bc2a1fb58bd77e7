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
  std::string windows_note;  // the data's "windows_note" (why Windows is null), may be empty
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

  // The Table 3 row behind max_cuda_for_driver (newest update the driver covers), so a
  // report can name "CUDA 11.4 Update 2"; nullptr when the driver predates every row.
  const CudaTableRow* newest_row_for_driver(const DottedVersion& driver, DriverOs os) const;
  // The first release row (GA, or 11.0's RC) of CUDA major.minor; nullptr when unlisted.
  const CudaTableRow* ga_row_for_cuda(const DottedVersion& cuda) const;
  bool knows_cuda(const DottedVersion& cuda) const;
  // The data's remark on a major's floor (e.g. 13.x is only given as ">=580"), if any.
  std::optional<std::string> minor_compat_note(long cuda_major) const;
  // Majors that have minor-version compatibility at all (11, 12, 13 in the data).
  std::vector<long> compat_majors() const;

 private:
  std::vector<CudaTableRow> rows_;
  struct Floor {
    long major;
    std::optional<DottedVersion> linux_min;
    std::optional<DottedVersion> windows_min;
    std::string note;
  };
  std::vector<Floor> floors_;  // sorted by major
};

Expected<CudaDriverTable> load_cuda_table(DataStore& store);

// A driver version as NVIDIA writes it: parts after the first have at least two
// digits ("470.57.02", "570.124.06", "566.36"). DottedVersion::str() drops the
// leading zero ("470.57.2"), which no NVIDIA page or nvidia-smi prints. Every
// driver in data/cuda-driver-table.json round-trips (tests/cuda/cuda_table_test.cpp).
std::string driver_version_str(const DottedVersion& driver);

}  // namespace torchup::data
