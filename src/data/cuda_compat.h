// `torchup cuda-compat`: NVIDIA Table 3 both ways, as report values.
//   driver -> the highest CUDA it supports fully, and the CUDA majors it can run
//             through minor-version compatibility;
//   CUDA X.Y -> the minimum driver on Linux and on Windows.
// Pure: takes the parsed table and the user's text, returns a report or a usage
// error. Rendering to text lives in cli/cmd_cuda_compat.cpp; JSON is here so the
// contract is testable without the CLI.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "data/cuda_table.h"

namespace torchup::data {

// Where the driver report's OS table came from, said in the output.
enum class OsSource {
  kGiven,        // --os
  kShape,        // three parts: only Linux drivers look like 470.57.02
  kFileVersion,  // four parts: a Windows driver file version (32.0.15.6636)
  kThisComputer, // two parts fit both tables: the OS torchup runs on
};

struct DriverQuery {
  std::string text;               // "470.57.02", "566.36", "32.0.15.6636"
  std::optional<DriverOs> os;     // --os
  std::string this_computer_os;   // host::SystemFacts::os_family ("linux", "windows", "macos")
};

// One CUDA major with minor-version compatibility, judged for the driver.
struct MajorCompat {
  long major = 0;
  std::optional<DottedVersion> floor;  // nullopt: NVIDIA gives none for this OS
  bool runs = false;                   // driver >= floor
  std::string note;                    // the data's remark (e.g. 13.x only ">= 580")
};

struct DriverReport {
  DottedVersion driver;
  std::string driver_text;                  // as NVIDIA writes it ("470.57.02")
  std::optional<std::string> file_version;  // the Windows file version it was decoded from
  DriverOs os = DriverOs::kLinux;
  OsSource os_source = OsSource::kGiven;
  std::optional<CudaTableRow> full;  // newest Table 3 row the driver meets
  std::optional<CudaTableRow> next;  // the next CUDA X.Y's first release (upgrade target)
  std::vector<MajorCompat> majors;   // every major with a floor (11, 12, 13)
  std::vector<Text> notes;           // caveats to print after the verdict
};

struct CudaReport {
  DottedVersion cuda;                    // 12.4
  std::vector<CudaTableRow> releases;    // its Table 3 rows, first release first
  std::optional<DottedVersion> linux_min;
  std::optional<DottedVersion> windows_min;
  std::string windows_note;              // why Windows is not listed (13.x)
  std::optional<DriverOs> only_os;       // --os restricts the answer to one table
  MajorCompat linux_family;              // the major's minor-version floor (runs unused)
  MajorCompat windows_family;
};

// Parses the user's driver text; usage errors (exit 2) name what was wrong.
Expected<DriverReport> make_driver_report(const CudaDriverTable& table, const DriverQuery& query);
// Parses "12.4", "12.4.1" or "cu124"; an X.Y missing from Table 3 is kNotFound.
Expected<CudaReport> make_cuda_report(const CudaDriverTable& table, const std::string& cuda_text,
                                      std::optional<DriverOs> os);

// "Driver 470.57.02 (Linux) supports CUDA up to 11.4; with minor-version
// compatibility it can also run any CUDA 11.x" (no colour, no trailing period).
Text driver_verdict(const DriverReport& report);
Text cuda_verdict(const CudaReport& report);

std::string os_label(DriverOs os);       // "Linux", "Windows"
std::string os_id(DriverOs os);          // "linux", "windows"
Text os_source_text(const DriverReport& report);  // why that table

nlohmann::json to_json(const DriverReport& report);
nlohmann::json to_json(const CudaReport& report);

// Windows driver file version -> NVIDIA version: the last five digits of
// (third * 10000 + fourth) read as XXX.YY (32.0.15.6636 -> 566.36). Source:
// data/cuda-driver-min-versions.json "windows_driver_version_decoding" (a recalled
// convention there, not verified on a device). nullopt when the shape is wrong.
std::optional<DottedVersion> decode_windows_file_version(const DottedVersion& file_version);

}  // namespace torchup::data
