// Parses NVIDIA Table 3 (data/cuda-driver-table.json) and answers driver <-> CUDA
// questions. Every number comes from the data file; this file holds no driver values.
//
// Why the GA row: Table 3 lists one row per toolkit release (GA and each Update);
// the minimum driver for "CUDA X.Y" is the lowest of its rows (the GA, or the
// 11.0.1 RC for 11.0), which is what data's "min_driver_by_major_minor_ga" lists too.
#include "data/cuda_table.h"

#include <nlohmann/json.hpp>

#include <algorithm>

#include <cctype>

namespace torchup::data {

using nlohmann::json;

namespace {

constexpr const char* kFile = "cuda-driver-table.json";

Error bad(const std::string& where, const std::string& problem) {
  return make_error(ErrorKind::kParse, std::string(kFile) + ": " + where + ": " + problem);
}

// "CUDA 12.4 Update 1" -> 12.4; "CUDA 11.4.0 GA" -> 11.4; "CUDA 10.1 (10.1.105 ...)" -> 10.1.
std::optional<DottedVersion> cuda_of_toolkit(const std::string& toolkit) {
  const std::string prefix = "CUDA ";
  if (toolkit.rfind(prefix, 0) != 0) return std::nullopt;
  std::size_t end = prefix.size();
  while (end < toolkit.size() && (std::isdigit(static_cast<unsigned char>(toolkit[end])) ||
                                  toolkit[end] == '.')) {
    ++end;
  }
  auto v = DottedVersion::parse(toolkit.substr(prefix.size(), end - prefix.size()));
  if (!v || v->parts().size() < 2) return std::nullopt;
  return v->truncated(2);
}

// A driver field: a version string or null. Anything else is an error.
Expected<std::optional<DottedVersion>> driver_field(const json& row, const char* field,
                                                    const std::string& where) {
  auto it = row.find(field);
  if (it == row.end() || it->is_null()) return std::optional<DottedVersion>{};
  if (!it->is_string()) return bad(where + "." + field, "expected a version string or null");
  auto v = DottedVersion::parse(it->get<std::string>());
  if (!v) return bad(where + "." + field, "'" + it->get<std::string>() + "' is not a version");
  return std::optional<DottedVersion>{*v};
}

// Minor-version floors are written "450.80.02" or ">=580" (family range only).
Expected<std::optional<DottedVersion>> floor_field(const json& entry, const char* field,
                                                   const std::string& where) {
  auto it = entry.find(field);
  if (it == entry.end() || it->is_null()) return std::optional<DottedVersion>{};
  if (!it->is_string()) return bad(where + "." + field, "expected a version string or null");
  std::string text = it->get<std::string>();
  if (text.rfind(">=", 0) == 0) text = text.substr(2);
  auto v = DottedVersion::parse(text);
  if (!v) return bad(where + "." + field, "'" + it->get<std::string>() + "' is not a version");
  return std::optional<DottedVersion>{*v};
}

const std::optional<DottedVersion>& for_os(const CudaTableRow& row, DriverOs os) {
  return os == DriverOs::kLinux ? row.linux_min : row.windows_min;
}

}  // namespace

Expected<CudaDriverTable> CudaDriverTable::parse(const std::string& json_text) {
  auto doc = json::parse(json_text, nullptr, false);
  if (doc.is_discarded()) return bad("document", "not valid JSON (truncated or corrupt)");
  if (!doc.is_object()) return bad("document", "expected a JSON object");
  auto table = doc.find("table3");
  if (table == doc.end() || !table->is_array()) return bad("table3", "missing or not an array");
  if (table->empty()) return bad("table3", "has no rows");

  CudaDriverTable out;
  for (std::size_t i = 0; i < table->size(); ++i) {
    const json& row = (*table)[i];
    std::string where = "table3[" + std::to_string(i) + "]";
    if (!row.is_object()) return bad(where, "expected an object");
    auto tk = row.find("toolkit");
    if (tk == row.end() || !tk->is_string()) return bad(where + ".toolkit", "missing or not a string");
    CudaTableRow parsed;
    parsed.toolkit = tk->get<std::string>();
    auto cuda = cuda_of_toolkit(parsed.toolkit);
    if (!cuda) return bad(where + ".toolkit", "'" + parsed.toolkit + "' names no CUDA X.Y");
    parsed.cuda = *cuda;
    auto lin = driver_field(row, "linux_x86_64_min_driver", where);
    if (!lin) return lin.error();
    auto win = driver_field(row, "windows_x86_64_min_driver", where);
    if (!win) return win.error();
    if (!*lin && !*win) return bad(where, "neither a Linux nor a Windows driver is given");
    parsed.linux_min = *lin;
    parsed.windows_min = *win;
    if (auto note = row.find("windows_note"); note != row.end() && note->is_string()) {
      parsed.windows_note = note->get<std::string>();
    }
    out.rows_.push_back(std::move(parsed));
  }

  if (auto mvc = doc.find("minor_version_compatibility"); mvc != doc.end()) {
    if (!mvc->is_object()) return bad("minor_version_compatibility", "expected an object");
    for (const auto& [key, entry] : mvc->items()) {
      std::string where = "minor_version_compatibility." + key;
      // Keys are "11.x", "12.x", ...
      auto dot = key.find('.');
      auto major = DottedVersion::parse(key.substr(0, dot));
      if (!major || key.substr(dot == std::string::npos ? key.size() : dot) != ".x") {
        return bad(where, "key should look like '12.x'");
      }
      if (!entry.is_object()) return bad(where, "expected an object");
      auto lin = floor_field(entry, "linux_min", where);
      if (!lin) return lin.error();
      auto win = floor_field(entry, "windows_min", where);
      if (!win) return win.error();
      Floor floor{major->major(), *lin, *win, {}};
      if (auto note = entry.find("note"); note != entry.end() && note->is_string()) {
        floor.note = note->get<std::string>();
      }
      out.floors_.push_back(std::move(floor));
    }
    std::sort(out.floors_.begin(), out.floors_.end(),
              [](const Floor& a, const Floor& b) { return a.major < b.major; });
  }
  return out;
}

const CudaTableRow* CudaDriverTable::newest_row_for_driver(const DottedVersion& driver,
                                                           DriverOs os) const {
  const CudaTableRow* best = nullptr;
  for (const auto& row : rows_) {
    const auto& min = for_os(row, os);
    if (!min || *min > driver) continue;
    // Highest CUDA wins; among rows of the same CUDA the newest update (highest driver).
    if (!best || row.cuda > best->cuda ||
        (row.cuda == best->cuda && *min > *for_os(*best, os))) {
      best = &row;
    }
  }
  return best;
}

std::optional<DottedVersion> CudaDriverTable::max_cuda_for_driver(const DottedVersion& driver,
                                                                  DriverOs os) const {
  const auto* row = newest_row_for_driver(driver, os);
  if (!row) return std::nullopt;
  return row->cuda;
}

std::optional<DottedVersion> CudaDriverTable::min_driver_for_cuda(const DottedVersion& cuda,
                                                                  DriverOs os) const {
  auto wanted = cuda.truncated(2);
  std::optional<DottedVersion> lowest;
  for (const auto& row : rows_) {
    if (row.cuda != wanted) continue;
    const auto& min = for_os(row, os);
    if (min && (!lowest || *min < *lowest)) lowest = *min;
  }
  return lowest;
}

const CudaTableRow* CudaDriverTable::ga_row_for_cuda(const DottedVersion& cuda) const {
  auto wanted = cuda.truncated(2);
  const CudaTableRow* ga = nullptr;
  for (const auto& row : rows_) {
    if (row.cuda != wanted) continue;
    // The data lists rows newest first; the last matching row is the earliest release.
    ga = &row;
  }
  return ga;
}

bool CudaDriverTable::knows_cuda(const DottedVersion& cuda) const {
  return ga_row_for_cuda(cuda) != nullptr;
}

std::optional<DottedVersion> CudaDriverTable::minor_compat_floor(long cuda_major,
                                                                 DriverOs os) const {
  for (const auto& floor : floors_) {
    if (floor.major == cuda_major) return os == DriverOs::kLinux ? floor.linux_min : floor.windows_min;
  }
  return std::nullopt;
}

std::optional<std::string> CudaDriverTable::minor_compat_note(long cuda_major) const {
  for (const auto& floor : floors_) {
    if (floor.major == cuda_major && !floor.note.empty()) return floor.note;
  }
  return std::nullopt;
}

std::vector<long> CudaDriverTable::compat_majors() const {
  std::vector<long> out;
  for (const auto& floor : floors_) out.push_back(floor.major);
  return out;
}

std::vector<long> CudaDriverTable::compatible_majors(const DottedVersion& driver,
                                                     DriverOs os) const {
  std::vector<long> out;
  for (const auto& floor : floors_) {
    const auto& min = os == DriverOs::kLinux ? floor.linux_min : floor.windows_min;
    if (min && driver >= *min) out.push_back(floor.major);
  }
  return out;
}

Expected<CudaDriverTable> load_cuda_table(DataStore& store) {
  return store.load<CudaDriverTable>(kFile, [](const std::string& text) {
    return CudaDriverTable::parse(text);
  });
}

std::string driver_version_str(const DottedVersion& driver) {
  std::string out;
  for (std::size_t i = 0; i < driver.parts().size(); ++i) {
    if (i > 0) out += '.';
    std::string part = std::to_string(driver.parts()[i]);
    if (i > 0 && part.size() < 2) part.insert(0, 2 - part.size(), '0');
    out += part;
  }
  return out;
}

}  // namespace torchup::data
